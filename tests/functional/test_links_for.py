"""Many links to one page that differ by one value (a results page's service links, a map's markers)
are built once and the value put in: each is the link url_for makes, whatever the value, the
language or a kiosk's visit."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.i18n import links_for, url_for_without_prefix_for_assets
from tests.functional.test_kiosk import enter_kiosk
from tests.pages import fetch_page

VALUES = ["3f2b6c1e-0000-4000-8000-000000000001", "ashton-library", "a.b_c~d", "with space", "slash/inside",
          "per%cent", "ünïcode", "?query#hash", "0"]


@pytest.mark.parametrize("path", ["/search", "/pl/search", "/ur/search"])
def test_each_link_is_the_one_url_for_makes(app: Flask, path: str) -> None:
    with app.test_request_context(path):
        app.preprocess_request()
        link = links_for("directory.service", "service_id")
        for value in VALUES:
            assert link(value) == url_for_without_prefix_for_assets("directory.service", service_id=value), value
        assert links_for("search.results", "q")("food") == url_for_without_prefix_for_assets("search.results", q="food")


def card_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [card.a["href"] for card in page.select("ul.portal-card-list > li")]


def test_result_cards_link_to_service_pages_in_the_language_and_the_kiosk_visit(app: Flask) -> None:
    for prefix in ("", "/pl"):
        client: FlaskClient = app.test_client()
        links = card_links(fetch_page(client, f"{prefix}/search?q=library"))
        assert links and all(urlsplit(link).path.startswith(f"{prefix}/services/") for link in links)
        assert all(fetch_page(client, link) for link in links[:3])
    client = app.test_client()
    enter_kiosk(client)
    links = card_links(fetch_page(client, "/search?q=library"))
    assert links and all("kv=" in urlsplit(link).query for link in links), "a kiosk's links carry its visit"
    assert all(fetch_page(client, link) for link in links[:3])
