"""The parts of the page frame rendered once per language (portal.i18n.fragments: the menu, the
footer, the urgent-help strip, the phase banner, the quick exit) are what each page would render
afresh, whichever pages, languages and kiosk visits came before."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.i18n.fragments import FRAGMENTS_KEY
from tests.functional.test_kiosk import enter_kiosk
from tests.pages import fetch_page

PAGES = ["/", "/search?q=food", "/urgent-help", "/early-help/practitioners", "/early-help", "/privacy",
         "/questionnaire/who", "/needs/money-debt-and-food"]
PREFIXES = ["", "/ur", "/pl", "/ar", "/bn"]
# What differs between two renders of one page whatever is kept: the CSP nonce and the form tokens.
PER_REQUEST = re.compile(r'(nonce="|name="csrf_token" type="hidden" value="|name="csrf_token" value=")[^"]*"')


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return PER_REQUEST.sub(r'\1"', response.get_data(as_text=True))


def fresh(app: Flask, client: FlaskClient, path: str) -> str:
    app.extensions.pop(FRAGMENTS_KEY, None)
    return page(client, path)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_page_is_the_same_with_the_frame_kept_from_other_pages_and_languages(app: Flask, prefix: str) -> None:
    client = app.test_client()
    service = fetch_page(app.test_client(), "/search?q=library").select_one("ul.portal-card-list > li a")["href"]
    pages = [*PAGES, service]  # a service page, with its breadcrumbs kept as well
    expected = {path: fresh(app, client, prefix + path) for path in pages}
    app.extensions.pop(FRAGMENTS_KEY, None)
    # Every page of every other language kept first, then this language's other pages (by another
    # visitor: a visit to a language remembers it, and sends this one's pages there).
    for other in [other for other in PREFIXES if other != prefix] + [prefix]:
        for path in reversed(pages):
            page(app.test_client(), other + path)
    assert app.extensions[FRAGMENTS_KEY], "the frame's fragments are kept"
    for path in pages:
        assert page(client, prefix + path) == expected[path], prefix + path


def test_the_menu_marks_the_page_it_is_on(app: Flask) -> None:
    client = app.test_client()
    for path, label in (("/urgent-help", "Urgent help"), ("/early-help/practitioners", "For practitioners"),
                        ("/early-help", "Early Help"), ("/", "Find help")):
        active = fetch_page(client, path).select("li.govuk-service-navigation__item--active")
        assert [item.get_text(strip=True) for item in active] == [label], path


def test_a_kiosk_page_frame_carries_the_visit_after_other_pages_were_kept(app: Flask) -> None:
    visitor = app.test_client()
    for path in PAGES:
        page(visitor, path)
    kiosk = app.test_client()
    enter_kiosk(kiosk)
    html = page(kiosk, "/search?q=food")
    footer = html[html.index('<footer'):]
    links = re.findall(r'href="(/[^"]*)"', footer)
    assert links and all("kv=" in link for link in links), links
    # ... and the visitor's pages never carry it.
    assert "kv=" not in page(visitor, "/search?q=food")
