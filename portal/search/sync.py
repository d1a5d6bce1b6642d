"""Keeping search in step with every committed change (SQLAlchemy session events).

After a flush we note which services the flushed objects belong to; before the commit we mark
those services modified (so other processes see them too); after the commit we hand their ids to the
callbacks given to `register`, which reindex them. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portal.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from portal.models.service import utcnow

PENDING = "search_pending_services"
LOCATIONS = "search_pending_locations"
ORGANISATIONS = "search_pending_organisations"
# Called after each commit with the ids of the services it changed.
Refresh = Callable[[set[str]], None]
_refreshers: list[Refresh] = []


def _note(session: Session, objects: Any) -> None:
    services: set[str] = session.info.setdefault(PENDING, set())
    locations: set[str] = session.info.setdefault(LOCATIONS, set())
    organisations: set[str] = session.info.setdefault(ORGANISATIONS, set())
    for obj in objects:
        if isinstance(obj, Service):
            services.add(obj.id)
        elif isinstance(obj, (ServiceAtLocation, CostOption, ServiceArea, Language, Contact, Phone, Schedule)):
            service_id = getattr(obj, "service_id", None)
            location_id = getattr(obj, "location_id", None)
            if service_id:
                services.add(service_id)
            if location_id:
                locations.add(location_id)
        elif isinstance(obj, Attribute):
            if obj.link_entity == "service":
                services.add(obj.link_id)
            elif obj.link_entity == "location":
                locations.add(obj.link_id)
        elif isinstance(obj, Location):
            locations.add(obj.id)
        elif isinstance(obj, (Address, Accessibility)) and obj.location_id:
            locations.add(obj.location_id)
        elif isinstance(obj, Organization):
            organisations.add(obj.id)


def after_flush(session: Session, flush_context: Any) -> None:
    _note(session, list(session.new) + list(session.dirty) + list(session.deleted))


def before_commit(session: Session) -> None:
    session.flush()  # so that after_flush has noted every change before we look
    services: set[str] = session.info.get(PENDING, set())
    locations = session.info.pop(LOCATIONS, set())
    organisations = session.info.pop(ORGANISATIONS, set())
    if locations:
        services |= set(session.execute(
            select(ServiceAtLocation.service_id).where(ServiceAtLocation.location_id.in_(locations))).scalars())
    if organisations:
        services |= set(session.execute(
            select(Service.id).where(Service.organization_id.in_(organisations))).scalars())
    if services:
        session.info[PENDING] = services
        session.execute(update(Service).where(Service.id.in_(services)).values(last_modified=utcnow()),
                        execution_options={"synchronize_session": False})


def after_commit(session: Session) -> None:
    services = session.info.pop(PENDING, set())
    if services:
        for refresh in _refreshers:
            refresh(services)


def after_rollback(session: Session, *_: Any) -> None:
    for key in (PENDING, LOCATIONS, ORGANISATIONS):
        session.info.pop(key, None)


def register(session_factory: Any, refresh: Refresh) -> None:
    """Follow the sessions `session_factory` makes; after each commit, `refresh` the services it changed."""
    if refresh not in _refreshers:
        _refreshers.append(refresh)
    for name, handler in (("after_flush", after_flush), ("before_commit", before_commit),
                          ("after_commit", after_commit), ("after_soft_rollback", after_rollback)):
        if not event.contains(session_factory, name, handler):
            event.listen(session_factory, name, handler)
