"""Reading search documents from the database: plain rows, a few queries for each batch of services.

A document needs a service's own columns and six kinds of related rows (needs and levels, costs, areas,
languages, opening days, places with their addresses). Built as ORM objects that is about ten objects a
service, most of the time a full rebuild took; read as rows, each batch is one query for the services
and one for each kind of related row, in the same shape as the ORM's own batch loading.

The rules that turn rows into a document's values (free or not, the widest area, a place's main
address, its public point, the opening days) are the models' own functions, so a document says
what the listing page says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY
from portal.geo.public_point import PublicPoints
from portal.models import Location, Organization, Service
from portal.models.location import Address, main_address
from portal.models.schedule import Schedule, weekdays_of
from portal.models.service import (
    CostOption,
    Language,
    ServiceArea,
    ServiceAtLocation,
    free_from,
    widest_area_of,
)
from portal.models.taxonomy import Attribute, TaxonomyTerm
from portal.search.documents import GENERAL_SOURCES, Place, ServiceDocument

BATCH = 500


class _Address(NamedTuple):
    address_type: str
    city: str | None
    postal_code: str | None


class _Link(NamedTuple):
    id: str
    service_id: str
    location_id: str
    latitude: float | None
    longitude: float | None
    hidden: bool
    neighbourhood: str | None


def _grouped(rows: Iterable[Any]) -> dict[str, list[Any]]:
    """Rows of (key, value) as lists of values by key, in the order the database gave them."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for key, value in rows:
        grouped[key].append(value)
    return grouped


_SERVICE_COLUMNS = (
    Service.id, Service.name, Organization.name, Service.description, Service.eligibility_description,
    Service.minimum_age, Service.maximum_age, Service.self_referral, Service.needs_referral,
    Service.temporarily_closed, Service.last_modified, Service.assured_date, Service.data_source,
)


def _public_rows() -> Any:
    return (select(*_SERVICE_COLUMNS).join(Organization, Service.organization_id == Organization.id)
            .where(Service.is_public).order_by(Service.id))


def load_documents(session: Session, ids: Collection[str] | None = None) -> Iterator[ServiceDocument]:
    """Documents for the public services among `ids` (all public services when None), by id."""
    public_points = PublicPoints(session)
    if ids is None:
        result = session.execute(_public_rows().execution_options(yield_per=BATCH))
        for chunk in result.partitions():
            yield from _documents(session, chunk, public_points)
        return
    wanted = list(ids)
    for start in range(0, len(wanted), BATCH):
        chunk = session.execute(_public_rows().where(Service.id.in_(wanted[start:start + BATCH]))).all()
        yield from _documents(session, chunk, public_points)


def _documents(session: Session, services: Sequence[Any], public_points: PublicPoints) -> Iterator[ServiceDocument]:
    ids = [row[0] for row in services]
    if not ids:
        return
    terms = _grouped(
        (attribute_of, (taxonomy, code))
        for attribute_of, taxonomy, code in session.execute(
            select(Attribute.link_id, TaxonomyTerm.taxonomy, TaxonomyTerm.code)
            .join(TaxonomyTerm, Attribute.taxonomy_term_id == TaxonomyTerm.id)
            .where(Attribute.link_entity == "service", Attribute.link_id.in_(ids))))
    costs = _grouped(session.execute(select(CostOption.service_id, CostOption.amount)
                                     .where(CostOption.service_id.in_(ids))))
    areas = _grouped(session.execute(select(ServiceArea.service_id, ServiceArea.name)
                                     .where(ServiceArea.service_id.in_(ids))))
    languages = _grouped(session.execute(select(Language.service_id, Language.code)
                                         .where(Language.service_id.in_(ids))))
    own_days = _grouped(session.execute(
        select(Schedule.service_id, Schedule.byday)
        .where(Schedule.service_id.in_(ids), Schedule.service_at_location_id.is_(None))))
    links = [_Link(*row) for row in session.execute(
        select(ServiceAtLocation.id, ServiceAtLocation.service_id, Location.id, Location.latitude,
               Location.longitude, Location.mask_exact_address, Location.neighbourhood)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(ServiceAtLocation.service_id.in_(ids)))]
    link_days = _grouped(session.execute(
        select(Schedule.service_at_location_id, Schedule.byday)
        .where(Schedule.service_at_location_id.in_([link.id for link in links])))) if links else {}
    addresses = _grouped(
        (location_id, _Address(*rest))
        for location_id, *rest in session.execute(
            select(Address.location_id, Address.address_type, Address.city, Address.postal_code)
            .where(Address.location_id.in_({link.location_id for link in links})))) if links else {}
    links_of = _grouped((link.service_id, link) for link in links)

    for (service_id, name, organisation, description, eligibility, minimum_age, maximum_age, self_referral,
         needs_referral, temporarily_closed, last_modified, assured_date, data_source) in services:
        places = []
        days: set[str] = set()
        for link in links_of.get(service_id, ()):
            address = main_address(addresses.get(link.location_id, []))
            point = public_points.point(link.latitude, link.longitude, bool(link.hidden),
                                        address.postal_code if address else None)
            if point is not None:
                places.append(Place(point.latitude, point.longitude, (address.city or "") if address else "",
                                    link.neighbourhood, bool(link.hidden)))
            for byday in link_days.get(link.id, ()):
                days.update(weekdays_of(byday))
        for byday in own_days.get(service_id, ()):
            days.update(weekdays_of(byday))
        own_terms = terms.get(service_id, ())
        area_names = areas.get(service_id, [])
        yield ServiceDocument(
            id=service_id,
            name=name,
            organisation=organisation,
            description=description or "",
            eligibility=eligibility or "",
            need_slugs=tuple(code for taxonomy, code in own_terms if taxonomy == NEEDS_TAXONOMY and code),
            level_slugs=tuple(code for taxonomy, code in own_terms if taxonomy == LEVELS_TAXONOMY and code),
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            free=free_from(costs.get(service_id, ())),
            self_referral=bool(self_referral),
            needs_referral=bool(needs_referral),
            temporarily_closed=bool(temporarily_closed),
            languages=tuple(sorted({code.lower() for code in languages.get(service_id, ()) if code})),
            # No accessibility taxonomy is kept for places yet: the filter offers no choices.
            accessibility=(),
            all_of_tameside=bool(area_names),
            places=tuple(places),
            open_days=frozenset(days),
            neighbourhoods=frozenset(place.neighbourhood for place in places if place.neighbourhood),
            last_modified=last_modified,
            assured_date=assured_date,
            general=data_source in GENERAL_SOURCES,
            kind_words=GENERAL_SOURCES.get(data_source or "", frozenset()),
            area=widest_area_of(area_names),
        )
