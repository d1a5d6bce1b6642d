"""Hostile input at the edge: control characters in every form and parameter, and no submitted value
in any log.

NUL bytes once gave 500s on PostgreSQL and wrote the SQL parameters (a visitor's name, phone, email)
into the log. Now every form refuses control characters with a clear message and shows back what was
typed without them, query and path parameters holding them get a clear 400 page, the engine hides
SQL parameters, and accepting the same invitation twice at once makes one account.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import pkgutil
import threading
from collections.abc import Iterator
from importlib import import_module

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, select

import portal
from portal.extensions import db, limiter
from tests.accounts import csrf_token, emailed_link, make_account, sign_in_as
from tests.listings import World, make_world, remove_world

# Distinctive values nobody else uses: none of them may ever reach a log.
MARKERS = ("Zebedee Quarrington", "0161 496 0777", "zebedee.quarrington@example.org", "Qx7Marker")
HOSTILE = "\x00\x01\x1b\x7f\x9b"
CONTROL_MESSAGE = "hidden control characters"
TEXT_TYPES = {"text", "email", "tel", "search", "password", "url", "number", None}


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    limiter.reset()
    made = make_world(app)
    yield made
    remove_world(app, made)
    limiter.reset()


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at every level, SQLAlchemy's engine included (as when a server runs with echo)."""
    engine_logger = logging.getLogger("sqlalchemy.engine")
    level = engine_logger.level
    engine_logger.setLevel(logging.INFO)
    caplog.set_level(logging.DEBUG)
    yield caplog
    engine_logger.setLevel(level)


def assert_no_marker_logged(caplog: pytest.LogCaptureFixture) -> None:
    logged = caplog.text + "\n".join(repr(record.args) + str(record.exc_info) for record in caplog.records)
    for marker in MARKERS:
        assert marker not in logged, f"{marker!r} was written to the log"


def _form_for(page: BeautifulSoup, url: str) -> BeautifulSoup:
    forms = [form for form in page.find_all("form") if (form.get("method") or "").lower() == "post"
             and form.find("input", attrs={"name": "csrf_token"})]
    for form in forms:
        if (form.get("action") or url).split("?")[0] == url:
            return form
    assert forms, f"no form on {url}"
    return forms[0]


def _is_trap(form: BeautifulSoup, field: BeautifulSoup) -> bool:
    """The hidden box robots fill in (anything in it makes a form quietly do nothing)."""
    label = form.find("label", attrs={"for": field.get("id")}) if field.get("id") else None
    return label is not None and "Leave this empty" in label.get_text()


def post_hostile(client: FlaskClient, url: str, page_url: str | None = None) -> tuple[int, str]:
    """Fill every text box of the form on the page with a marker and control characters; post it."""
    response = client.get(page_url or url)
    assert response.status_code == 200, f"{page_url or url}: {response.status_code}"
    html = response.get_data(as_text=True)
    form = _form_for(BeautifulSoup(html, "html.parser"), url)
    data: dict[str, object] = {"csrf_token": csrf_token(html)}
    boxes = 0
    for field in form.find_all(["input", "textarea"]):
        name, kind = field.get("name"), field.get("type")
        if not name or name == "csrf_token" or _is_trap(form, field):
            continue
        if field.name == "textarea" or kind in TEXT_TYPES:
            data[name] = MARKERS[boxes % len(MARKERS)] + HOSTILE
            boxes += 1
        elif kind == "radio" and name not in data:
            data[name] = field.get("value")
    assert boxes, f"no text box on {url}"
    posted = client.post(url, data=data)
    return posted.status_code, posted.get_data(as_text=True)


def assert_refused(status: int, html: str, url: str) -> None:
    assert status == 200, f"{url}: {status}"
    assert CONTROL_MESSAGE in html and "govuk-error-summary" in html, f"{url}: no clear message"
    assert "\x00" not in html


def test_every_form_class_uses_the_portal_form() -> None:
    """A new form cannot forget the check: every form in the package is a PortalForm."""
    from portal.forms import PortalForm

    found = []
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" in module.name:
            continue
        for _, value in inspect.getmembers(import_module(module.name), inspect.isclass):
            if issubclass(value, FlaskForm) and value.__module__.startswith("portal.") and value is not PortalForm:
                found.append(value)
    from portal.listings.forms import times_form_class

    found.append(times_form_class())
    assert len(found) > 25
    assert [form for form in found if not issubclass(form, PortalForm)] == []


