"""Snapshots of listings against the real seeded tables: read, written back unchanged, and compared."""

from __future__ import annotations

import copy

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.listings.snapshots import FieldChange, apply_snapshot, differences, snapshot_of
from portal.models import Service
from portal.models.service import public_services


def test_every_seeded_service_survives_a_round_trip_unchanged(app: Flask) -> None:
    vocab = app.extensions["vocabularies"]
    services = list(db.session.scalars(public_services().limit(40)))
    before = {service.id: snapshot_of(service) for service in services}
    try:
        for service in services:
            apply_snapshot(db.session(), service, service.organization_id, copy.deepcopy(before[service.id]), vocab)
        db.session.flush()
        db.session.expire_all()
        for service_id, snapshot in before.items():
            assert snapshot_of(db.session.get(Service, service_id)) == snapshot
            assert differences(snapshot, snapshot) == []
    finally:
        db.session.rollback()


def test_differences_are_field_by_field_with_places_by_name(app: Flask) -> None:
    service = db.session.scalars(public_services().where(Service.service_at_locations.any())
                                 .order_by(Service.name).limit(1)).one()
    old = snapshot_of(service)
    new = copy.deepcopy(old)
    new["minimum_age"] = 3
    new["needs"] = ["housing"]
    new["locations"][0]["opening_times"] = [{"day": "TU", "opens": "10:00", "closes": "11:30", "note": None}]
    new["locations"][0]["hide_exact_address"] = True
    changes = differences(old, new, {"housing": "Housing"})
    keys = [change.key for change in changes]
    assert keys[:2] == ["minimum_age", "needs"] if old["minimum_age"] != 3 else keys[0] == "needs"
    assert FieldChange("needs", "Helps with", changes[keys.index("needs")].old, "Housing") in changes
    times = changes[keys.index("opening_times")]
    assert times.new == "Tuesday 10:00 to 11:30" and times.place
    assert changes[keys.index("hide_exact_address")].new == "Yes"
    assert [change.key for change in differences(None, new)][:2] == ["name", "description"]


def test_a_snapshot_is_plain_json(app: Flask) -> None:
    import json

    service = db.session.scalars(select(Service).limit(1)).one()
    snapshot = snapshot_of(service)
    assert json.loads(json.dumps(snapshot)) == snapshot
