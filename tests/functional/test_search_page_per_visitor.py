"""Results pages are made for each request: the same search by another visitor gets the same page
with that visitor's own CSP nonce and form token; nothing of one visitor reaches another; any change
to a service is shown at once; the page is never compressed by the app (BREACH: a secret beside
what the visitor typed)."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from tests.accounts import csrf_token, make_account, sign_in_as
from tests.pages import fetch_page

SEARCH = "/search?q=library"


def header_nonce(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found
    return found.group(1)


def page_nonces(html: str) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', html))


def test_a_second_visitor_gets_the_same_page_with_their_own_nonce_and_token(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    one = first.get(SEARCH)
    two = second.get(SEARCH)
    html_one, html_two = one.get_data(as_text=True), two.get_data(as_text=True)
    assert page_nonces(html_one) == {header_nonce(one)}
    assert page_nonces(html_two) == {header_nonce(two)}
    assert header_nonce(one) != header_nonce(two)
    assert csrf_token(html_one) != csrf_token(html_two)
    # Apart from those, the very same page.
    strip = re.compile(r'(nonce="|name="csrf_token" value=")[^"]+"')
    assert strip.sub("", html_one) == strip.sub("", html_two)


def test_the_form_token_on_a_results_page_works_for_its_visitor(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    first.get(SEARCH)
    page = fetch_page(second, SEARCH)
    form = page.select_one("li.portal-card form.portal-shortlist-toggle")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    assert second.post(form["action"], data=data).status_code == 303
    service_id = data["service_id"]
    again = fetch_page(second, SEARCH)
    assert again.find("form", id=f"shortlist-{service_id}")["action"] == "/shortlist/remove"
    # ... and only for its visitor: the first visitor's token is refused in the second's session.
    stolen = dict(data, csrf_token=csrf_token(first.get(SEARCH).get_data(as_text=True)))
    assert app.test_client().post(form["action"], data=stolen).status_code == 400


def test_a_visitor_with_a_shortlist_sees_their_own_page(app: Flask) -> None:
    visitor = app.test_client()
    page = fetch_page(visitor, SEARCH)
    form = page.select_one("li.portal-card form.portal-shortlist-toggle")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    visitor.post(form["action"], data=data)
    mine = fetch_page(visitor, SEARCH)
    assert "On your shortlist" in mine.find("form", id=f"shortlist-{data['service_id']}").get_text()
    # The next visitor's page has nothing on their shortlist.
    theirs = fetch_page(app.test_client(), SEARCH)
    assert "On your shortlist" not in theirs.get_text()


def test_signed_in_staff_get_a_page_no_one_may_store(app: Flask) -> None:
    person = make_account(app, roles=("editor",))
    staff = app.test_client()
    sign_in_as(staff, person)
    app.test_client().get(SEARCH)
    response = staff.get(SEARCH)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_each_language_has_its_own_page(app: Flask) -> None:
    visitor = app.test_client()
    english = fetch_page(visitor, SEARCH)
    urdu = fetch_page(app.test_client(), "/ur" + SEARCH)
    assert english.html["lang"] == "en" and urdu.html["lang"] == "ur"
    assert fetch_page(app.test_client(), "/ur" + SEARCH).html["lang"] == "ur"


def test_a_change_to_any_service_is_shown_at_once(app: Flask) -> None:
    library = db.session.execute(select(Service).where(Service.name == "Mossley Library")).scalar_one()
    app.test_client().get(SEARCH)
    assert "Mossley Library" in app.test_client().get(SEARCH).get_data(as_text=True)
    library.name = "Mossley Lending Library"
    db.session.commit()
    try:
        html = app.test_client().get(SEARCH).get_data(as_text=True)
        assert "Mossley Lending Library" in html and "Mossley Library<" not in html
    finally:
        library.name = "Mossley Library"
        db.session.commit()


def test_results_pages_are_never_compressed_by_the_app(app: Flask) -> None:
    """A results page holds a form token beside the visitor's own words: compressing the two together
    is what the BREACH attack needs. Static files may be compressed by the proxy (README)."""
    for visitor in (app.test_client(), app.test_client()):
        response = visitor.get(SEARCH, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")
