"""Checks the JSON Schema cannot express: ids, goto targets, the answers and values rules refer to,
default rules and reachability. Each failure is a DataFileError naming the block (as the row,
1-based) and the field, e.g. row 3, field 'routing_rules.0.goto'."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn

from portal.datafiles import DataFileError
from portal.questionnaire.rules import Rule, conditions

if TYPE_CHECKING:
    from portal.questionnaire.model import Answer, Block, Questionnaire

# Which answer types each operator can test. "==" and "in" test one chosen value, "any-in" the
# ticked values of a checkbox, "answered" any answer.
OPERATOR_TYPES = {
    "==": ("radio",),
    "in": ("radio",),
    "any-in": ("checkbox",),
    "answered": ("radio", "checkbox", "number_list", "postcode"),
}


def check_questionnaire(questionnaire: Questionnaire) -> None:
    _check_ids(questionnaire)
    answers = {answer.id: answer for block in questionnaire.blocks for answer in block.answers}
    block_ids = {block.id for block in questionnaire.blocks}
    outcome_ids = {block.id for block in questionnaire.outcomes}
    for row, block in enumerate(questionnaire.blocks, start=1):
        fail = _failer(questionnaire, row, block)
        if row == 1 and (block.is_outcome or block.skip_conditions):
            fail("the first block must be a question that is never skipped", "type")
        for answer_index, answer in enumerate(block.answers):
            if answer.minimum is not None and answer.maximum is not None and answer.minimum > answer.maximum:
                fail("minimum is more than maximum", f"answers.{answer_index}.minimum")
            if block.is_outcome and any(option.concern for option in answer.options):
                fail("an outcome page cannot ask a safety question", f"answers.{answer_index}.options")
            for option_index, option in enumerate(answer.options):
                if option.help is not None and option.help not in outcome_ids:
                    fail(f"help '{option.help}' is not an outcome in this questionnaire",
                         f"answers.{answer_index}.options.{option_index}.help")
        if block.is_outcome and block.routing_rules and not (block.answers or block.carry_on):
            fail("an outcome page with routing rules needs an offer (answers) or carry_on: true", "routing_rules")
        if block.carry_on and (not block.is_outcome or block.answers):
            fail("only an outcome page without an offer can have carry_on", "carry_on")
        for index, rule in enumerate(block.routing_rules):
            field = f"routing_rules.{index}"
            if rule.goto not in block_ids:
                fail(f"goto '{rule.goto}' is not a block in this questionnaire", f"{field}.goto")
            if rule.goto == block.id:
                fail("a block cannot route to itself", f"{field}.goto")
            is_last = index == len(block.routing_rules) - 1
            if rule.when is None and block.is_outcome and not block.carry_on:
                fail("every rule on an outcome page needs a 'when' (leaving the page ends the journey)", field)
            if rule.when is None and not is_last:
                fail("only the last rule may have no 'when': the rules after it could never be used", field)
            if rule.when is not None and is_last and not block.is_outcome:
                fail("the last rule must have no 'when': it is the default route", field)
            if rule.when is not None:
                _check_rule(rule.when, answers, fail, f"{field}.when")
        for index, skip in enumerate(block.skip_conditions):
            _check_rule(skip, answers, fail, f"skip_conditions.{index}")
        if block.services is not None:
            needs = answers.get(block.services.needs_answer)
            if needs is None or needs.type != "checkbox":
                fail(f"'{block.services.needs_answer}' is not a checkbox answer", "services.needs_answer")
    _check_reachable(questionnaire)


Fail = Callable[[str, str], NoReturn]


def _failer(questionnaire: Questionnaire, row: int, block: Block) -> Fail:
    def fail(message: str, field: str) -> NoReturn:
        raise DataFileError(questionnaire.path, f"block '{block.id}': {message}", row=row, field=field)

    return fail


def _check_ids(questionnaire: Questionnaire) -> None:
    seen_blocks: set[str] = set()
    seen_answers: set[str] = set()
    for row, block in enumerate(questionnaire.blocks, start=1):
        fail = _failer(questionnaire, row, block)
        if block.id in seen_blocks:
            fail(f"the block id '{block.id}' is used twice", "id")
        seen_blocks.add(block.id)
        for index, answer in enumerate(block.answers):
            if answer.id in seen_answers:
                fail(f"the answer id '{answer.id}' is used twice", f"answers.{index}.id")
            seen_answers.add(answer.id)
            if len(set(answer.values)) != len(answer.values):
                fail(f"answer '{answer.id}' offers the same value twice", f"answers.{index}.options")


def _check_rule(rule: Rule, answers: dict[str, Answer], fail: Fail, field: str) -> None:
    for condition in conditions(rule):
        answer = answers.get(condition.answer_id)
        if answer is None:
            fail(f"the rule refers to answer '{condition.answer_id}', which no block asks", field)
        if answer.type not in OPERATOR_TYPES[condition.operator]:
            fail(f"'{condition.operator}' cannot test a {answer.type} answer ('{answer.id}')", field)
        unknown = [value for value in condition.values if value not in answer.values]
        if unknown:
            fail(f"answer '{answer.id}' does not offer the value '{unknown[0]}'", field)


def _check_reachable(questionnaire: Questionnaire) -> None:
    reached = {questionnaire.first_block.id}
    waiting = [questionnaire.first_block]
    while waiting:
        for target in _targets(waiting.pop()):
            if target not in reached:
                reached.add(target)
                waiting.append(questionnaire.block(target))
    for row, block in enumerate(questionnaire.blocks, start=1):
        if block.id not in reached:
            _failer(questionnaire, row, block)("no route leads to this block", "id")


def _targets(block: Block) -> Iterator[str]:
    return (rule.goto for rule in block.routing_rules)
