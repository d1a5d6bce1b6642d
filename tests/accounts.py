"""Factory helpers for accounts: make people with roles, and sign them in.

`make_account` writes through the accounts services (real hashing, real encrypted TOTP secret).
`sign_in_as` puts a signed-in session (and its server-side row) straight into the test client, as if
the person had completed sign-in (and the second factor) a moment ago; `sign_in` goes through the real pages instead.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple 42"


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    password: str
    totp_secret: str | None


def make_account(app: Flask, roles: tuple[str, ...] = (), organisations: tuple[str, ...] = (),
                 email: str | None = None, password: str = PASSWORD, with_totp: bool | None = None) -> Person:
    """A new account. It gets a TOTP secret when its roles need one (or when with_totp says so)."""
    from portal.accounts import totp
    from portal.accounts.services import create_account, data_cipher
    from portal.extensions import db
    from portal.models.account import SECOND_FACTOR_ROLES

    email = email or f"person-{uuid.uuid4().hex[:10]}@example.org"
    with app.app_context():
        account = create_account(email, email.partition("@")[0].title(), password, roles, organisations,
                                 actor="test")
        secret = None
        if with_totp if with_totp is not None else bool(set(roles) & SECOND_FACTOR_ROLES):
            secret = totp.new_secret()
            account.totp_secret_encrypted = data_cipher().encrypt({"secret": secret})
            db.session.commit()
        return Person(account.id, account.email, password, secret)


def sign_in_as(client: FlaskClient, person: Person) -> None:
    from portal.accounts.server_sessions import open_session
    from portal.accounts.session import SESSION_KEY
    from portal.extensions import db
    from portal.models.account import UserAccount

    app = client.application
    with app.app_context():
        account = db.session.get(UserAccount, person.id)
        generation = account.session_generation
        key = open_session(account, app.config["ACCOUNT_IDLE_MINUTES"])
        db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = f"{person.id}:{generation}"
        session[SESSION_KEY] = key
        session["_fresh"] = True
        session["last_active"] = int(time.time())


def current_code(person: Person, offset_seconds: float = 0) -> str:
    from portal.accounts import totp

    assert person.totp_secret, "this person has no second factor"
    return totp.code_at(person.totp_secret, time.time() + offset_seconds)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: FlaskClient, person: Person, code_offset_seconds: float = 0) -> None:
    """Sign in through the real pages: email and password, then the second factor when asked."""
    page = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", data={
        "csrf_token": csrf_token(page), "email": person.email, "password": person.password})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    if "/sign-in/two-factor" in response.headers["Location"]:
        page = client.get("/sign-in/two-factor").get_data(as_text=True)
        response = client.post("/sign-in/two-factor", data={
            "csrf_token": csrf_token(page), "code": current_code(person, code_offset_seconds)})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def emailed_bodies(app: Flask, to: str) -> list[str]:
    """Run the outbox worker as cron does (`portal send-outbox`: answer reset requests, send what waits),
    delivering into a mail drop folder, and return the bodies of every email `to` has had, newest first.
    Emailed links exist only in what is sent: the outbox never holds them."""
    from email import message_from_bytes, policy
    from email.message import EmailMessage
    from pathlib import Path

    from portal.accounts.services import answer_password_reset_requests
    from portal.notify import send_outbox

    folder = Path(app.config["SEARCH_INDEX_DIR"]).parent / "mail"
    previous = app.config.get("MAIL_DROP_DIR")
    app.config["MAIL_DROP_DIR"] = str(folder)
    try:
        answer_password_reset_requests()
        send_outbox()
    finally:
        app.config["MAIL_DROP_DIR"] = previous
    found = []
    for path in sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns, reverse=True):
        email = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(email, EmailMessage)
        if email["To"] == to:
            found.append(email.get_content())
    return found


def emailed_link(app: Flask, to: str, path: str) -> str:
    """The newest link to `path` ("/reset-password/") emailed to `to`, as a path on this site."""
    for body in emailed_bodies(app, to):
        match = re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+)", body)
        if match:
            return match.group(1)
    raise AssertionError(f"no {path} link emailed to {to}")
