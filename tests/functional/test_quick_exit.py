""""Leave this site quickly" (GOV.UK Frontend's Exit this page) on every page about harm or safety,
once, on the kiosk too; and not on everyday pages. Where it leads: QUICK_EXIT_URL, through
/questionnaire/leave, which clears the visit. On every backend."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.functional.test_kiosk import enter_kiosk

WITH_EXIT = ("/urgent-help", "/needs/domestic-abuse", "/needs/youth-crime-and-exploitation",
             "/needs/sexual-health-and-relationships", "/search?q=partner+hits+me", "/search?q=kill+myself",
             "/questionnaire", "/questionnaire/who", "/ur/urgent-help",
             "/ar/search?q=%D8%A7%D9%86%D8%AA%D8%AD%D8%A7%D8%B1")
WITHOUT_EXIT = ("/", "/needs", "/needs/housing", "/search?q=toddler+groups", "/early-help", "/privacy")


def exits(client: FlaskClient, path: str) -> list[str]:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [link["href"] for link in page.select("[data-module=govuk-exit-this-page] a.govuk-exit-this-page__button")]


def test_pages_about_harm_have_one_quick_exit(client: FlaskClient) -> None:
    for path in WITH_EXIT:
        found = exits(client, path)
        assert len(found) == 1 and found[0].endswith("/questionnaire/leave"), path


def test_everyday_pages_have_none(client: FlaskClient) -> None:
    for path in WITHOUT_EXIT:
        assert exits(client, path) == [], path


def test_the_kiosk_has_the_quick_exit_on_the_same_pages(client: FlaskClient) -> None:
    enter_kiosk(client)
    for path in ("/urgent-help", "/needs/domestic-abuse", "/search?q=partner+hits+me", "/questionnaire"):
        assert len(exits(client, path)) == 1, path


def test_leaving_goes_to_the_configured_site(client: FlaskClient) -> None:
    config = client.application.config
    before, config["QUICK_EXIT_URL"] = config["QUICK_EXIT_URL"], "https://example.org/weather"
    try:
        response = client.get("/questionnaire/leave")
    finally:
        config["QUICK_EXIT_URL"] = before
    assert response.status_code in (302, 303) and response.location == "https://example.org/weather"
