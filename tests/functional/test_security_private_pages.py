"""Pages that show what a visitor answered or chose are never cached (`Cache-Control: no-store`), and
in production every cookie the service sets, whoever sets it, carries `Secure`. On every backend."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.accounts import make_account, sign_in
from tests.functional.test_contact_form import FORM, contact_client, reach_the_form, submit  # noqa: F401
from tests.functional.test_kiosk import enter_kiosk


def test_every_page_with_a_visitors_answers_is_never_cached(contact_client: FlaskClient) -> None:  # noqa: F811
    client = contact_client
    page = reach_the_form(client)
    for url in ("/questionnaire", "/questionnaire/who", "/questionnaire/worries", "/questionnaire/check",
                "/questionnaire/outcome/early_help", FORM, "/shortlist"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", f"{url} may be cached"
    again = submit(client, page, name="")  # a mistake: the form comes back with what was typed
    assert again.status_code == 200 and "There is a problem" in again.get_data(as_text=True)
    assert again.headers.get("Cache-Control") == "no-store", "the re-shown contact form may be cached"


def test_in_production_every_cookie_is_secure(app: Flask, client: FlaskClient) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        responses = [client.get("/pl/"), client.get("/questionnaire/who")]  # the language cookie, the session
        kiosk = app.test_client()
        enter_kiosk(kiosk)
        responses.append(kiosk.post("/kiosk/reset"))
        staff = app.test_client()
        sign_in(staff, make_account(app, roles=("editor",)))
        responses.append(staff.get("/account"))
        cookies = [cookie for response in responses for cookie in response.headers.getlist("Set-Cookie")]
        names = {cookie.split("=", 1)[0] for cookie in cookies}
        assert {"language", "session"} <= names, names
        for cookie in cookies:
            assert "; secure" in cookie.lower(), f"not Secure: {cookie}"
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
