"""Reading the directory for the public pages. Only public (active or temporarily closed)
services are ever returned."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from portal.datafiles.vocabularies import Level, Need, Vocabularies
from portal.directory.listing_record import ListedService, OpeningTime
from portal.directory.reach import Route, listing_ids
from portal.extensions import db
from portal.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from portal.models.schedule import WEEKDAYS, weekdays_of
from portal.models.service import AREA_GREATER_MANCHESTER, AREA_NATIONAL, public_services
from portal.search.engine import Result
from portal.search.pages import search_service

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def valid_id(value: str) -> bool:
    """Ids are UUIDs; anything else cannot name a record, so it is not looked up."""
    if not _UUID.match(value or ""):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def public_listings() -> Select[Service]:
    """Public services with every row their page shows (directory/listing_record.py reads them)."""
    return public_services().options(
        selectinload(Service.phones),
        selectinload(Service.contacts),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.phones),
        selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location)
        .selectinload(Location.accessibility),
    )


def get_public_service(service_id: str) -> Service | None:
    if not valid_id(service_id):
        return None
    return db.session.execute(public_listings().where(Service.id == service_id)).scalar_one_or_none()


NEED_PAGE_SIZE = 20


@dataclass
class NeedListing:
    """One page of a need's services: Tameside's own first, then the national and Greater Manchester
    ones (by phone, text or online), each by name; and how many there are of each. Each is a search
    result with no words or place (its card is the one search results show)."""

    local: list[Result]
    wider: list[Result]
    local_total: int
    wider_total: int
    page: int
    pages: int

    @property
    def total(self) -> int:
        return self.local_total + self.wider_total


def need_listing(slug: str, page: int = 1) -> NeedListing:
    """A page of the services for a need, from the search service's documents (kept in step with the
    database): no query, however many services the need has."""
    search = search_service()
    local_ids, wider_ids = search.services_by_need().get(slug, ([], []))
    pages = max(1, math.ceil((len(local_ids) + len(wider_ids)) / NEED_PAGE_SIZE))
    page = min(max(page, 1), pages)
    wanted = (local_ids + wider_ids)[(page - 1) * NEED_PAGE_SIZE:page * NEED_PAGE_SIZE]
    shown = [Result(document) for document in search.documents(wanted)]
    return NeedListing([result for result in shown if not result.document.beyond_tameside],
                       [result for result in shown if result.document.beyond_tameside],
                       len(local_ids), len(wider_ids), page, pages)


def get_organisation(organisation_id: str) -> Organization | None:
    if not valid_id(organisation_id):
        return None
    return db.session.get(Organization, organisation_id)


@dataclass
class OrganisationListing:
    """One page of an organisation's public services, by name."""

    services: Sequence[Service]
    total: int
    page: int
    pages: int


def organisation_services(organisation: Organization, page: int = 1) -> OrganisationListing:
    """A page of an organisation's public services (NEED_PAGE_SIZE a page, as a need's page): an
    organisation may list hundreds."""
    public = Service.organization_id == organisation.id, Service.is_public
    total = db.session.execute(select(func.count(Service.id)).where(*public)).scalar_one()
    pages = max(1, math.ceil(total / NEED_PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = (public_services().where(Service.organization_id == organisation.id).order_by(Service.name, Service.id)
             .limit(NEED_PAGE_SIZE).offset((page - 1) * NEED_PAGE_SIZE))
    return OrganisationListing(db.session.execute(query).scalars().all(), total, page, pages)


def need_counts() -> dict[str, int]:
    """How many public services each need has, for browsing: from the search service's documents (kept
    in step with the database), not a count over every service on each visit to the home page."""
    return search_service().need_counts()


@dataclass
class OpeningDay:
    day: str  # RFC 5545 code, MO..SU
    times: list[OpeningTime]


def opening_days(schedules: Sequence[OpeningTime]) -> list[OpeningDay]:
    """Weekly opening times grouped by day, Monday first; days with no times are left out."""
    by_day: dict[str, list[OpeningTime]] = {}
    for schedule in schedules:
        if schedule.opens_at and schedule.closes_at:
            for day in weekdays_of(schedule.byday):
                by_day.setdefault(day, []).append(schedule)
    return [
        OpeningDay(day, sorted(by_day[day], key=lambda s: str(s.opens_at)))
        for day in WEEKDAYS
        if day in by_day
    ]


def service_needs(service: ListedService, vocab: Vocabularies) -> list[Need]:
    codes = set(service.need_codes)
    return [need for slug, need in vocab.needs.items() if slug in codes]


def service_levels(service: ListedService, vocab: Vocabularies) -> list[Level]:
    codes = set(service.level_codes)
    return [level for slug, level in vocab.levels.items() if slug in codes]


def service_area_kind(service: ListedService) -> str | None:
    """"national", "greater-manchester" or "tameside" (a service area covering the borough), or None."""
    names = set(service.area_names)
    if AREA_NATIONAL in names:
        return "national"
    if AREA_GREATER_MANCHESTER in names:
        return "greater-manchester"
    return "tameside" if names else None


def ways_to_reach(service: ListedService) -> str:
    """"by phone, by text or online": the ways the listing gives, for a service with no place to visit."""
    kinds = {phone.type for phone in service.phones}
    ways = [word for present, word in (
        (bool(kinds - {"text"}), _("by phone")),
        ("text" in kinds, _("by text")),
        (bool(service.url or service.email), _("online")),
    ) if present]
    if len(ways) < 2:
        return "".join(ways)
    return _("%(first)s or %(last)s", first=", ".join(ways[:-1]), last=ways[-1])


@dataclass
class ReachRoute:
    code: str
    listings: list[Service]


def reach_routes(service: ListedService) -> list[ReachRoute]:
    """The routes to a documented service with no contact details of its own, with their public listings."""
    routes: tuple[Route, ...] = current_app.extensions["reach"].get(service.id, ())
    wanted = listing_ids(routes)
    found = {listed.id: listed for listed in db.session.execute(
        public_services().where(Service.id.in_(wanted)).order_by(Service.name)).scalars()} if wanted else {}
    return [ReachRoute(route.code, [found[listing] for listing in route.listing_ids if listing in found])
            for route in routes]
