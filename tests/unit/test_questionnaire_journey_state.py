"""The journey state kept in the session: read back only when it fits the questionnaire."""

from __future__ import annotations

from typing import Any

from portal.questionnaire import WHAT_HELP, load_questionnaire
from portal.questionnaire.journey import SESSION_KEY, load_journey, previous_block, route, save_journey

QUESTIONNAIRE = load_questionnaire(WHAT_HELP)


def test_a_journey_round_trips_through_the_session() -> None:
    session: dict[str, Any] = {}
    journey, restarted = load_journey(QUESTIONNAIRE, session)
    assert not restarted and not journey.started
    journey.record(QUESTIONNAIRE.block("who"), {"who": "child"})
    journey.record(QUESTIONNAIRE.block("safety"), {"danger_now": "no", "child_harmed": "no"})
    journey.record(QUESTIONNAIRE.block("self_harm_child"), {"self_harm_child": "no"})
    journey.record(QUESTIONNAIRE.block("ages"), {"ages": (3, 9)})
    save_journey(journey, session)
    again, restarted = load_journey(QUESTIONNAIRE, session)
    assert not restarted and again.answers["ages"] == (3, 9)
    assert [block.id for block in route(QUESTIONNAIRE, again)] == ["who", "safety", "self_harm_child", "ages",
                                                                   "worries"]
    assert previous_block(QUESTIONNAIRE, again, "worries").id == "ages"  # type: ignore[union-attr]


def test_a_safety_concern_routes_to_urgent_help_and_stops() -> None:
    journey, _ = load_journey(QUESTIONNAIRE, {})
    journey.record(QUESTIONNAIRE.block("who"), {"who": "me"})
    journey.record(QUESTIONNAIRE.block("safety"), {"danger_now": "yes", "child_harmed": "no"})
    assert route(QUESTIONNAIRE, journey)[-1].id == "urgent"


def test_not_sure_carries_on_from_urgent_help_only_once_the_person_asks() -> None:
    journey, _ = load_journey(QUESTIONNAIRE, {})
    journey.record(QUESTIONNAIRE.block("who"), {"who": "child"})
    journey.record(QUESTIONNAIRE.block("safety"), {"danger_now": "not_sure", "child_harmed": "no"})
    assert route(QUESTIONNAIRE, journey)[-1].id == "urgent"
    journey.record(QUESTIONNAIRE.block("urgent"), {})  # "Carry on with the questions"
    assert [block.id for block in route(QUESTIONNAIRE, journey)][-2:] == ["urgent", "self_harm_child"]
    # Changing the answer to "yes" ends the journey on urgent help again, carried on or not.
    journey.record(QUESTIONNAIRE.block("safety"), {"danger_now": "yes", "child_harmed": "no"})
    assert route(QUESTIONNAIRE, journey)[-1].id == "urgent"


def test_answers_given_past_an_unanswered_safety_question_are_not_a_way_round_it() -> None:
    journey, _ = load_journey(QUESTIONNAIRE, {})
    journey.record(QUESTIONNAIRE.block("who"), {"who": "me"})
    journey.record(QUESTIONNAIRE.block("worries"), {"worries": ("housing",)})
    assert route(QUESTIONNAIRE, journey)[-1].id == "safety"
    journey.record(QUESTIONNAIRE.block("safety"), {"danger_now": "no", "child_harmed": "no"})
    assert route(QUESTIONNAIRE, journey)[-1].id == "self_harm_me"


def test_a_stale_or_tampered_state_starts_again() -> None:
    for saved in ({"version": "old", "answers": {}, "completed": []},
                  "nonsense",
                  {"answers": {"who": ["me", "child"]}, "completed": ["who"]}):
        session: dict[str, Any] = {SESSION_KEY: saved}
        journey, restarted = load_journey(QUESTIONNAIRE, session)
        assert restarted and not journey.started and SESSION_KEY not in session
