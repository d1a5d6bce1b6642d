"""Report a problem: a short public form on every service page that reaches the organisation's editors and
the moderators (an email with a link, never the text), who mark reports resolved."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from portal.extensions import db, limiter
from portal.models import AuditEvent, Organization, OutboxMessage, ProblemReport, Service
from tests.accounts import Person, make_account, sign_in_as
from tests.directory_records import make_organisation, make_service, remove_organisation
from tests.pages import fetch_page

SUBJECT = "A problem has been reported with a listing on Tameside Family Help"


@pytest.fixture
def reporting(app: Flask, client: FlaskClient) -> Iterator[FlaskClient]:
    limit = app.config["PROBLEM_REPORT_RATE_LIMIT"]
    app.config["PROBLEM_REPORT_RATE_LIMIT"] = "1000 per hour"
    limiter.reset()
    yield client
    app.config["PROBLEM_REPORT_RATE_LIMIT"] = limit
    limiter.reset()
    db.session.rollback()
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.subject == SUBJECT))
    db.session.commit()


@pytest.fixture
def two_organisations(app: Flask) -> Iterator[tuple[Organization, Organization]]:
    first, second = make_organisation(), make_organisation()
    yield first, second
    for organisation in (first, second):
        remove_organisation(organisation.id)


@pytest.fixture
def service(two_organisations: tuple[Organization, Organization]) -> Service:
    return make_service(two_organisations[0], "Oakfield parent and baby group")


def form_url(service_id: str) -> str:
    return f"/services/{service_id}/report-a-problem"


def send(client: FlaskClient, service_id: str, **fields: Any) -> Any:
    page = fetch_page(client, form_url(service_id))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    data = {"csrf_token": token, "kind": "wrong_details", "details": "", **fields}
    return client.post(form_url(service_id), data={key: value for key, value in data.items() if value is not None})


def reports_for(service_id: str) -> list[ProblemReport]:
    return list(db.session.scalars(select(ProblemReport).where(ProblemReport.service_id == service_id)))


def error_page(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text(strip=True).startswith("Error:")
    return page


def test_every_service_page_links_to_the_form(reporting: FlaskClient, service: Service) -> None:
    page = fetch_page(reporting, f"/services/{service.id}")
    assert page.find("a", string="Report a problem with this listing")["href"] == form_url(service.id)
    form = fetch_page(reporting, form_url(service.id))
    assert form.h1.get_text(strip=True) == "Report a problem with this listing"
    assert "Do not include personal details" in form.get_text()
    names = {field["name"] for field in form.select("form input, form textarea") if field.get("name")}
    assert names == {"csrf_token", "kind", "details", "website"}, "no personal data is asked for"


def test_a_report_reaches_the_editors_and_moderators_without_its_text(
        app: Flask, reporting: FlaskClient, service: Service) -> None:
    editor = make_account(app, roles=("editor",), organisations=(service.organization_id,))
    moderator = make_account(app, roles=("moderator",))
    response = send(reporting, service.id, kind="closed", details="The hall is shut for repairs until March.")
    assert response.status_code == 303
    assert response.location == f"/services/{service.id}/report-a-problem/sent"
    assert "Thank you for your report" in fetch_page(reporting, response.location).get_text()

    [report] = reports_for(service.id)
    assert (report.kind, report.status) == ("closed", "open")
    assert report.details == "The hall is shut for repairs until March."
    messages = {message.to: message for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject == SUBJECT))}
    assert editor.email in messages and moderator.email in messages
    body = messages[editor.email].body
    assert "repairs" not in body and "/problem-reports" in body and service.name in body
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == report.id))
    assert (event.actor, event.action, event.detail) == ("public:problem-report", "problem reported", "closed")


def test_bad_input_is_explained_and_kept(reporting: FlaskClient, service: Service) -> None:
    page = error_page(send(reporting, service.id, kind="other", details=""))
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Tell us what the problem is" in summary
    assert page.find("input", attrs={"name": "kind", "value": "other"}).has_attr("checked")

    too_long = "x" * 501
    page = error_page(send(reporting, service.id, kind="wrong_details", details=too_long))
    assert "500 characters or less" in page.select_one(".govuk-error-summary").get_text()
    assert page.find("textarea", attrs={"name": "details"}).get_text() == too_long

    page = error_page(send(reporting, service.id, kind=None, details="Times changed"))
    assert "Select what the problem is" in page.select_one(".govuk-error-summary").get_text()
    page = error_page(send(reporting, service.id, kind="<script>"))
    assert "<script>" not in str(page.select_one(".govuk-error-summary"))
    assert reports_for(service.id) == []
    # Details are optional unless the problem is "something else".
    assert send(reporting, service.id, kind="wrong_details", details="").status_code == 303


def test_robots_csrf_and_unknown_services(reporting: FlaskClient, service: Service,
                                          two_organisations: tuple[Organization, Organization]) -> None:
    assert send(reporting, service.id, website="http://spam.example").status_code == 303
    assert reports_for(service.id) == [], "the honeypot records nothing"
    assert reporting.post(form_url(service.id), data={"kind": "closed"}).status_code == 400
    assert reports_for(service.id) == []
    withdrawn = make_service(two_organisations[0], "Withdrawn group", status="inactive")
    for service_id in (str(uuid.uuid4()), "not-an-id", withdrawn.id):
        assert reporting.get(form_url(service_id)).status_code == 404
        assert reporting.post(form_url(service_id), data={"kind": "closed"}).status_code in (400, 404)
        assert reporting.get(form_url(service_id) + "/sent").status_code == 404


def test_too_many_reports_get_the_429_page(app: Flask, reporting: FlaskClient, service: Service) -> None:
    app.config["PROBLEM_REPORT_RATE_LIMIT"] = "2 per hour"
    for _ in range(2):
        assert send(reporting, service.id, kind="other").status_code == 200
    assert send(reporting, service.id, kind="closed").status_code == 429
    assert reports_for(service.id) == []
    assert reporting.get(form_url(service.id)).status_code == 200, "only sending is limited"


def open_report_rows(client: FlaskClient) -> list[str]:
    page = fetch_page(client, "/problem-reports")
    return [row.find("td").get_text(" ", strip=True) for row in page.select("tbody tr")]


def test_editors_see_and_resolve_only_their_own_organisations_reports(
        app: Flask, reporting: FlaskClient, two_organisations: tuple[Organization, Organization]) -> None:
    first, second = two_organisations
    ours = make_service(first, "Ours toddler group")
    theirs = make_service(second, "Theirs toddler group")
    send(reporting, ours.id, kind="other", details="<script>alert('x')</script> wrong day")
    send(reporting, theirs.id, kind="closed")
    [our_report], [their_report] = reports_for(ours.id), reports_for(theirs.id)
    editor: Person = make_account(app, roles=("editor",), organisations=(first.id,))
    moderator = make_account(app, roles=("moderator",))

    sign_in_as(reporting, editor)
    page = fetch_page(reporting, "/problem-reports")
    text = page.get_text(" ", strip=True)
    assert "Ours toddler group" in text and "Theirs toddler group" not in text
    assert "<script>alert('x')</script> wrong day" in text
    assert not page.find("script", string=lambda s: s and "alert('x')" in s), "what people type is escaped"
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    assert reporting.post(f"/problem-reports/{their_report.id}/resolve", data={"csrf_token": token}).status_code == 404
    assert reporting.post("/problem-reports/nonsense/resolve", data={"csrf_token": token}).status_code == 404

    sign_in_as(reporting, moderator)
    rows = open_report_rows(reporting)
    assert any("Ours toddler group" in row for row in rows) and any("Theirs toddler group" in row for row in rows)

    sign_in_as(reporting, editor)  # a new session: a new form token
    token = fetch_page(reporting, "/problem-reports").find("input", attrs={"name": "csrf_token"})["value"]
    response = reporting.post(f"/problem-reports/{our_report.id}/resolve", data={"csrf_token": token})
    assert response.status_code == 303 and response.location == "/problem-reports"
    page = fetch_page(reporting, "/problem-reports")
    assert "marked as resolved" in page.get_text() and "Ours toddler group" not in " ".join(open_report_rows(reporting))
    db.session.expire_all()
    resolved = db.session.get(ProblemReport, our_report.id)
    assert (resolved.status, resolved.resolved_by) == ("resolved", f"user:{editor.id}")
    assert resolved.resolved_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == our_report.id,
                                                      AuditEvent.action == "problem report resolved")) is not None
    assert db.session.get(ProblemReport, their_report.id).status == "open"


def test_a_report_sent_from_a_translated_page_links_staff_to_their_own_page(
        app: Flask, reporting: FlaskClient, service: Service) -> None:
    moderator = make_account(app, roles=("moderator",))
    page = fetch_page(reporting, "/pl" + form_url(service.id))
    form = page.find("form", method="post")
    assert form["action"] == "/pl" + form_url(service.id)
    response = reporting.post(form["action"], data={
        "csrf_token": form.find("input", attrs={"name": "csrf_token"})["value"], "kind": "closed"})
    assert response.status_code == 303 and response.location == "/pl" + form_url(service.id) + "/sent"
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == moderator.email,
                                                               OutboxMessage.subject == SUBJECT))
    assert f"{app.config['PUBLIC_BASE_URL']}/problem-reports\n" in message.body + "\n"
    assert "/pl/" not in message.body
