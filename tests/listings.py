"""Factory helpers for the listings tests: two made-up organisations (A and B), each with one service
at a real Tameside postcode, their editors and a moderator; everything is removed afterwards.

The organisations and services are invented for the tests (names start "Test"); the phone number is
from Ofcom's range kept for drama, and the emails are at example.org.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from tests.accounts import Person, csrf_token, make_account

POSTCODE = "OL6 6BH"


@dataclass
class World:
    organisation_a: str
    organisation_b: str
    service_a: str
    service_b: str
    editor_a: Person
    editor_b: Person
    moderator: Person
    word: str  # a made-up word unique to this test, for searching


def service_snapshot(name: str, description: str) -> dict[str, Any]:
    from portal.listings.snapshots import empty_location, empty_service_snapshot

    snapshot = empty_service_snapshot(name, description)
    place = empty_location()
    place.update(name="Test community room", address_1="1 Test Street", town="Ashton-under-Lyne",
                 postcode=POSTCODE,
                 opening_times=[{"day": "MO", "opens": "09:00", "closes": "12:00", "note": None}])
    snapshot.update(locations=[place], needs=["parenting-and-family-relationships"], levels=["universal"],
                    minimum_age=0, maximum_age=5, self_referral=True, email="hello@example.org",
                    phones=[{"number": "0161 496 0123", "description": None}],
                    costs={"free": True, "amount": None, "description": None})
    return snapshot


def make_world(app: Flask) -> World:
    from portal.extensions import db
    from portal.listings.snapshots import apply_snapshot
    from portal.models import Organization

    word = "zq" + uuid.uuid4().hex[:8]
    ids = {}
    with app.app_context():
        vocab = app.extensions["vocabularies"]
        for key in ("a", "b"):
            organisation = Organization(name=f"Test organisation {key.upper()} {word}", description="For tests",
                                        data_source="test", kind="vcse")
            db.session.add(organisation)
            db.session.flush()
            service = apply_snapshot(db.session(), None, organisation.id,
                                     service_snapshot(f"Test stay and play {key.upper()} {word}",
                                                      "Songs and play for under fives."), vocab,
                                     service_id=str(uuid.uuid4()))
            ids[f"organisation_{key}"], ids[f"service_{key}"] = organisation.id, service.id
        db.session.commit()
    return World(**ids, word=word,
                 editor_a=make_account(app, roles=("editor",), organisations=(ids["organisation_a"],)),
                 editor_b=make_account(app, roles=("editor",), organisations=(ids["organisation_b"],)),
                 moderator=make_account(app, roles=("moderator",)))


def remove_world(app: Flask, world: World) -> None:
    from portal.extensions import db
    from portal.models import ListingVersion, Location, Organization, Service
    from portal.models.account import organisation_membership

    with app.app_context():
        db.session.rollback()
        organisations = (world.organisation_a, world.organisation_b)
        db.session.execute(delete(ListingVersion).where(ListingVersion.organization_id.in_(organisations)))
        for service in db.session.scalars(select(Service).where(Service.organization_id.in_(organisations))):
            db.session.delete(service)
        db.session.flush()
        for location in db.session.scalars(select(Location).where(Location.organization_id.in_(organisations))):
            db.session.delete(location)
        db.session.flush()
        db.session.execute(delete(organisation_membership).where(
            organisation_membership.c.organization_id.in_(organisations)))
        for organisation_id in organisations:
            organisation = db.session.get(Organization, organisation_id)
            if organisation is not None:
                db.session.delete(organisation)
        db.session.commit()


def post_form(client: FlaskClient, url: str, data: dict[str, Any], page_url: str | None = None) -> Any:
    """POST to `url` with a CSRF token from the page that shows the form (`page_url`, or `url` itself)."""
    page = client.get(page_url or url)
    assert page.status_code == 200, f"{page_url or url}: {page.status_code}"
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})
