"""Two editors change the same listing at the same time; approving the first change and then the second
(started from the older version) keeps both: the second keeps the first's values where it did not touch
them. Where both changed the same part differently, approval is refused, naming it. On every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import ListingVersion, Service
from tests.accounts import Person, make_account, sign_in_as
from tests.listings import World, make_world, post_form, remove_world


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = make_world(app)
    yield made
    remove_world(app, made)


def details(world: World, description: str, email: str = "hello@example.org") -> dict[str, str]:
    return {"name": f"Test stay and play A {world.word}", "description": description, "url": "", "email": email,
            "phones": "0161 496 0123"}


def draft(client: FlaskClient, editor: Person, world: World, data: dict[str, str]) -> None:
    sign_in_as(client, editor)
    response = post_form(client, f"/manage/services/{world.service_a}/sections/details", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def submit(client: FlaskClient, editor: Person, world: World) -> str:
    sign_in_as(client, editor)
    url = f"/manage/services/{world.service_a}"
    assert post_form(client, f"{url}/submit", {}, page_url=url).status_code == 303
    db.session.expire_all()
    return db.session.scalars(select(ListingVersion.id).where(
        ListingVersion.service_id == world.service_a, ListingVersion.status == "pending",
        ListingVersion.created_by == f"user:{editor.id}")).one()


def approve(client: FlaskClient, world: World, version_id: str):  # type: ignore[no-untyped-def]
    sign_in_as(client, world.moderator)
    return post_form(client, f"/moderation/versions/{version_id}", {"decision": "approve"})


def live(world: World) -> Service:
    db.session.expire_all()
    service = db.session.get(Service, world.service_a)
    assert service is not None
    return service


def test_approving_an_older_draft_keeps_the_newer_change(app: Flask, client: FlaskClient, world: World) -> None:
    second = make_account(app, roles=("editor",), organisations=(world.organisation_a,))
    draft(client, world.editor_a, world, details(world, "Songs, stories and messy play on Mondays."))
    draft(client, second, world, details(world, "Songs and play for under fives.", email="play@example.org"))
    first_version, second_version = submit(client, world.editor_a, world), submit(client, second, world)
    assert approve(client, world, first_version).status_code == 303
    assert approve(client, world, second_version).status_code == 303
    service = live(world)
    assert service.description == "Songs, stories and messy play on Mondays.", "the first change was kept"
    assert service.email == "play@example.org", "the second change was applied"


def test_both_changing_the_same_part_is_refused_with_the_part_named(
        app: Flask, client: FlaskClient, world: World) -> None:
    second = make_account(app, roles=("editor",), organisations=(world.organisation_a,))
    draft(client, world.editor_a, world, details(world, "First editor's words."))
    draft(client, second, world, details(world, "Second editor's words."))
    first_version, second_version = submit(client, world.editor_a, world), submit(client, second, world)
    assert approve(client, world, first_version).status_code == 303
    refused = approve(client, world, second_version)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "changed after this draft was made" in text and "Description" in text
    assert live(world).description == "First editor's words."
    db.session.expire_all()
    assert db.session.get(ListingVersion, second_version).status == "pending"
