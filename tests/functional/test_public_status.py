"""Which services the public sees is defined once (`Service.is_public`): the same answer in Python and
in a query, on every backend, for every status a listing can have."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from portal.models.service import SERVICE_STATUSES
from tests.directory_records import make_organisation, make_service, remove_organisation


def test_public_means_the_same_in_python_and_in_a_query(app: Flask) -> None:
    organisation = make_organisation()
    try:
        made = {status: make_service(organisation, f"Status {status}", status=status) for status in SERVICE_STATUSES}
        in_python = {service.id for service in made.values() if service.is_public}
        in_a_query = set(db.session.scalars(select(Service.id).where(
            Service.organization_id == organisation.id, Service.is_public)))
        assert in_a_query == in_python == {made["active"].id, made["temporarily closed"].id}
    finally:
        remove_organisation(organisation.id)
