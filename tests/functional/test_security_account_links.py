"""Emailed single-use links (invitations, password resets) are usable only by whoever receives the email.

The outbox and every backup hold no usable link: a link's secret is made as its email is sent and is
never stored. A new reset or invitation cancels the earlier ones; an unsent email dies with its link;
old emails are purged. Asking for a reset answers the same, in the same time, whether or not the
account exists: the email is made by the outbox worker, not in the request. On every backend."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, select, text

from portal.extensions import db, limiter
from portal.models import AccountToken, OutboxMessage, PasswordResetRequest
from portal.models.contact_request import utcnow
from portal.notify import SECRET_NOT_KEPT, send_outbox
from tests.accounts import csrf_token, emailed_bodies, emailed_link, make_account, sign_in_as
from tests.functional.test_backup import readable_text, restore_into, scratch_database  # noqa: F401

LINK = re.compile(r"/(?:reset-password|invitation)/[A-Za-z0-9_\-]{8,}")


def post(client: FlaskClient, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


def ask_for_reset(email: str, app: Flask) -> None:
    limiter.reset()
    response = post(app.test_client(), "/sign-in/forgotten-password", {"email": email})
    assert response.status_code == 200


def invite(client: FlaskClient, email: str) -> None:
    from portal.models import Organization

    organisation = db.session.scalars(select(Organization.id).order_by(Organization.name)).first()
    response = post(client, "/admin/invitations/new", {"email": email, "roles": ["editor"],
                                                       "organisations": [organisation]})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def usable(app: Flask, path: str) -> bool:
    """Does the link open its form (an invitation or a new password) on the live site?"""
    return app.test_client().get(path).status_code == 200


def all_text(url: str) -> str:
    """Every text value in every table of a database."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                found += [value for value in row if isinstance(value, str)]
    engine.dispose()
    return "\n".join(found)


def test_no_usable_link_is_kept_in_the_outbox_or_in_a_restored_backup(
        app: Flask, client: FlaskClient, tmp_path: Path, scratch_database: str) -> None:  # noqa: F811
    stamp = time.time_ns()
    admin = make_account(app, roles=("admin",))
    sign_in_as(client, admin)
    sent_editor, waiting_editor = make_account(app, roles=("editor",)), make_account(app, roles=("editor",))
    # Sent: an invitation and a reset, both delivered.
    invite(client, f"sent-{stamp}@example.org")
    ask_for_reset(sent_editor.email, app)
    delivered = [emailed_link(app, f"sent-{stamp}@example.org", "/invitation/"),
                 emailed_link(app, sent_editor.email, "/reset-password/")]
    assert all(usable(app, link) for link in delivered), "the emailed links work"
    # Waiting: an invitation and a reset, queued but not yet sent.
    invite(client, f"waiting-{stamp}@example.org")
    ask_for_reset(waiting_editor.email, app)
    from portal.accounts.services import answer_password_reset_requests
    answer_password_reset_requests()
    db.session.expire_all()
    waiting = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None),
                                                                  OutboxMessage.link_token_id.is_not(None))))
    assert len(waiting) >= 2

    backup = tmp_path / "portal.backup"
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    contents = readable_text(app, backup).decode("utf-8", "replace")
    restore_into(app, backup, scratch_database, tmp_path)
    restored = all_text(scratch_database)
    assert sent_editor.email in restored, "the restored database is the one backed up"

    for link in delivered:
        assert link.rsplit("/", 1)[1] not in contents + restored, f"{link} is in the backup"
    tried = set(LINK.findall(contents)) | set(LINK.findall(restored))
    for link in tried:
        assert not usable(app, link), f"{link} from the backup opens its form"
    assert "{secret}" in restored, "the waiting emails are in the backup, with no link in them"


def test_a_sent_email_keeps_no_link(app: Flask) -> None:
    editor = make_account(app, roles=("editor",))
    ask_for_reset(editor.email, app)
    link = emailed_link(app, editor.email, "/reset-password/")
    db.session.expire_all()
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == editor.email))
    assert message.sent_at is not None and SECRET_NOT_KEPT in message.body
    assert link.rsplit("/", 1)[1] not in message.body
    assert usable(app, link)


def test_a_new_reset_cancels_the_earlier_ones(app: Flask) -> None:
    editor = make_account(app, roles=("editor",))
    links = []
    for _ in range(3):
        ask_for_reset(editor.email, app)
        links.append(emailed_link(app, editor.email, "/reset-password/"))
    assert len(set(links)) == 3
    assert [usable(app, link) for link in links] == [False, False, True]


