"""The "what help is right for me?" journey, page by page through the real app."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.pages import fetch_page

START = "/questionnaire"
NUMBERS = ("999", "0161 342 4101", "0161 342 2222")


def answer(client: FlaskClient, block_id: str, data: dict[str, Any], url: str | None = None) -> Any:
    """Fetch a question page, then post `data` with the page's own CSRF token."""
    url = url or f"{START}/{block_id}"
    page = fetch_page(client, url)
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(url, data={**data, "csrf_token": token})


def go(client: FlaskClient, block_id: str, data: dict[str, Any]) -> str:
    response = answer(client, block_id, data)
    assert response.status_code == 303, f"{block_id} answered {response.status_code}"
    return str(response.location)


def safe_family(client: FlaskClient, who: str = "child") -> None:
    assert go(client, "who", {"who": who}).endswith("/questionnaire/safety")
    self_harm = "self_harm_me" if who == "me" else "self_harm_child"
    assert go(client, "safety", {"danger_now": "no", "child_harmed": "no"}).endswith(f"/questionnaire/{self_harm}")
    go(client, self_harm, {self_harm: "no"})


def text_of(page: BeautifulSoup) -> str:
    return page.get_text(" ", strip=True)


def test_the_start_page_explains_privacy_and_urgent_help(client: FlaskClient) -> None:
    page = fetch_page(client, START)
    text = text_of(page)
    assert "only in this browser session" in text
    for number in NUMBERS:
        assert number in text
    start = page.find("a", href="/questionnaire/who")
    assert start is not None and "Start now" in start.get_text()
    exit_link = page.select_one(".govuk-exit-this-page a")
    assert exit_link is not None and exit_link["href"] == "/questionnaire/leave"


def test_the_home_page_offers_the_questionnaire(client: FlaskClient) -> None:
    page = fetch_page(client, "/")
    link = page.find("a", href="/questionnaire")
    assert link is not None and "Answer a few questions" in link.get_text()


def test_a_safety_concern_goes_straight_to_urgent_help_with_no_form(client: FlaskClient) -> None:
    go(client, "who", {"who": "me"})
    location = go(client, "safety", {"danger_now": "yes", "child_harmed": "no"})
    assert location.endswith("/questionnaire/outcome/urgent")
    page = fetch_page(client, location)
    text = text_of(page)
    assert page.h1.get_text(strip=True) == "Get help now"
    for number in NUMBERS:
        assert number in text
    assert "What happens when you call" in text
    assert not page.find("form", method="post")
    assert page.find("a", href="/questionnaire/check")


def test_a_coping_family_gets_services_for_all(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "4, 7"})
    go(client, "worries", {"worries": ["early-years-and-child-development"]})
    go(client, "postcode", {"postcode": "ol6 6bh"})
    location = go(client, "situation", {"situation": "managing"})
    assert location.endswith("/questionnaire/outcome/services_for_all")
    page = fetch_page(client, location)
    assert page.h1.get_text(strip=True) == "Help for every family"
    cards = page.select('ul[aria-labelledby="services-heading"] .portal-card a')
    assert 0 < len(cards) <= 5
    also = page.select("ul.portal-general-places .portal-card a")  # libraries, after them
    assert len(also) <= 3
    assert all(card["href"].startswith("/services/") for card in cards + also)
    all_link = page.find("a", string="See all matching services")
    assert "need=early-years-and-child-development" in all_link["href"] and "level=universal" in all_link["href"]
    text = text_of(page)
    assert "A baby or young child's playing, talking or growing" in text, "the answers it was based on"
    assert "OL6 6BH" in text
    assert "0161 342 4101" in text


def test_early_help_explains_the_caf_and_offers_contact(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "3"})
    go(client, "worries", {"worries": ["emotional-wellbeing-and-mental-health", "housing"]})
    go(client, "postcode", {})
    location = go(client, "situation", {"situation": "several_problems"})
    assert location.endswith("/questionnaire/outcome/early_help")
    page = fetch_page(client, location)
    text = text_of(page)
    assert "What is a CAF?" in text and "The CAF belongs to you and your family." in text
    assert "except when a child is at risk" in text
    assert page.select(".portal-card a"), "matched services are shown"
    assert page.find("input", attrs={"name": "ask_contact", "value": "yes"})
    response = answer(client, "early_help", {"ask_contact": "yes"}, url=location)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/consent")
    assert go(client, "consent", {"consent": "yes"}).endswith("/questionnaire/outcome/contact")
    page = fetch_page(client, "/questionnaire/outcome/contact")
    assert page.find("input", attrs={"name": "consent"}) and "0161 342 2222" in text_of(page)
    go(client, "consent", {"consent": "no"})
    fetch_page(client, "/questionnaire/outcome/no_contact")


def test_a_practitioner_gets_think_caf_guidance(client: FlaskClient) -> None:
    safe_family(client, who="practitioner")
    go(client, "ages", {})
    go(client, "worries", {"worries": ["domestic-abuse"]})
    go(client, "postcode", {})
    location = go(client, "situation", {"situation": "managing"})
    assert location.endswith("/questionnaire/outcome/practitioner")
    text = text_of(fetch_page(client, location))
    for words in ("Step 2: Think CAF", "Step 3: Do CAF", "Step 4", "Tameside Families Together CAF advisors",
                  "consent", "0161 342 4101"):
        assert words in text


