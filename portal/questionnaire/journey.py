"""One person's way through the questionnaire, kept only in their (signed) session cookie.

The state is small: the answers given (by answer id), the blocks completed in the order they were
submitted, and a version stamp of the questionnaire file. The route - the blocks on the person's
way, ending where they are now - is worked out again from these on every request, by the router.

A session that does not fit the questionnaire (an older version of the file, an unknown block id,
an answer that no longer passes validation) is not trusted: `load_journey` starts again and says
so, instead of failing.

No Flask imports: the routes pass in the session (any mutable mapping).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from portal.questionnaire.model import Block, Questionnaire
from portal.questionnaire.router import Invalid, RoutingCycleError, step, validate_answer
from portal.questionnaire.rules import AnswerValue

SESSION_KEY = "questionnaire"


class StaleJourney(ValueError):
    """The saved state does not fit this questionnaire."""


@dataclass
class Journey:
    version: str
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    completed: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return bool(self.completed)

    def record(self, block: Block, cleaned: dict[str, AnswerValue]) -> None:
        """Keep the answers given on `block` (replacing earlier ones) and mark it done."""
        for answer in block.answers:
            self.answers.pop(answer.id, None)
        self.answers.update(cleaned)
        if block.id in self.completed:
            self.completed.remove(block.id)
        self.completed.append(block.id)

    def to_session(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "answers": {key: list(value) if isinstance(value, tuple) else value
                        for key, value in self.answers.items()},
            "completed": list(self.completed),
        }


def new_journey(questionnaire: Questionnaire) -> Journey:
    return Journey(version=questionnaire.version)


def load_journey(questionnaire: Questionnaire, session: MutableMapping[str, Any]) -> tuple[Journey, bool]:
    """The saved journey, or a new one. The flag is True when a saved journey had to be dropped."""
    saved = session.get(SESSION_KEY)
    if saved is None:
        return new_journey(questionnaire), False
    try:
        return _parse(questionnaire, saved), False
    except StaleJourney:
        session.pop(SESSION_KEY, None)
        return new_journey(questionnaire), True


def save_journey(journey: Journey, session: MutableMapping[str, Any]) -> None:
    session[SESSION_KEY] = journey.to_session()


def _parse(questionnaire: Questionnaire, saved: object) -> Journey:
    if not isinstance(saved, dict) or saved.get("version") != questionnaire.version:
        raise StaleJourney("another version of the questionnaire")
    answers, completed = saved.get("answers"), saved.get("completed")
    if not isinstance(answers, dict) or not isinstance(completed, list):
        raise StaleJourney("not a journey")
    block_ids = {block.id for block in questionnaire.blocks}
    if not all(isinstance(block_id, str) and block_id in block_ids for block_id in completed):
        raise StaleJourney("unknown block")
    if len(set(completed)) != len(completed):
        raise StaleJourney("a block completed twice")
    cleaned: dict[str, AnswerValue] = {}
    for answer_id, value in answers.items():
        try:
            answer = questionnaire.answer(answer_id)
        except KeyError:
            raise StaleJourney("unknown answer") from None
        result = validate_answer(answer, _as_raw(value), questionnaire.places)
        if isinstance(result, Invalid) or result.value is None:
            raise StaleJourney(f"answer '{answer_id}' is not valid")
        cleaned[answer_id] = result.value
    journey = Journey(version=saved["version"], answers=cleaned, completed=list(completed))
    try:
        route(questionnaire, journey)
    except RoutingCycleError:
        raise StaleJourney("the route loops") from None
    return journey


def _as_raw(value: object) -> str | list[str]:
    if isinstance(value, (list, tuple)):
        return [_scalar(item) for item in value]
    return _scalar(value)


def _scalar(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise StaleJourney("an answer of the wrong kind")
    return str(value)


def route(questionnaire: Questionnaire, journey: Journey) -> list[Block]:
    """The blocks on this person's way, from the first block to where they are now (the last)."""
    blocks = [questionnaire.first_block]
    while blocks[-1].id in journey.completed:
        target = step(questionnaire, blocks[-1], journey.answers).target
        if target is None or target in blocks:
            break
        blocks.append(target)
    return blocks


def previous_block(questionnaire: Questionnaire, journey: Journey, block_id: str) -> Block | None:
    """The block shown before `block_id` on this person's way, for the back link."""
    blocks = route(questionnaire, journey)
    ids = [block.id for block in blocks]
    if block_id not in ids or ids.index(block_id) == 0:
        return None
    return blocks[ids.index(block_id) - 1]
