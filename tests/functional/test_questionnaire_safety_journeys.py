"""Safety first in the questionnaire, through the real app: "not sure" shows urgent help and may carry
on, "yes" ends there, thoughts of self-harm show crisis help first, domestic abuse has its own safe
page, and answers or addresses that skip the safety questions are refused."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.functional.test_questionnaire_journey import START, answer, go, safe_family, text_of
from tests.pages import fetch_page

CARRY_ON = "Carry on with the questions"
JOINT_MEETING = "You meet with the services and agree a plan together"


def carry_on_button(page: BeautifulSoup) -> object:
    return page.find("button", string=lambda text: text is not None and CARRY_ON in text)


def test_not_sure_shows_urgent_help_with_the_hub_then_carries_on(client: FlaskClient) -> None:
    go(client, "who", {"who": "child"})
    location = go(client, "safety", {"danger_now": "no", "child_harmed": "not_sure"})
    assert location.endswith("/questionnaire/outcome/urgent")
    page = fetch_page(client, location)
    text = text_of(page)
    assert "call the Children's HUB on 0161 342 4101 to talk your worry through" in text
    assert "999" in text and "0161 342 2222" in text
    assert carry_on_button(page)
    response = answer(client, "urgent", {}, url=location)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/self_harm_child")
    go(client, "self_harm_child", {"self_harm_child": "no"})
    go(client, "ages", {"ages": "6"})
    go(client, "worries", {"worries": ["housing"]})
    go(client, "postcode", {})
    assert go(client, "situation", {"situation": "managing"}).endswith("/questionnaire/outcome/services_for_all")
    # Urgent help stays on the way: the back link from the next question leads to it.
    back = fetch_page(client, f"{START}/self_harm_child").select_one("a.govuk-back-link")["href"]
    assert back == "/questionnaire/outcome/urgent"


def test_yes_ends_on_urgent_help_even_when_carrying_on_is_posted(client: FlaskClient) -> None:
    go(client, "who", {"who": "child"})
    location = go(client, "safety", {"danger_now": "not_sure", "child_harmed": "yes"})
    assert location.endswith("/questionnaire/outcome/urgent")
    page = fetch_page(client, location)
    assert not carry_on_button(page) and not page.find("form", method="post")
    response = answer_without_form(client, location)
    assert response.status_code == 200
    response = client.get(f"{START}/self_harm_child")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/outcome/urgent")
    # The rest of the site is still there to use.
    assert page.find("a", href="/")


def answer_without_form(client: FlaskClient, url: str) -> object:
    page = fetch_page(client, "/questionnaire/who")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(url, data={"csrf_token": token})


def test_a_young_person_thinking_of_self_harm_gets_crisis_help_first(client: FlaskClient) -> None:
    go(client, "who", {"who": "me"})
    assert go(client, "safety", {"danger_now": "no", "child_harmed": "no"}).endswith("/questionnaire/self_harm_me")
    location = go(client, "self_harm_me", {"self_harm_me": "yes"})
    assert location.endswith("/questionnaire/outcome/crisis")
    page = fetch_page(client, location)
    text = text_of(page)
    for words in ("999", "NHS 24/7 mental health crisis line for Tameside", "0800 014 9995", "Samaritans",
                  "116 123", "Childline", "0800 1111", "PAPYRUS", "0800 068 41 41"):
        assert words in text
    assert page.find("a", href="tel:08000149995") or "tel:" in str(page)
    assert carry_on_button(page)
    response = answer(client, "crisis", {}, url=location)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/worries")


def test_a_parent_worried_about_self_harm_gets_crisis_help_then_the_ages(client: FlaskClient) -> None:
    go(client, "who", {"who": "child"})
    go(client, "safety", {"danger_now": "no", "child_harmed": "no"})
    page = fetch_page(client, f"{START}/self_harm_child")
    assert "Is a child or young person having thoughts of hurting themselves" in text_of(page)
    location = go(client, "self_harm_child", {"self_harm_child": "not_sure"})
    assert location.endswith("/questionnaire/outcome/crisis")
    response = answer(client, "crisis", {}, url=location)
    assert response.location.endswith("/questionnaire/ages")


def test_domestic_abuse_has_its_own_safe_page_without_a_joint_meeting(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "4"})
    go(client, "worries", {"worries": ["domestic-abuse", "housing"]})
    location = go(client, "postcode", {})
    assert location.endswith("/questionnaire/outcome/domestic_abuse")  # no "How are things going?"
    page = fetch_page(client, location)
    text = text_of(page)
    for words in ("999", "0800 328 0967", "0808 2000 247", "alone and it is safe", "browser history",
                  "Leave this site quickly"):
        assert words in text
    assert JOINT_MEETING not in text and "What is a CAF?" not in text
    assert page.select_one(".govuk-exit-this-page a")
    assert page.find("input", attrs={"name": "ask_contact_safely", "value": "yes"})
    response = answer(client, "domestic_abuse", {"ask_contact_safely": "yes"}, url=location)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/consent")
    assert go(client, "consent", {"consent": "yes"}).endswith("/questionnaire/outcome/contact")


def test_the_safety_screen_cannot_be_skipped_by_address(client: FlaskClient) -> None:
    go(client, "who", {"who": "child"})
    for block_id in ("self_harm_child", "ages", "worries", "situation"):
        response = client.get(f"{START}/{block_id}")
        assert response.status_code == 303 and response.location.endswith("/questionnaire/safety")
    response = answer_without_form(client, f"{START}/worries")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/safety")
    go(client, "safety", {"danger_now": "no", "child_harmed": "no"})
    for block_id in ("ages", "postcode"):
        response = client.get(f"{START}/{block_id}")
        assert response.status_code == 303 and response.location.endswith("/questionnaire/self_harm_child")
    response = client.get(f"{START}/outcome/services_for_all")
    assert response.status_code == 303 and response.location.endswith("/questionnaire/self_harm_child")


def test_answers_that_are_not_offered_are_refused_and_the_page_shown_again(client: FlaskClient) -> None:
    for block_id, data in (("who", {"who": "alien"}), ("who", {"who": "me<script>"})):
        response = answer(client, block_id, data)
        assert response.status_code == 200
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert page.select_one(".govuk-error-summary"), data
        assert page.h1 is not None or page.find("legend")
    go(client, "who", {"who": "child"})
    response = answer(client, "safety", {"danger_now": "maybe", "child_harmed": "no"})
    assert response.status_code == 200 and "Choose one of the answers shown." in response.get_data(as_text=True)
    go(client, "safety", {"danger_now": "no", "child_harmed": "no"})
    go(client, "self_harm_child", {"self_harm_child": "no"})
    go(client, "ages", {})
    response = answer(client, "worries", {"worries": ["housing", "free-money"]})
    assert response.status_code == 200 and "Choose one of the answers shown." in response.get_data(as_text=True)