def test_public_forms_refuse_control_characters_and_log_nothing(
        app: Flask, client: FlaskClient, world: World, every_log: pytest.LogCaptureFixture) -> None:
    for url in ("/sign-in", "/sign-in/forgotten-password", f"/services/{world.service_a}/report-a-problem",
                f"/organisations/{world.organisation_a}/ask-to-manage"):
        status, html = post_hostile(client, url)
        assert_refused(status, html, url)
    # What was typed is shown back, without the control characters.
    status, html = post_hostile(client, "/sign-in")
    assert MARKERS[0] in html
    assert_no_marker_logged(every_log)


def test_editor_forms_refuse_control_characters_and_log_nothing(
        app: Flask, client: FlaskClient, world: World, every_log: pytest.LogCaptureFixture) -> None:
    sign_in_as(client, world.editor_a)
    service = f"/manage/services/{world.service_a}"
    urls = [f"/manage/organisations/{world.organisation_a}/edit",
            f"/manage/organisations/{world.organisation_a}/services/new",
            f"{service}/sections/details", f"{service}/sections/who", f"{service}/sections/costs",
            f"{service}/sections/status", f"{service}/places/0", f"{service}/places/new", f"{service}/times/0",
            f"{service}/times/service"]
    for url in urls:
        status, html = post_hostile(client, url)
        assert_refused(status, html, url)
    # Nothing was saved as a draft: a place name with NUL can never reach a moderator.
    from portal.models import ListingVersion

    drafts = db.session.scalar(select(func.count()).select_from(ListingVersion)
                               .where(ListingVersion.organization_id == world.organisation_a,
                                      ListingVersion.status == "draft"))
    assert not drafts
    assert_no_marker_logged(every_log)


def test_a_submit_note_with_control_characters_is_refused(
        app: Flask, client: FlaskClient, world: World, every_log: pytest.LogCaptureFixture) -> None:
    sign_in_as(client, world.editor_a)
    service = f"/manage/services/{world.service_a}"
    page = client.get(f"{service}/sections/status").get_data(as_text=True)
    saved = client.post(f"{service}/sections/status", data={"csrf_token": csrf_token(page),
                                                            "temporarily_closed": "no", "alert": "Half term"})
    assert saved.status_code in (302, 303)
    status, html = post_hostile(client, f"{service}/submit", page_url=service)
    assert status == 200 and CONTROL_MESSAGE in html, status
    assert_no_marker_logged(every_log)


def test_admin_invitation_form_refuses_control_characters(
        app: Flask, client: FlaskClient, every_log: pytest.LogCaptureFixture) -> None:
    sign_in_as(client, make_account(app, roles=("admin",)))
    status, html = post_hostile(client, "/admin/invitations/new")
    assert_refused(status, html, "/admin/invitations/new")
    assert_no_marker_logged(every_log)


