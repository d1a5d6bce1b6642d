"""Who asks the Early Help team to contact a family: a practitioner with the family's agreement, a
young person for themselves, a parent or carer; the safe way to get in touch when the worries include
domestic abuse; and what the confirmation page promises. Through the real app on every backend, from
the questionnaire to the Early Help staff pages.
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from portal.contact import services
from portal.contact.form_variants import FAMILY_CONSENT_WORDING_VERSION
from portal.contact.forms import CONSENT_WORDING_VERSION
from portal.extensions import db
from portal.models import ContactRequest
from tests.accounts import Person, make_account, sign_in_as
from tests.functional import test_contact_form
from tests.functional.test_contact_form import DETAILS, FORM, SENT, count, errors_of, hidden
from tests.functional.test_questionnaire_journey import answer, go, safe_family, text_of
from tests.pages import fetch_page

QUEUE = "/early-help/requests"
# The contact form's fixture: a generous rate limit, and the contact tables emptied afterwards.
contact_client = test_contact_form.contact_client
PRACTITIONER = {
    "name": "Rosalind Featherstonehaugh",
    "phone": "07700 900 123",
    "email": "",
    "safe_times": "",
    "message_allowed": "yes",
    "postcode": "",
    "note": "",
    "practitioner_name": "Ambrose Pickersgill",
    "practitioner_role": "School nurse",
    "practitioner_organisation": "Example Primary School",
    "practitioner_phone": "",
    "practitioner_email": "a.pickersgill@example.org",
    "consent": "y",
}


@pytest.fixture(scope="module")
def staff(seeded_app: Flask) -> Person:
    return make_account(seeded_app, roles=("early_help",))


def post_form(client: FlaskClient, page: BeautifulSoup, data: dict[str, Any]) -> Any:
    posted = {**data, "csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token")}
    return client.post(FORM, data={key: value for key, value in posted.items() if value is not None})


def practitioner_form(client: FlaskClient, worries: list[str] | None = None) -> BeautifulSoup:
    safe_family(client, who="practitioner")
    go(client, "ages", {"ages": "9"})
    go(client, "worries", {"worries": worries or ["school-attendance-and-education"]})
    go(client, "postcode", {})
    location = go(client, "situation", {"situation": "several_problems"})
    assert location.endswith("/questionnaire/outcome/practitioner")
    offer = fetch_page(client, location)
    assert "Would you like to ask the Early Help team to contact the family?" in text_of(offer)
    response = answer(client, "practitioner", {"ask_family_contact": "yes"}, url=location)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/family_consent")
    assert go(client, "family_consent", {"family_consent": "yes"}).endswith(FORM)
    return fetch_page(client, FORM)


def young_person_form(client: FlaskClient, worries: list[str]) -> BeautifulSoup:
    safe_family(client, who="me")
    go(client, "worries", {"worries": worries})
    go(client, "postcode", {})
    go(client, "situation", {"situation": "already_helped"})
    assert answer(client, "early_help", {"ask_contact": "yes"},
                  url="/questionnaire/outcome/early_help").status_code == 303
    assert go(client, "consent", {"consent": "yes"}).endswith(FORM)
    return fetch_page(client, FORM)


def parent_form(client: FlaskClient, worries: list[str]) -> BeautifulSoup:
    safe_family(client)
    go(client, "ages", {"ages": "4"})
    go(client, "worries", {"worries": worries})
    if "domestic-abuse" in worries:
        # A worry about domestic abuse has its own page, with its own offer to get in touch safely.
        location = go(client, "postcode", {})
        assert location.endswith("/questionnaire/outcome/domestic_abuse")
        assert answer(client, "domestic_abuse", {"ask_contact_safely": "yes"}, url=location).status_code == 303
    else:
        go(client, "postcode", {})
        go(client, "situation", {"situation": "several_problems"})
        assert answer(client, "early_help", {"ask_contact": "yes"},
                      url="/questionnaire/outcome/early_help").status_code == 303
    assert go(client, "consent", {"consent": "yes"}).endswith(FORM)
    return fetch_page(client, FORM)


def the_request() -> ContactRequest:
    return db.session.scalars(select(ContactRequest)).one()


def raw_payload() -> bytes:
    return bytes(db.session.execute(text("SELECT encrypted_payload FROM contact_request")).scalar_one())


def staff_page(client: FlaskClient, staff: Person, contact_request: ContactRequest) -> BeautifulSoup:
    sign_in_as(client, staff)
    return fetch_page(client, f"{QUEUE}/{contact_request.reference}")


def row_value(page: BeautifulSoup, key: str) -> str:
    for row in page.select(".govuk-summary-list__row"):
        found = row.select_one(".govuk-summary-list__key")
        if found is not None and found.get_text(strip=True) == key:
            return row.select_one(".govuk-summary-list__value").get_text(" ", strip=True)
    raise AssertionError(f"no row {key!r}")


def test_a_practitioner_sends_a_request_with_the_family_and_staff_see_who_asked(
        contact_client: FlaskClient, staff: Person) -> None:
    page = practitioner_form(contact_client)
    words = text_of(page)
    assert page.h1.get_text(strip=True) == "Tell us how to contact the family"
    for said in ("Early Help is voluntary, and the CAF belongs to the family",
                 "ask for the family's consent before they share",
                 "staff must act to keep the child safe. They must share what they know with Children's Social Care",
                 "We will always treat the family with dignity and respect"):
        assert said in words
    consent = page.find("input", attrs={"name": "consent"})
    label = page.find("label", attrs={"for": consent["id"]}).get_text()
    assert "I confirm the family agrees to Tameside Council's Early Help team" in label
    for name in ("practitioner_name", "practitioner_role", "practitioner_organisation", "practitioner_phone",
                 "practitioner_email"):
        assert page.find("input", attrs={"name": name}), name
    assert not page.find("input", attrs={"name": "age"}) and not page.find("input", attrs={"name": "safe_way"})
    assert "There are several problems" in words, "the situation is shown with the request"

    response = post_form(contact_client, page, PRACTITIONER)
    assert response.status_code == 303 and response.location.endswith(SENT)
    contact_request = the_request()
    assert contact_request.requester == "practitioner"
    assert contact_request.consent_wording_version == FAMILY_CONSENT_WORDING_VERSION
    raw = raw_payload()
    for plain in (b"Featherstonehaugh", b"Pickersgill", b"School nurse", b"Example Primary"):
        assert plain not in raw
    payload = services.contact_cipher().decrypt(contact_request.encrypted_payload)
    assert payload["practitioner_role"] == "School nurse" and payload["situation"] == "several_problems"
    assert payload["practitioner_email"] == "a.pickersgill@example.org" and payload["children_ages"] == [9]

    sent = text_of(fetch_page(contact_client, SENT))
    assert "Someone from the Early Help team will contact the family" in sent
    assert "Give the family the reference number." in sent and "working day" not in sent

    detail = staff_page(contact_client, staff, contact_request)
    assert row_value(detail, "Sent by") == "A practitioner, with the family's agreement"
    assert row_value(detail, "How things are going") == (
        "There are several problems. We need services to work together.")
    practitioner = text_of(detail)
    for shown in ("The practitioner who asked", "Ambrose Pickersgill", "School nurse", "Example Primary School",
                  "a.pickersgill@example.org", "Rosalind Featherstonehaugh"):
        assert shown in practitioner
    assert "Domestic abuse: contact safely" not in practitioner
    listing = text_of(fetch_page(contact_client, QUEUE))
    assert "A practitioner, with the family's agreement" in listing
    assert "Featherstonehaugh" not in listing, "the list shows no personal data"


def test_a_practitioner_without_the_familys_agreement_never_reaches_the_form(contact_client: FlaskClient) -> None:
    safe_family(contact_client, who="practitioner")
    go(contact_client, "ages", {})
    go(contact_client, "worries", {"worries": ["drugs-and-alcohol"]})
    go(contact_client, "postcode", {})
    location = go(contact_client, "situation", {"situation": "managing"})
    answer(contact_client, "practitioner", {"ask_family_contact": "yes"}, url=location)
    location = go(contact_client, "family_consent", {"family_consent": "no"})
    assert location.endswith("/questionnaire/outcome/family_not_agreed")
    assert "Talk to the family first" in text_of(fetch_page(contact_client, location))
    response = contact_client.get(FORM)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/outcome/family_not_agreed")


def test_a_practitioners_bad_input_is_shown_with_a_summary_and_nothing_is_lost(contact_client: FlaskClient) -> None:
    page = practitioner_form(contact_client, worries=["domestic-abuse"])
    typed = {**PRACTITIONER, "practitioner_role": "", "practitioner_email": "not-an-address",
             "safe_times": "Tuesdays after 1pm", "note": "Dad works nights", "consent": None}
    form, summary = errors_of(post_form(contact_client, page, typed))
    assert form.title.get_text(strip=True).startswith("Error:")
    for message in ("Enter your role, like school nurse or family support worker",
                    "Enter your work email address in the correct format",
                    "Select the safest way to contact the family",
                    "Tick the box to confirm that the family has agreed"):
        assert message in summary
    links = [link["href"] for link in form.select(".govuk-error-summary a")]
    assert links.index("#safe_way") < links.index("#practitioner_role") < links.index("#consent"), "page order"
    for name in ("name", "phone", "safe_times", "practitioner_name", "practitioner_organisation",
                 "practitioner_email"):
        assert form.find("input", attrs={"name": name})["value"] == typed[name], name
    assert form.find("input", attrs={"name": "message_allowed", "value": "yes"}).has_attr("checked")
    assert "Dad works nights" in form.find("textarea", attrs={"name": "note"}).get_text()
    assert count() == 0


def test_a_young_person_gives_their_age(contact_client: FlaskClient, staff: Person) -> None:
    page = young_person_form(contact_client, ["emotional-wellbeing-and-mental-health"])
    assert page.find("input", attrs={"name": "age"})["inputmode"] == "numeric"
    assert "Ages of the children" not in text_of(page), "a young person is not asked about children"
    assert "Another service is already helping us." in text_of(page)
    for age, message in (("", "Enter your age"), ("fifteen", "Enter your age as a number, like 15"),
                         ("١٥", "Enter your age as a number, like 15"), ("15.5", "Enter your age as a number"),
                         ("7", "Enter an age from 8 to 25"), ("26", "Enter an age from 8 to 25")):
        form, summary = errors_of(post_form(contact_client, page, {**DETAILS, "age": age}))
        assert message in summary, age
        assert form.find("input", attrs={"name": "age"}).get("value", "") == age
        assert form.find("input", attrs={"name": "name"})["value"] == DETAILS["name"]
    assert count() == 0
    assert post_form(contact_client, page, {**DETAILS, "age": "15"}).status_code == 303
    contact_request = the_request()
    assert contact_request.requester == "young_person"
    assert contact_request.consent_wording_version == CONSENT_WORDING_VERSION
    payload = services.contact_cipher().decrypt(contact_request.encrypted_payload)
    assert payload["age"] == 15 and payload["situation"] == "already_helped" and payload["children_ages"] == []
    sent = text_of(fetch_page(contact_client, SENT))
    assert "Someone from the Early Help team will phone or email you" in sent
    detail = staff_page(contact_client, staff, contact_request)
    assert row_value(detail, "Sent by") == "A young person, for themselves"
    assert row_value(detail, "Age of the young person") == "15"
    assert row_value(detail, "How things are going") == "Another service is already helping us."


def test_with_domestic_abuse_the_form_asks_how_to_get_in_touch_safely(
        contact_client: FlaskClient, staff: Person) -> None:
    page = parent_form(contact_client, ["domestic-abuse", "housing"])
    assert "Tell us how to contact you safely" in text_of(page)
    assert page.find("input", attrs={"name": "safe_way", "value": "text"})
    assert "Only say yes if no one else could see or hear the message." in text_of(page)
    _, summary = errors_of(post_form(contact_client, page, {**DETAILS, "safe_times": "", "safe_way": None}))
    assert "Select the safest way for us to contact you" in summary
    assert "Tell us when it is safe to contact you" in summary
    email_only = {**DETAILS, "phone": "", "email": "me@example.org", "safe_way": "text"}
    form, summary = errors_of(post_form(contact_client, page, email_only))
    assert "Give a phone number, or choose another safe way to get in touch" in summary
    assert form.find("input", attrs={"name": "safe_way", "value": "text"}).has_attr("checked")
    assert post_form(contact_client, page, {**DETAILS, "safe_way": "sms-please"}).status_code == 200
    assert count() == 0

    safe = {**DETAILS, "safe_way": "text", "safe_times": "Only on Wednesday mornings", "message_allowed": "no"}
    assert post_form(contact_client, page, safe).status_code == 303
    contact_request = the_request()
    assert contact_request.requester == "parent_or_carer"
    assert b"Wednesday" not in raw_payload()
    payload = services.contact_cipher().decrypt(contact_request.encrypted_payload)
    assert payload["safe_way"] == "text" and payload["safe_times"] == "Only on Wednesday mornings"
    assert payload["message_allowed"] is False

    detail = staff_page(contact_client, staff, contact_request)
    banner = detail.select_one(".portal-safe-contact")
    assert banner is not None, "shown prominently, above the status"
    assert banner.find_next(string=lambda words: words.strip() == "Status") is not None
    words = text_of(banner)
    assert "Domestic abuse: contact safely" in words and "A text message" in words
    assert "Only on Wednesday mornings" in words and row_value(banner, "Can we leave a message?") == "No"
    assert row_value(detail, "Sent by") == "A parent or carer"


def test_without_domestic_abuse_the_safe_way_is_not_asked(contact_client: FlaskClient) -> None:
    page = parent_form(contact_client, ["housing"])
    assert not page.find("input", attrs={"name": "safe_way"})
    assert post_form(contact_client, page, {**DETAILS, "safe_times": ""}).status_code == 303
    assert "safe_way" not in services.contact_cipher().decrypt(the_request().encrypted_payload)


@pytest.mark.parametrize("days, said", [(None, None), (1, "within 1 working day."), (5, "within 5 working days.")])
def test_the_confirmation_gives_a_response_time_only_when_set(
        app: Flask, contact_client: FlaskClient, days: int | None, said: str | None) -> None:
    page = parent_form(contact_client, ["housing"])
    assert post_form(contact_client, page, DETAILS).status_code == 303
    saved = app.config.get("CONTACT_RESPONSE_WORKING_DAYS")
    app.config["CONTACT_RESPONSE_WORKING_DAYS"] = days
    try:
        sent = text_of(fetch_page(contact_client, SENT))
    finally:
        app.config["CONTACT_RESPONSE_WORKING_DAYS"] = saved
    assert "What happens next" in sent
    if said is None:
        assert "working day" not in sent
    else:
        assert f"The Early Help team aims to get in touch {said}" in sent


def test_the_requester_is_checked_and_exported(contact_client: FlaskClient) -> None:
    with pytest.raises(services.ContactRequestError, match="Unknown requester"):
        services.create_request({"name": "Test"}, CONSENT_WORDING_VERSION, "requester-test-1", requester="someone")
    contact_request = services.create_request({"name": "Test", "age": 15}, CONSENT_WORDING_VERSION,
                                              "requester-test-2", requester="young_person")
    exported = services.export_request(contact_request.reference)
    assert exported["requester"] == "young_person" and exported["personal_data"]["age"] == 15
