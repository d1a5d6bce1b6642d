"""A change that committed is reported as saved even when the search index cannot be written; the
failure is logged and the index catches up by itself once it can be written again. The index is
broken for real: Whoosh's write lock cannot be opened (a folder stands where the lock file goes), or
PostgreSQL's search table is renamed away. On every backend."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from portal.extensions import db
from portal.models import ListingVersion, Service
from portal.search.backends.whoosh import WhooshIndex
from tests.accounts import csrf_token, sign_in_as
from tests.listings import World, make_world, post_form, remove_world


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = make_world(app)
    yield made
    remove_world(app, made)


@contextmanager
def unwritable_index(app: Flask) -> Iterator[None]:
    index = app.extensions["search"].index
    if isinstance(index, WhooshIndex):
        lock = Path(index.root) / "write.lock"
        lock.unlink(missing_ok=True)
        lock.mkdir()
        try:
            yield
        finally:
            shutil.rmtree(lock)
    else:
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(text("ALTER TABLE search_document RENAME TO search_document_away"))
        try:
            yield
        finally:
            db.session.rollback()
            with db.engine.begin() as connection:
                connection.execute(text("ALTER TABLE search_document_away RENAME TO search_document"))


def found(client: FlaskClient, word: str, service_id: str) -> bool:
    return f"/services/{service_id}" in client.get(f"/search?q={word}").get_data(as_text=True)


def test_an_approval_is_saved_when_the_index_cannot_be_written(
        app: Flask, client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    word = world.word + "index"
    service_url = f"/manage/services/{world.service_a}"
    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/sections/details",
              {"name": f"Test stay and play A {world.word}", "description": f"Songs and {word} stories.",
               "url": "", "email": "hello@example.org", "phones": "0161 496 0123"})
    post_form(client, f"{service_url}/submit", {}, page_url=service_url)
    db.session.expire_all()
    (pending,) = db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == world.service_a))
    sign_in_as(client, world.moderator)
    page = f"/moderation/versions/{pending.id}"
    token_page = client.get(page)
    assert token_page.status_code == 200
    token = csrf_token(token_page.get_data(as_text=True))
    caplog.set_level(logging.INFO, logger="portal.search")
    with unwritable_index(app):
        response = client.post(page, data={"csrf_token": token, "decision": "approve"})
        assert response.status_code == 303, "the approval is reported as saved, not as an error"
        db.session.expire_all()
        assert word in db.session.get(Service, world.service_a).description, "the change is live"
        assert "search index not updated" in caplog.text
    assert found(client, word, world.service_a), "the index caught up by itself, without a reindex"
    assert "search index caught up" in caplog.text
