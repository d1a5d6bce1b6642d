"""When nothing in Tameside matches, the page says so and shows the national and Greater Manchester
services for the needs asked about (the helpline fallback): on search, need pages, questionnaire
outcomes and the kiosk. Through the real app on the seeded directory, where drugs and alcohol has
national services only."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.functional.test_kiosk import check_kiosk_page, enter_kiosk
from tests.functional.test_questionnaire_journey import go, safe_family
from tests.pages import fetch_page

NOTHING_LOCAL = "We could not find a service in Tameside for this"
DRUGS_AND_ALCOHOL = {"Adfam (support for families affected by drugs/alcohol)", "Alcoholics Anonymous helpline",
                     "FRANK", "Nacoa Helpline"}


def fallback(page: BeautifulSoup) -> tuple[str, list[str]] | None:
    """The fallback's heading and the services it lists, or None when the page has none."""
    block = page.find(id="helplines")
    if block is None:
        return None
    return block.h2.get_text(strip=True), [card.h3.get_text(strip=True) for card in block.select("li.portal-card")]


def result_names(page: BeautifulSoup) -> list[str]:
    return [card.h3.get_text(strip=True) for card in page.select('ul[aria-labelledby="results-heading"] > li')]


def test_a_need_with_no_local_service_says_so_above_the_national_ones(client: FlaskClient) -> None:
    page = fetch_page(client, "/search?need=drugs-and-alcohol")
    found = fallback(page)
    assert found is not None and found[0] == NOTHING_LOCAL
    assert set(result_names(page)) == DRUGS_AND_ALCOHOL  # they are the results: not listed twice
    assert "A national service" in page.get_text(" ", strip=True)


def test_words_that_mean_a_need_with_nothing_matching_get_the_helplines(client: FlaskClient) -> None:
    page = fetch_page(client, "/search?q=alcohol&day=SU")  # no service for it opens on Sundays
    found = fallback(page)
    assert found is not None and found[0] == NOTHING_LOCAL
    assert set(found[1]) == DRUGS_AND_ALCOHOL
    assert "We could not find a service for that" not in page.get_text(" ", strip=True)


def test_a_postcode_and_a_need_with_nothing_local_in_range(client: FlaskClient) -> None:
    page = fetch_page(client, "/search?need=drugs-and-alcohol&postcode=OL6+6BH&radius=1")
    assert fallback(page) is not None


def test_local_results_have_no_fallback(client: FlaskClient) -> None:
    for url in ("/search?q=food+bank", "/search?need=domestic-abuse", "/search?q=zzzzqx"):
        page = fetch_page(client, url)
        assert fallback(page) is None, url
        assert NOTHING_LOCAL not in page.get_text(" ", strip=True), url


def test_need_pages_group_tameside_services_first_and_say_when_there_are_none(client: FlaskClient) -> None:
    page = fetch_page(client, "/needs/drugs-and-alcohol")
    text = page.get_text(" ", strip=True)
    assert "We do not list a service in Tameside for this yet" in text
    wider = [li.h3.get_text(strip=True) for li in page.select('ul[aria-labelledby="wider-heading"] > li')]
    assert set(wider) == DRUGS_AND_ALCOHOL
    page = fetch_page(client, "/needs/domestic-abuse")
    local = [li.h3.get_text(strip=True) for li in page.select('ul[aria-labelledby="local-heading"] > li')]
    wider = [li.h3.get_text(strip=True) for li in page.select('ul[aria-labelledby="wider-heading"] > li')]
    assert any(name.startswith("Bridges") for name in local)
    assert "National Domestic Abuse Helpline" in wider and not set(local) & set(wider)
    assert "All of Tameside" not in " ".join(li.get_text(" ", strip=True) for li in
                                             page.select('ul[aria-labelledby="wider-heading"] > li'))


def test_a_questionnaire_outcome_with_nothing_local_shows_the_helplines(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "14"})
    location = go(client, "worries", {"worries": ["drugs-and-alcohol"]})
    if location.endswith("/postcode"):
        location = go(client, "postcode", {})
    if location.endswith("/situation"):
        location = go(client, "situation", {"situation": "managing"})
    page = fetch_page(client, location)
    found = fallback(page)
    assert found is not None and found[0] == NOTHING_LOCAL, location
    listed = found[1] + [li.h3.get_text(strip=True) for li in
                         page.select('ul[aria-labelledby="services-heading"] > li')]
    assert set(listed) & DRUGS_AND_ALCOHOL


def test_the_kiosk_shows_the_fallback_too(client: FlaskClient) -> None:
    enter_kiosk(client)
    page = check_kiosk_page(client, "/search?q=alcohol&day=SU")
    found = fallback(page)
    assert found is not None and set(found[1]) == DRUGS_AND_ALCOHOL
