"""The questionnaire's outcomes list the services that fit the worries ticked and the children's ages
first; libraries and GP practices, which serve every family, only after them, under their own heading.
Through the real questionnaire pages on the seeded directory."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.functional.test_questionnaire_journey import go, safe_family
from tests.pages import fetch_page

GENERAL_WORDS = ("Library", "Medical", "Surgery", "Practice", "GP Service", "Healthcare", "Stamford House")


def outcome_page(client: FlaskClient, ages: str, worries: list[str], who: str = "child") -> BeautifulSoup:
    safe_family(client, who)
    go(client, "ages", {"ages": ages})
    location = go(client, "worries", {"worries": worries})
    if location.endswith("/postcode"):
        location = go(client, "postcode", {})
    if location.endswith("/situation"):
        location = go(client, "situation", {"situation": "managing"})
    assert "/questionnaire/outcome/" in location
    return fetch_page(client, location)


def listed(page: BeautifulSoup) -> tuple[list[str], list[str]]:
    """The services that could help, then the places that can also help, in page order."""
    specific = [li.h3.get_text(strip=True) for li in page.select('ul[aria-labelledby="services-heading"] > li')]
    general = [li.h3.get_text(strip=True) for li in page.select("ul.portal-general-places > li")]
    return specific, general


def assert_general_only_after(page: BeautifulSoup, specific: list[str], general: list[str]) -> None:
    assert specific
    assert not [name for name in specific if any(word in name for word in GENERAL_WORDS)], specific
    heading = page.find(id="general-places-heading")
    if general:
        assert heading is not None and heading.get_text(strip=True) == "Places that can also help"
        specific_list = page.select_one('ul[aria-labelledby="services-heading"]')
        assert specific_list is not None
        # The places that can also help come after the services for the worries, in the page.
        assert str(page).index(str(specific_list)) < str(page).index(str(heading))


def test_a_toddler_not_talking_gets_health_visitors_before_any_library(client: FlaskClient) -> None:
    page = outcome_page(client, "2", ["early-years-and-child-development"])
    specific, general = listed(page)
    assert_general_only_after(page, specific, general)
    assert {"Health visitors", "Speech and language therapy"} & set(specific[:3]), specific
    assert general and all("Library" in name for name in general)


def test_a_toddler_not_talking_with_a_worry_about_development_gets_speech_and_language_first(
        client: FlaskClient) -> None:
    page = outcome_page(client, "2", ["early-years-and-child-development", "send-and-disability", "domestic-abuse"])
    specific, _ = listed(page)
    assert "Speech and language therapy" in specific[:3], specific


def test_a_teenager_with_low_mood_gets_young_peoples_mental_health_services_first(client: FlaskClient) -> None:
    page = outcome_page(client, "15", ["emotional-wellbeing-and-mental-health"])
    specific, general = listed(page)
    assert_general_only_after(page, specific, general)
    young_minds = {"The Hive (children & young people's emotional wellbeing)", "42nd Street", "Healthy Young Minds",
                   "Off the Record", "Kooth online counselling", "School nurses", "Anthony Seddon Fund"}
    assert specific[0] in young_minds, specific
    assert general and all(not name.endswith("Library") for name in general)  # GP practices, for mental health


def test_a_family_short_of_food_gets_food_banks_first(client: FlaskClient) -> None:
    page = outcome_page(client, "4, 9", ["money-debt-and-food"])
    specific, general = listed(page)
    assert_general_only_after(page, specific, general)
    assert all("Food" in name or "Household Support Fund" in name for name in specific[:3]), specific


def test_a_parent_who_fears_a_partner_gets_domestic_abuse_services_first(client: FlaskClient) -> None:
    page = outcome_page(client, "6", ["domestic-abuse"])
    specific, general = listed(page)
    assert_general_only_after(page, specific, general)
    assert specific[0].startswith("Bridges domestic abuse service"), specific  # Tameside's own, first
    assert all("Domestic Abuse" in name or "Bridges" in name or "Men's Advice" in name or "Women's Aid" in name
               or "Respect" in name or "NSPCC" in name or "Shelter" in name for name in specific), specific
    assert "Leave this site quickly" in page.get_text(" ", strip=True)
