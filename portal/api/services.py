"""What the Open Referral UK API answers: public services only (an approved listing, with a status
shown to the public), filtered as ORUK names its parameters, searched with the site's own engine and
ranking, in the ORUK paginated envelope."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, ColumnExpressionArgument, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal.api.params import ApiError, Paging, ServiceFilters
from portal.exchange import oruk
from portal.extensions import db
from portal.geo import gazetteer
from portal.geo.distance import Point, haversine_miles
from portal.geo.public_point import PublicPoints
from portal.models import (
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from portal.search.params import SearchParams
from portal.search.service import SearchService

METRES_PER_MILE = 1609.344


def _opening_matches(filters: ServiceFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.day:
        conditions.append(Schedule.byday.contains(filters.day))
    if filters.start_time:
        conditions += [Schedule.opens_at <= filters.start_time, Schedule.closes_at > filters.start_time]
    if filters.end_time:
        conditions += [Schedule.opens_at < filters.end_time, Schedule.closes_at >= filters.end_time]
    return conditions


def _service_conditions(filters: ServiceFilters) -> list[ColumnExpressionArgument[bool]]:
    conditions: list[ColumnExpressionArgument[bool]] = [Service.is_public]
    if filters.taxonomy_term_id:
        conditions.append(exists().where(Attribute.link_entity == "service", Attribute.link_id == Service.id,
                                         Attribute.taxonomy_term_id == filters.taxonomy_term_id))
    if filters.taxonomy_id:
        conditions.append(exists().where(Attribute.link_entity == "service", Attribute.link_id == Service.id,
                                         Attribute.taxonomy_term_id == TaxonomyTerm.id,
                                         TaxonomyTerm.taxonomy_id == filters.taxonomy_id))
    if filters.minimum_age is not None:
        conditions.append(or_(Service.maximum_age.is_(None), Service.maximum_age >= filters.minimum_age))
    if filters.maximum_age is not None:
        conditions.append(or_(Service.minimum_age.is_(None), Service.minimum_age <= filters.maximum_age))
    if filters.modified_after is not None:
        conditions.append(Service.last_modified >= filters.modified_after)
    opening = _opening_matches(filters)
    if opening:
        # Opening times of the service as a whole, or of any of its places.
        link = aliased(ServiceAtLocation)
        conditions.append(or_(
            exists().where(Schedule.service_id == Service.id, *opening).correlate(Service),
            exists().where(Schedule.service_at_location_id == link.id, link.service_id == Service.id, *opening)
            .correlate(Service),
        ))
    return conditions


def _ranked_ids(search: str) -> list[str] | None:
    """Service ids best match first, from the site's search engine; None when there are no words."""
    if not search:
        return None
    engine: SearchService = current_app.extensions["search"]
    outcome = engine.search(SearchParams(q=search))
    return [result.document.id for result in outcome.matches]


def _rank_order(ids: Sequence[str], ranked: list[str] | None) -> list[str]:
    if ranked is None:
        return list(ids)
    position = {service_id: index for index, service_id in enumerate(ranked)}
    return sorted(ids, key=lambda service_id: position[service_id])


def _location_attributes(location_ids: set[str]) -> dict[str, list[Attribute]]:
    found: dict[str, list[Attribute]] = {}
    if location_ids:
        query = select(Attribute).where(Attribute.link_entity == "location", Attribute.link_id.in_(location_ids))
        for item in db.session.scalars(query):
            found.setdefault(item.link_id, []).append(item)
    return found


def _full_services(ids: list[str]) -> list[Service]:
    query = (
        select(Service).where(Service.id.in_(ids), Service.is_public)
        .options(
            joinedload(Service.organization),
            selectinload(Service.attributes), selectinload(Service.cost_options),
            selectinload(Service.service_areas), selectinload(Service.languages), selectinload(Service.schedules),
            selectinload(Service.contacts), selectinload(Service.phones),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.phones),
            selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location)
            .selectinload(Location.addresses),
            selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location)
            .selectinload(Location.accessibility),
        )
    )
    by_id = {service.id: service for service in db.session.scalars(query)}
    return [by_id[service_id] for service_id in ids if service_id in by_id]


def _window(items: list[Any], paging: Paging) -> list[Any]:
    start = (paging.page - 1) * paging.per_page
    return items[start:start + paging.per_page]


def list_services(filters: ServiceFilters, paging: Paging) -> dict[str, Any]:
    ranked = _ranked_ids(filters.search)
    query: Select[Any] = select(Service.id).where(*_service_conditions(filters)).order_by(
        func.lower(Service.name), Service.id)
    if ranked is not None:
        query = query.where(Service.id.in_(ranked))
    ids = _rank_order(list(db.session.scalars(query)), ranked)
    services = _full_services(_window(ids, paging))
    return oruk.page([oruk.service_brief(service) for service in services], len(ids), paging.page,
                     paging.per_page)


def get_service(service_id: str) -> dict[str, Any] | None:
    found = _full_services([service_id])
    if not found:
        return None
    service = found[0]
    locations = {link.location_id for link in service.service_at_locations}
    return oruk.service_full(service, _location_attributes(locations))


