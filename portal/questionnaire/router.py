"""Moving through a questionnaire: where to start, where to go next, and checking what someone
entered on a page.

Routing: the current block's rules are tried in order and the first whose `when` holds wins (a
rule without `when` is the default). If the target block's skip conditions hold, the target is
skipped: routing carries on from it as if its questions had not been answered. On an outcome page
no rule may match: then the journey ends there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from portal.geo.postcodes import normalise_outcode, normalise_postcode
from portal.inputs import MAX_DIGITS, has_control_characters
from portal.questionnaire.model import Answer, Block, Questionnaire
from portal.questionnaire.rules import Answers, AnswerValue

# Error keys and their plain-English messages. Routes pass the message through gettext; N_ only marks
# them for extraction (this module has no Flask imports).
N_ = str

ERROR_MESSAGES = {
    "choose_one": N_("Choose one answer."),
    "choose_at_least_one": N_("Choose at least one answer."),
    "unknown_option": N_("Choose one of the answers shown."),
    "enter_an_age": N_("Enter at least one age."),
    "age_whole_number": N_("Enter each age as a number, like 7 or 18 months."),
    "age_range": N_("Enter ages from 0 to 25."),
    "too_many_ages": N_("Enter up to 6 ages."),
    "postcode_format": N_("Enter a postcode or a town, like OL6 6BH or Hyde."),
    "enter_postcode": N_("Enter a postcode or a town, like OL6 6BH or Hyde."),
    "control_characters": N_("Remove the hidden control characters from your answer."),
}


class RoutingCycleError(RuntimeError):
    """Skipping blocks led back to a block already skipped: the questionnaire loops."""


@dataclass(frozen=True)
class Step:
    """Where routing goes from a block: `target` (None when the journey ends) and the blocks skipped."""

    target: Block | None
    skipped: tuple[str, ...] = ()


def first_block(questionnaire: Questionnaire) -> Block:
    return questionnaire.first_block


def is_skipped(block: Block, answers: Answers) -> bool:
    return any(rule.holds(answers) for rule in block.skip_conditions)


def routed_target(block: Block, answers: Answers) -> str | None:
    """The goto of the first rule that holds (a rule without `when` always holds)."""
    for rule in block.routing_rules:
        if rule.when is None or rule.when.holds(answers):
            return rule.goto
    return None


def step(questionnaire: Questionnaire, block: Block, answers: Answers) -> Step:
    """Route from `block`, skipping targets whose skip conditions hold."""
    skipped: list[str] = []
    current = block
    while True:
        target_id = routed_target(current, answers)
        if target_id is None:
            return Step(None, tuple(skipped))
        target = questionnaire.block(target_id)
        if not is_skipped(target, answers):
            return Step(target, tuple(skipped))
        if target_id in skipped:
            raise RoutingCycleError(f"skipping '{target_id}' leads back to it")
        skipped.append(target_id)
        answers = without_answers_to(target, answers)
        current = target


def next_block(questionnaire: Questionnaire, block_id: str, answers: Answers) -> Block | None:
    """The block after `block_id`, or None when the journey ends on this (outcome) block."""
    return step(questionnaire, questionnaire.block(block_id), answers).target


def without_answers_to(block: Block, answers: Answers) -> dict[str, AnswerValue]:
    own = {answer.id for answer in block.answers}
    return {answer_id: value for answer_id, value in answers.items() if answer_id not in own}


@dataclass(frozen=True)
class Invalid:
    """An answer that cannot be accepted: `error` is a key of ERROR_MESSAGES."""

    error: str

    @property
    def message(self) -> str:
        return ERROR_MESSAGES[self.error]


@dataclass(frozen=True)
class Valid:
    value: AnswerValue  # None: not answered (allowed)


Raw = str | Sequence[str] | None


def validate_answer(answer: Answer, raw: Raw, places: Mapping[str, str] | None = None) -> Valid | Invalid:
    """Clean what was entered for one answer, or say what is wrong with it. `places` are the town
    names a postcode question also accepts (what people type, in lower case -> the town's name)."""
    if any(has_control_characters(text) for text in ([raw] if isinstance(raw, str) else list(raw or []))):
        return Invalid("control_characters")
    if answer.type == "radio":
        return _radio(answer, raw)
    if answer.type == "checkbox":
        return _checkbox(answer, raw)
    if answer.type == "number_list":
        return _numbers(answer, raw)
    return _postcode(answer, raw, places or {})


def validate_block(block: Block, raw: Mapping[str, Raw], places: Mapping[str, str] | None = None
                   ) -> tuple[dict[str, AnswerValue], dict[str, Invalid]]:
    """Clean every answer on a page: (answers given, errors by answer id)."""
    cleaned: dict[str, AnswerValue] = {}
    errors: dict[str, Invalid] = {}
    for answer in block.answers:
        result = validate_answer(answer, raw.get(answer.id), places)
        if isinstance(result, Invalid):
            errors[answer.id] = result
        elif result.value is not None:
            cleaned[answer.id] = result.value
    return cleaned, errors


def _texts(raw: Raw) -> list[str]:
    items = [raw] if isinstance(raw, str) else list(raw or [])
    return [item.strip() for item in items if item and item.strip()]


def _radio(answer: Answer, raw: Raw) -> Valid | Invalid:
    chosen = _texts(raw)
    if not chosen:
        return Invalid("choose_one") if answer.mandatory else Valid(None)
    if len(chosen) > 1:
        return Invalid("choose_one")
    if chosen[0] not in answer.values:
        return Invalid("unknown_option")
    return Valid(chosen[0])


def _checkbox(answer: Answer, raw: Raw) -> Valid | Invalid:
    chosen = set(_texts(raw))
    if not chosen:
        return Invalid("choose_at_least_one") if answer.mandatory else Valid(())
    if not chosen <= set(answer.values):
        return Invalid("unknown_option")
    return Valid(tuple(value for value in answer.values if value in chosen))  # in the order offered


# Ages as people write them, in each of the site's languages: "7 and 12", "7, 12", "7 12", "18 months",
# "2 years", "3 years old"; "7 i 12", "18 miesięcy"; "18 مہینے"; "2 বছর"; "7 و 12". Digits are ASCII
# only (portal.inputs): a number in another script gets the clear "enter each age as a number" message.
_AGE_UNITS = {
    # Words for a unit -> how many of it make a year. Longer words first, so "months" is not read as "month".
    "years": ("years", "year", "yrs", "yr", "lata", "latka", "latek", "lat", "roku", "rok",
              "سال", "برس", "বছরের", "বছর", "سنوات", "سنين", "سنة", "أعوام", "عام"),
    "months": ("months", "month", "mths", "mth", "miesięcy", "miesiące", "miesiąc", "مہینے", "مہینہ", "ماہ",
               "মাসের", "মাস", "شهرًا", "شهرا", "أشهر", "شهور", "شهر"),
    "weeks": ("weeks", "week", "wks", "wk", "tygodni", "tygodnie", "tydzień", "ہفتے", "ہفتہ",
              "সপ্তাহের", "সপ্তাহ", "أسابيع", "أسبوعا", "أسبوع"),
}
_PER_YEAR = {"years": 1, "months": 12, "weeks": 52}
_UNIT_OF = {word: unit for unit, words in _AGE_UNITS.items() for word in words}
_AGE = re.compile(r"([0-9]{1,%d})\s*(%s)?(?:\s+old)?" % (
    MAX_DIGITS, "|".join(re.escape(word) for word in sorted(_UNIT_OF, key=len, reverse=True))), re.IGNORECASE)
# Between ages: spaces, commas (also the Arabic comma), "and" in each language ("و" may be joined on).
_AGE_SEPARATORS = re.compile(r"(?:[\s,;&+/،]|\b(?:and|i|اور|এবং|ও)\b|و)*", re.IGNORECASE)


def _numbers(answer: Answer, raw: Raw) -> Valid | Invalid:
    # One box per age, or one box with several ages, in years, or in months or weeks for a baby.
    texts = _texts(raw)
    if not texts:
        return Invalid("enter_an_age") if answer.mandatory else Valid(None)
    numbers: list[int] = []
    for text in texts:
        found = list(_AGE.finditer(text))
        gaps = [text[end:start] for end, start in zip([0] + [m.end() for m in found], [m.start() for m in found]
                                                      + [len(text)])]
        if not found or not all(_AGE_SEPARATORS.fullmatch(gap) for gap in gaps):
            return Invalid("age_whole_number")
        for match in found:
            unit = _UNIT_OF.get((match.group(2) or "years").lower(), "years")
            numbers.append(int(match.group(1)) // _PER_YEAR[unit])
    if answer.max_items is not None and len(numbers) > answer.max_items:
        return Invalid("too_many_ages")
    low = answer.minimum if answer.minimum is not None else 0
    high = answer.maximum if answer.maximum is not None else max(numbers)
    if not all(low <= number <= high for number in numbers):
        return Invalid("age_range")
    return Valid(tuple(numbers))


def _postcode(answer: Answer, raw: Raw, places: Mapping[str, str]) -> Valid | Invalid:
    """A full postcode, an outward code ("OL6") or a town the questionnaire knows, in its usual form."""
    text = " ".join(_texts(raw))
    if not text:
        return Invalid("enter_postcode") if answer.mandatory else Valid(None)
    town = places.get(" ".join(text.lower().replace("-", " ").split()))
    place = normalise_postcode(text) or normalise_outcode(text) or town
    return Valid(place) if place else Invalid("postcode_format")
