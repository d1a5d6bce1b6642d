"""The search backends: chosen by SEARCH_BACKEND and checked at start-up; with PostgreSQL full-text
search, one index in the database that every app server shares."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.config import ConfigError, load_config
from portal.extensions import db
from portal.models import Service
from tests.pages import fetch_page


def search(client: FlaskClient, **params: object) -> BeautifulSoup:
    return fetch_page(client, "/search?" + urlencode(params, doseq=True))


def names(page: BeautifulSoup) -> list[str]:
    return [card.h3.get_text(strip=True) for card in page.select("ul.portal-card-list > li")]


def needs_postgresql_search(app: Flask) -> None:
    if app.config["SEARCH_BACKEND"] != "postgresql":
        pytest.skip("only PostgreSQL full-text search keeps one index for every server")


# -- choosing a backend ---------------------------------------------------------------------------

def test_postgresql_search_is_refused_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SEARCH_BACKEND", raising=False)
    with pytest.raises(ConfigError, match="SEARCH_BACKEND=postgresql needs the database to be PostgreSQL"):
        load_config({"PORTAL_ENV": "test", "SEARCH_BACKEND": "postgresql"})
    # Settings given to create_app are checked too, after they are merged.
    with pytest.raises(ConfigError, match="SEARCH_BACKEND=postgresql needs the database to be PostgreSQL"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portal.db'}", "SEARCH_BACKEND": "postgresql"})


def test_an_unknown_search_backend_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    with pytest.raises(ConfigError, match="SEARCH_BACKEND must be one of whoosh, postgresql, not 'elasticsearch'"):
        load_config({"PORTAL_ENV": "test", "SEARCH_BACKEND": "elasticsearch"})
    config = load_config({"PORTAL_ENV": "test", "DATABASE_URL": "postgresql://u@h/db", "SEARCH_BACKEND": "PostgreSQL"})
    assert config["SEARCH_BACKEND"] == "postgresql"
    assert load_config({"PORTAL_ENV": "test"})["SEARCH_BACKEND"] == "whoosh", "Whoosh unless told otherwise"


def test_the_wsgi_entry_point_explains_a_refused_backend(project_dir: Path, tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(PORTAL_ENV="development", INSTANCE_DIR=str(tmp_path), SEARCH_BACKEND="postgresql")
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=project_dir, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot start: SEARCH_BACKEND=postgresql needs the database to be PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr


# -- the same behaviour on every backend ----------------------------------------------------------

def test_snippets_mark_the_words_and_escape_what_organisations_write(app: Flask, client: FlaskClient) -> None:
    library = db.session.execute(select(Service).where(Service.name == "Mossley Library")).scalar_one()
    original = library.description
    library.description = original + " Saturday <script>alert('zebrafish')</script> zebrafish club & crafts."
    db.session.commit()
    try:
        response = client.get("/search?q=zebrafish")
        body = response.get_data(as_text=True)
        assert "<script>alert(" not in body
        page = BeautifulSoup(body, "html.parser")
        assert names(page) == ["Mossley Library"]
        marked = page.select("ul.portal-card-list > li mark.portal-match")
        assert marked and {mark.get_text() for mark in marked} == {"zebrafish"}
    finally:
        library.description = original
        db.session.commit()


# -- PostgreSQL full-text search: one index shared by every server ---------------------------------

@pytest.fixture
def other_server(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """A second app on the same database, as a second server behind the load balancer would be."""
    needs_postgresql_search(app)
    other = create_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SEARCH_BACKEND": "postgresql",
        "SEARCH_INDEX_DIR": tmp_path / "other_search_index",
        "SEARCH_SYNC_SECONDS": 0.0,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
    })
    yield other
    with other.app_context():
        db.engine.dispose()


def test_an_edit_through_one_server_is_found_through_another(
        app: Flask, client: FlaskClient, other_server: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    search(client, q="library")  # this server has built the shared index
    index = other_server.extensions["search"].index

    def never(*_: Any) -> None:
        raise AssertionError("the other server should not need to build the shared index")

    # The other server's own index writes go nowhere: whatever it finds, this server wrote.
    monkeypatch.setattr(index, "write", lambda documents, removed, only_newer=False: None)
    monkeypatch.setattr(index, "rebuild", never)
    monkeypatch.setattr(index, "rebuild_if_missing", never)
    other = other_server.test_client()
    assert "Mossley Library" in names(search(other, q="library"))

    library = db.session.execute(select(Service).where(Service.name == "Mossley Library")).scalar_one()
    library.name = "Mossley Zebra Library"
    db.session.commit()
    try:
        assert names(search(other, q="zebra")) == ["Mossley Zebra Library"]
    finally:
        library.name = "Mossley Library"
        db.session.commit()
    assert names(search(other, q="zebra")) == []
    assert "Mossley Library" in names(search(other, q="library"))


def test_searches_see_a_whole_index_while_it_is_rebuilt(app: Flask) -> None:
    needs_postgresql_search(app)
    service = app.extensions["search"]
    service.ensure_ready()
    expected = set(service.index.match("library", []).scores)
    assert len(expected) >= 10
    seen: list[set[str]] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_searching() -> None:
        while not stop.is_set():
            try:
                seen.append(set(service.index.match("library", []).scores))
            except BaseException as error:  # noqa: B902 - any failure is what this test looks for
                failures.append(error)
                return

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        for _ in range(3):
            assert service.rebuild().documents == len(service.store)
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert not failures
    assert seen and all(found == expected for found in seen), "every search saw a whole index"
