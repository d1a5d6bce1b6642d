"""Error pages keep the urgent-help route in view, and a lost database gives a 503, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from portal.access import public
from tests.conftest import make_app


def urgent_numbers_shown(body: str) -> bool:
    text = BeautifulSoup(body, "html.parser").get_text()
    return all(number in text for number in ("999", "0161 342 4101", "0161 342 2222"))


def test_a_server_error_shows_the_friendly_page(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)

    @app.get("/boom")
    @public
    def boom() -> str:
        raise RuntimeError("something broke")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in body
    assert urgent_numbers_shown(body)
    assert "something broke" not in body and "Traceback" not in body


@pytest.mark.parametrize("url", ["/", "/needs/housing", "/search?q=library"])
def test_no_database_gives_a_503_that_still_shows_urgent_help(tmp_path: Path, url: str) -> None:
    app = make_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get(url)
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in body
    assert urgent_numbers_shown(body)


def test_healthz_says_when_the_database_is_unreachable(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_a_post_without_a_csrf_token_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/search", data={"q": "library"})
    assert response.status_code in (400, 405)
