"""What every questionnaire outcome lists as "Services that could help", through the real app and its
seeded directory: only services at the levels the outcome intends, for any of the children's ages,
and never the statutory services a family reaches through the HUB."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.questionnaire.journey import Journey
from portal.questionnaire.pages import matched_services, search_args, the_questionnaire
from tests.functional.test_questionnaire_journey import answer, go, safe_family
from tests.pages import fetch_page

NEVER_LISTED = {"Children's Social Care", "Children's HUB", "Out of hours team"}


def every_worry_journey(app: Flask, ages: tuple[int, ...] = (0, 7, 16)) -> Journey:
    questionnaire = the_questionnaire()
    return Journey(version=questionnaire.version, answers={
        "who": "child", "danger_now": "no", "child_harmed": "no", "ages": ages,
        "worries": questionnaire.answer("worries").values,
    })


def names_in(client: FlaskClient, url: str) -> set[str]:
    page = fetch_page(client, url)
    return {card.h3.get_text(strip=True) for card in page.select("ul.portal-card-list > li")}


def test_no_outcome_lists_social_care_the_hub_or_the_out_of_hours_team(app: Flask, client: FlaskClient) -> None:
    with app.test_request_context("/questionnaire"):
        questionnaire = the_questionnaire()
        journey = every_worry_journey(app)
        listed = {}
        for outcome in questionnaire.outcomes:
            found = matched_services(outcome, journey)
            if found is not None:
                listed[outcome.id] = ({result.document.name for result in found["results"]}, found["all_url"])
    assert set(listed) == {"services_for_all", "early_help", "domestic_abuse", "practitioner"}
    for outcome_id, (shown, all_url) in listed.items():
        assert shown, outcome_id
        assert not shown & NEVER_LISTED, outcome_id
        assert not names_in(client, all_url) & NEVER_LISTED, outcome_id
        # Without the levels, the same search would list them: the levels are what keeps them out.
        without_levels = all_url.replace("level=universal", "").replace("level=additional-needs", "")
        assert names_in(client, without_levels + "&q=social+care") & NEVER_LISTED


@pytest.mark.parametrize(("outcome_id", "levels"), [
    ("services_for_all", ["universal"]),
    ("early_help", ["universal", "additional-needs"]),
    ("domestic_abuse", ["universal", "additional-needs"]),
    ("practitioner", ["universal", "additional-needs"]),
])
def test_outcomes_search_at_their_own_levels_for_every_child(app: Flask, outcome_id: str,
                                                             levels: list[str]) -> None:
    with app.test_request_context("/questionnaire"):
        outcome = the_questionnaire().block(outcome_id)
        args = search_args(outcome, every_worry_journey(app, ages=(12, 7, 12)))
        found = matched_services(outcome, every_worry_journey(app, ages=(12, 7, 12)))
    assert args.getlist("level") == levels
    assert args.getlist("age") == ["12", "7"]  # every child's age, not only the youngest's
    assert found is not None
    query = parse_qs(urlsplit(found["all_url"]).query)
    assert query["level"] == levels and sorted(query["age"]) == ["12", "7"]


def test_no_thank_you_leads_to_the_matching_services(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "3, 9"})
    go(client, "worries", {"worries": ["housing"]})
    go(client, "postcode", {"postcode": "OL6 6BH"})
    location = go(client, "situation", {"situation": "several_problems"})
    assert location.endswith("/questionnaire/outcome/early_help")
    response = answer(client, "early_help", {"ask_contact": "no"}, url=location)
    assert response.status_code == 303
    target = urlsplit(response.location)
    assert target.path == "/search"
    query = parse_qs(target.query)
    assert query["need"] == ["housing"] and sorted(query["age"]) == ["3", "9"] and query["postcode"] == ["OL6 6BH"]
    assert query["level"] == ["universal", "additional-needs"]
    page = fetch_page(client, response.location)
    assert not {card.h3.get_text(strip=True) for card in page.select("ul.portal-card-list > li")} & NEVER_LISTED
