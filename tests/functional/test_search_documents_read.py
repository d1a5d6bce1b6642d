"""Search documents read as plain rows (search/reading.py) say what the models say about each service.

The reference here builds each document from the ORM objects and the models' own properties
(`is_free`, `widest_area`, `term_codes`, `Location.address`, the public point of a place), as the
documents were built before they were read as rows: a rule changed in one place and not the other
fails here, on every backend, for the seeded directory and for services made to reach each edge.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import delete, select

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY
from portal.extensions import db
from portal.geo.public_point import PublicPoints
from portal.models import Location, Postcode, Service
from portal.models.location import Address
from portal.models.schedule import WEEKDAYS, Schedule
from portal.models.service import (
    CostOption,
    Language,
    ServiceArea,
    ServiceAtLocation,
    public_services,
)
from portal.models.taxonomy import Attribute, TaxonomyTerm
from portal.search.documents import GENERAL_SOURCES, Place, ServiceDocument
from portal.search.reading import BATCH, load_documents
from tests.directory_records import make_organisation, make_service, remove_organisation


def from_models(service: Service, public_points: PublicPoints) -> ServiceDocument:
    places = []
    days: set[str] = set()
    for link in service.service_at_locations:
        location = link.location
        address = location.address
        point = public_points.of(location)
        if point is not None:
            places.append(Place(point.latitude, point.longitude, address.city if address else "",
                                location.neighbourhood, bool(location.mask_exact_address)))
        for schedule in link.schedules:
            days.update(day for day in (schedule.byday or "").split(",") if day in WEEKDAYS)
    for schedule in service.schedules:
        days.update(day for day in (schedule.byday or "").split(",") if day in WEEKDAYS)
    return ServiceDocument(
        id=service.id, name=service.name, organisation=service.organization.name,
        description=service.description or "", eligibility=service.eligibility_description or "",
        need_slugs=tuple(service.term_codes(NEEDS_TAXONOMY)), level_slugs=tuple(service.term_codes(LEVELS_TAXONOMY)),
        minimum_age=service.minimum_age, maximum_age=service.maximum_age, free=service.is_free,
        self_referral=service.self_referral, needs_referral=service.needs_referral,
        temporarily_closed=service.temporarily_closed,
        languages=tuple(sorted({(language.code or "").lower() for language in service.languages if language.code})),
        accessibility=(), all_of_tameside=bool(service.service_areas), places=tuple(places),
        open_days=frozenset(days),
        neighbourhoods=frozenset(place.neighbourhood for place in places if place.neighbourhood),
        last_modified=service.last_modified, assured_date=service.assured_date,
        general=service.data_source in GENERAL_SOURCES,
        kind_words=GENERAL_SOURCES.get(service.data_source or "", frozenset()), area=service.widest_area,
    )


def in_any_order(document: ServiceDocument) -> ServiceDocument:
    """The database gives related rows in no set order: compare places and terms as sets."""
    return dataclasses.replace(
        document, places=tuple(sorted(document.places, key=repr)),
        need_slugs=tuple(sorted(document.need_slugs)), level_slugs=tuple(sorted(document.level_slugs)))


def reference(ids: list[str] | None = None) -> dict[str, ServiceDocument]:
    db.session.expire_all()
    query = public_services() if ids is None else public_services().where(Service.id.in_(ids))
    points = PublicPoints(db.session)
    return {service.id: in_any_order(from_models(service, points)) for service in db.session.scalars(query)}


def read(ids: list[str] | None = None) -> dict[str, ServiceDocument]:
    return {document.id: in_any_order(document) for document in load_documents(db.session, ids)}


@dataclasses.dataclass
class Edges:
    organisation_id: str
    location_ids: list[str]
    full: str       # places of every kind, costs, areas, languages, terms, days
    closed: str     # temporarily closed, free, no places
    inactive: str   # not public


@pytest.fixture
def edges(app: Flask) -> Iterator[Edges]:
    organisation = make_organisation()
    district = db.session.scalar(select(Postcode.postcode).where(Postcode.outcode == "SK14").limit(1))
    term = {taxonomy: db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.taxonomy == taxonomy)
                                        .order_by(TaxonomyTerm.code).limit(1))
            for taxonomy in (NEEDS_TAXONOMY, LEVELS_TAXONOMY)}
    full = make_service(organisation, f"Edge service {uuid.uuid4().hex[:6]}")
    closed = make_service(organisation, "Edge service closed", status="temporarily closed")
    inactive = make_service(organisation, "Edge service inactive", status="inactive")

    def place(name: str, hidden: bool, *addresses: Address, latitude: float | None = 53.45) -> Location:
        location = Location(name=name, latitude=latitude, longitude=-2.08,
                            neighbourhood="Hyde", mask_exact_address=hidden, data_source="test",
                            addresses=list(addresses))
        db.session.add(location)
        return location

    two_addresses = place("Two addresses", False,
                          Address(address_1="PO Box 1", city="Postal town", postal_code="SK14 1AA",
                                  address_type="postal"),
                          Address(address_1="1 High Street", city="Hyde", postal_code="SK14 1AB"))
    refuge = place("Refuge", True, Address(address_1="2 Hidden Road", city="Hyde", postal_code=district))
    unknown_district = place("Unknown district", True,
                             Address(address_1="3 Nowhere", city="Hyde", postal_code="ZZ9 9ZZ"))
    no_address = place("No address", False)
    no_point = place("No point", False, latitude=None)
    locations = [two_addresses, refuge, unknown_district, no_address, no_point]
    for index, location in enumerate(locations):
        byday = ["MO,XX,WE", "TU", "", "FR", None][index]
        full.service_at_locations.append(ServiceAtLocation(
            location=location, schedules=[Schedule(service_id=full.id, byday=byday)]))
    full.schedules = [Schedule(byday="SU")]
    full.cost_options = [CostOption(amount=Decimal("0")), CostOption(amount=Decimal("5.50"))]
    full.service_areas = [ServiceArea(name="Greater Manchester"), ServiceArea(name="All of Tameside")]
    full.languages = [Language(name="Polish", code="PL"), Language(name="Urdu", code="ur"), Language(name="Other")]
    full.minimum_age, full.maximum_age, full.self_referral = 5, 11, True
    full.eligibility_description = "Families in Hyde."
    closed.cost_options = [CostOption(amount=Decimal("0")), CostOption(amount=Decimal("0.00"))]
    closed.needs_referral = True
    for service in (full, closed, inactive):
        for taxonomy_term in term.values():
            db.session.add(Attribute(link_id=service.id, link_entity="service", taxonomy_term_id=taxonomy_term.id))
    db.session.commit()
    made = Edges(organisation.id, [location.id for location in locations], full.id, closed.id, inactive.id)
    yield made
    db.session.rollback()
    remove_organisation(made.organisation_id)
    db.session.execute(delete(Address).where(Address.location_id.in_(made.location_ids)))
    db.session.execute(delete(Location).where(Location.id.in_(made.location_ids)))
    db.session.commit()


def test_every_seeded_document_reads_as_the_models_say(app: Flask) -> None:
    expected = reference()
    assert len(expected) > 100
    assert read() == expected


def test_documents_at_each_edge_read_as_the_models_say(app: Flask, edges: Edges) -> None:
    asked = [edges.full, edges.closed, edges.inactive, "no-such-service"]
    expected = reference(asked)
    assert set(expected) == {edges.full, edges.closed}
    assert read(asked) == expected
    assert read() == reference()
    full, closed = expected[edges.full], expected[edges.closed]
    # What the edges are there for, so a change to the models that empties one shows here too.
    assert [place.town for place in full.places].count("Hyde") == 2 and "" in [p.town for p in full.places]
    assert len(full.places) == 3 and any(place.address_hidden for place in full.places)
    assert full.open_days == {"MO", "TU", "WE", "FR", "SU"}
    assert full.free is False and closed.free is True
    assert full.area == "Greater Manchester" and closed.area is None and not closed.all_of_tameside
    assert full.languages == ("pl", "ur")
    assert full.need_slugs and full.level_slugs and closed.places == ()


def test_documents_are_read_in_batches_whatever_their_number(app: Flask) -> None:
    every = sorted(reference())
    many = every * (BATCH // len(every) + 2)  # more ids than a batch holds, each asked more than once
    assert len(many) > BATCH
    assert sorted(read(many)) == every
    assert list(load_documents(db.session, [])) == []
