"""Every public page, fetched through the real app on each database backend."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Organization, Service
from tests.pages import fetch_page

STATIC_PAGES = [
    "/",
    "/early-help",
    "/early-help/practitioners",
    "/urgent-help",
    "/needs",
    "/accessibility",
    "/privacy",
    "/data-sources",
]


def service_named(name: str) -> Service:
    return db.session.execute(select(Service).where(Service.name == name)).scalar_one()


@pytest.mark.parametrize("url", STATIC_PAGES)
def test_every_information_page_renders(client: FlaskClient, url: str) -> None:
    page = fetch_page(client, url)
    assert "0161 342 4101" in page.get_text(), "the urgent-help route is on every page"


def test_every_need_has_a_page(app: Flask, client: FlaskClient) -> None:
    for slug, need in app.extensions["vocabularies"].needs.items():
        page = fetch_page(client, f"/needs/{slug}")
        assert page.h1.get_text(strip=True) == need.name


def test_every_public_service_and_organisation_page_renders(client: FlaskClient) -> None:
    services = db.session.execute(select(Service)).scalars().all()
    assert len(services) > 60
    for service in services:
        page = fetch_page(client, f"/services/{service.id}")
        assert page.h1.get_text(strip=True) == service.name
    for organisation in db.session.execute(select(Organization)).scalars():
        fetch_page(client, f"/organisations/{organisation.id}")


def test_a_library_page_shows_its_real_opening_hours(client: FlaskClient) -> None:
    library = service_named("Ashton Library")
    page = fetch_page(client, f"/services/{library.id}")
    rows = {
        row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
        for row in page.select("table.govuk-table tbody tr")
    }
    # Staffed hours from the public libraries dataset.
    assert rows["Monday"] == "08:30 to 17:00"
    assert rows["Tuesday"] == "08:30 to 20:00"
    assert rows["Saturday"] == "10:00 to 15:00"
    assert "Sunday" not in rows
    text = page.get_text(" ", strip=True)
    assert "Tameside One, Market Place" in text and "OL6 6BH" in text
    assert "28 April 2025" in text, "the last-checked date is shown"


def test_a_need_lists_the_services_that_meet_it(client: FlaskClient) -> None:
    page = fetch_page(client, "/needs/emotional-wellbeing-and-mental-health")
    names = [link.get_text(strip=True) for link in page.select(".portal-card a")]
    assert "Healthy Young Minds" in names
    for name in names:
        assert name, "every listed service has a name"


def test_the_childrens_hub_page_gives_its_documented_number(client: FlaskClient) -> None:
    hub = service_named("Children's HUB")
    page = fetch_page(client, f"/services/{hub.id}")
    assert page.find("a", href="tel:01613424101")


def test_early_help_page_explains_levels_and_steps(app: Flask, client: FlaskClient) -> None:
    page = fetch_page(client, "/early-help")
    text = page.get_text(" ", strip=True)
    for level in app.extensions["vocabularies"].levels.values():
        assert level.family_name in text
    assert page.find(id="levels-of-need")
    for step in ("Step 1", "Step 2", "Step 3", "Step 4"):
        assert step in text


@pytest.mark.parametrize(
    "url",
    [
        "/needs/not-a-need",
        "/services/not-an-id",
        "/services/00000000-0000-4000-8000-000000000000",
        "/services/%00",
        "/organisations/%27%20OR%201%3D1%20--",
        "/organisations/00000000-0000-4000-8000-000000000000",
        "/no-such-page",
    ],
)
def test_unknown_addresses_get_the_404_page_with_urgent_help(client: FlaskClient, url: str) -> None:
    refused = "%00" in url  # a control character is refused at the edge, before any lookup
    page = fetch_page(client, url, status=400 if refused else 404)
    assert page.h1.get_text(strip=True) == ("The web address has characters we cannot accept" if refused
                                            else "Page not found")
    assert "0161 342 2222" in page.get_text()


def test_a_withdrawn_service_is_not_shown(app: Flask, client: FlaskClient) -> None:
    library = service_named("Denton Library")
    library.status = "inactive"
    db.session.commit()
    try:
        fetch_page(client, f"/services/{library.id}", status=404)
        need_page = fetch_page(client, "/needs/early-years-and-child-development")
        assert "Denton Library" not in need_page.get_text()
    finally:
        library.status = "active"
        db.session.commit()


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_security_headers_are_exact(client: FlaskClient) -> None:
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    second = client.get("/").headers["Content-Security-Policy"]
    assert nonce not in second, "a fresh nonce for every response"


def test_request_log_leaves_out_query_strings_and_addresses(client: FlaskClient,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("portal.requests")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="portal.requests"):
            client.get("/needs/domestic-abuse?q=he+hits+me&postcode=OL6+6BH",
                       environ_base={"REMOTE_ADDR": "203.0.113.9"})
    finally:
        logger.removeHandler(caplog.handler)
    logged = caplog.text
    assert "GET /needs/<slug> 200" in logged
    for secret in ("hits", "OL6", "203.0.113.9", "domestic-abuse"):
        assert secret not in logged
