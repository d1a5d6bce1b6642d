"""Re-running the seed loader never undoes a change an organisation made and a moderator approved."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.listings.moderation import approve
from portal.listings.services import new_version
from portal.listings.snapshots import snapshot_of
from portal.models import Service
from portal.models._base import PORTAL_SOURCE
from portal.seed.loader import load_seed_data
from tests.accounts import make_account


def test_an_approved_edit_to_a_seeded_listing_survives_reloading_the_seed(app: Flask) -> None:
    service = db.session.scalars(select(Service).where(Service.data_source == "documents")
                                 .order_by(Service.name)).first()
    assert service is not None
    original_source, service_id = service.data_source, service.id
    snapshot = snapshot_of(service)
    snapshot["description"] = "Changed by the organisation and approved by the directory team."
    moderator = make_account(app, roles=("moderator",))
    from portal.models import UserAccount

    version = new_version(service.id, service.organization_id, snapshot, "user:editor", "pending")
    db.session.commit()
    approve(version, db.session.get(UserAccount, moderator.id), app.extensions["vocabularies"])
    db.session.expire_all()
    assert db.session.get(Service, service_id).assured_date is not None, "approval counts as a check"
    try:
        report = load_seed_data(app.config["DIRECTORY_DATA_DIR"], app.extensions["vocabularies"])
        db.session.expire_all()
        kept = db.session.get(Service, service_id)
        assert kept.description == snapshot["description"], "the approved change is still there"
        assert kept.data_source == PORTAL_SOURCE and kept.assured_date is not None
        assert any("looked after by their organisation" in reason for reason in report.skipped)
        assert not report.tables["service"].removed
    finally:
        db.session.get(Service, service_id).data_source = original_source
        db.session.commit()
        load_seed_data(app.config["DIRECTORY_DATA_DIR"], app.extensions["vocabularies"])
        db.session.expire_all()
        assert db.session.get(Service, service_id).description != snapshot["description"]
