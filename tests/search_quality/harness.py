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
    """A throwaway app on the real directory data, made as the tests make theirs (tests/conftest.py): a
    database (SQLite in `folder`, or the PostgreSQL database at `database_url`, emptied first) and a
    search index in `folder`."""
    from tests.conftest import make_app, migrate_and_load

    if database_url:
        os.environ["TEST_DATABASE_URL"] = database_url
    app = make_app("postgresql" if database_url else "sqlite", folder, SEARCH_BACKEND=backend)
    migrate_and_load(app)
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

    with template_rendered.connected_to(record, app):
        response = app.test_client().get(query.path, query_string={"q": query.q})
    if response.status_code != 200:
        raise AssertionError(f"{query.path}?q={query.q!r} answered {response.status_code}")
    if not seen:
        raise AssertionError(f"{query.path}?q={query.q!r} rendered no results page")
    outcome = seen[-1]["outcome"]
    if outcome is None:
        return []
    return [Found(result.document.name, frozenset(result.document.need_slugs), result.document.general)
            for result in outcome.results]
