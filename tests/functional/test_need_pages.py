"""A need's page, and an organisation's, list their services a page at a time (a need's with Tameside's own
first), however many there are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from portal.directory.services import NEED_PAGE_SIZE
from portal.extensions import db
from tests.conftest import BACKENDS, make_app
from tests.pages import fetch_page


@pytest.fixture(scope="module", params=BACKENDS)
def synthetic_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """400 synthetic services (far more than one page for each need) in a database of their own."""
    from flask_migrate import upgrade

    database, search_backend = request.param
    folder: Path = tmp_path_factory.mktemp("need-pages")
    app = make_app(database, folder, SEARCH_BACKEND=search_backend)
    with app.app_context():
        upgrade()
    runner = app.test_cli_runner()
    for args in (["portal", "load-data", "--reference-only"], ["portal", "generate-synthetic", "--count", "400"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def cards(page: BeautifulSoup) -> list[str]:
    return [card.a["href"] for card in page.select("ul.portal-card-list > li")]


def test_a_need_with_many_services_is_listed_a_page_at_a_time(synthetic_app: Flask) -> None:
    client: FlaskClient = synthetic_app.test_client()
    counts = synthetic_app.extensions["search"].need_counts()
    slug, total = max(counts.items(), key=lambda item: item[1])
    assert total > 2 * NEED_PAGE_SIZE
    first = fetch_page(client, f"/needs/{slug}")
    assert f"{total} services can help." in first.get_text()
    pages = -(-total // NEED_PAGE_SIZE)
    assert f"This is page 1 of {pages}." in first.get_text()
    seen = cards(first)
    assert len(seen) == NEED_PAGE_SIZE
    assert first.select_one("nav.govuk-pagination a.govuk-pagination__link[rel=next]") or \
        first.select_one(".govuk-pagination__next a")
    for number in range(2, pages + 1):
        page = fetch_page(client, f"/needs/{slug}?page={number}")
        listed = cards(page)
        assert listed and not set(listed) & set(seen), "each service on one page only"
        seen += listed
    assert len(seen) == total, "every service is on a page"

    # Tameside's own services come before the national and Greater Manchester ones, across pages.
    headings = []
    for number in range(1, pages + 1):
        page = fetch_page(client, f"/needs/{slug}?page={number}")
        headings += [h2.get_text(strip=True) for h2 in page.select("h2.govuk-heading-m")]
    wider = "National and Greater Manchester services"
    if wider in headings:
        assert "Services in Tameside" not in headings[headings.index(wider) + 1:]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "٢", "2.5", "99999999999", ""])
def test_a_page_number_that_is_not_one_gives_the_first_page(synthetic_app: Flask, page: str) -> None:
    client = synthetic_app.test_client()
    counts = synthetic_app.extensions["search"].need_counts()
    slug = max(counts, key=lambda key: counts[key])
    response = client.get(f"/needs/{slug}", query_string={"page": page})
    assert response.status_code == 200
    first = fetch_page(client, f"/needs/{slug}")
    assert cards(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == cards(first)


def test_a_page_past_the_last_shows_the_last(synthetic_app: Flask) -> None:
    client = synthetic_app.test_client()
    counts = synthetic_app.extensions["search"].need_counts()
    slug, total = max(counts.items(), key=lambda item: item[1])
    pages = -(-total // NEED_PAGE_SIZE)
    last = fetch_page(client, f"/needs/{slug}?page={pages + 5}")
    assert f"This is page {pages} of {pages}." in last.get_text()


def test_an_organisation_with_many_services_lists_them_a_page_at_a_time(synthetic_app: Flask) -> None:
    """The same fault as a need's page had: an organisation's page listed every service it has."""
    from sqlalchemy import select

    from portal.models import Organization, Service
    from portal.models.service import public_services

    with synthetic_app.app_context():
        organisation = db.session.execute(select(Organization).order_by(Organization.name)).scalars().first()
        assert organisation is not None
        organisation_id = organisation.id
        moved = db.session.execute(public_services().order_by(Service.id).limit(2 * NEED_PAGE_SIZE + 5)).scalars().all()
        for service in moved:
            service.organization_id = organisation_id
        db.session.commit()
        total = len(db.session.execute(public_services().where(Service.organization_id == organisation_id)).scalars()
                    .all())
    assert total > 2 * NEED_PAGE_SIZE
    client = synthetic_app.test_client()
    first = fetch_page(client, f"/organisations/{organisation_id}")
    pages = -(-total // NEED_PAGE_SIZE)
    assert f"This is page 1 of {pages}." in first.get_text()
    seen = cards(first)
    assert len(seen) == NEED_PAGE_SIZE
    for number in range(2, pages + 1):
        listed = cards(fetch_page(client, f"/organisations/{organisation_id}?page={number}"))
        assert listed and not set(listed) & set(seen), "each service on one page only"
        seen += listed
    assert len(seen) == total, "every service is on a page"
    for page in ("0", "abc", "٢", "99999999999"):
        response = client.get(f"/organisations/{organisation_id}", query_string={"page": page})
        assert response.status_code == 200
        assert cards(BeautifulSoup(response.get_data(as_text=True), "html.parser")) == seen[:NEED_PAGE_SIZE]


def pagination_hrefs(page: BeautifulSoup) -> list[str]:
    return [link["href"] for link in page.select("nav.govuk-pagination a[href]")]


def test_pagination_links_are_the_lists_own_links_with_a_page_number(synthetic_app: Flask) -> None:
    """Each page link is the list's own address (its language, its filters) with only the page number
    changed; a need's first page is its bare address; every link leads to the page it names."""
    counts = synthetic_app.extensions["search"].need_counts()
    slug, _ = max(counts.items(), key=lambda item: item[1])
    for path, args in ((f"/needs/{slug}", {}), (f"/pl/needs/{slug}", {}),
                       ("/pl/search", {"age": ["7"], "free": ["1"]}), ("/search", {"q": ["weekly"], "age": ["7"]})):
        client: FlaskClient = synthetic_app.test_client()  # a visitor of their own (a language is remembered)
        query = "&".join(f"{key}={values[0]}" for key, values in args.items())
        page = fetch_page(client, f"{path}?{query}{'&' if query else ''}page=2")
        hrefs = pagination_hrefs(page)
        assert len(hrefs) >= 3, f"{path}?{query} should have several pages"
        numbers = set()
        for href in hrefs:
            parts = urlsplit(href)
            assert parts.path == path
            found = parse_qs(parts.query)
            number = int(found.pop("page", ["1"])[0])
            assert found == args
            if path.startswith(("/needs", "/pl/needs")):
                assert ("page=" in href) == (number > 1), "a need's first page is its own address"
            numbers.add(number)
            current = fetch_page(client, href).select_one("nav.govuk-pagination [aria-current=page]")
            assert current is not None and current.get_text(strip=True) == str(number)
        assert {1, 3} <= numbers
