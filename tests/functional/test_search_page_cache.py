"""Kept results pages: the same search by another visitor is served from the page kept by the first,
with that visitor's own CSP nonce and form token; nothing of one visitor reaches another; any change
to a service is shown at once."""

from __future__ import annotations

import gzip
import re
import zlib

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from portal.search.page_cache import FINAL_BLOCK, STORED_MAX, PageCache, split, stored
from tests.accounts import csrf_token, make_account, sign_in_as
from tests.pages import fetch_page

SEARCH = "/search?q=library"


def kept(app: Flask) -> PageCache:
    cache: PageCache = app.extensions["search_pages"]
    return cache


def header_nonce(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert found
    return found.group(1)


def page_nonces(html: str) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', html))


def test_a_second_visitor_gets_the_kept_page_with_their_own_nonce_and_token(app: Flask) -> None:
    first, second = app.test_client(), app.test_client()
    kept(app).clear()
    one = first.get(SEARCH)
    hits = kept(app).hits
    two = second.get(SEARCH)
    assert kept(app).hits == hits + 1
    html_one, html_two = one.get_data(as_text=True), two.get_data(as_text=True)
    assert page_nonces(html_one) == {header_nonce(one)}
    assert page_nonces(html_two) == {header_nonce(two)}
    assert header_nonce(one) != header_nonce(two)
    assert csrf_token(html_one) != csrf_token(html_two)
    # Apart from those, the very same page.
    strip = re.compile(r'(nonce="|name="csrf_token" value=")[^"]+"')
    assert strip.sub("", html_one) == strip.sub("", html_two)


def test_the_form_token_on_a_kept_page_works_for_its_visitor(app: Flask) -> None:
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
    hits = kept(app).hits
    mine = fetch_page(visitor, SEARCH)
    assert kept(app).hits == hits
    assert "On your shortlist" in mine.find("form", id=f"shortlist-{data['service_id']}").get_text()
    # The next visitor still gets the shared page, with nothing on their shortlist.
    theirs = fetch_page(app.test_client(), SEARCH)
    assert "On your shortlist" not in theirs.get_text()


def test_signed_in_staff_never_get_or_leave_a_kept_page(app: Flask) -> None:
    person = make_account(app, roles=("editor",))
    staff = app.test_client()
    sign_in_as(staff, person)
    app.test_client().get(SEARCH)
    hits, misses = kept(app).hits, kept(app).misses
    response = staff.get(SEARCH)
    assert (kept(app).hits, kept(app).misses) == (hits, misses)
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


def test_pages_expire_and_the_oldest_go_first() -> None:
    now = [0.0]
    cache = PageCache(size=2, seconds=10, clock=lambda: now[0])
    for key in ("a", "b", "c"):
        cache.put(key, f"<p>{key}</p>", None, None)
    assert cache.get("a", str, str) is None
    assert cache.get("c", str, str) == b"<p>c</p>"
    now[0] = 10.0
    assert cache.get("c", str, str) is None


def test_a_kept_page_is_cut_at_every_nonce_and_token() -> None:
    html = '<script nonce="N1">x</script><input value="T1"><style nonce="N1"></style>é'
    parts = split(html, {"N1": "nonce", "T1": "token"})
    assert [gap for _, gap in parts] == ["nonce", "token", "nonce", None]
    cache = PageCache()
    cache.put("k", html, "N1", "T1")
    assert cache.get("k", lambda: "N2", lambda: "T2") == html.replace("N1", "N2").replace("T1", "T2").encode()


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_browsers_that_accept_gzip_get_the_page_compressed_with_their_own_nonce_and_token(app: Flask) -> None:
    kept(app).clear()
    first, second = app.test_client(), app.test_client()
    # The page rendered for the first visitor and the kept one served to the second, each compressed.
    for visitor in (first, second):
        response = visitor.get(SEARCH, headers=GZIP)
        assert response.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["Vary"]
        raw = response.get_data()
        html = gzip.decompress(raw).decode()
        assert int(response.headers["Content-Length"]) == len(raw) < len(html) / 2
        assert page_nonces(html) == {header_nonce(response)}
        plain = visitor.get(SEARCH)
        assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
        strip = re.compile(r'(nonce="|name="csrf_token" value=")[^"]+"')
        assert strip.sub("", html) == strip.sub("", plain.get_data(as_text=True))
        # The visitor's token and nonce are in the stream as they are: never compressed with the page,
        # which holds what the visitor typed (no compression oracle on them).
        assert csrf_token(html).encode() in raw and header_nonce(response).encode() in raw
    assert kept(app).hits >= 3


def test_the_form_token_of_a_compressed_page_works(app: Flask) -> None:
    visitor = app.test_client()
    html = gzip.decompress(visitor.get(SEARCH, headers=GZIP).get_data()).decode()
    service_id = re.search(r'name="service_id" value="([^"]+)"', html)
    assert service_id
    data = {"csrf_token": csrf_token(html), "service_id": service_id.group(1), "next": SEARCH}
    assert visitor.post("/shortlist/add", data=data).status_code == 303


def test_gzip_refused_or_not_offered_gets_the_plain_page(app: Flask) -> None:
    for headers in ({}, {"Accept-Encoding": "gzip;q=0, identity"}, {"Accept-Encoding": "br"}):
        response = app.test_client().get(SEARCH, headers=headers)
        assert "Content-Encoding" not in response.headers, headers
        assert "<!DOCTYPE html>" in response.get_data(as_text=True)


def test_pages_with_something_of_the_visitors_own_are_not_compressed(app: Flask) -> None:
    person = make_account(app, roles=("editor",))
    staff = app.test_client()
    sign_in_as(staff, person)
    response = staff.get(SEARCH, headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert "<!DOCTYPE html>" in response.get_data(as_text=True)


def test_a_compressed_kept_page_is_the_page_exactly() -> None:
    html = '<script nonce="N1">x</script><input value="T1"><style nonce="N1"></style>' + "é" * 70_000
    cache = PageCache()
    cache.put("k", html, "N1", "T1")
    cache.put("no gaps", "<p>nothing of anyone's</p>", None, None)
    compressed = cache.get("k", lambda: "N2", lambda: "T2", gzip=True)
    assert compressed is not None
    assert gzip.decompress(compressed) == html.replace("N1", "N2").replace("T1", "T2").encode()
    assert gzip.decompress(cache.get("no gaps", str, str, gzip=True) or b"") == b"<p>nothing of anyone's</p>"


def test_stored_blocks_hold_any_value_as_it_is() -> None:
    # The gaps' values go into the stream as stored deflate blocks: each at most 65,535 bytes long.
    for size in (0, 1, 24, STORED_MAX, STORED_MAX + 1, 3 * STORED_MAX + 7):
        value = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
        blocks = stored(value)
        assert value in blocks if size <= STORED_MAX else value[:STORED_MAX] in blocks  # not compressed
        for stream in (blocks + FINAL_BLOCK, stored(value, final=True)):
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            assert inflater.decompress(stream) == value
            assert inflater.eof and inflater.unused_data == b""
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        assert inflater.decompress(blocks) == value and not inflater.eof  # not final unless asked
