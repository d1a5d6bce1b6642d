"""No other site can turn a visitor's browser into a kiosk or sign a member of staff out: /kiosk only
offers a button (a form with its token), and a reset changes nothing for a browser that is not a kiosk.
A kiosk terminal (KIOSK_MODE) and a kiosk started from the button still work. On every backend."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.kiosk.session import KIOSK
from tests.accounts import make_account, sign_in
from tests.functional.test_kiosk import enter_kiosk


def is_kiosk(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return bool(session.get(KIOSK))


def signed_in_staff(app: Flask, client: FlaskClient) -> None:
    sign_in(client, make_account(app, roles=("moderator",)))
    assert client.get("/account").status_code == 200


def test_opening_kiosk_from_a_link_changes_nothing(app: Flask, client: FlaskClient) -> None:
    signed_in_staff(app, client)
    offer = client.get("/kiosk")
    assert offer.status_code == 200 and "Start the kiosk" in offer.get_data(as_text=True)
    assert not is_kiosk(client), "a GET does not make a kiosk"
    assert client.get("/account").status_code == 200, "still signed in"
    assert client.get("/moderation").status_code == 200, "staff pages are not sent to /kiosk"


def test_a_reset_from_another_site_changes_nothing_for_a_signed_in_session(app: Flask, client: FlaskClient) -> None:
    signed_in_staff(app, client)
    response = client.post("/kiosk/reset", headers={"Origin": "https://evil.example"})
    assert response.status_code == 303
    assert not is_kiosk(client)
    assert client.get("/account").status_code == 200, "still signed in"


def test_starting_a_kiosk_needs_the_form_token(app: Flask, client: FlaskClient) -> None:
    signed_in_staff(app, client)
    refused = client.post("/kiosk", data={})
    assert refused.status_code == 400
    assert not is_kiosk(client) and client.get("/account").status_code == 200


def test_the_kiosk_button_still_starts_a_kiosk_and_reset_still_works(client: FlaskClient) -> None:
    enter_kiosk(client)
    first = client.get("/kiosk")
    assert "Start again" in first.get_data(as_text=True)
    response = client.post("/kiosk/reset")
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"
    assert is_kiosk(client), "a kiosk starts again as a kiosk"


def test_a_kiosk_terminal_is_a_kiosk_from_the_first_page(app: Flask, client: FlaskClient) -> None:
    app.config["KIOSK_MODE"] = True
    try:
        page = client.get("/kiosk").get_data(as_text=True)
        assert "Start again" in page and "Start the kiosk" not in page
    finally:
        app.config["KIOSK_MODE"] = False
