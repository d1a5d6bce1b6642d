"""Factory helpers for directory records a test needs of its own: an organisation with services.

Everything made here is removed again by `remove_organisation` (with the problem reports, requests to
manage it, and its services), so the seeded database other tests read stays as it was.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import ManageRequest, Organization, ProblemReport, Service, ServiceArea


def make_organisation(name: str | None = None) -> Organization:
    organisation = Organization(name=name or f"Test organisation {uuid.uuid4().hex[:8]}",
                                description="An organisation made by a test.", data_source="test")
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_service(organisation: Organization, name: str, description: str = "A service made by a test.",
                 assured_date: dt.date | None = None, status: str = "active", borough_wide: bool = False) -> Service:
    service = Service(organization_id=organisation.id, name=name, description=description,
                      assured_date=assured_date, status=status, data_source="test")
    if borough_wide:
        service.service_areas = [ServiceArea(name="Tameside", description="All of Tameside")]
    db.session.add(service)
    db.session.commit()
    return service


def remove_organisation(organisation_id: str) -> None:
    db.session.rollback()
    service_ids = list(db.session.scalars(select(Service.id).where(Service.organization_id == organisation_id)))
    if service_ids:
        db.session.execute(delete(ProblemReport).where(ProblemReport.service_id.in_(service_ids)))
        for service in db.session.scalars(select(Service).where(Service.id.in_(service_ids))):
            db.session.delete(service)
    db.session.execute(delete(ManageRequest).where(ManageRequest.organization_id == organisation_id))
    organisation = db.session.get(Organization, organisation_id)
    if organisation is not None:
        db.session.delete(organisation)
    db.session.commit()
