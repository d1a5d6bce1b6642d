"""The Early Help staff queue: list, read (audited), assign, record the outcome and close a family's
contact request, through the real app and database on every backend.

Each test removes the contact requests, audit events and outbox messages it made.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, text

from portal.contact import queue, services
from portal.extensions import db
from portal.models import AuditEvent, ContactRequest, OutboxMessage
from portal.models.account import UserAccount
from tests.accounts import Person, csrf_token, make_account, sign_in_as
from tests.pages import fetch_page

QUEUE = "/early-help/requests"
FAMILY = {
    "name": "Philippa Quennell-Abernethy",
    "phone": "07700 900456",
    "email": "pq.family@example.org",
    "safe_times": "school hours only",
    "message_allowed": False,
    "postcode": "OL6 6BH",
    "children_ages": [2, 7],
    "worries": ["housing", "money-debt-and-food"],
    "note": "My partner must not know about this",
}
PERSONAL_STRINGS = ("Quennell-Abernethy", "07700 900456", "pq.family@example.org", "school hours only",
                    "partner must not know")


@pytest.fixture(scope="module")
def people(seeded_app: Flask) -> dict[str, Person]:
    made = {name: make_account(seeded_app, roles=roles) for name, roles in {
        "staff": ("early_help",), "colleague": ("early_help",), "editor": ("editor",),
        "moderator": ("moderator",), "admin": ("admin",)}.items() if name != "editor"}
    from portal.models.organisation import Organization

    with seeded_app.app_context():
        organisation = db.session.scalars(select(Organization.id).order_by(Organization.name).limit(1)).one()
    made["editor"] = make_account(seeded_app, roles=("editor",), organisations=(organisation,))
    return made


@pytest.fixture
def staff_client(app: Flask, client: FlaskClient, people: dict[str, Person]) -> Iterator[FlaskClient]:
    """A client signed in as Early Help staff; the contact tables are emptied afterwards."""
    sign_in_as(client, people["staff"])
    yield client
    db.session.rollback()
    db.session.execute(delete(ContactRequest))
    db.session.execute(delete(AuditEvent).where(AuditEvent.subject_type == "contact_request"))
    db.session.execute(delete(OutboxMessage))
    db.session.commit()


def make_request(key: str = "queue-test-1", **changes: Any) -> ContactRequest:
    return services.create_request({**FAMILY, **changes}, "consent-v1", key)


def page_url(contact_request: ContactRequest) -> str:
    return f"{QUEUE}/{contact_request.reference}"


def post(client: FlaskClient, url: str, **data: Any) -> Any:
    token = csrf_token(client.get(QUEUE).get_data(as_text=True)) if "csrf_token" not in data else data.pop("csrf_token")
    return client.post(url, data={"csrf_token": token, **data})


def events(contact_request: ContactRequest) -> list[tuple[str, str]]:
    return [(event.actor, event.action) for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == contact_request.id).order_by(AuditEvent.at, AuditEvent.id))]


def refresh(contact_request: ContactRequest) -> ContactRequest:
    db.session.expire_all()
    found = db.session.get(ContactRequest, contact_request.id)
    assert found is not None
    return found


def summary_of(response: Any) -> str:
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, "an error summary"
    assert page.title is not None and page.title.get_text().startswith("Error:")
    return summary.get_text(" ", strip=True)


def actor(person: Person) -> str:
    return f"user:{person.id}"


def name_of(person: Person) -> str:
    account = db.session.get(UserAccount, person.id)
    assert account is not None
    return account.display_name


def test_the_queue_lists_requests_newest_first_with_no_personal_data(staff_client: FlaskClient) -> None:
    older = make_request("older")
    newer = make_request("newer")
    refresh(older).created_at = dt.datetime(2026, 1, 5, 9, 30)
    db.session.commit()
    page = fetch_page(staff_client, QUEUE)
    links = [a.get_text(strip=True) for a in page.select("main table a")]
    assert links == [newer.reference, older.reference]
    text_on_page = page.get_text(" ")
    assert "5 Jan 2026" in text_on_page and "New" in text_on_page and "No one yet" in text_on_page
    for personal in PERSONAL_STRINGS + ("Philippa",):
        assert personal not in text_on_page
    assert not [event for event in events(older) if event[1] == "read"], "listing is not reading"
    menu = page.select_one("nav.portal-staff-nav a[aria-current=page]")
    assert menu is not None and menu["href"] == QUEUE and "Contact requests" in menu.get_text()


def test_the_queue_filters_by_status_and_pages(staff_client: FlaskClient, people: dict[str, Person],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    made = [make_request(f"page-{number}") for number in range(3)]
    services.close(made[0].id, "test")
    closed = fetch_page(staff_client, f"{QUEUE}?status=closed")
    assert [a.get_text(strip=True) for a in closed.select("main table a")] == [made[0].reference]
    assert closed.select_one("select#status option[selected]")["value"] == "closed"
    new = fetch_page(staff_client, f"{QUEUE}?status=new")
    assert {a.get_text(strip=True) for a in new.select("main table a")} == {made[1].reference, made[2].reference}
    assert "There are no requests" in fetch_page(staff_client, f"{QUEUE}?status=assigned").get_text()

    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    first = fetch_page(staff_client, f"{QUEUE}?status=all")
    assert len(first.select("main table a")) == 2
    next_link = first.select_one(".govuk-pagination__next a")
    assert next_link is not None and "page=2" in next_link["href"] and "status=all" in next_link["href"]
    second = fetch_page(staff_client, next_link["href"])
    assert len(second.select("main table a")) == 1
    assert staff_client.get(f"{QUEUE}?page=3").status_code == 404


@pytest.mark.parametrize("query", ["status=open", "status=", "status=%3Cscript%3E", "page=0", "page=abc",
                                   "page=-1", "page=99999999999999999999"])
def test_a_bad_filter_or_page_says_so_and_never_fails(staff_client: FlaskClient, query: str) -> None:
    response = staff_client.get(f"{QUEUE}?{query}")
    assert response.status_code == 400
    message = summary_of(response)
    assert "Choose a status from the list" in message or "Page numbers are whole numbers" in message
    assert "<script>" not in response.get_data(as_text=True)


def test_reading_a_request_shows_the_family_and_is_audited_as_the_reader(
        staff_client: FlaskClient, people: dict[str, Person]) -> None:
    contact_request = make_request()
    response = staff_client.get(page_url(contact_request))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = fetch_page(staff_client, page_url(contact_request))
    text_on_page = page.get_text(" ")
    for shown in ("Philippa Quennell-Abernethy", "07700 900456", "pq.family@example.org", "school hours only",
                  "OL6 6BH", "2, 7", "Housing or a place to live", "My partner must not know about this",
                  "consent-v1"):
        assert shown in text_on_page, shown
    assert events(contact_request) == [(services.PUBLIC_ACTOR, "created"), (actor(people["staff"]), "read"),
                                       (actor(people["staff"]), "read")]
    trail = page.select("table.portal-audit-trail tbody tr")
    assert len(trail) == 3
    assert "The family, through the contact form" in trail[0].get_text()
    assert name_of(people["staff"]) in trail[2].get_text() and "Read the request" in trail[2].get_text()
    # The reference is matched however it is typed.
    assert staff_client.get(page_url(contact_request).lower()).status_code == 200


@pytest.mark.parametrize("reference", ["EH-0000-0000", "EH-2222-2222", "nonsense", "EH-ABCD", "x" * 500,
                                       "EH-ABCD-EFGH'--", "%00", "EH-2345-6789%0A"])
def test_a_bad_or_unknown_reference_is_not_found(staff_client: FlaskClient, reference: str) -> None:
    # Control characters (%00, %0A) are refused at the edge with a 400 before any lookup.
    expected = 400 if "%0" in reference else 404
    assert staff_client.get(f"{QUEUE}/{reference}").status_code == expected
    assert post(staff_client, f"{QUEUE}/{reference}/close").status_code == expected


def test_assign_record_the_outcome_and_close_are_audited(staff_client: FlaskClient,
                                                         people: dict[str, Person]) -> None:
    contact_request = make_request()
    url = page_url(contact_request)
    staff, colleague = people["staff"], people["colleague"]

    response = post(staff_client, f"{url}/assign", assignee=staff.id)
    assert response.status_code == 303 and response.location.endswith(url)
    assert refresh(contact_request).assigned_to == staff.id and contact_request.status == "assigned"
    page = fetch_page(staff_client, url)
    assert f"is assigned to {name_of(staff)}" in page.select_one(".govuk-notification-banner").get_text()
    assert not page.find("button", string=lambda s: s and "Assign to me" in s), "already mine"

    page = fetch_page(staff_client, url)
    choices = {option["value"] for option in page.select("select#assignee option")}
    assert {staff.id, colleague.id} <= choices
    assert people["editor"].id not in choices and people["admin"].id not in choices
    assert post(staff_client, f"{url}/assign", assignee=colleague.id).status_code == 303
    assert refresh(contact_request).assigned_to == colleague.id
    listed = fetch_page(staff_client, QUEUE).get_text(" ")
    assert name_of(colleague) in listed and colleague.id not in listed

    outcome = "Phoned; family joining the parenting group."
    assert post(staff_client, f"{url}/outcome", outcome=outcome).status_code == 303
    assert refresh(contact_request).outcome is None, "kept only in the encrypted payload"
    assert services.contact_cipher().decrypt(contact_request.encrypted_payload)[services.OUTCOME_KEY] == outcome
    assert outcome in fetch_page(staff_client, url).select_one("textarea#outcome").get_text()
    assert post(staff_client, f"{url}/close").status_code == 303
    contact_request = refresh(contact_request)
    assert contact_request.status == "closed" and contact_request.closed_at is not None

    me = actor(staff)
    assert [event for event in events(contact_request) if event[1] != "read"] == [
        (services.PUBLIC_ACTOR, "created"), (me, "assigned"), (me, "assigned"), (me, "outcome recorded"),
        (me, "closed")]
    details = [event.detail or "" for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == contact_request.id))]
    assert f"assigned to {colleague.id}" in details
    assert not any("parenting group" in detail for detail in details)
    closed_page = fetch_page(staff_client, url)
    assert outcome in closed_page.get_text() and not closed_page.select("textarea")
    exported = services.export_request(contact_request.reference)
    assert exported["outcome"] == outcome and exported["personal_data"]["name"] == FAMILY["name"]
    assert services.OUTCOME_KEY not in exported["personal_data"]
    trail = fetch_page(staff_client, url).select_one("table.portal-audit-trail").get_text(" ")
    assert f"Assigned it to {name_of(colleague)}" in " ".join(trail.split())
    assert "Closed it" in trail and "Recorded the outcome" in trail


def test_bad_input_re_displays_the_page_with_an_error_summary(
        staff_client: FlaskClient, people: dict[str, Person]) -> None:
    contact_request = make_request()
    url = page_url(contact_request)
    for someone in (people["editor"].id, people["admin"].id, "not-an-account", ""):
        response = post(staff_client, f"{url}/assign", assignee=someone)
        assert response.status_code == 200
        assert "Early Help team" in summary_of(response) or "Choose who" in summary_of(response)
    response = post(staff_client, f"{url}/outcome", outcome="   ")
    assert response.status_code == 200 and "Enter the outcome" in summary_of(response)
    typed = "x" * (services.OUTCOME_MAX + 1)
    response = post(staff_client, f"{url}/outcome", outcome=typed)
    assert response.status_code == 200 and "characters or less" in summary_of(response)
    assert typed in response.get_data(as_text=True), "what was typed is kept"
    assert post(staff_client, f"{url}/close", csrf_token="forged").status_code == 400
    contact_request = refresh(contact_request)
    assert contact_request.status == "new" and contact_request.assigned_to is None and contact_request.outcome is None
    assert {action for _, action in events(contact_request)} == {"created", "read"}


def test_a_closed_request_cannot_be_changed(staff_client: FlaskClient, people: dict[str, Person]) -> None:
    contact_request = make_request()
    services.record_outcome(contact_request.id, "test", "Signposted to the family hub.")
    services.close(contact_request.id, "test")
    url = page_url(contact_request)
    page = fetch_page(staff_client, url)
    assert not page.select("form[action$='/assign'], form[action$='/outcome'], form[action$='/close']")
    assert "cannot be changed" in page.get_text() and "Signposted to the family hub." in page.get_text()
    for action, data in (("assign", {"assignee": people["staff"].id}), ("outcome", {"outcome": "Changed"}),
                         ("close", {})):
        response = post(staff_client, f"{url}/{action}", **data)
        assert response.status_code == 409
        assert "This request is closed, so it cannot be changed" in summary_of(response)
    contact_request = refresh(contact_request)
    payload = services.contact_cipher().decrypt(contact_request.encrypted_payload)
    assert payload[services.OUTCOME_KEY] == "Signposted to the family hub." and contact_request.assigned_to is None
    assert [action for _, action in events(contact_request) if action != "read"] == [
        "created", "outcome recorded", "closed"]


@pytest.mark.parametrize("person", ["editor", "moderator", "admin", "anonymous"])
def test_only_early_help_staff_see_or_change_requests(staff_client: FlaskClient, people: dict[str, Person],
                                                      person: str) -> None:
    contact_request = make_request()
    url = page_url(contact_request)
    if person == "anonymous":
        with staff_client.session_transaction() as session:
            session.clear()
        token = csrf_token(staff_client.get("/sign-in").get_data(as_text=True))
    else:
        sign_in_as(staff_client, people[person])
        token = csrf_token(staff_client.get("/account").get_data(as_text=True))
    for path in (QUEUE, url):
        response = staff_client.get(path)
        assert response.status_code == (303 if person == "anonymous" else 403), path
        assert "Quennell" not in response.get_data(as_text=True)
    for action in ("assign", "outcome", "close"):
        response = staff_client.post(f"{url}/{action}", data={
            "csrf_token": token, "assignee": people["staff"].id, "outcome": "x"})
        assert response.status_code == (401 if person == "anonymous" else 403), action
    assert events(contact_request) == [(services.PUBLIC_ACTOR, "created")]
    assert refresh(contact_request).status == "new"


def test_the_database_holds_no_readable_personal_data(staff_client: FlaskClient, people: dict[str, Person]) -> None:
    contact_request = make_request()
    fetch_page(staff_client, page_url(contact_request))
    post(staff_client, f"{page_url(contact_request)}/assign", assignee=people["staff"].id)
    post(staff_client, f"{page_url(contact_request)}/outcome", outcome="Dad drinks heavily; mum at Hollybank refuge")
    raw = bytes(db.session.execute(text("SELECT encrypted_payload FROM contact_request WHERE id = :id"),
                                   {"id": contact_request.id}).scalar_one())
    for personal in PERSONAL_STRINGS + ("Philippa", "07700900456"):
        assert personal.encode() not in raw
    rows = " ".join(str(row) for table in (ContactRequest.__table__, AuditEvent.__table__, OutboxMessage.__table__)
                    for row in db.session.execute(select(table)).all())
    for personal in PERSONAL_STRINGS + ("Philippa", "Dad drinks", "Hollybank"):
        assert personal not in rows
    assert "Hollybank" in fetch_page(staff_client, page_url(contact_request)).get_text(), "yet staff can read it"


def test_the_inbox_notice_links_to_the_request_page(staff_client: FlaskClient, app: Flask) -> None:
    contact_request = make_request()
    message = db.session.scalars(select(OutboxMessage)).one()
    link = f"{app.config['PUBLIC_BASE_URL']}{QUEUE}/{contact_request.reference}"
    assert link in message.body and message.sent_at is None, "no SMTP: it waits in the outbox"
    for personal in PERSONAL_STRINGS + ("Philippa",):
        assert personal not in message.body and personal not in message.subject
    assert staff_client.get(link.removeprefix(app.config["PUBLIC_BASE_URL"])).status_code == 200


def test_nothing_personal_reaches_the_logs(staff_client: FlaskClient, people: dict[str, Person],
                                           caplog: pytest.LogCaptureFixture) -> None:
    request_log = logging.getLogger("portal.requests")  # it does not propagate: listen to it directly
    request_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.DEBUG):
            contact_request = make_request()
            url = page_url(contact_request)
            fetch_page(staff_client, QUEUE)
            fetch_page(staff_client, url)
            post(staff_client, f"{url}/assign", assignee=people["colleague"].id)
            post(staff_client, f"{url}/outcome", outcome="Family met at the hub")
            post(staff_client, f"{url}/close")
    finally:
        request_log.removeHandler(caplog.handler)
    logged = caplog.text
    assert "/early-help/requests/<reference>" in logged, "the request log ran"
    for personal in PERSONAL_STRINGS + ("Philippa", "Family met at the hub"):
        assert personal not in logged
