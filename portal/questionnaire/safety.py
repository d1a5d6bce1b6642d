"""The safety proof: checks on every path through a questionnaire (from paths.py).

1. Every path ends on an outcome page (no dead ends, no loops).
2. Every path asks the safety questions, and a path whose answers raise a concern (an option
   marked `concern: true`) goes from that page straight to the urgent-help page, and ends there:
   nothing, not even the contact form, is offered instead of it or after it.
3. No path reaches the contact form without a consent question (the family's own, or a
   practitioner's confirmation that the family agrees) answered "yes" on the page just before it.
4. Every outcome page is reached by some path.

`safety_problems` returns the problems in plain words (an empty list means the proof holds), so
a test, or start-up, can show exactly which path is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from portal.questionnaire.model import Questionnaire
from portal.questionnaire.paths import OUTCOME_END, Path
from portal.questionnaire.rules import AnswerValue


@dataclass(frozen=True)
class SafetyRules:
    urgent_block: str = "urgent"
    contact_block: str = "contact"
    # The person's own consent, and a practitioner's confirmation that the family has agreed.
    consent_answers: tuple[str, ...] = ("consent", "family_consent")
    consent_value: str = "yes"


def safety_problems(
    questionnaire: Questionnaire, paths: Sequence[Path], rules: SafetyRules = SafetyRules()
) -> list[str]:
    problems: list[str] = []
    block_ids = {block.id for block in questionnaire.blocks}
    screens = _safety_screens(questionnaire)
    if rules.urgent_block not in block_ids:
        problems.append(f"there is no '{rules.urgent_block}' outcome")
    if not screens:
        problems.append("no question is marked as a safety concern (concern: true)")
    for path in paths:
        problems.extend(_path_problems(questionnaire, path, rules, screens))
    reached = {block_id for path in paths for block_id in path.blocks}
    for outcome in questionnaire.outcomes:
        if outcome.id not in reached:
            problems.append(f"no path reaches the outcome '{outcome.id}'")
    return problems


def _safety_screens(questionnaire: Questionnaire) -> dict[str, dict[str, set[str]]]:
    """Blocks asking a safety question: block id -> answer id -> the values that are a concern."""
    screens: dict[str, dict[str, set[str]]] = {}
    for block in questionnaire.blocks:
        for answer in block.answers:
            concerns = {option.value for option in answer.options if option.concern}
            if concerns:
                screens.setdefault(block.id, {})[answer.id] = concerns
    return screens


def _path_problems(
    questionnaire: Questionnaire, path: Path, rules: SafetyRules, screens: dict[str, dict[str, set[str]]]
) -> list[str]:
    problems = []
    where = path.describe()
    if path.end != OUTCOME_END:
        problems.append(f"path does not end on an outcome ({path.end}): {where}")
    if screens and not any(block_id in screens for block_id in path.blocks):
        problems.append(f"path never asks the safety questions: {where}")
    for index, block_id in enumerate(path.blocks):
        if block_id in screens and _raises_concern(path.answers, screens[block_id]):
            after = path.blocks[index + 1] if index + 1 < len(path.blocks) else "nowhere"
            if after != rules.urgent_block:
                problems.append(f"a safety concern at '{block_id}' leads to '{after}', not urgent help: {where}")
            break
    if rules.urgent_block in path.blocks and path.last != rules.urgent_block:
        problems.append(f"the journey goes on after urgent help: {where}")
    if rules.contact_block in path.blocks:
        problems.extend(_consent_problems(questionnaire, path, rules, where))
    return problems


def _consent_problems(questionnaire: Questionnaire, path: Path, rules: SafetyRules, where: str) -> list[str]:
    index = path.blocks.index(rules.contact_block)
    before = path.blocks[index - 1] if index > 0 else None
    asked = [answer_id for answer_id in rules.consent_answers if _asks(questionnaire, answer_id)]
    if not any(path.answers.get(answer_id) == rules.consent_value for answer_id in asked):
        return [f"the contact form is reached without consent: {where}"]
    given_just_before = [answer_id for answer_id in asked
                         if questionnaire.block_of_answer(answer_id).id == before
                         and path.answers.get(answer_id) == rules.consent_value]
    if not given_just_before:
        return [f"the contact form is not reached straight from the consent question: {where}"]
    return []


def _asks(questionnaire: Questionnaire, answer_id: str) -> bool:
    try:
        questionnaire.block_of_answer(answer_id)
    except KeyError:
        return False
    return True


def raises_concern(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether any answer given is a safety concern (an option marked `concern: true`)."""
    return any(_raises_concern(answers, concerns) for concerns in _safety_screens(questionnaire).values())


def _raises_concern(answers: Mapping[str, AnswerValue], concerns: dict[str, set[str]]) -> bool:
    for answer_id, values in concerns.items():
        given = answers.get(answer_id)
        chosen = given if isinstance(given, tuple) else (given,)
        if any(value in values for value in chosen):
            return True
    return False
