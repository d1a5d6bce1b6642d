"""Test set-up: a real database per backend, migrated with Alembic and loaded with the seed data.

SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it), once with the Whoosh
search index and once with PostgreSQL full-text search. Tests that use the `app` or `client` fixture
run once per backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import PROJECT_DIR

# (database, SEARCH_BACKEND): Whoosh on SQLite always; with TEST_DATABASE_URL, Whoosh on PostgreSQL
# and PostgreSQL full-text search too. The ids name them in test reports.
BACKENDS = [pytest.param(("sqlite", "whoosh"), id="sqlite")] + ([
    pytest.param(("postgresql", "whoosh"), id="postgresql"),
    pytest.param(("postgresql", "postgresql"), id="postgresql-fts"),
] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compiled catalogues (.mo) are built, not committed: compile any missing or older than its .po."""
    from portal.i18n.catalogues import compile_all

    compile_all()


def reset_postgresql(url: str) -> None:
    """Empty the test database's public schema, so `upgrade` starts from nothing."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(backend: str, folder: Path) -> str:
    if backend == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        reset_postgresql(url)
        return url
    return f"sqlite:///{folder / 'portal.db'}"


def make_app(backend: str, folder: Path, **overrides: Any) -> Flask:
    os.environ["PORTAL_ENV"] = "test"
    os.environ["INSTANCE_DIR"] = str(folder)
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url(backend, folder),
        "SEARCH_INDEX_DIR": folder / "search_index",
        "RATELIMIT_STORAGE_URI": "memory://",
        # The tests search far more than any person: the limit on searches is tested on its own.
        "SEARCH_RATE_LIMIT": "100000 per minute",
        "SEARCH_SYNC_SECONDS": 0.0,
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    return create_app(config)


def migrate_and_load(app: Flask) -> None:
    from flask_migrate import upgrade

    from portal.seed.loader import load_seed_data

    with app.app_context():
        upgrade()
        load_seed_data(app.config["DIRECTORY_DATA_DIR"], app.extensions["vocabularies"])


@pytest.fixture(scope="session", params=BACKENDS)
def seeded_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One migrated, seeded app per backend for the whole run (read-only tests share it)."""
    database, search_backend = request.param
    folder = tmp_path_factory.mktemp(f"portal-{database}-{search_backend}")
    app = make_app(database, folder, SEARCH_BACKEND=search_backend)
    migrate_and_load(app)
    app.config["TEST_BACKEND"] = database
    yield app
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(seeded_app: Flask) -> Iterator[Flask]:
    with seeded_app.app_context():
        yield seeded_app


@pytest.fixture
def project_dir() -> Path:
    return PROJECT_DIR
