"""Signing in and everything around it, through the real pages, on every backend."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal.accounts import totp
from portal.extensions import db, limiter
from portal.models import AccountToken, AuditEvent, SignInLock, UserAccount
from portal.models.contact_request import utcnow
from tests.accounts import (
    PASSWORD,
    Person,
    csrf_token,
    current_code,
    emailed_bodies,
    emailed_link,
    make_account,
    sign_in,
    sign_in_as,
)
from tests.pages import fetch_page


@pytest.fixture(autouse=True)
def fresh_limits(app: Flask) -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()
    db.session.rollback()


def post(client: FlaskClient, url: str, data: dict[str, object],  # type: ignore[no-untyped-def]
         token_from: str | None = None):
    page = client.get(token_from or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


def account(person: Person) -> UserAccount:
    db.session.expire_all()
    found = db.session.get(UserAccount, person.id)
    assert found is not None
    return found


def actions_for(person: Person) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == person.id)
                                   .order_by(AuditEvent.at, AuditEvent.id)))


def link_from_outbox(to: str, path: str) -> str:
    from flask import current_app

    return emailed_link(current_app._get_current_object(), to, path)  # type: ignore[attr-defined]


# Signing in --------------------------------------------------------------------------------------------------

def test_sign_in_page_is_a_proper_page(client: FlaskClient) -> None:
    page = fetch_page(client, "/sign-in")
    assert page.find("input", attrs={"name": "email", "autocomplete": "username"})
    assert page.find("input", attrs={"name": "password", "type": "password"})


def test_an_editor_signs_in_with_a_password_and_gets_a_new_session(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    with client.session_transaction() as session:
        session["left_over"] = "from before sign-in"
    sign_in(client, editor)
    with client.session_transaction() as session:
        assert "left_over" not in session, "signing in starts a new session"
        assert session["_user_id"].startswith(editor.id + ":")
    assert client.get("/account").status_code == 200
    assert "signed in" in actions_for(editor)


def test_wrong_password_says_so_without_saying_which_part_is_wrong(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    for email in (editor.email, "nobody-at-all@example.org"):
        response = post(client, "/sign-in", {"email": email, "password": "not the right password"})
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "There is a problem" in text and "Both must be correct" in text
        assert 'value="not the right password"' not in text, "the password is never echoed back"
        assert f'value="{email}"' in text, "the email address is kept"


def test_repeated_failures_lock_the_account_even_for_the_right_password(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    for _ in range(app.config["SIGN_IN_LOCKOUT_ATTEMPTS"]):
        post(client, "/sign-in", {"email": editor.email, "password": "wrong password, again"})
    response = post(client, "/sign-in", {"email": editor.email, "password": editor.password})
    assert response.status_code == 200
    assert "locked after too many failed attempts" in response.get_data(as_text=True)
    assert "locked" in actions_for(editor)
    # Once the lock-out has passed, the right password works again.
    db.session.execute(update(SignInLock).where(SignInLock.user_id == editor.id)
                       .values(locked_until=utcnow() - dt.timedelta(seconds=1)))
    db.session.commit()
    assert post(client, "/sign-in", {"email": editor.email, "password": editor.password}).status_code == 303


def test_sign_in_attempts_are_rate_limited(app: Flask, client: FlaskClient) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [post(client, "/sign-in", {"email": f"someone{n}@example.org", "password": "x" * 12}).status_code
                    for n in range(5)]
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = "10 per minute; 100 per hour"
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


def test_staff_roles_need_the_second_factor(app: Flask, client: FlaskClient) -> None:
    moderator = make_account(app, roles=("moderator",))
    response = post(client, "/sign-in", {"email": moderator.email, "password": moderator.password})
    assert response.headers["Location"].endswith("/sign-in/two-factor")
    assert client.get("/account").status_code == 303, "not signed in until the code is given"
    wrong = post(client, "/sign-in/two-factor", {"code": "000000" if current_code(moderator) != "000000" else "111111"})
    assert "security code is not right" in wrong.get_data(as_text=True)
    right = post(client, "/sign-in/two-factor", {"code": current_code(moderator)})
    assert right.status_code == 303
    assert client.get("/account").status_code == 200


def test_a_security_code_works_only_once(app: Flask) -> None:
    moderator = make_account(app, roles=("moderator",))
    first, second = app.test_client(), app.test_client()
    code = current_code(moderator)
    for client in (first, second):
        post(client, "/sign-in", {"email": moderator.email, "password": moderator.password})
    assert post(first, "/sign-in/two-factor", {"code": code}).status_code == 303
    replay = post(second, "/sign-in/two-factor", {"code": code})
    assert replay.status_code == 200 and "security code is not right" in replay.get_data(as_text=True)


def test_first_sign_in_sets_up_the_authenticator_app(app: Flask, client: FlaskClient) -> None:
    staff = make_account(app, roles=("early_help",), with_totp=False)
    response = post(client, "/sign-in", {"email": staff.email, "password": staff.password})
    assert response.headers["Location"].endswith("/sign-in/set-up-two-factor")
    page = fetch_page(client, "/sign-in/set-up-two-factor")
    assert page.find("svg"), "a QR code for the app"
    secret = page.find("code", class_="portal-secret").get_text(strip=True)
    bad = post(client, "/sign-in/set-up-two-factor", {"code": "12345"})
    assert "6 digits" in bad.get_data(as_text=True)
    good = post(client, "/sign-in/set-up-two-factor", {"code": totp.code_at(secret, time.time())})
    assert good.status_code == 303
    assert account(staff).totp_secret_encrypted is not None
    assert secret.encode() not in account(staff).totp_secret_encrypted, "the secret is stored encrypted"
    assert "second factor set up" in actions_for(staff)


def test_next_only_ever_leads_to_this_site(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    for target, expected in (("/account", "/account"), ("https://evil.example/", "/account"),
                             ("//evil.example/x", "/account"), ("/\\evil.example", "/account")):
        with client.session_transaction() as session:
            session.clear()
        page = client.get(f"/sign-in?next={target}").get_data(as_text=True)
        response = client.post("/sign-in", data={"csrf_token": csrf_token(page), "email": editor.email,
                                                 "password": editor.password, "next": target})
        assert response.status_code == 303
        assert response.headers["Location"] == expected, target


def test_a_protected_page_sends_you_to_sign_in_and_back(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    response = client.get("/admin/users")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in?next=/admin/users"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    client.post("/sign-in?next=/admin/users", data={"csrf_token": csrf_token(page), "email": admin.email,
                                                    "password": admin.password, "next": "/admin/users"})
    done = post(client, "/sign-in/two-factor", {"code": current_code(admin)})
    assert done.headers["Location"] == "/admin/users"


def test_signed_in_pages_are_never_cached(app: Flask, client: FlaskClient) -> None:
    sign_in_as(client, make_account(app, roles=("editor",)))
    assert client.get("/account").headers["Cache-Control"] == "no-store"


# Sessions ----------------------------------------------------------------------------------------------------

def test_an_idle_session_is_signed_out(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    sign_in_as(client, editor)
    with client.session_transaction() as session:
        session["last_active"] = int(time.time()) - app.config["ACCOUNT_IDLE_MINUTES"] * 60 - 5
    response = client.get("/account")
    assert response.status_code == 303 and response.headers["Location"].startswith("/sign-in")
    assert "had not done anything" in client.get("/sign-in").get_data(as_text=True)


def test_sign_out_everywhere_ends_every_other_session(app: Flask) -> None:
    editor = make_account(app, roles=("editor",))
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, editor)
    sign_in(laptop, editor)
    response = post(laptop, "/account/sign-out-everywhere", {}, token_from="/account")
    assert response.status_code == 303
    assert phone.get("/account").status_code == 303, "the other device is signed out"
    assert laptop.get("/account").status_code == 303
    assert "signed out everywhere" in actions_for(editor)


def test_signing_out_needs_a_post_with_a_token(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    sign_in(client, editor)
    assert client.get("/sign-out").status_code in (404, 405)
    assert client.post("/sign-out").status_code == 400
    assert post(client, "/sign-out", {}, token_from="/account").status_code == 303
    assert client.get("/account").status_code == 303


# Password resets ---------------------------------------------------------------------------------------------

def test_password_reset_by_emailed_link(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    other_device = app.test_client()
    sign_in(other_device, editor)
    response = post(client, "/sign-in/forgotten-password", {"email": editor.email.upper()})
    assert "Check your email" in response.get_data(as_text=True)
    link = link_from_outbox(editor.email, "/reset-password/")

    weak = post(client, link, {"password": "password1234", "confirm": "password1234"})
    assert "too common" in weak.get_data(as_text=True)
    mismatch = post(client, link, {"password": "a brand new long passphrase", "confirm": "something else"})
    assert "do not match" in mismatch.get_data(as_text=True)
    done = post(client, link, {"password": "a brand new long passphrase", "confirm": "a brand new long passphrase"})
    assert done.status_code == 303

    assert other_device.get("/account").status_code == 303, "a new password signs out other sessions"
    again = client.get(link)
    assert again.status_code == 404 and "already been used" in again.get_data(as_text=True)
    sign_in(client, Person(editor.id, editor.email, "a brand new long passphrase", None))
    assert client.get("/account").status_code == 200


def test_an_expired_reset_link_says_so_and_offers_a_new_one(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    post(client, "/sign-in/forgotten-password", {"email": editor.email})
    link = link_from_outbox(editor.email, "/reset-password/")
    record = db.session.scalars(select(AccountToken).where(AccountToken.user_id == editor.id)).one()
    record.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "This link has expired" in text and "/sign-in/forgotten-password" in text


def test_a_reset_link_ignores_a_forged_host_header(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    forged = {"Host": "evil.example"}
    page = client.get("/sign-in/forgotten-password", headers=forged).get_data(as_text=True)
    response = client.post("/sign-in/forgotten-password", headers=forged,
                           data={"csrf_token": csrf_token(page), "email": editor.email})
    assert response.status_code == 200
    (body,) = emailed_bodies(app, editor.email)
    assert "evil.example" not in body and app.config["PUBLIC_BASE_URL"] + "/reset-password/" in body


def test_asking_for_a_reset_reveals_nothing_about_accounts(client: FlaskClient) -> None:
    response = post(client, "/sign-in/forgotten-password", {"email": "no-such-person@example.org"})
    assert "If the address belongs to an account" in response.get_data(as_text=True)
    bad = post(client, "/sign-in/forgotten-password", {"email": "not an email"})
    assert "correct format" in bad.get_data(as_text=True)


# Invitations -------------------------------------------------------------------------------------------------

def first_organisation() -> str:
    from portal.models import Organization

    return db.session.scalars(select(Organization.id).order_by(Organization.name)).first()


def test_an_invited_editor_creates_their_account_once(app: Flask, client: FlaskClient) -> None:
    moderator = make_account(app, roles=("moderator",))
    sign_in_as(client, moderator)
    organisation = first_organisation()
    email = f"new-editor-{time.time_ns()}@example.org"
    refused = post(client, "/admin/invitations/new",
                   {"email": email, "roles": ["admin"], "organisations": [organisation]})
    assert refused.status_code == 200 and "There is a problem" in refused.get_data(as_text=True)
    sent = post(client, "/admin/invitations/new",
                {"email": email, "roles": ["editor"], "organisations": [organisation]})
    assert sent.status_code == 303
    link = link_from_outbox(email, "/invitation/")

    invited = app.test_client()
    page = fetch_page(invited, link)
    assert email in page.get_text()
    short = post(invited, link, {"display_name": "Nia Editor", "password": "short", "confirm": "short"})
    assert "at least 12 characters" in short.get_data(as_text=True)
    assert 'value="Nia Editor"' in short.get_data(as_text=True), "what was typed is kept"
    made = post(invited, link, {"display_name": "Nia Editor", "password": "violet tractor harbour 9",
                                "confirm": "violet tractor harbour 9"})
    assert made.status_code == 303
    created = db.session.scalars(select(UserAccount).where(UserAccount.email == email)).one()
    assert created.roles == frozenset({"editor"}) and created.organisation_ids == frozenset({organisation})
    assert created.password_hash.startswith("$argon2id$")
    assert invited.get(link).status_code == 404, "an invitation works once"
    sign_in(invited, Person(created.id, email, "violet tractor harbour 9", None))
    assert invited.get("/account").status_code == 200


def test_an_expired_invitation_can_be_sent_again(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    sign_in_as(client, admin)
    email = f"late-{time.time_ns()}@example.org"
    post(client, "/admin/invitations/new", {"email": email, "roles": ["early_help"]})
    link = link_from_outbox(email, "/invitation/")
    record = db.session.scalars(select(AccountToken).where(AccountToken.email == email)).one()
    record.expires_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    visitor = app.test_client()
    expired = visitor.get(link)
    assert expired.status_code == 410 and "Send me a new invitation" in expired.get_data(as_text=True)
    token_page = expired.get_data(as_text=True)
    renewed = visitor.post(link + "/renew", data={"csrf_token": csrf_token(token_page)})
    assert renewed.status_code == 200
    new_link = link_from_outbox(email, "/invitation/")
    assert new_link != link
    assert visitor.get(new_link).status_code == 200


# Administration ----------------------------------------------------------------------------------------------

def test_an_administrator_changes_roles_and_the_person_must_sign_in_again(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    editor = make_account(app, roles=("editor",), organisations=(first_organisation(),))
    their_browser = app.test_client()
    sign_in(their_browser, editor)
    sign_in_as(client, admin)
    response = post(client, f"/admin/users/{editor.id}", {"roles": ["editor", "moderator"],
                                                          "organisations": [first_organisation()], "active": "y"})
    assert response.status_code == 303
    assert account(editor).roles == frozenset({"editor", "moderator"})
    assert their_browser.get("/account").status_code == 303, "new access starts with a new sign-in"
    assert "access changed" in actions_for(editor)
    audit_page = fetch_page(client, "/admin/audit")
    assert "access changed" in audit_page.get_text() and admin.email in audit_page.get_text()


def test_an_editor_without_organisations_is_explained(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    someone = make_account(app, roles=("early_help",))
    sign_in_as(client, admin)
    response = post(client, f"/admin/users/{someone.id}", {"roles": ["editor"], "active": "y"})
    assert response.status_code == 200
    assert "Select the organisations this editor will look after" in response.get_data(as_text=True)


def test_administrators_cannot_lock_themselves_out(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    sign_in_as(client, admin)
    response = post(client, f"/admin/users/{admin.id}", {"roles": ["moderator"], "active": "y"})
    assert "cannot remove your own administrator access" in response.get_data(as_text=True)
    assert account(admin).has_role("admin")


def test_html_in_a_name_is_shown_escaped(app: Flask, client: FlaskClient) -> None:
    admin = make_account(app, roles=("admin",))
    found = account(make_account(app, roles=("editor",)))
    found.display_name = "<script>alert(1)</script>"
    db.session.commit()
    sign_in_as(client, admin)
    text = client.get("/admin/users").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_bad_audit_page_number_is_a_clear_400(app: Flask, client: FlaskClient) -> None:
    sign_in_as(client, make_account(app, roles=("admin",)))
    assert client.get("/admin/audit?page=abc").status_code == 400
    assert client.get("/admin/audit?page=0").status_code == 400
    assert client.get("/admin/audit?page=2").status_code == 200


def test_passwords_and_codes_never_reach_the_log(app: Flask, client: FlaskClient,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    moderator = make_account(app, roles=("moderator",))
    with caplog.at_level("DEBUG"):
        sign_in(client, moderator)
    assert PASSWORD not in caplog.text and moderator.email not in caplog.text


def test_old_links_are_purged(app: Flask, client: FlaskClient) -> None:
    from portal.accounts.services import purge_old_links

    editor = make_account(app, roles=("editor",))
    post(client, "/sign-in/forgotten-password", {"email": editor.email})
    emailed_bodies(app, editor.email)
    assert purge_old_links(30) == 0, "a fresh link stays"
    record = db.session.scalars(select(AccountToken).where(AccountToken.user_id == editor.id)).one()
    record.expires_at = utcnow() - dt.timedelta(days=31)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "purge-account-links", "--days", "30"])
    assert result.exit_code == 0 and "Deleted 1 old" in result.output
    db.session.expire_all()
    assert db.session.scalars(select(AccountToken).where(AccountToken.user_id == editor.id)).first() is None
