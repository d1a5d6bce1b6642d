"""Kiosk mode: the start screen, no way off the site, no sign-in, nothing cached or remembered, and a
full reset (on "Start again", after the idle time without JavaScript, for links from an earlier visit)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.kiosk.html import make_kiosk_safe
from portal.kiosk.session import LAST_SEEN, VISIT
from portal.models import Service
from tests.accounts import csrf_token
from tests.pages import fetch_page

TOWNS = ("Ashton-under-Lyne", "Audenshaw", "Denton", "Droylsden", "Dukinfield", "Hyde", "Longdendale", "Mossley",
         "Stalybridge")


def enter_kiosk(client: FlaskClient) -> BeautifulSoup:
    """Start a kiosk as staff do: the button on /kiosk (a form with its token)."""
    offer = fetch_page(client, "/kiosk")
    assert client.post("/kiosk", data={"csrf_token": offer.select_one("input[name=csrf_token]")["value"]}
                       ).status_code == 303
    page = fetch_page(client, "/kiosk")
    with client.session_transaction() as session:
        assert session.get("kiosk") is True and session.get(VISIT)
    return page


def check_kiosk_page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    """A kiosk page: never cached, no link off the site or to sign in, forms that remember nothing,
    and "Start again" on it."""
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    assert response.headers["Cache-Control"] == "no-store"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "portal-kiosk" in page.body["class"]
    for link in page.find_all("a", href=True):
        href = link["href"]
        assert href.startswith(("/", "#")), f"{url} links off the site: {href}"
        assert "/sign-in" not in href, f"{url} links to sign in"
    for form in page.find_all("form"):
        assert form.get("autocomplete") == "off", f"{url}: a form without autocomplete=off"
    for field in page.find_all(["input", "textarea", "select"]):
        if field.get("type") != "hidden":
            assert field.get("autocomplete") == "off", f"{url}: {field}"
    reset = page.select_one("form[data-kiosk-reset-form]")
    assert reset and reset["action"] == "/kiosk/reset" and reset.find("button").get_text(strip=True) == "Start again"
    return page


def visit_id(client: FlaskClient) -> str:
    with client.session_transaction() as session:
        return str(session[VISIT])


def test_start_screen_has_needs_towns_questions_and_urgent_help(client: FlaskClient) -> None:
    enter_kiosk(client)
    page = check_kiosk_page(client, "/kiosk")
    tiles = {tile.select_one(".portal-tile__title").get_text(strip=True): tile["href"]
             for tile in page.select("a.portal-tile")}
    for town in TOWNS:
        query = parse_qs(urlsplit(tiles[town]).query)
        assert urlsplit(tiles[town]).path == "/search"
        assert query["postcode"] == [town] and query["sort"] == ["distance"] and query["kv"] == [visit_id(client)]
    assert urlsplit(tiles["What help is right for me?"]).path == "/questionnaire"
    assert urlsplit(tiles["Urgent help"]).path == "/urgent-help"
    assert urlsplit(tiles["Housing"]).path == "/kiosk/where"
    assert page.find(string="0161 342 4101")  # the Children's HUB, as text (no tel: link on a kiosk)


def test_a_town_tile_searches_near_the_town_without_a_keyboard(client: FlaskClient) -> None:
    start = enter_kiosk(client)
    hyde = next(tile["href"] for tile in start.select("a.portal-tile") if "Hyde" in tile.get_text())
    page = check_kiosk_page(client, hyde)
    assert "services near Hyde" in page.select_one("main").get_text(" ", strip=True)
    where = next(tile["href"] for tile in start.select("a.portal-tile") if "Parenting" in tile.get_text())
    choose = check_kiosk_page(client, where)
    denton = next(tile["href"] for tile in choose.select("a.portal-tile") if "Denton" in tile.get_text())
    assert parse_qs(urlsplit(denton).query)["need"] == ["parenting-and-family-relationships"]
    results = check_kiosk_page(client, denton)
    assert "services near Denton" in results.select_one("main").get_text(" ", strip=True)
    check_kiosk_page(client, "/kiosk/where?need=not-a-need", status=404)


def test_service_page_shows_outside_addresses_as_text_and_qr_codes(client: FlaskClient) -> None:
    service = db.session.scalars(select(Service).where(Service.url.is_not(None), Service.status == "active")).first()
    assert service is not None
    enter_kiosk(client)
    page = check_kiosk_page(client, f"/services/{service.id}")
    assert service.url in page.get_text()
    take_away = page.select_one(".portal-take-away")
    assert len(take_away.select("svg.portal-qr[role=img]")) == 2  # this page, and the service's website
    assert f"http://localhost/services/{service.id}" in take_away.get_text()  # no visit mark in the link
    assert page.find("form", id=f"shortlist-{service.id}")


@pytest.mark.parametrize("url", ["/", "/early-help", "/early-help/practitioners", "/urgent-help", "/data-sources",
                                 "/privacy", "/accessibility", "/needs", "/search?q=food", "/questionnaire",
                                 "/shortlist"])
def test_every_page_is_a_kiosk_page(client: FlaskClient, url: str) -> None:
    enter_kiosk(client)
    check_kiosk_page(client, url)


def test_sign_in_is_not_offered_on_a_kiosk(client: FlaskClient) -> None:
    enter_kiosk(client)
    response = client.get("/sign-in")
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"
    assert client.get("/account").headers["Location"] == "/kiosk"


def add_to_shortlist(client: FlaskClient) -> str:
    page = fetch_page(client, "/search?q=parenting")
    form = page.select_one("form.portal-shortlist-toggle")
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    assert client.post(form["action"], data=data).status_code == 303
    return data["service_id"]


def test_start_again_clears_the_session_language_and_shortlist(client: FlaskClient) -> None:
    enter_kiosk(client)
    first_visit = visit_id(client)
    add_to_shortlist(client)
    page = fetch_page(client, "/pl/shortlist")  # a visitor who chose Polish: the language is remembered
    assert client.get_cookie("language").value == "pl"
    response = client.post("/kiosk/reset", data={"csrf_token": csrf_token(str(page))})
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert any(header.startswith("language=;") for header in response.headers.getlist("Set-Cookie"))
    with client.session_transaction() as session:
        assert "shortlist" not in session
        assert session["kiosk"] is True and session[VISIT] != first_visit
    start = check_kiosk_page(client, "/kiosk")
    assert "Your shortlist (0)" in start.get_text()


def test_without_javascript_the_next_request_after_the_idle_time_starts_again(client: FlaskClient) -> None:
    enter_kiosk(client)
    add_to_shortlist(client)
    limit = client.application.config["KIOSK_IDLE_SECONDS"] + client.application.config["KIOSK_PROMPT_SECONDS"]
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - limit - 1
        old_visit = session[VISIT]
    response = client.get(f"/search?q=parenting&kv={old_visit}")
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"
    with client.session_transaction() as session:
        assert "shortlist" not in session and session[VISIT] != old_visit
    assert "Your shortlist (0)" in check_kiosk_page(client, "/kiosk").get_text()


def test_still_here_keeps_the_visit_going(client: FlaskClient) -> None:
    page = enter_kiosk(client)
    settings = page.find(id="kiosk-settings")
    limit = client.application.config["KIOSK_IDLE_SECONDS"]
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - limit
    response = client.post(settings["data-still-here-url"], headers={"X-CSRFToken": settings["data-csrf-token"]})
    assert response.status_code == 204
    with client.session_transaction() as session:
        assert session[LAST_SEEN] >= int(time.time()) - 1
    assert settings["data-idle-seconds"] == str(limit)


def test_a_link_from_an_earlier_visit_shows_the_start_screen(client: FlaskClient) -> None:
    enter_kiosk(client)
    old_visit = visit_id(client)
    fetch_page(client, f"/search?q=debt&kv={old_visit}")
    token = csrf_token(client.get("/search?q=parenting").get_data(as_text=True))
    client.post("/kiosk/reset", data={"csrf_token": token})
    # Back, after the reset: the previous person's search is not shown again.
    response = client.get(f"/search?q=debt&kv={old_visit}")
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"


def test_leave_this_site_quickly_starts_again_on_a_kiosk(client: FlaskClient) -> None:
    enter_kiosk(client)
    old_visit = visit_id(client)
    response = client.get("/questionnaire/leave")
    assert response.status_code == 303 and response.headers["Location"] == "/kiosk"
    assert visit_id(client) != old_visit


def test_entering_the_kiosk_signs_out_anyone_signed_in(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = "someone:1"
    enter_kiosk(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


@pytest.fixture
def kiosk_terminal(app: Flask) -> Iterator[Flask]:
    app.config["KIOSK_MODE"] = True
    yield app
    app.config["KIOSK_MODE"] = False


def test_the_kiosk_mode_setting_makes_every_page_a_kiosk_page(kiosk_terminal: Flask, client: FlaskClient) -> None:
    page = check_kiosk_page(client, "/")
    assert page.select_one(".portal-kiosk-bar")
    check_kiosk_page(client, "/search?q=food")


def test_pages_outside_the_kiosk_are_unchanged(client: FlaskClient) -> None:
    response = client.get("/")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "portal-kiosk" not in (page.body.get("class") or [])
    assert not page.select(".portal-kiosk-bar, #kiosk-settings")


def test_pages_are_made_safe_after_rendering() -> None:
    page = ('<a class="x" href="https://www.example.org/help">Example</a> <a href="mailto:a@b.uk">Email us</a> '
            '<a href="tel:01613424101">0161 342 4101</a> <a href="/needs">Needs</a> '
            '<a href="http://kiosk.test/x">Here</a> <a href="/ur/sign-in">Staff sign in</a> '
            '<form action="/search" method="get"><input name="q" autocomplete="on"></form>'
            '<form method="post" action="/shortlist/add"><textarea name="note"></textarea></form>')
    safe = make_kiosk_safe(page, "kiosk.test", "V1", ("/sign-in",))
    assert ('<span class="portal-offsite">Example</span> <span class="portal-offsite__address">'
            '(www.example.org/help)') in safe
    assert '<span class="portal-offsite">Email us</span> <span class="portal-offsite__address">(a@b.uk)' in safe
    assert '<span class="portal-offsite">0161 342 4101</span> <a' in safe  # the number is already there
    assert '<a href="/needs">Needs</a>' in safe and '<a href="http://kiosk.test/x">Here</a>' in safe
    assert "sign-in" not in safe and "Staff sign in" not in safe
    assert '<form action="/search" method="get" autocomplete="off"><input type="hidden" name="kv" value="V1">' in safe
    assert '<input name="q" autocomplete="off">' in safe
    assert '<form method="post" action="/shortlist/add" autocomplete="off"><textarea' in safe


@pytest.mark.parametrize("url", ["/kiosk/where", "/kiosk/where?need=%00", "/kiosk/where?need=" + "x" * 5000,
                                 "/kiosk?kv=", "/kiosk?kv=%FF%FE", "/search?kv=" + "k" * 3000,
                                 "/services/not-an-id?kv=x"])
def test_odd_kiosk_addresses_never_fail(client: FlaskClient, url: str) -> None:
    enter_kiosk(client)
    response = client.get(url)
    # A control character (%00) is refused at the edge with the clear 400 page.
    assert response.status_code in ((400,) if "%00" in url else (200, 303, 404)), f"{url}: {response.status_code}"


def test_odd_kiosk_posts_never_fail(client: FlaskClient) -> None:
    assert client.post("/kiosk/reset").status_code == 303  # no form token needed to start again
    assert client.post("/kiosk/still-here").status_code == 400  # a form token is needed here
    assert client.post("/kiosk/reset?kv=stale", data={"x": "y" * 10000}).status_code == 303


def test_kiosk_settings_are_checked_at_start_up() -> None:
    from portal.config import ConfigError, load_config

    base = {"PORTAL_ENV": "test", "SECRET_KEY": "x" * 40}
    settings = load_config(base)
    defaults = (settings["KIOSK_MODE"], settings["KIOSK_IDLE_SECONDS"], settings["KIOSK_PROMPT_SECONDS"])
    assert defaults == (False, 120, 30)
    assert load_config({**base, "KIOSK_MODE": "1", "KIOSK_IDLE_SECONDS": "90"})["KIOSK_IDLE_SECONDS"] == 90
    with pytest.raises(ConfigError, match="KIOSK_IDLE_SECONDS"):
        load_config({**base, "KIOSK_IDLE_SECONDS": "two minutes"})
    with pytest.raises(ConfigError, match="KIOSK_PROMPT_SECONDS"):
        load_config({**base, "KIOSK_PROMPT_SECONDS": "1"})


def test_menu_and_style_links_follow_the_language_and_the_kiosk_visit_whatever_came_first(
        kiosk_terminal: Flask, app: Flask, client: FlaskClient) -> None:
    """The links on every page (menu, footer, style sheet) are built once per language prefix
    (i18n.FIXED_LINKS_KEY), never for a kiosk visit: after English and Polish pages outside a kiosk, a
    kiosk's links carry its visit, and English and Polish pages still get their own."""
    app.config["KIOSK_MODE"] = False

    def links(url: str) -> tuple[str, str]:
        if url == "/":
            client.get("/en/")  # English remembered again after a Polish page
        page = fetch_page(client, url)
        menu = page.select_one(".govuk-service-navigation a[href*='early-help']")["href"]
        return menu, page.select_one("link[rel=stylesheet][href*='app.css']")["href"]

    english, polish = links("/"), links("/pl/")
    assert not english[0].startswith("/pl/") and polish[0] == "/pl" + english[0]
    assert english[1] == polish[1] and not polish[1].startswith("/pl/")
    assert links("/") == english and links("/pl/") == polish

    app.config["KIOSK_MODE"] = True
    client.get("/en/")
    kiosk = check_kiosk_page(client, "/")
    menu = kiosk.select_one(".govuk-service-navigation a[href*='early-help']")["href"]
    with client.session_transaction() as session:
        visit = session[VISIT]
    assert urlsplit(menu).path == english[0] and parse_qs(urlsplit(menu).query)["kv"] == [visit]
    app.config["KIOSK_MODE"] = False
    client = app.test_client()  # another visitor, on no kiosk
    assert links("/") == english
