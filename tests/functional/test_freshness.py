"""Freshness: "last checked" on the public page, "may be out of date" after FRESHNESS_STALE_MONTHS (and
ranked lower by every search backend), one-click "still correct", reminders and the overdue dashboard."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update
from werkzeug.test import TestResponse

from portal.config import ConfigError, load_config
from portal.extensions import db
from portal.freshness.rules import months_before
from portal.freshness.services import COMMAND_ACTOR, send_reminders
from portal.models import AuditEvent, ListingVersion, OutboxMessage, Service
from portal.models.contact_request import utcnow
from tests.accounts import Person, csrf_token, make_account, sign_in_as
from tests.directory_records import make_organisation, make_service, remove_organisation
from tests.pages import fetch_page

REMINDER_SUBJECT = "Please check your listings on Tameside Family Help"


def today() -> dt.date:
    return utcnow().date()


def months_ago(months: int, days: int = 0) -> dt.date:
    return months_before(today(), months) - dt.timedelta(days=days)


@pytest.fixture
def organisation(app: Flask) -> Iterator[str]:
    made = make_organisation()
    yield made.id
    remove_organisation(made.id)


@pytest.fixture
def clean_reminders(app: Flask) -> Iterator[None]:
    """The reminder command looks at every service, the seeded ones too: put back what it changed."""
    yield
    db.session.rollback()
    db.session.execute(update(Service).where(Service.freshness_reminder_sent_at.is_not(None))
                       .values(freshness_reminder_sent_at=None))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.subject == REMINDER_SUBJECT))
    db.session.execute(delete(AuditEvent).where(AuditEvent.actor == COMMAND_ACTOR))
    db.session.commit()


def editor_of(app: Flask, organisation_id: str) -> Person:
    return make_account(app, roles=("editor",), organisations=(organisation_id,))


def post_still_correct(client: FlaskClient, service_id: str, **extra: str) -> TestResponse:
    token = csrf_token(client.get("/account").get_data(as_text=True))
    return client.post(f"/manage/services/{service_id}/still-correct", data={"csrf_token": token, **extra})


# The public page --------------------------------------------------------------------------------

def test_the_public_page_says_when_the_listing_was_last_checked(client: FlaskClient, organisation: str) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    fresh = make_service(org, "Freshwater toddler group", assured_date=dt.date(2026, 3, 4))
    never = make_service(org, "Neverchecked toddler group")

    page = fetch_page(client, f"/services/{fresh.id}")
    assert page.find(id="last-checked").get_text(strip=True) == "Last checked: 4 March 2026"
    assert "may be out of date" not in page.get_text()
    page = fetch_page(client, f"/services/{never.id}")
    assert page.find(id="last-checked").get_text(strip=True) == "Last checked: not yet checked"
    assert "may be out of date" not in page.get_text(), "never checked is not the same as a year old"


def test_a_listing_checked_a_year_ago_may_be_out_of_date(client: FlaskClient, organisation: str) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    just_fresh = make_service(org, "Almost a year group", assured_date=months_ago(12) + dt.timedelta(days=1))
    stale = make_service(org, "A year and a day group", assured_date=months_ago(12))

    assert "may be out of date" not in fetch_page(client, f"/services/{just_fresh.id}").get_text()
    page = fetch_page(client, f"/services/{stale.id}")
    warning = page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "This listing may be out of date" in warning and str(months_ago(12).year) in warning


# Search: an overdue listing ranks below an otherwise equal fresh one, on every backend -----------

def result_names(client: FlaskClient, **params: object) -> list[str]:
    page = fetch_page(client, "/search?" + urlencode(params, doseq=True))
    return [card.h3.get_text(strip=True) for card in page.select("ul.portal-card-list > li")]


def test_search_ranks_an_overdue_listing_below_an_otherwise_equal_fresh_one(
        app: Flask, client: FlaskClient, organisation: str) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    text = "Stories, songs and rhymes for babies and toddlers: quillwort time."
    first = make_service(org, "Quillwort club Ashton", text, assured_date=months_ago(1), borough_wide=True)
    make_service(org, "Quillwort club Hyde", text, assured_date=months_ago(1), borough_wide=True)
    # Equal text, equal freshness: equal scores, and the name breaks the tie.
    assert result_names(client, q="quillwort") == ["Quillwort club Ashton", "Quillwort club Hyde"]

    first.assured_date = months_ago(13)
    db.session.commit()
    assert result_names(client, q="quillwort") == ["Quillwort club Hyde", "Quillwort club Ashton"]
    # Near a place too (both cover all of Tameside: equal distance).
    assert result_names(client, q="quillwort", postcode="OL6 6BH") == ["Quillwort club Hyde", "Quillwort club Ashton"]

    # Confirming the listing brings it back.
    editor = editor_of(app, org.id)
    sign_in_as(client, editor)
    assert post_still_correct(client, first.id).status_code == 303
    assert result_names(client, q="quillwort") == ["Quillwort club Ashton", "Quillwort club Hyde"]


def test_the_engine_puts_overdue_listings_after_fresh_ones_when_only_browsing() -> None:
    from dataclasses import replace

    from portal.search.engine import FacetDimensions, SearchEngine
    from portal.search.params import SearchParams
    from portal.search.store import DocumentStore
    from tests.unit.test_search_index import document

    today = dt.date(2026, 6, 15)
    store = DocumentStore()
    store.replace_all([replace(document(1, "Aardvark club"), assured_date=months_before(today, 12)),
                       replace(document(2, "Zebra club"), assured_date=today),
                       replace(document(3, "Mole club"), assured_date=None),  # never checked: not out of date
                       replace(document(4, "Badger club"), assured_date=months_before(today, 12) + dt.timedelta(1))])
    engine = SearchEngine(store, None, None, FacetDimensions((), (), (), (), ()),  # type: ignore[arg-type]
                          stale_months=12, today=lambda: today)
    names = [result.document.name for result in engine.search(SearchParams()).results]
    assert names == ["Badger club", "Mole club", "Zebra club", "Aardvark club"]


# Still correct -------------------------------------------------------------------------------------

def test_an_editor_confirms_a_listing_is_still_correct_in_one_click(
        app: Flask, client: FlaskClient, organisation: str) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    service = make_service(org, "Riverside stay and play", assured_date=months_ago(8))
    service.freshness_reminder_sent_at = utcnow() - dt.timedelta(days=30)
    db.session.commit()
    editor = editor_of(app, org.id)
    sign_in_as(client, editor)

    response = post_still_correct(client, service.id, next="/account")
    assert response.status_code == 303 and response.location == "/account"
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.assured_date == today()
    assert service.assurer_email == org.email and service.assurer_email != editor.email, (
        "Open Referral publishes assurer_email: never a person's own address")
    assert service.freshness_reminder_sent_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.subject_id == service.id,
                                                       AuditEvent.action == "confirmed still correct"))
    assert event is not None and event.actor == f"user:{editor.id}" and event.subject_type == "service"
    assert not db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == service.id)).all(), \
        "nothing to review: no content changed"
    assert "Thank you" in client.get("/account").get_data(as_text=True)
    assert fetch_page(client, f"/services/{service.id}").find(id="last-checked").get_text(strip=True) == \
        f"Last checked: {today().day} {today():%B %Y}"


def test_only_the_organisations_editors_and_moderators_may_confirm(
        app: Flask, client: FlaskClient, organisation: str) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    service = make_service(org, "Hillside stay and play", assured_date=months_ago(8))
    other = make_organisation()
    try:
        sign_in_as(client, editor_of(app, other.id))
        assert post_still_correct(client, service.id).status_code == 404
        assert post_still_correct(client, str(uuid.uuid4())).status_code == 404
        assert post_still_correct(client, "not-an-id").status_code == 404
        db.session.expire_all()
        assert db.session.get(Service, service.id).assured_date == months_ago(8)

        moderator = make_account(app, roles=("moderator",))
        sign_in_as(client, moderator)
        assert client.post(f"/manage/services/{service.id}/still-correct").status_code == 400, "no CSRF token"
        response = post_still_correct(client, service.id, next="https://evil.example/")
        assert response.status_code == 303 and response.location == "/moderation/overdue"
        db.session.expire_all()
        assert db.session.get(Service, service.id).assured_date == today()
    finally:
        remove_organisation(other.id)


def test_the_partial_posts_with_a_csrf_token(app: Flask, organisation: str) -> None:
    from flask import render_template_string

    from portal.models import Organization

    service = make_service(db.session.get(Organization, organisation), "Partial group")
    with app.test_request_context("/manage/services/x"):
        html = render_template_string('{% include "freshness/_still_correct.html" %}', service=service)
    form = BeautifulSoup(html, "html.parser").form
    assert form["method"] == "post" and form["action"] == f"/manage/services/{service.id}/still-correct"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert form.find("input", attrs={"name": "next"})["value"] == "/manage/services/x"
    assert "Last checked: not yet checked" in form.get_text()


# Reminders and the overdue dashboard --------------------------------------------------------------

def reminders_to(email: str) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.to == email, OutboxMessage.subject == REMINDER_SUBJECT)
    return list(db.session.scalars(query))


def test_the_reminder_command_reminds_each_organisation_once_per_period(
        app: Flask, organisation: str, clean_reminders: None) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    due = make_service(org, "Seven months group", assured_date=months_ago(7))
    never = make_service(org, "Never checked group")
    recent = make_service(org, "Three months group", assured_date=months_ago(3))
    editors = [editor_of(app, org.id), editor_of(app, org.id)]
    moderator = make_account(app, roles=("moderator",))
    nobody = make_organisation()
    lonely = make_service(nobody, "Group with no editor", assured_date=months_ago(9))
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["portal", "send-freshness-reminders"])
        assert result.exit_code == 0, result.output
        assert f"Reminded 2 editor(s) of {org.name} about 2 listing(s)." in result.output
        assert f"No editor to remind for {nobody.name} (1 listing(s) due)" in result.output
        assert editors[0].email not in result.output, "no personal data in the output"

        for editor in editors:
            [message] = reminders_to(editor.email)
            assert "Seven months group" in message.body and "Never checked group" in message.body
            assert "Three months group" not in message.body
            assert f"http://127.0.0.1:8000/services/{due.id}" in message.body
            assert re.search(r"sign in at http://127\.0\.0\.1:8000/(manage|sign-in) ", message.body)
        assert reminders_to(moderator.email) == []
        db.session.expire_all()
        assert db.session.get(Service, due.id).freshness_reminder_sent_at is not None
        assert db.session.get(Service, never.id).freshness_reminder_sent_at is not None
        assert db.session.get(Service, recent.id).freshness_reminder_sent_at is None
        assert db.session.get(Service, lonely.id).freshness_reminder_sent_at is None

        # Again: nothing new.
        again = runner.invoke(args=["portal", "send-freshness-reminders"])
        assert again.exit_code == 0 and org.name not in again.output
        assert all(len(reminders_to(editor.email)) == 1 for editor in editors)

        # A period later, a listing still not checked is reminded again.
        send_reminders(today() + dt.timedelta(days=190))
        assert all(len(reminders_to(editor.email)) == 2 for editor in editors)
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == org.id,
                                                            AuditEvent.action == "freshness reminder sent")).all()
        # The first time: the two listings due; 190 days later the three-month one is due as well.
        assert sorted(event.detail for event in audit) == ["2 services, 2 editors", "3 services, 2 editors"]
    finally:
        remove_organisation(nobody.id)


def test_moderators_see_overdue_listings_by_organisation(
        app: Flask, client: FlaskClient, organisation: str, clean_reminders: None) -> None:
    from portal.models import Organization

    org = db.session.get(Organization, organisation)
    make_service(org, "Fourteen months group", assured_date=months_ago(14))
    make_service(org, "Seven months group", assured_date=months_ago(7))
    make_service(org, "Last month group", assured_date=months_ago(1))
    editor_of(app, org.id)
    send_reminders()
    sign_in_as(client, make_account(app, roles=("moderator",)))

    page = fetch_page(client, "/moderation/overdue")
    heading = page.find("h2", id=f"organisation-{org.id}")
    assert heading.get_text(strip=True) == org.name
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in heading.find_next("table").select("tbody tr")]
    assert [row[0] for row in rows] == ["Fourteen months group", "Seven months group"]
    assert rows[0][1].startswith("14 months ago") and "May be out of date" in rows[0][1]
    assert rows[1][1].startswith("7 months ago") and "May be out of date" not in rows[1][1]
    assert all(row[2] == f"Reminded on {today().day} {today():%B %Y}" for row in rows)
    assert page.select_one("nav.portal-staff-nav a[aria-current=page]").get_text(strip=True) == "Overdue listings"


def test_the_thresholds_are_settings() -> None:
    config = load_config({"PORTAL_ENV": "test"})
    assert (config["FRESHNESS_REMINDER_MONTHS"], config["FRESHNESS_STALE_MONTHS"]) == (6, 12)
    config = load_config({"PORTAL_ENV": "test", "FRESHNESS_REMINDER_MONTHS": "3", "FRESHNESS_STALE_MONTHS": "9"})
    assert (config["FRESHNESS_REMINDER_MONTHS"], config["FRESHNESS_STALE_MONTHS"]) == (3, 9)
    with pytest.raises(ConfigError, match="FRESHNESS_STALE_MONTHS must be a whole number"):
        load_config({"PORTAL_ENV": "test", "FRESHNESS_STALE_MONTHS": "a year"})
