"""An editor of organisation A can never read or change organisation B's listings or drafts; moderators'
pages refuse editors; a change without a CSRF token is refused. On every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import ListingVersion
from tests.accounts import csrf_token, sign_in_as
from tests.listings import World, make_world, post_form, remove_world


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = make_world(app)
    yield made
    remove_world(app, made)


def editor_urls(service_id: str, organisation_id: str) -> list[tuple[str, str]]:
    service = f"/manage/services/{service_id}"
    organisation = f"/manage/organisations/{organisation_id}"
    return [("GET", organisation), ("GET", f"{organisation}/edit"), ("POST", f"{organisation}/edit"),
            ("GET", f"{organisation}/services/new"), ("POST", f"{organisation}/services/new"),
            ("GET", service), ("POST", f"{service}/submit"), ("POST", f"{service}/discard"),
            *[(method, f"{service}/sections/{section}") for section in ("details", "who", "languages", "costs",
                                                                        "status") for method in ("GET", "POST")],
            ("GET", f"{service}/places/0"), ("POST", f"{service}/places/0"), ("GET", f"{service}/places/new"),
            ("POST", f"{service}/places/0/remove"), ("GET", f"{service}/times/0"), ("POST", f"{service}/times/0"),
            ("GET", f"{service}/times/service"), ("POST", f"{service}/times/service")]


def test_an_editor_never_reaches_another_organisations_listings_or_drafts(
        client: FlaskClient, world: World) -> None:
    # A's editor has a draft of a changed service and a new service.
    sign_in_as(client, world.editor_a)
    post_form(client, f"/manage/services/{world.service_a}/sections/details",
              {"name": "Test secret draft name", "description": "Draft.", "url": "", "email": "", "phones": ""})
    response = post_form(client, f"/manage/organisations/{world.organisation_a}/services/new",
                         {"name": "Test secret new service", "description": "New."})
    new_service_id = response.headers["Location"].rsplit("/", 1)[1]
    before = [(v.id, v.status, v.snapshot) for v in db.session.scalars(select(ListingVersion))]

    sign_in_as(client, world.editor_b)
    token = csrf_token(client.get("/manage").get_data(as_text=True))
    assert "Test secret" not in client.get("/manage").get_data(as_text=True)
    assert "Test secret" not in client.get(f"/manage/organisations/{world.organisation_b}").get_data(as_text=True)
    for service_id in (world.service_a, new_service_id):
        for method, url in editor_urls(service_id, world.organisation_a):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token, "name": "Taken over", "description": "x",
                                                  "address_1": "x", "town": "x", "postcode": "OL6 6BH",
                                                  "MO_1_opens": "9", "MO_1_closes": "10"})
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            assert "Test secret" not in response.get_data(as_text=True)
    db.session.expire_all()
    after = [(v.id, v.status, v.snapshot) for v in db.session.scalars(select(ListingVersion))]
    assert after == before
    # Their own organisation still works.
    assert client.get(f"/manage/services/{world.service_b}").status_code == 200


def test_made_up_and_malformed_ids_are_not_found(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.editor_a)
    for url in ("/manage/services/not-an-id", "/manage/services/00000000-0000-0000-0000-000000000000",
                "/manage/organisations/../admin", f"/manage/services/{world.service_a}/places/-1",
                f"/manage/services/{world.service_a}/places/99999999999999999999"):
        assert client.get(url).status_code == 404, url
    sign_in_as(client, world.moderator)
    for url in ("/moderation/versions/nope", "/moderation/services/nope/history",
                "/moderation/services/00000000-0000-0000-0000-000000000000/history"):
        assert client.get(url).status_code == 404, url


def test_moderators_pages_refuse_editors(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.editor_a)
    post_form(client, f"/manage/services/{world.service_a}/sections/details",
              {"name": "Test mine", "description": "Draft.", "url": "", "email": "", "phones": ""})
    post_form(client, f"/manage/services/{world.service_a}/submit", {},
              page_url=f"/manage/services/{world.service_a}")
    version = db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == world.service_a)).one()
    token = csrf_token(client.get("/manage").get_data(as_text=True))
    for url in ("/moderation", f"/moderation/versions/{version.id}",
                f"/moderation/services/{world.service_a}/history"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/moderation/versions/{version.id}", data={"csrf_token": token, "decision": "approve"})
    assert response.status_code == 403
    assert client.post(f"/moderation/versions/{version.id}/restore", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ListingVersion, version.id).status == "pending"
    # A moderator who is not an editor cannot use the editors' pages either.
    sign_in_as(client, world.moderator)
    assert client.get(f"/manage/services/{world.service_a}").status_code == 403


def test_changes_without_a_csrf_token_are_refused(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.editor_a)
    service_url = f"/manage/services/{world.service_a}"
    for url, data in ((f"{service_url}/sections/details", {"name": "No token", "description": "x"}),
                      (f"{service_url}/times/0", {"MO_1_opens": "9", "MO_1_closes": "10"}),
                      (f"{service_url}/submit", {}),
                      (f"/manage/organisations/{world.organisation_a}/edit", {"name": "No token"})):
        assert client.post(url, data=data).status_code == 400, url
    assert db.session.scalars(select(ListingVersion).where(
        ListingVersion.organization_id == world.organisation_a)).first() is None
    post_form(client, f"{service_url}/sections/details",
              {"name": "Test with token", "description": "x", "url": "", "email": "", "phones": ""})
    post_form(client, f"{service_url}/submit", {}, page_url=service_url)
    version = db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == world.service_a)).one()
    sign_in_as(client, world.moderator)
    assert client.post(f"/moderation/versions/{version.id}", data={"decision": "approve"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(ListingVersion, version.id).status == "pending"


def test_a_colleagues_unsubmitted_draft_stays_theirs(client: FlaskClient, world: World, app: Flask) -> None:
    from tests.accounts import make_account

    colleague = make_account(app, roles=("editor",), organisations=(world.organisation_a,))
    sign_in_as(client, world.editor_a)
    response = post_form(client, f"/manage/organisations/{world.organisation_a}/services/new",
                         {"name": "Test my unsubmitted idea", "description": "New."})
    new_service_url = response.headers["Location"]
    post_form(client, f"/manage/services/{world.service_a}/sections/details",
              {"name": "Test my unsubmitted rename", "description": "x", "url": "", "email": "", "phones": ""})

    sign_in_as(client, colleague)
    organisation_page = client.get(f"/manage/organisations/{world.organisation_a}").get_data(as_text=True)
    assert "Test my unsubmitted idea" not in organisation_page
    assert client.get(new_service_url).status_code == 404
    assert "Test my unsubmitted rename" not in client.get(f"/manage/services/{world.service_a}").get_data(as_text=True)