def test_the_back_link_goes_to_the_page_before_and_keeps_answers(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "5"})
    page = fetch_page(client, f"{START}/worries")
    back = page.select_one("a.govuk-back-link")
    assert back["href"] == "/questionnaire/ages"
    page = fetch_page(client, back["href"])
    assert page.find("input", attrs={"name": "ages"})["value"] == "5"
    assert page.select_one("a.govuk-back-link")["href"] == "/questionnaire/self_harm_child"


def test_a_young_person_skips_the_ages_question(client: FlaskClient) -> None:
    go(client, "who", {"who": "me"})
    assert go(client, "safety", {"danger_now": "no", "child_harmed": "no"}).endswith("/questionnaire/self_harm_me")
    assert go(client, "self_harm_me", {"self_harm_me": "no"}).endswith("/questionnaire/worries")
    back = fetch_page(client, f"{START}/worries").select_one("a.govuk-back-link")["href"]
    assert back == "/questionnaire/self_harm_me"


def test_changing_an_answer_from_check_your_answers_keeps_the_others(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "8"})
    go(client, "worries", {"worries": ["housing"]})
    go(client, "postcode", {"postcode": "OL6 6BH"})
    go(client, "situation", {"situation": "managing"})
    page = fetch_page(client, f"{START}/check")
    change = page.find("a", href="/questionnaire/situation?change=1")
    assert change is not None
    assert "Housing or a place to live" in text_of(page)
    response = answer(client, "situation", {"situation": "several_problems"}, url=change["href"])
    assert response.status_code == 303 and response.location.endswith("/questionnaire/check")
    page = fetch_page(client, f"{START}/check")
    text = text_of(page)
    assert "There are several problems" in text and "Housing or a place to live" in text and "8" in text
    assert page.find("a", href="/questionnaire/outcome/early_help")


def test_errors_show_a_summary_and_keep_what_was_typed(client: FlaskClient) -> None:
    safe_family(client)
    response = answer(client, "ages", {"ages": "4, seven"})
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text(strip=True).startswith("Error:")
    summary = page.select_one(".govuk-error-summary")
    assert summary and "Enter each age as a number, like 7 or 18 months." in summary.get_text()
    assert summary.find("a")["href"] == "#ages"
    assert page.find("input", attrs={"name": "ages"})["value"] == "4, seven"
    response = answer(client, "safety", {"danger_now": "no"})
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Choose one answer." in page.select_one(".govuk-error-summary").get_text()
    assert page.find("input", attrs={"name": "danger_now", "value": "no"}).has_attr("checked")


def test_a_post_without_a_csrf_token_is_refused(client: FlaskClient) -> None:
    fetch_page(client, f"{START}/who")
    assert client.post(f"{START}/who", data={"who": "me"}).status_code == 400


def test_leaving_clears_the_session(client: FlaskClient) -> None:
    safe_family(client)
    response = client.get(f"{START}/leave")
    assert response.status_code == 303 and response.location == "https://www.bbc.co.uk/weather"
    with client.session_transaction() as session:
        assert not dict(session)
    response = client.get(f"{START}/check")
    assert response.status_code == 303 and response.location.endswith("/questionnaire")


def test_a_tampered_session_starts_again_politely(client: FlaskClient) -> None:
    safe_family(client)
    with client.session_transaction() as session:
        saved = session["questionnaire"]
    tampered = [
        {**saved, "completed": ["who", "nowhere"]},
        {**saved, "answers": {**saved["answers"], "who": "alien"}},
        {**saved, "answers": {**saved["answers"], "ages": ["-3"]}},
        {**saved, "answers": {"nonsense": "1"}},
        {**saved, "version": "old"},
        "not a journey",
    ]
    for state in tampered:
        with client.session_transaction() as session:
            session["questionnaire"] = state
        response = client.get(f"{START}/worries")
        assert response.status_code == 303 and response.location.endswith("/questionnaire/who")
        page = fetch_page(client, START)
        assert "we have started again" in text_of(page)


def test_pages_off_the_route_redirect_to_the_right_place(client: FlaskClient) -> None:
    response = client.get(f"{START}/situation")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/who")
    response = client.get(f"{START}/outcome/early_help")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/who")
    go(client, "who", {"who": "me"})
    go(client, "safety", {"danger_now": "yes", "child_harmed": "no"})
    response = client.get(f"{START}/worries")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/outcome/urgent")


def test_an_unknown_block_is_not_found(client: FlaskClient) -> None:
    page = fetch_page(client, f"{START}/no-such-question", status=404)
    assert page.h1.get_text(strip=True) == "Page not found"
    fetch_page(client, f"{START}/outcome/who", status=404)


def test_ages_and_a_town_are_accepted_as_people_write_them(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "18 months and 7"})
    assert fetch_page(client, f"{START}/ages").find("input", attrs={"name": "ages"})["value"] == "1, 7"
    go(client, "worries", {"worries": ["early-years-and-child-development"]})
    response = answer(client, "postcode", {"postcode": "Paris"})
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Enter a postcode or a town, like OL6 6BH or Hyde." in summary
    assert page.find("input", attrs={"name": "postcode"})["value"] == "Paris"
    go(client, "postcode", {"postcode": "ashton under lyne"})
    location = go(client, "situation", {"situation": "managing"})
    page = fetch_page(client, location)
    assert "Ashton-under-Lyne" in text_of(page)
    all_link = page.find("a", string="See all matching services")
    assert "postcode=Ashton-under-Lyne" in all_link["href"] and "age=1" in all_link["href"] \
        and "age=7" in all_link["href"]
    fetch_page(client, all_link["href"])