def _centre(postcode: str) -> Point:
    vocab = current_app.extensions["vocabularies"]
    place = gazetteer.resolve(db.session, postcode, vocab.towns)
    if place.outcome is gazetteer.Outcome.INVALID or place.point is None:
        if place.outcome is gazetteer.Outcome.NOT_COVERED:
            raise ApiError("postcode", "We have no location for that postcode: we cover Tameside and nearby. "
                                       "Try a postcode like OL6 6BH.")
        raise ApiError("postcode", "postcode must be a UK postcode like OL6 6BH (or a Tameside town).")
    return place.point


def list_service_at_locations(filters: ServiceFilters, paging: Paging) -> dict[str, Any]:
    ranked = _ranked_ids(filters.search)
    conditions = _service_conditions(filters)
    query = (
        select(ServiceAtLocation.id, ServiceAtLocation.service_id, ServiceAtLocation.location_id)
        .join(Service, Service.id == ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .where(*conditions).order_by(func.lower(Service.name), ServiceAtLocation.id)
    )
    if ranked is not None:
        query = query.where(Service.id.in_(ranked))
    rows = list(db.session.execute(query))
    if ranked is not None:
        position = {service_id: index for index, service_id in enumerate(ranked)}
        rows.sort(key=lambda row: position[row.service_id])
    if filters.postcode:
        centre = _centre(filters.postcode)
        points = _public_points({row.location_id for row in rows})
        measured = []
        for row in rows:
            point = points.get(row.location_id)
            metres = (haversine_miles(centre, point.latitude, point.longitude) * METRES_PER_MILE
                      if point is not None else math.inf)
            if filters.proximity is None or metres <= filters.proximity:
                measured.append((metres, row))
        measured.sort(key=lambda pair: pair[0])  # stable: equal distances keep the rank order
        rows = [row for _, row in measured]
    ids = [row.id for row in _window(rows, paging)]
    links = _full_links(ids)
    return oruk.page([oruk.service_at_location_brief(link) for link in links], len(rows), paging.page,
                     paging.per_page)


def _public_points(location_ids: set[str]) -> dict[str, Point | None]:
    """Each place's public point: a hidden address's district centre, never its exact point, so the
    proximity filter and the order by distance cannot be used to find it."""
    public_points = PublicPoints(db.session)
    locations = db.session.execute(
        select(Location).where(Location.id.in_(location_ids)).options(selectinload(Location.addresses))
    ).scalars()
    return {location.id: public_points.of(location) for location in locations}


def _full_links(ids: list[str]) -> list[ServiceAtLocation]:
    query = (
        select(ServiceAtLocation).join(Service, Service.id == ServiceAtLocation.service_id)
        .where(ServiceAtLocation.id.in_(ids), Service.is_public)
        .options(
            selectinload(ServiceAtLocation.schedules), selectinload(ServiceAtLocation.phones),
            joinedload(ServiceAtLocation.location).selectinload(Location.addresses),
            joinedload(ServiceAtLocation.location).selectinload(Location.accessibility),
        )
    )
    by_id = {link.id: link for link in db.session.scalars(query)}
    return [by_id[link_id] for link_id in ids if link_id in by_id]


def get_service_at_location(link_id: str) -> dict[str, Any] | None:
    found = _full_links([link_id])
    if not found:
        return None
    link = found[0]
    service = _full_services([link.service_id])[0]
    locations = {item.location_id for item in service.service_at_locations}
    return oruk.service_at_location_full(link, _location_attributes(locations))


def list_taxonomies(paging: Paging) -> dict[str, Any]:
    total = db.session.scalar(select(func.count()).select_from(Taxonomy)) or 0
    records = db.session.scalars(select(Taxonomy).order_by(func.lower(Taxonomy.name), Taxonomy.id)
                                 .offset((paging.page - 1) * paging.per_page).limit(paging.per_page))
    return oruk.page([oruk.taxonomy(record) for record in records], total, paging.page, paging.per_page)


def get_taxonomy(taxonomy_id: str) -> dict[str, Any] | None:
    record = db.session.get(Taxonomy, taxonomy_id)
    return oruk.taxonomy(record) if record is not None else None


def list_taxonomy_terms(paging: Paging, taxonomy_id: str | None) -> dict[str, Any]:
    condition = and_(TaxonomyTerm.taxonomy_id == taxonomy_id) if taxonomy_id else and_(True)
    total = db.session.scalar(select(func.count()).select_from(TaxonomyTerm).where(condition)) or 0
    records = db.session.scalars(
        select(TaxonomyTerm).where(condition)
        .order_by(TaxonomyTerm.taxonomy, func.lower(TaxonomyTerm.name), TaxonomyTerm.id)
        .offset((paging.page - 1) * paging.per_page).limit(paging.per_page))
    return oruk.page([oruk.taxonomy_term(record) for record in records], total, paging.page, paging.per_page)


def get_taxonomy_term(term_id: str) -> dict[str, Any] | None:
    record = db.session.get(TaxonomyTerm, term_id)
    return oruk.taxonomy_term(record) if record is not None else None