def test_questionnaire_answers_refuse_control_characters(
        client: FlaskClient, every_log: pytest.LogCaptureFixture) -> None:
    from tests.functional.test_questionnaire_journey import answer, go, safe_family

    safe_family(client)
    go(client, "ages", {"ages": "3"})
    go(client, "worries", {"worries": ["housing"]})
    for block, data in (("postcode", {"postcode": "OL6\x00 6BH"}), ("situation", {"situation": "several\x00"})):
        response = answer(client, block, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Remove the hidden control characters" in html, block
        if block == "postcode":
            go(client, "postcode", {"postcode": "OL6 6BH"})
    assert_no_marker_logged(every_log)


@pytest.mark.parametrize("url", [
    "/search?q=Qx7Marker%00", "/search?postcode=OL6%006BH", "/search?need=Qx7Marker%00", "/search?page=%001",
    "/services/Qx7Marker%00", "/organisations/Qx7Marker%00", "/shortlist/share?ids=Qx7Marker%00",
    "/kiosk/search?q=Qx7Marker%00", "/search?q=Qx7Marker%7F", "/search?q=Qx7Marker%C2%9B",
])
def test_parameters_with_control_characters_get_a_clear_400(
        client: FlaskClient, url: str, every_log: pytest.LogCaptureFixture) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.status_code
    assert "control characters" in response.get_data(as_text=True)
    assert_no_marker_logged(every_log)


def test_api_parameters_with_control_characters_get_a_json_400(
        client: FlaskClient, every_log: pytest.LogCaptureFixture) -> None:
    for url in ("/api/oruk/services?search=Qx7Marker%00", "/api/oruk/services?taxonomy_term_id=%00",
                "/api/oruk/services/Qx7Marker%00"):
        response = client.get(url)
        assert response.status_code == 400 and response.is_json, url
    assert_no_marker_logged(every_log)


def test_staff_list_parameters_with_control_characters(
        app: Flask, client: FlaskClient, every_log: pytest.LogCaptureFixture) -> None:
    sign_in_as(client, make_account(app, roles=("early_help", "admin")))
    for url in ("/early-help/requests?status=Qx7Marker%00", "/early-help/requests?page=%00",
                "/admin/audit?page=%00", "/early-help/requests/Qx7Marker%00"):
        assert client.get(url).status_code == 400, url
    assert_no_marker_logged(every_log)


def test_the_engine_hides_sql_parameters(app: Flask) -> None:
    assert db.engine.hide_parameters
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True


def test_importer_refuses_control_characters_with_file_row_and_field() -> None:
    from portal.exchange.checks import FieldError, _text

    with pytest.raises(FieldError, match="control characters"):
        _text("Hall\x00", from_csv=True)
    assert _text("Line one\nLine two\twith a tab", from_csv=True) == "Line one\nLine two\twith a tab"


def test_the_same_invitation_accepted_twice_at_once_makes_one_account(app: Flask) -> None:
    from portal.accounts import services
    from portal.models.account import UserAccount

    email = f"race-{dt.datetime.now().timestamp()}@example.org".replace(".", "-", 1)
    admin = make_account(app, roles=("admin",))
    record = services._new_link_token(services.INVITATION, email, admin.id, dt.timedelta(days=1),
                                      roles=["early_help"])
    services._invitation_email(record)
    db.session.commit()
    url = emailed_link(app, email, "/invitation/")
    clients = [app.test_client() for _ in range(2)]
    pages = [c.get(url).get_data(as_text=True) for c in clients]
    answers: list[int] = []
    start = threading.Barrier(2)

    def accept(client: FlaskClient, page: str) -> None:
        with app.app_context():
            start.wait()
            answers.append(client.post(url, data={"csrf_token": csrf_token(page), "display_name": "Zebedee",
                                                  "password": "a long enough pass phrase 91",
                                                  "confirm": "a long enough pass phrase 91"}).status_code)
            db.session.remove()

    threads = [threading.Thread(target=accept, args=pair) for pair in zip(clients, pages)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert sorted(answers) in ([303, 404], [303, 410]), answers
    assert db.session.scalar(select(func.count()).select_from(UserAccount).where(UserAccount.email == email)) == 1
    db.session.execute(delete(UserAccount).where(UserAccount.email == email))
    db.session.commit()


def test_the_contact_form_refuses_control_characters_and_logs_no_family_details(
        app: Flask, client: FlaskClient, every_log: pytest.LogCaptureFixture) -> None:
    """A family's name, phone and email with NUL: refused with a message, kept on the page, never logged."""
    from tests.functional.test_contact_form import count, reach_the_form, submit

    limit = app.config.get("CONTACT_RATE_LIMIT")
    app.config["CONTACT_RATE_LIMIT"] = "1000 per hour"
    limiter.reset()
    try:
        before = count()
        page = reach_the_form(client)
        response = submit(client, page, name=MARKERS[0] + HOSTILE, phone=MARKERS[1] + "\x00",
                          email=MARKERS[2] + "\x00", note=MARKERS[3] + HOSTILE)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and CONTROL_MESSAGE in html and "\x00" not in html
        assert MARKERS[0] in html, "what was typed is shown back"
        assert count() == before
        assert_no_marker_logged(every_log)
    finally:
        app.config["CONTACT_RATE_LIMIT"] = limit
        limiter.reset()
        db.session.rollback()


def test_seed_data_refuses_control_characters_with_file_row_and_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from portal.datafiles import DataFileError
    from portal.seed.records import read_csv

    path = tmp_path / "services.csv"
    path.write_text("name,description\nGood,Fine\nHall\x00,Fine\n", encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        list(read_csv(path))
    assert refused.value.row == 3 and refused.value.field == "name" and "control characters" in str(refused.value)
