"""Asking the search quality set's queries of a running app, as a visitor would: a GET of the search
page in the query's language, with the top results read from the page the app rendered."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, template_rendered

from portal.search.quality import Found, QualityQuery, load_queries

SET_DIR = Path(__file__).resolve().parent


def build_app(folder: Path, backend: str = "whoosh", database_url: str | None = None) -> Flask:
    """A throwaway app on the real directory data: a database (SQLite in `folder`, or the empty
    PostgreSQL database at `database_url`, emptied first) and a search index in `folder`."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from portal import create_app
    from portal.seed.loader import load_seed_data

    os.environ["PORTAL_ENV"] = "test"
    os.environ["INSTANCE_DIR"] = str(folder)
    if database_url:
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'portal.db'}",
        "SEARCH_INDEX_DIR": folder / "search_index",
        "SEARCH_BACKEND": backend,
        "RATELIMIT_STORAGE_URI": "memory://",
        "SEARCH_RATE_LIMIT": "100000 per minute",
        "SEARCH_SYNC_SECONDS": 0.0,
        "SERVER_NAME": "localhost",
    })
    with app.app_context():
        upgrade()
        load_seed_data(app.config["DIRECTORY_DATA_DIR"], app.extensions["vocabularies"])
    return app


def quality_set(app: Flask) -> list[QualityQuery]:
    from portal.i18n.languages import LANGUAGES
    from portal.models import Service

    vocab = app.extensions["vocabularies"]
    with app.app_context():
        from portal.extensions import db

        names = db.session.scalars(db.select(Service.name)).all()
    return load_queries(SET_DIR, vocab.needs, names, LANGUAGES)


def top_results(app: Flask, query: QualityQuery) -> list[Found]:
    """The first results the search page shows for `query` (a real request through the app)."""
    seen: list[dict[str, Any]] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if "outcome" in context:
            seen.append(context)

    app.extensions["search_pages"].clear()  # every query is a new search: no kept page answers it
    with template_rendered.connected_to(record, app):
        response = app.test_client().get(query.path, query_string={"q": query.q})
    if response.status_code != 200:
        raise AssertionError(f"{query.path}?q={query.q!r} answered {response.status_code}")
    if not seen:
        raise AssertionError(f"{query.path}?q={query.q!r} rendered no results page (a kept page?)")
    outcome = seen[-1]["outcome"]
    if outcome is None:
        return []
    return [Found(result.document.name, frozenset(result.document.need_slugs), result.document.general)
            for result in outcome.results]
