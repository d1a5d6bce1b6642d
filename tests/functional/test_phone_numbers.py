"""Phone numbers read left to right in every language: each one on a page sits inside an element
marked dir="ltr" (the `phone` and `phone_link` helpers), so Urdu and Arabic pages never draw
"0161 342 4101" as "4101 342 0161"; and each `tel:` link is made the same way. On every backend."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup, NavigableString
from flask.testing import FlaskClient

from portal.phones import NUMBER, tel_uri, with_phones
from portal.urgent import URGENT_CONTACTS
from tests.functional.test_questionnaire_journey import go

LANGUAGES = ("", "/ur", "/bn", "/pl", "/ar")
PAGES = ("/", "/urgent-help", "/early-help", "/early-help/practitioners", "/search?q=kill+myself",
         "/search?q=partner+hits+me", "/needs/domestic-abuse", "/search?q=children%27s+hub", "/needs",
         "/needs/parenting-and-family-relationships", "/questionnaire", "/kiosk")


def unisolated_numbers(html: str) -> list[str]:
    """Numbers in the page's text that no dir="ltr" element holds."""
    main = BeautifulSoup(html, "html.parser").body
    found = []
    for text in main.find_all(string=True):
        if not isinstance(text, NavigableString) or text.parent.name in ("script", "style"):
            continue
        for number in NUMBER.findall(str(text)):
            if text.find_parent(attrs={"dir": "ltr"}) is None:
                found.append(f"{number!r} in {str(text).strip()[:80]!r}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_number_on_the_urgent_pages_is_isolated_left_to_right(client: FlaskClient, language: str) -> None:
    for page in PAGES:
        response = client.get(language + page, follow_redirects=True)
        assert response.status_code == 200, language + page
        html = response.get_data(as_text=True)
        assert URGENT_CONTACTS["hub"].number in html, language + page
        assert unisolated_numbers(html) == [], language + page


def test_a_services_own_number_is_isolated_and_linked(client: FlaskClient) -> None:
    from portal.extensions import db
    from portal.models.contact import Phone

    with client.application.app_context():
        listed = db.session.query(Phone).filter(Phone.service_id.isnot(None)).first()
        number, service_id = listed.number, listed.service_id
    for language in LANGUAGES:
        html = client.get(f"{language}/services/{service_id}", follow_redirects=True).get_data(as_text=True)
        page = BeautifulSoup(html, "html.parser")
        link = page.find("a", href=tel_uri(number))
        assert link is not None and link["dir"] == "ltr", language
        assert unisolated_numbers(html) == [], language


def test_the_questionnaires_urgent_page_isolates_its_numbers(client: FlaskClient) -> None:
    assert go(client, "who", {"who": "child"}).endswith("/questionnaire/safety")
    location = go(client, "safety", {"danger_now": "yes", "child_harmed": "no"})
    for language in LANGUAGES:
        html = client.get(language + urlparse(location).path, follow_redirects=True).get_data(as_text=True)
        assert URGENT_CONTACTS["out_of_hours"].number in html
        assert unisolated_numbers(html) == [], language


def test_tel_links_hold_only_digits() -> None:
    assert tel_uri("0161 342 4101") == "tel:01613424101"
    assert tel_uri("+44 161 342 4101") == "tel:+441613424101"


def test_numbers_in_running_text_are_isolated_and_the_rest_escaped() -> None:
    assert str(with_phones("Call 0161 342 4101 <b>now</b>")) == (
        'Call <bdi dir="ltr" class="portal-phone">0161 342 4101</bdi> &lt;b&gt;now&lt;/b&gt;')
    assert str(with_phones("In 2024, 999 calls")).count("<bdi") == 1
