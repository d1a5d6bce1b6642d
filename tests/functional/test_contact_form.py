"""The Early Help contact form, reached through the questionnaire, on every backend.

Each test removes the contact requests, audit events and outbox messages it made.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select, text

from portal.contact import services
from portal.contact.forms import CONSENT_WORDING_VERSION
from portal.extensions import db, limiter
from portal.models import AuditEvent, ContactRequest, OutboxMessage
from tests.functional.test_questionnaire_journey import answer, go, safe_family, text_of
from tests.pages import fetch_page

FORM = "/questionnaire/outcome/contact"
SENT = "/questionnaire/contact/sent"
DETAILS = {
    "name": "Marigold Ashworth-Pennington",
    "phone": "07700 900 982",
    "email": "",
    "safe_times": "After 10am",
    "message_allowed": "no",
    "postcode": "OL6 6BH",
    "note": "Please text first",
    "consent": "y",
}


@pytest.fixture
def contact_client(app: Flask, client: FlaskClient) -> Iterator[FlaskClient]:
    limit = app.config.get("CONTACT_RATE_LIMIT")
    app.config["CONTACT_RATE_LIMIT"] = "1000 per hour"
    limiter.reset()
    yield client
    app.config["CONTACT_RATE_LIMIT"] = limit
    limiter.reset()
    db.session.rollback()
    db.session.execute(delete(ContactRequest))
    db.session.execute(delete(AuditEvent))
    db.session.execute(delete(OutboxMessage))
    db.session.commit()


def reach_the_form(client: FlaskClient) -> BeautifulSoup:
    safe_family(client)
    go(client, "ages", {"ages": "3, 8"})
    go(client, "worries", {"worries": ["housing", "money-debt-and-food"]})
    go(client, "postcode", {"postcode": "ol6 6bh"})
    go(client, "situation", {"situation": "several_problems"})
    response = answer(client, "early_help", {"ask_contact": "yes"}, url="/questionnaire/outcome/early_help")
    assert response.status_code == 303
    assert go(client, "consent", {"consent": "yes"}).endswith(FORM)
    return fetch_page(client, FORM)


def hidden(page: BeautifulSoup, name: str) -> str:
    return str(page.find("input", attrs={"name": name})["value"])


def submit(client: FlaskClient, page: BeautifulSoup, **changes: Any) -> Any:
    data = {**DETAILS, "csrf_token": hidden(page, "csrf_token"), "form_token": hidden(page, "form_token"),
            **changes}
    return client.post(FORM, data={key: value for key, value in data.items() if value is not None})


def count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ContactRequest)) or 0)


def errors_of(response: Any) -> tuple[BeautifulSoup, str]:
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, "an error summary"
    return page, summary.get_text(" ", strip=True)


def test_the_form_shows_the_answers_read_only_and_prefills_the_postcode(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    text = text_of(page)
    assert "3, 8" in text and "Housing or a place to live" in text
    assert not page.find("input", attrs={"name": "ages"}) and not page.find("input", attrs={"name": "worries"})
    assert page.find("a", href="/questionnaire/check")
    assert page.find("input", attrs={"name": "postcode"})["value"] == "OL6 6BH"
    assert page.find("a", href="/privacy")
    consent = page.find("input", attrs={"name": "consent"})
    label = page.find("label", attrs={"for": consent["id"]})
    assert "I agree to the Early Help team" in label.get_text()
    trap = page.find("input", attrs={"name": "website"})
    assert trap["tabindex"] == "-1" and "style" not in trap.attrs
    wrapper = trap.find_parent("div")
    assert wrapper["aria-hidden"] == "true" and "govuk-visually-hidden" in wrapper["class"]
    assert "Leave this empty" in wrapper.get_text()
    assert "0161 342 2222" in text


def test_a_request_is_made_once_and_the_answers_are_cleared(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    with contact_client.session_transaction() as saved:
        before = dict(saved)
    response = submit(contact_client, page)
    assert response.status_code == 303 and response.location.endswith(SENT)
    assert count() == 1
    contact_request = db.session.scalars(select(ContactRequest)).one()
    assert contact_request.consent_wording_version == CONSENT_WORDING_VERSION
    raw = db.session.execute(text("SELECT encrypted_payload FROM contact_request")).scalar_one()
    assert b"Ashworth-Pennington" not in bytes(raw)
    payload = services.contact_cipher().decrypt(contact_request.encrypted_payload)
    assert payload["children_ages"] == [3, 8] and sorted(payload["worries"]) == ["housing", "money-debt-and-food"]
    assert payload["message_allowed"] is False and payload["postcode"] == "OL6 6BH"
    sent = fetch_page(contact_client, SENT)
    assert contact_request.reference in sent.select_one(".govuk-panel").get_text()
    assert "What happens next" in text_of(sent) and "0161 342 4101" in text_of(sent)
    with contact_client.session_transaction() as session:
        assert "questionnaire" not in session and session["contact_reference"] == contact_request.reference
    # Back and send again with the same form (and the old session): still one request.
    with contact_client.session_transaction() as session:
        session.clear()
        session.update(before)
    again = submit(contact_client, page)
    assert again.status_code == 303 and count() == 1
    # And once the answers are cleared, the form is not offered again.
    assert submit(contact_client, page).status_code == 303 and count() == 1


def test_consent_is_needed(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    _, summary = errors_of(submit(contact_client, page, consent=None))
    assert "Tick the box to agree to the Early Help team contacting you" in summary
    assert count() == 0


def test_a_phone_or_an_email_is_needed_and_typed_values_are_kept(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    form, summary = errors_of(submit(contact_client, page, phone="", email=""))
    assert "Give a phone number or an email address, or both" in summary
    assert form.find("input", attrs={"name": "name"})["value"] == DETAILS["name"]
    assert form.find("input", attrs={"name": "safe_times"})["value"] == "After 10am"
    assert form.find("input", attrs={"name": "message_allowed", "value": "no"}).has_attr("checked")
    assert "Please text first" in form.find("textarea", attrs={"name": "note"}).get_text()
    assert form.find("input", attrs={"name": "consent"}).has_attr("checked")
    assert count() == 0


def test_bad_phone_and_email_are_explained(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    form, summary = errors_of(submit(contact_client, page, phone="0770 09", email="name-at-example"))
    assert "Enter a phone number, like 07700 900 982" in summary
    assert "Enter an email address in the correct format, like name@example.com" in summary
    assert form.find("input", attrs={"name": "phone"})["value"] == "0770 09"
    _, summary = errors_of(submit(contact_client, page, name="", message_allowed=None, postcode="nowhere"))
    assert "Enter your name" in summary and "Select yes if we can leave a message" in summary
    assert "Enter a full postcode" in summary
    assert count() == 0
    ok = submit(contact_client, page, phone="+44 7700 900982", email="name@example.com")
    assert ok.status_code == 303 and count() == 1


def test_the_honeypot_records_nothing(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    response = submit(contact_client, page, website="http://spam.example")
    assert response.status_code == 303 and count() == 0
    sent = fetch_page(contact_client, response.location)
    assert not sent.select_one(".govuk-panel") and "Thank you" in text_of(sent)


def test_a_post_without_csrf_is_refused(contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    assert submit(contact_client, page, csrf_token=None).status_code == 400
    assert count() == 0


def test_too_many_posts_get_the_429_page(app: Flask, contact_client: FlaskClient) -> None:
    page = reach_the_form(contact_client)
    app.config["CONTACT_RATE_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert submit(contact_client, page, consent=None).status_code == 200
    response = submit(contact_client, page)
    assert response.status_code == 429 and count() == 0
    assert "Too many requests" in response.get_data(as_text=True)
    assert contact_client.get(FORM).status_code == 200, "only posting is limited"


def test_a_safety_concern_never_reaches_the_form(contact_client: FlaskClient) -> None:
    reach_the_form(contact_client)
    with contact_client.session_transaction() as session:
        saved = session["questionnaire"]
        saved["answers"]["danger_now"] = "yes"
        session["questionnaire"] = saved
    response = contact_client.get(FORM)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/outcome/urgent")
    with contact_client.session_transaction() as session:
        session.pop("questionnaire")
    go(contact_client, "who", {"who": "child"})
    go(contact_client, "safety", {"danger_now": "no", "child_harmed": "not_sure"})
    response = contact_client.get(FORM)
    assert response.status_code == 303 and response.location.endswith("/questionnaire/outcome/urgent")
