""""Is this your organisation? Ask to manage this listing": a public request, kept encrypted, that a moderator
approves (an editor invitation for that organisation) or rejects with a reason; purged after retention."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from portal.accounts.services import data_cipher
from portal.extensions import db, limiter
from portal.models import AccountToken, AuditEvent, ManageRequest, Organization, OutboxMessage
from portal.models.contact_request import utcnow
from tests.accounts import make_account, sign_in_as
from tests.directory_records import make_organisation, remove_organisation
from tests.pages import fetch_page

DETAILS = {"name": "Perpetua Lindqvist-Oyelaran", "email": "P.Lindqvist@example.org",
           "role": "Volunteer coordinator", "message": "I run the Tuesday group."}
NOTICE_SUBJECT = "Someone has asked to manage a listing on Tameside Family Help"


@pytest.fixture
def asking(app: Flask, client: FlaskClient) -> Iterator[FlaskClient]:
    limit = app.config["MANAGE_REQUEST_RATE_LIMIT"]
    app.config["MANAGE_REQUEST_RATE_LIMIT"] = "1000 per hour"
    limiter.reset()
    yield client
    app.config["MANAGE_REQUEST_RATE_LIMIT"] = limit
    limiter.reset()
    db.session.rollback()
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.subject == NOTICE_SUBJECT))
    db.session.commit()


@pytest.fixture
def organisation(app: Flask) -> Iterator[Organization]:
    made = make_organisation()
    yield made
    remove_organisation(made.id)


def form_url(organisation: Organization | str) -> str:
    return f"/organisations/{getattr(organisation, 'id', organisation)}/ask-to-manage"


def ask(client: FlaskClient, organisation: Organization, **changes: Any) -> Any:
    page = fetch_page(client, form_url(organisation))
    data = {**DETAILS, "csrf_token": page.find("input", attrs={"name": "csrf_token"})["value"], **changes}
    return client.post(form_url(organisation), data={key: value for key, value in data.items() if value is not None})


def requests_for(organisation: Organization) -> list[ManageRequest]:
    return list(db.session.scalars(select(ManageRequest).where(ManageRequest.organization_id == organisation.id)))


def error_page(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text(strip=True).startswith("Error:")
    return page


def test_the_organisation_page_links_to_a_request_kept_only_encrypted(
        app: Flask, asking: FlaskClient, organisation: Organization) -> None:
    moderator = make_account(app, roles=("moderator",))
    page = fetch_page(asking, f"/organisations/{organisation.id}")
    assert page.find("a", string="Ask to manage this listing")["href"] == form_url(organisation)

    response = ask(asking, organisation)
    assert response.status_code == 303 and response.location == form_url(organisation) + "/sent"
    assert "Request sent" in fetch_page(asking, response.location).h1.get_text()

    [request] = requests_for(organisation)
    assert request.status == "pending"
    stored = bytes(request.encrypted_payload)
    for value in ("Perpetua", "Lindqvist", "Volunteer", "Tuesday"):
        assert value.encode() not in stored
    assert data_cipher().decrypt(stored) == {**DETAILS, "email": "p.lindqvist@example.org"}
    [notice] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == moderator.email, OutboxMessage.subject == NOTICE_SUBJECT))
    assert "/moderation/manage-requests" in notice.body and "Perpetua" not in notice.body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == request.id))
    assert (event.action, event.detail) == ("manage request made", None)


def test_bad_input_is_explained_and_kept(asking: FlaskClient, organisation: Organization) -> None:
    page = error_page(ask(asking, organisation, name="", email="not an email", role=""))
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    for message in ("Enter your name", "Enter an email address in the correct format",
                    "Enter your role at the organisation"):
        assert message in summary
    assert page.find("input", attrs={"name": "email"})["value"] == "not an email"
    page = error_page(ask(asking, organisation, message="x" * 501))
    assert "500 characters or less" in page.select_one(".govuk-error-summary").get_text()
    assert requests_for(organisation) == []
    assert ask(asking, organisation, message="").status_code == 303, "the message is optional"


def test_robots_csrf_unknown_organisations_and_the_rate_limit(
        app: Flask, asking: FlaskClient, organisation: Organization) -> None:
    assert ask(asking, organisation, website="http://spam.example").status_code == 303
    assert asking.post(form_url(organisation), data=DETAILS).status_code == 400
    assert requests_for(organisation) == []
    for organisation_id in (str(uuid.uuid4()), "nonsense"):
        assert asking.get(form_url(organisation_id)).status_code == 404
        assert asking.get(form_url(organisation_id) + "/sent").status_code == 404
    app.config["MANAGE_REQUEST_RATE_LIMIT"] = "2 per hour"
    limiter.reset()
    for _ in range(2):
        assert ask(asking, organisation, name="").status_code == 200
    assert ask(asking, organisation).status_code == 429
    assert requests_for(organisation) == []


def moderator_page(client: FlaskClient, request: ManageRequest) -> BeautifulSoup:
    return fetch_page(client, f"/moderation/manage-requests/{request.id}")


def test_a_moderator_approves_and_the_requester_is_invited_as_an_editor(
        app: Flask, asking: FlaskClient, organisation: Organization) -> None:
    ask(asking, organisation)
    [request] = requests_for(organisation)
    moderator = make_account(app, roles=("moderator",))
    sign_in_as(asking, moderator)

    listed = fetch_page(asking, "/moderation/manage-requests")
    assert listed.find("a", string=organisation.name)["href"] == f"/moderation/manage-requests/{request.id}"
    page = moderator_page(asking, request)
    text = page.get_text(" ", strip=True)
    assert "Perpetua Lindqvist-Oyelaran" in text and "p.lindqvist@example.org" in text
    assert "Volunteer coordinator" in text and "I run the Tuesday group." in text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == request.id,
                                                      AuditEvent.action == "read")).actor == moderator_actor(moderator)

    approve = page.find("form", action=f"/moderation/manage-requests/{request.id}/approve")
    response = asking.post(approve["action"], data={"csrf_token": approve.find("input")["value"]})
    assert response.status_code == 303 and response.location == "/moderation/manage-requests"
    assert "An invitation to be an editor has been sent to p.lindqvist@example.org" in \
        fetch_page(asking, "/moderation/manage-requests").get_text()
    db.session.expire_all()
    request = db.session.get(ManageRequest, request.id)
    assert (request.status, request.decided_by) == ("approved", moderator_actor(moderator))
    invitation = db.session.scalar(select(AccountToken).where(AccountToken.email == "p.lindqvist@example.org"))
    assert (invitation.purpose, invitation.roles) == ("invitation", "editor")
    assert invitation.organisation_ids == organisation.id
    assert invitation.created_by == moderator_actor(moderator)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == "p.lindqvist@example.org",
                                                         OutboxMessage.subject.like("You have been invited%")))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == request.id,
                                                      AuditEvent.action == "manage request approved"))
    # Decided: not listed, and it cannot be decided twice.
    assert organisation.name not in fetch_page(asking, "/moderation/manage-requests").get_text()
    response = asking.post(approve["action"], data={"csrf_token": approve.find("input")["value"]})
    assert response.status_code == 200 and "already been decided" in response.get_data(as_text=True)
    _tidy_invitation("p.lindqvist@example.org")


def moderator_actor(person: Any) -> str:
    return f"user:{person.id}"


def _tidy_invitation(email: str) -> None:
    db.session.execute(delete(AccountToken).where(AccountToken.email == email))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to == email))
    db.session.commit()


def test_a_moderator_rejects_with_a_reason_the_requester_is_emailed(
        app: Flask, asking: FlaskClient, organisation: Organization) -> None:
    ask(asking, organisation, email="someone.else@example.net")
    [request] = requests_for(organisation)
    sign_in_as(asking, make_account(app, roles=("moderator",)))
    page = moderator_page(asking, request)
    reject = page.find("form", action=f"/moderation/manage-requests/{request.id}/reject")
    token = reject.find("input", attrs={"name": "csrf_token"})["value"]

    page = error_page(asking.post(reject["action"], data={"csrf_token": token, "reason": "  "}))
    assert "Enter the reason" in page.select_one(".govuk-error-summary").get_text()
    reason = "The email address is not the organisation's. Please ask again from your work address."
    response = asking.post(reject["action"], data={"csrf_token": token, "reason": reason})
    assert response.status_code == 303
    db.session.expire_all()
    request = db.session.get(ManageRequest, request.id)
    assert (request.status, request.reason) == ("rejected", reason)
    [email] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == "someone.else@example.net"))
    assert reason in email.body and organisation.name in email.body
    assert db.session.scalar(select(AccountToken).where(AccountToken.email == "someone.else@example.net")) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == request.id,
                                                       AuditEvent.action == "manage request rejected"))
    assert event.detail is None, "the reason stays out of the audit log"
    _tidy_invitation("someone.else@example.net")


def test_an_existing_account_is_explained_and_the_request_stays_pending(
        app: Flask, asking: FlaskClient, organisation: Organization) -> None:
    existing = make_account(app, roles=("editor",), organisations=(organisation.id,))
    ask(asking, organisation, email=existing.email.upper())
    [request] = requests_for(organisation)
    sign_in_as(asking, make_account(app, roles=("moderator",)))
    page = moderator_page(asking, request)
    approve = page.find("form", action=f"/moderation/manage-requests/{request.id}/approve")
    page = error_page(asking.post(approve["action"], data={"csrf_token": approve.find("input")["value"]}))
    assert "There is already an account with this email address" in page.select_one(".govuk-error-summary").get_text()
    db.session.expire_all()
    assert db.session.get(ManageRequest, request.id).status == "pending"
    assert asking.get(f"/moderation/manage-requests/{uuid.uuid4()}").status_code == 404
    assert asking.get("/moderation/manage-requests/nonsense").status_code == 404


def test_decided_requests_are_purged_after_the_retention_period(app: Flask, organisation: Organization) -> None:
    cipher = data_cipher()
    now = utcnow()
    ages = {"old approved": ("approved", 31), "old rejected": ("rejected", 40), "recent": ("rejected", 5),
            "pending": ("pending", None), "long undecided": ("pending", None)}
    made = {}
    for label, (status, days) in ages.items():
        request = ManageRequest(organization_id=organisation.id, status=status,
                                encrypted_payload=cipher.encrypt({**DETAILS, "name": label}),
                                decided_at=now - dt.timedelta(days=days) if days else None,
                                created_at=now - dt.timedelta(days=100 if label == "long undecided" else 60))
        db.session.add(request)
        made[label] = request
    db.session.commit()
    ids = {label: request.id for label, request in made.items()}

    result = app.test_cli_runner().invoke(args=["portal", "purge-manage-requests"])
    assert result.exit_code == 0 and "Deleted 3 decided (or long undecided) requests" in result.output, result.output
    db.session.expire_all()
    left = {request.id for request in requests_for(organisation)}
    assert left == {ids["recent"], ids["pending"]}
    purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged",
                                                         AuditEvent.subject_type == "manage_request",
                                                         AuditEvent.subject_id.in_(ids.values()))).all()
    assert {event.subject_id for event in purged} == {ids["old approved"], ids["old rejected"], ids["long undecided"]}
    result = app.test_cli_runner().invoke(args=["portal", "purge-manage-requests", "--days", "1"])
    assert "Deleted 1 decided (or long undecided) requests" in result.output
