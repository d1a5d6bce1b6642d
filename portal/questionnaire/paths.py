"""Every path through a questionnaire, for the exhaustive safety proof (see safety.py).

Depth-first from the first block: on each block, try every combination of the answer values that
can change where routing goes, follow the route (with skips), and record the path when it ends.

Which answer values "matter" (the candidates for one answer):

- radio: every option, plus "not answered" when the question is optional.
- checkbox: the empty selection when the question is optional, each single option, and one
  selection for every combination of the *membership classes* of the any-in lists that rules
  use on this answer. Trying every selection would be 2^16 for the needs question. It is not
  needed: the only rules a checkbox answer can meet are "any-in" (is any ticked value in list L?)
  and "answered" (checks.py refuses "==" and "in" on a checkbox). So two selections that touch
  the same classes of options - options grouped by which lists they belong to - make every
  rule give the same result and route the same way. One representative option per class and
  every non-empty set of classes therefore covers every way routing can go: for each list a
  selection hitting it and one missing it, and every mixture of those. Single options are
  added so that every option is seen on some path.
- number_list and postcode: one representative value, plus "not answered" when optional (rules
  can only ask whether they were answered).
- an outcome page's offer (e.g. ask for contact): every option and "not answered", because
  leaving the page is always possible.
- an outcome page with `carry_on`: a path that leaves there, and the path that carries on to
  where its routing rules lead (if one holds).

A block already on the path, or a skip that leads back to itself, ends the path as a cycle
instead of looping forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations, product

from portal.questionnaire.model import Answer, Block, Questionnaire
from portal.questionnaire.router import RoutingCycleError, step
from portal.questionnaire.rules import AnswerValue, conditions

OUTCOME_END = "outcome"  # ended on an outcome page
DEAD_END = "dead_end"  # a question page that no rule routes on from
CYCLE = "cycle"  # routing came back to a block already on the path
MAX_CLASSES = 10  # membership classes per checkbox answer: 2^10 - 1 selections at most
REPRESENTATIVE_POSTCODE = "OL6 6BH"


class TooManyPaths(RuntimeError):
    pass


@dataclass(frozen=True)
class Path:
    blocks: tuple[str, ...]  # the blocks shown, in order
    answers: dict[str, AnswerValue] = field(hash=False)
    skipped: tuple[str, ...] = ()
    end: str = OUTCOME_END

    @property
    def last(self) -> str:
        return self.blocks[-1]

    def describe(self) -> str:
        given = ", ".join(f"{key}={_show(value)}" for key, value in self.answers.items())
        return f"{' > '.join(self.blocks)} ({given or 'no answers'})"


def enumerate_paths(questionnaire: Questionnaire, limit: int = 100_000) -> list[Path]:
    """Every path from the first block to the end of the journey (see the module docstring)."""
    any_in_lists = _any_in_lists(questionnaire)
    paths: list[Path] = []

    def visit(block: Block, blocks: tuple[str, ...], answers: dict[str, AnswerValue], skipped: tuple[str, ...]) -> None:
        if block.id in blocks:
            paths.append(Path(blocks + (block.id,), answers, skipped, CYCLE))
            return
        blocks = blocks + (block.id,)
        if block.carry_on:  # the person may leave here, or carry on
            paths.append(Path(blocks, answers, skipped, OUTCOME_END))
        for chosen in _combinations(block, any_in_lists):
            if len(paths) > limit:
                raise TooManyPaths(f"more than {limit} paths through {questionnaire.path}")
            given = {**answers, **{key: value for key, value in chosen.items() if value is not None}}
            try:
                route = step(questionnaire, block, given)
            except RoutingCycleError:
                paths.append(Path(blocks, given, skipped, CYCLE))
                continue
            if route.target is None:
                if block.carry_on:
                    continue  # nowhere to carry on to: the path that leaves here is already recorded
                end = OUTCOME_END if block.is_outcome else DEAD_END
                paths.append(Path(blocks, given, skipped + route.skipped, end))
            else:
                visit(route.target, blocks, given, skipped + route.skipped)

    visit(questionnaire.first_block, (), {}, ())
    return paths


def candidate_values(answer: Answer, any_in_lists: tuple[tuple[str, ...], ...] = ()) -> list[AnswerValue]:
    """The values of one answer worth trying (see the module docstring)."""
    optional: list[AnswerValue] = [] if answer.mandatory else [None]
    if answer.type == "radio":
        return [*answer.values, *optional]
    if answer.type == "checkbox":
        empty: list[AnswerValue] = [] if answer.mandatory else [()]
        return _unique(empty + [(value,) for value in answer.values] + list(_class_selections(answer, any_in_lists)))
    if answer.type == "number_list":
        low = answer.minimum or 0
        high = answer.maximum if answer.maximum is not None else low
        return [((low + high) // 2,), *optional]
    return [REPRESENTATIVE_POSTCODE, *optional]


def _class_selections(answer: Answer, lists: tuple[tuple[str, ...], ...]) -> Iterator[tuple[str, ...]]:
    representatives: dict[tuple[bool, ...], str] = {}
    for value in answer.values:
        representatives.setdefault(tuple(value in values for values in lists), value)
    classes = list(representatives.values())
    if len(classes) > MAX_CLASSES:
        raise TooManyPaths(f"answer '{answer.id}' has {len(classes)} classes of options: too many to try")
    for size in range(1, len(classes) + 1):
        for chosen in combinations(classes, size):
            yield tuple(value for value in answer.values if value in chosen)


AnyInLists = dict[str, tuple[tuple[str, ...], ...]]


def _combinations(block: Block, any_in_lists: AnyInLists) -> Iterator[dict[str, AnswerValue]]:
    if not block.answers:
        yield {}
        return
    ids = [answer.id for answer in block.answers]
    choices = [candidate_values(answer, any_in_lists.get(answer.id, ())) for answer in block.answers]
    for values in product(*choices):
        yield dict(zip(ids, values))


def _any_in_lists(questionnaire: Questionnaire) -> AnyInLists:
    found: dict[str, list[tuple[str, ...]]] = {}
    for block in questionnaire.blocks:
        rules = [rule.when for rule in block.routing_rules if rule.when is not None] + list(block.skip_conditions)
        for rule in rules:
            for condition in conditions(rule):
                if condition.operator == "any-in" and condition.values not in found.get(condition.answer_id, []):
                    found.setdefault(condition.answer_id, []).append(condition.values)
    return {answer_id: tuple(lists) for answer_id, lists in found.items()}


def _unique(values: list[AnswerValue]) -> list[AnswerValue]:
    seen: list[AnswerValue] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def _show(value: AnswerValue) -> str:
    if isinstance(value, tuple):
        return "+".join(str(item) for item in value) or "none"
    return str(value)
