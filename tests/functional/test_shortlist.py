"""Shortlists without an account: add from results and service pages, reorder, remove, print with a
note that is never stored, and share as a link of ids (with bad links handled politely)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from portal.shortlist.ids import MAX_ITEMS
from tests.accounts import csrf_token
from tests.pages import fetch_page

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def service_ids(app: Flask) -> list[str]:
    ids = db.session.scalars(select(Service.id).where(Service.status == "active").order_by(Service.name)).all()
    assert len(ids) > MAX_ITEMS
    return list(ids)


def add(client: FlaskClient, service_id: str, next_url: str = "/shortlist") -> str:
    token = csrf_token(client.get("/search?q=parenting").get_data(as_text=True))
    response = client.post("/shortlist/add", data={"csrf_token": token, "service_id": service_id, "next": next_url})
    assert response.status_code == 303
    return response.headers["Location"]


def listed_ids(client: FlaskClient) -> list[str]:
    page = fetch_page(client, "/shortlist")
    return [item["id"].removeprefix("shortlist-") for item in page.select("ol.portal-shortlist > li")]


def post_form(client: FlaskClient, page: BeautifulSoup, form: BeautifulSoup) -> str:
    data = {field["name"]: field.get("value", "") for field in form.find_all("input") if field.get("name")}
    response = client.post(form["action"], data=data)
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def test_add_from_search_results_and_come_back_to_the_same_place(client: FlaskClient) -> None:
    page = fetch_page(client, "/search?q=parenting")
    form = page.select_one("li.portal-card form.portal-shortlist-toggle")
    service_id = form.find("input", attrs={"name": "service_id"})["value"]
    assert form["action"] == "/shortlist/add"
    location = post_form(client, page, form)
    assert location == f"/search?q=parenting#shortlist-{service_id}"
    again = fetch_page(client, "/search?q=parenting")
    toggle = again.find("form", id=f"shortlist-{service_id}")
    assert toggle["action"] == "/shortlist/remove" and "On your shortlist" in toggle.get_text()
    assert listed_ids(client) == [service_id]


def test_add_from_a_service_page_reorder_and_remove(client: FlaskClient, service_ids: list[str]) -> None:
    first, second, third = service_ids[:3]
    for service_id in (first, second, third):
        page = fetch_page(client, f"/services/{service_id}")
        post_form(client, page, page.find("form", id=f"shortlist-{service_id}"))
    assert listed_ids(client) == [first, second, third]

    page = fetch_page(client, "/shortlist")
    item = page.find("li", id=f"shortlist-{third}")
    up = next(form for form in item.find_all("form") if form.find("input", attrs={"value": "up"}))
    assert post_form(client, page, up) == f"/shortlist#shortlist-{third}"
    assert listed_ids(client) == [first, third, second]
    page = fetch_page(client, "/shortlist")
    item = page.find("li", id=f"shortlist-{first}")
    assert not any(form.find("input", attrs={"value": "up"}) for form in item.find_all("form"))
    down = next(form for form in item.find_all("form") if form.find("input", attrs={"value": "down"}))
    post_form(client, page, down)
    assert listed_ids(client) == [third, first, second]

    page = fetch_page(client, "/shortlist")
    remove = page.find("li", id=f"shortlist-{first}").find("form", action="/shortlist/remove")
    post_form(client, page, remove)
    assert listed_ids(client) == [third, second]


def test_bad_values_change_nothing_and_never_fail(client: FlaskClient, service_ids: list[str]) -> None:
    add(client, service_ids[0])
    token = csrf_token(client.get("/search?q=parenting").get_data(as_text=True))
    for path, data in [
        ("/shortlist/add", {"service_id": UNKNOWN_ID}),
        ("/shortlist/add", {"service_id": "not-an-id' OR 1=1"}),
        ("/shortlist/add", {}),
        ("/shortlist/remove", {"service_id": "\x00" * 50}),
        ("/shortlist/move", {"service_id": service_ids[0], "direction": "sideways"}),
        ("/shortlist/move", {"service_id": UNKNOWN_ID, "direction": "up"}),
        ("/shortlist/add", {"service_id": service_ids[1], "next": "https://elsewhere.example/"}),
        ("/shortlist/keep", {"ids": "x" * 5000}),
    ]:
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 303, (path, data, response.status_code)
        assert response.headers["Location"].startswith("/"), response.headers["Location"]
    assert listed_ids(client) == service_ids[:2]


def test_a_post_without_a_form_token_is_refused(client: FlaskClient, service_ids: list[str]) -> None:
    response = client.post("/shortlist/add", data={"service_id": service_ids[0]})
    assert response.status_code == 400
    assert listed_ids(client) == []


def test_a_full_shortlist_says_so(client: FlaskClient, service_ids: list[str]) -> None:
    for service_id in service_ids[:MAX_ITEMS]:
        add(client, service_id)
    location = add(client, service_ids[MAX_ITEMS])
    assert location == "/shortlist"
    page = fetch_page(client, "/shortlist")
    assert "Your shortlist is full" in page.get_text()
    assert len(listed_ids(client)) == MAX_ITEMS


def test_print_with_a_note_that_is_never_stored(client: FlaskClient, service_ids: list[str]) -> None:
    for service_id in service_ids[:3]:
        add(client, service_id)
    page = fetch_page(client, "/shortlist")
    form = page.find("form", action="/shortlist/print")
    note = "Ring Tuesday: ask for the drop-in"
    response = client.post("/shortlist/print", data={"csrf_token": csrf_token(str(form)), "note": note})
    assert response.status_code == 200
    printed = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert note in printed.select_one(".portal-print-note").get_text()
    assert len(printed.select("ol.portal-shortlist > li")) == 3
    assert printed.select_one("[data-share-qr] svg.portal-qr[role=img]")
    with client.session_transaction() as session:
        assert note not in repr(dict(session))
    # The summary without a note is a plain page too; the note is not remembered from before.
    assert note not in client.get("/shortlist/print").get_data(as_text=True)


def test_a_note_too_long_is_shown_again_with_an_error(client: FlaskClient, service_ids: list[str]) -> None:
    add(client, service_ids[0])
    token = csrf_token(client.get("/shortlist").get_data(as_text=True))
    long_note = "word " * 300
    response = client.post("/shortlist/print", data={"csrf_token": token, "note": long_note})
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.title.get_text().startswith("Error:")
    assert page.select_one(".govuk-error-summary")
    assert page.find("textarea", attrs={"name": "note"}).get_text().strip() == long_note.strip()


def test_share_as_a_link_qr_code_and_email(client: FlaskClient, service_ids: list[str]) -> None:
    chosen = service_ids[:3]
    for service_id in chosen:
        add(client, service_id)
    page = fetch_page(client, "/shortlist")
    link = page.select_one("[data-share-link]").get_text(strip=True)
    assert link == "http://localhost/shortlist/shared?ids=" + ",".join(chosen)
    assert page.select_one("[data-share-qr] svg.portal-qr")
    mailto = page.find("a", href=re.compile(r"^mailto:"))["href"]
    assert link in unquote(mailto)

    other = client.application.test_client()
    shared = fetch_page(other, link.removeprefix("http://localhost"))
    assert [a.get_text(strip=True) for a in shared.select("ol.portal-shortlist h3 a")] == [
        db.session.get(Service, service_id).name for service_id in chosen]
    assert "no longer listed" not in shared.get_text()
    keep = shared.find("form", action="/shortlist/keep")
    post_form(other, shared, keep)
    assert listed_ids(other) == chosen


@pytest.fixture
def withdrawn(app: Flask, service_ids: list[str]) -> Iterator[str]:
    service = db.session.get(Service, service_ids[-1])
    service.status = "inactive"
    db.session.commit()
    yield service.id
    service = db.session.get(Service, service_ids[-1])
    service.status = "active"
    db.session.commit()


def test_a_shared_link_with_bad_ids_shows_what_it_can(client: FlaskClient, service_ids: list[str],
                                                      withdrawn: str) -> None:
    good = service_ids[:2]
    url = f"/shortlist/shared?ids={good[0]},{UNKNOWN_ID},nonsense,{withdrawn},{good[1]},{good[0]}"
    page = fetch_page(client, url)
    assert [a["href"] for a in page.select("ol.portal-shortlist h3 a")] == [f"/services/{i}" for i in good]
    warning = page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "2 services on this list are no longer listed" in warning
    assert "1 part of the link was not a service" in warning


def test_a_shared_link_with_too_many_ids_is_refused_politely(client: FlaskClient, service_ids: list[str]) -> None:
    page = fetch_page(client, "/shortlist/shared?ids=" + ",".join(service_ids[:MAX_ITEMS + 1]), status=400)
    assert "up to 10 services" in page.get_text()
    fetch_page(client, "/shortlist/shared?ids=" + "a," * 2000, status=400)


@pytest.mark.parametrize("query", ["", "?ids=", "?ids=%00%01", "?ids=,,,,", "?ids=%E2%80%AE", "?ids[]=1&ids=x",
                                   "?ids=" + "%FF" * 10])
def test_odd_shared_links_never_fail(client: FlaskClient, query: str) -> None:
    page = fetch_page(client, "/shortlist/shared" + query, status=400 if "%00" in query else 200)
    if "%00" in query:  # control characters are refused at the edge, with a clear page
        assert "control characters" in page.get_text()
        return
    assert "Services shared with you" in page.get_text()


def test_a_withdrawn_service_leaves_the_shortlist(client: FlaskClient, service_ids: list[str], app: Flask) -> None:
    add(client, service_ids[0])
    add(client, service_ids[-1])
    service = db.session.get(Service, service_ids[-1])
    service.status = "inactive"
    db.session.commit()
    try:
        page = fetch_page(client, "/shortlist")
        assert "1 service is no longer listed" in page.get_text()
        assert listed_ids(client) == [service_ids[0]]
    finally:
        service = db.session.get(Service, service_ids[-1])
        service.status = "active"
        db.session.commit()


def test_practitioners_page_has_the_visit_search_and_the_process_at_a_glance(client: FlaskClient) -> None:
    page = fetch_page(client, "/early-help/practitioners")
    search = page.find("form", attrs={"role": "search"})
    assert search["action"] == "/search" and search["method"] == "get"
    assert search.find("input", attrs={"name": "q", "type": "search", "autocomplete": "off"})
    text = page.get_text(" ", strip=True)
    for heading in ("Levels of need and the threshold guidance", "Think CAF: a checklist", "The CAF advisor route",
                    "Asking for Early Help with the family's consent", "The Early Help process: steps 1 to 4"):
        assert heading in text
    assert len(page.select("#at-a-glance ~ table tbody tr")) == 4
    # Only the numbers from the source documents.
    assert set(re.findall(r"0161 \d{3} \d{4}", text)) == {"0161 342 4101", "0161 342 2222"}
