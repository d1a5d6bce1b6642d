"""New passwords are checked by a maintained strength estimator (zxcvbn) as well as the list of
common passwords: "passwordpassword" and "Tameside2026!" are refused wherever a password is set (a
reset, an invitation, the create-account command); a passphrase of unrelated words is accepted."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import limiter
from tests.accounts import csrf_token, emailed_link, make_account, sign_in_as

WEAK = ("passwordpassword", "Tameside2026!")
STRONG = "violet tractor harbour lantern"


def post(client: FlaskClient, url: str, data: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data})


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    limiter.reset()


def test_weak_passwords_are_refused_on_a_reset_and_a_passphrase_is_accepted(app: Flask, client: FlaskClient) -> None:
    editor = make_account(app, roles=("editor",))
    post(client, "/sign-in/forgotten-password", {"email": editor.email})
    link = emailed_link(app, editor.email, "/reset-password/")
    for weak in WEAK:
        response = post(client, link, {"password": weak, "confirm": weak})
        assert response.status_code == 200 and "would be easy to guess" in response.get_data(as_text=True), weak
    assert post(client, link, {"password": STRONG, "confirm": STRONG}).status_code == 303


def test_weak_passwords_are_refused_when_accepting_an_invitation(app: Flask, client: FlaskClient) -> None:
    sign_in_as(client, make_account(app, roles=("admin",)))
    email = f"new-{time.time_ns()}@example.org"
    assert post(client, "/admin/invitations/new", {"email": email, "roles": ["early_help"]}).status_code == 303
    link = emailed_link(app, email, "/invitation/")
    invited = app.test_client()
    for weak in WEAK:
        response = post(invited, link, {"display_name": "Nia", "password": weak, "confirm": weak})
        assert response.status_code == 200 and "would be easy to guess" in response.get_data(as_text=True), weak
    assert post(invited, link, {"display_name": "Nia", "password": STRONG, "confirm": STRONG}).status_code == 303


@pytest.mark.parametrize("weak", WEAK)
def test_the_create_account_command_refuses_weak_passwords(app: Flask, weak: str) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "create-account", "--email", f"c{time.time_ns()}@example.org",
                                                "--name", "Casey", "--role", "editor"],
                                          env={"PORTAL_ACCOUNT_PASSWORD": weak})
    assert result.exit_code != 0 and "easy to guess" in result.output
