"""The safety proof: checks on every path through a questionnaire (from paths.py).

A safety concern is an option marked `concern: true`. Its help page is the outcome named by the
option's `help` (the urgent-help page when not named). Some concerns let the person carry on with
the questions after the help page (`carry_on: true`, e.g. "I'm not sure"); the others end there.

1. Every path ends on an outcome page (no dead ends, no loops).
2. Every path asks the first safety questions before it shows any outcome page.
3. A path whose answers raise a concern goes from that page straight to the concern's help page.
   On a path with a concern, the first outcome shown is the first concern's help page.
4. A concern that does not carry on ends the journey on its help page: nothing, not even the
   contact form, is offered instead of it or after it.
5. No path reaches the contact form without a consent question (the family's own, or a
   practitioner's confirmation that the family agrees) answered "yes" on the page just before it.
6. Every outcome page is reached by some path.

`safety_problems` returns the problems in plain words (an empty list means the proof holds), so
a test, or start-up, can show exactly which path is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from portal.questionnaire.model import Option, Questionnaire
from portal.questionnaire.paths import OUTCOME_END, Path
from portal.questionnaire.rules import AnswerValue

# Block id -> answer id -> the options of that answer that are a concern.
Screens = dict[str, dict[str, list[Option]]]


@dataclass(frozen=True)
class SafetyRules:
    urgent_block: str = "urgent"
    contact_block: str = "contact"
    # The person's own consent, and a practitioner's confirmation that the family has agreed.
    consent_answers: tuple[str, ...] = ("consent", "family_consent")
    consent_value: str = "yes"


@dataclass(frozen=True)
class Concern:
    """A concern raised on a path: on which page, and the page that answers it."""

    block_id: str
    help: str
    carry_on: bool


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
    outcome_ids = frozenset(block.id for block in questionnaire.outcomes)
    for path in paths:
        problems.extend(_path_problems(questionnaire, path, rules, screens, outcome_ids))
    reached = {block_id for path in paths for block_id in path.blocks}
    for outcome in questionnaire.outcomes:
        if outcome.id not in reached:
            problems.append(f"no path reaches the outcome '{outcome.id}'")
    return problems


def _safety_screens(questionnaire: Questionnaire) -> Screens:
    """Blocks asking a safety question: block id -> answer id -> the options that are a concern."""
    screens: Screens = {}
    for block in questionnaire.blocks:
        for answer in block.answers:
            concerns = [option for option in answer.options if option.concern]
            if concerns:
                screens.setdefault(block.id, {})[answer.id] = concerns
    return screens


def concerns_on_path(path: Path, screens: Screens, rules: SafetyRules = SafetyRules()) -> list[Concern]:
    """The concerns the path's answers raise, in the order their pages were shown."""
    found: list[Concern] = []
    for block_id in path.blocks:
        for answer_id, options in screens.get(block_id, {}).items():
            found.extend(Concern(block_id, option.help or rules.urgent_block, option.carry_on)
                         for option in options if _chosen(path.answers, answer_id, option.value))
    return found


def _path_problems(questionnaire: Questionnaire, path: Path, rules: SafetyRules, screens: Screens,
                   outcome_ids: frozenset[str]) -> list[str]:
    problems = []
    outcomes = [block_id for block_id in path.blocks if block_id in outcome_ids]
    if path.end != OUTCOME_END:
        problems.append(f"path does not end on an outcome ({path.end})")
    first_screen = next((index for index, block_id in enumerate(path.blocks) if block_id in screens), None)
    if screens and first_screen is None:
        problems.append("path never asks the safety questions")
    elif outcomes and first_screen is not None and path.blocks.index(outcomes[0]) < first_screen:
        problems.append("an outcome is shown before the safety questions")
    concerns = concerns_on_path(path, screens, rules)
    misrouted = False
    for concern in concerns:
        index = path.blocks.index(concern.block_id)
        after = path.blocks[index + 1] if index + 1 < len(path.blocks) else "nowhere"
        if after != concern.help:
            misrouted = True
            problems.append(f"a safety concern at '{concern.block_id}' leads to '{after}', not to '{concern.help}'")
        elif not concern.carry_on and path.last != concern.help:
            problems.append(f"the journey goes on after '{concern.help}'")
    if concerns and outcomes and outcomes[0] != concerns[0].help and not misrouted:
        problems.append(f"'{outcomes[0]}' is shown before '{concerns[0].help}'")
    if rules.contact_block in path.blocks:
        problems.extend(_consent_problems(questionnaire, path, rules))
    # Named with the path only when something is wrong: describing every path would be slow.
    return [f"{problem}: {path.describe()}" for problem in problems]


def _consent_problems(questionnaire: Questionnaire, path: Path, rules: SafetyRules) -> list[str]:
    index = path.blocks.index(rules.contact_block)
    before = path.blocks[index - 1] if index > 0 else None
    asked = [answer_id for answer_id in rules.consent_answers if _asks(questionnaire, answer_id)]
    if not any(path.answers.get(answer_id) == rules.consent_value for answer_id in asked):
        return ["the contact form is reached without consent"]
    given_just_before = [answer_id for answer_id in asked
                         if questionnaire.block_of_answer(answer_id).id == before
                         and path.answers.get(answer_id) == rules.consent_value]
    if not given_just_before:
        return ["the contact form is not reached straight from the consent question"]
    return []


def _asks(questionnaire: Questionnaire, answer_id: str) -> bool:
    try:
        questionnaire.block_of_answer(answer_id)
    except KeyError:
        return False
    return True


def raises_concern(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether any answer given is a safety concern (an option marked `concern: true`)."""
    return any(_chosen(answers, answer_id, option.value)
               for concerns in _safety_screens(questionnaire).values()
               for answer_id, options in concerns.items() for option in options)


def ends_journey(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether an answer given is a concern that ends the journey on its help page (no carry_on)."""
    return any(_chosen(answers, answer_id, option.value)
               for concerns in _safety_screens(questionnaire).values()
               for answer_id, options in concerns.items() for option in options if not option.carry_on)


def _chosen(answers: Mapping[str, AnswerValue], answer_id: str, value: str) -> bool:
    given = answers.get(answer_id)
    return value in (given if isinstance(given, tuple) else (given,))