def test_a_new_invitation_cancels_the_earlier_one(app: Flask, client: FlaskClient) -> None:
    sign_in_as(client, make_account(app, roles=("admin",)))
    email = f"twice-{time.time_ns()}@example.org"
    invite(client, email)
    first = emailed_link(app, email, "/invitation/")
    invite(client, email)
    second = emailed_link(app, email, "/invitation/")
    assert not usable(app, first) and usable(app, second)


def test_an_unsent_email_dies_with_its_link_and_old_emails_are_purged(app: Flask) -> None:
    from portal.accounts.services import answer_password_reset_requests

    editor = make_account(app, roles=("editor",))
    ask_for_reset(editor.email, app)
    answer_password_reset_requests()
    db.session.expire_all()
    record = db.session.scalars(select(AccountToken).where(AccountToken.user_id == editor.id)).one()
    record.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    assert emailed_bodies(app, editor.email) == [], "an expired link's email is never sent"
    assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == editor.email)).first() is None

    other = make_account(app, roles=("editor",))
    ask_for_reset(other.email, app)
    emailed_link(app, other.email, "/reset-password/")
    (message,) = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == other.email))
    message_id = message.id
    result = app.test_cli_runner().invoke(args=["portal", "purge-outbox"])
    assert result.exit_code == 0, result.output
    assert db.session.get(OutboxMessage, message.id) is not None, "a recent email stays"
    message.sent_at = utcnow() - dt.timedelta(days=app.config["OUTBOX_RETENTION_DAYS"] + 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "purge-outbox"])
    assert result.exit_code == 0 and "Deleted" in result.output
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id) is None, "an old email is purged"


NONCE = re.compile(r'(nonce|value)="[^"]*"')


# Headers that differ with the clock (the nonce, when the rate limit's window ends), not the account.
CLOCK_HEADERS = ("Content-Security-Policy", "Retry-After", "X-RateLimit-Reset")


def test_asking_for_a_reset_answers_alike_for_real_and_unknown_accounts(app: Flask) -> None:
    editor = make_account(app, roles=("editor",))
    unknown = f"nobody-{time.time_ns()}@example.org"
    answers = {}
    for email in (editor.email, unknown):
        limiter.reset()
        visitor = app.test_client()
        page = visitor.get("/sign-in/forgotten-password").get_data(as_text=True)
        response = visitor.post("/sign-in/forgotten-password", data={"csrf_token": csrf_token(page), "email": email})
        answers[email] = (response.status_code, NONCE.sub("", response.get_data(as_text=True)),
                          sorted((k, v) for k, v in response.headers.items() if k not in CLOCK_HEADERS))
    assert answers[editor.email] == answers[unknown]
    db.session.expire_all()
    asked = set(db.session.scalars(select(PasswordResetRequest.email)))
    assert {editor.email, unknown} <= asked, "both are recorded alike, for the outbox worker"
    assert db.session.scalars(select(AccountToken).where(AccountToken.user_id == editor.id)).first() is None, (
        "no link is made in the request")
    assert emailed_bodies(app, unknown) == [] and len(emailed_bodies(app, editor.email)) == 1


def test_asking_for_a_reset_takes_the_same_time_for_real_and_unknown_accounts(app: Flask) -> None:
    editor = make_account(app, roles=("editor",))
    unknown = f"nobody-{time.time_ns()}@example.org"
    visitor = app.test_client()
    token = csrf_token(visitor.get("/sign-in/forgotten-password").get_data(as_text=True))
    timings: dict[str, list[float]] = {editor.email: [], unknown: []}
    for _ in range(30):
        for email in (editor.email, unknown):
            limiter.reset()
            start = time.perf_counter()
            response = visitor.post("/sign-in/forgotten-password", data={"csrf_token": token, "email": email})
            timings[email].append(time.perf_counter() - start)
            assert response.status_code == 200
    real, other = (statistics.median(timings[email]) * 1000 for email in (editor.email, unknown))
    assert abs(real - other) < max(1.0, 0.15 * min(real, other)), f"real {real:.2f} ms, unknown {other:.2f} ms"
    db.session.execute(PasswordResetRequest.__table__.delete())
    db.session.commit()
    send_outbox()


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    limiter.reset()
