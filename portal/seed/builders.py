"""Building seed rows for organisations, services and locations, shared by every source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY, Vocabularies
from portal.models import (
    Address,
    Attribute,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from portal.models._base import seed_id
from portal.models.service import AREA_ALL_OF_TAMESIDE, AREA_GREATER_MANCHESTER, AREA_NATIONAL
from portal.seed.records import SeedPlan

TAXONOMY_KEYS = {NEEDS_TAXONOMY: "needs", LEVELS_TAXONOMY: "levels"}
ALL_OF_TAMESIDE = AREA_ALL_OF_TAMESIDE
# Service areas wider than Tameside; the service page words them.
GREATER_MANCHESTER = AREA_GREATER_MANCHESTER
NATIONAL = AREA_NATIONAL
WIDER_AREAS = {
    GREATER_MANCHESTER: "The service covers Greater Manchester, Tameside included.",
    NATIONAL: "A national service: everyone in Tameside can use it by phone, text or online.",
}


def term_id(taxonomy_name: str, code: str) -> str:
    return seed_id("taxonomy_term", f"{TAXONOMY_KEYS[taxonomy_name]}:{code}")


def taxonomy_id(taxonomy_name: str) -> str:
    return seed_id("taxonomy", TAXONOMY_KEYS[taxonomy_name])


def add_organisation(plan: SeedPlan, key: str, source: str, **values: Any) -> str:
    organisation_id = seed_id("organization", key)
    row = {
        "name": "",
        "alternate_name": None,
        "description": "",
        "email": None,
        "website": None,
        "kind": "vcse",
        **values,
    }
    plan.add(Organization, id=organisation_id, data_source=source, **row)
    return organisation_id


@dataclass
class ServiceSpec:
    """What a source knows about one service; unknown things stay None."""

    key: str
    organization_id: str
    name: str
    description: str
    source: str
    needs: list[str]
    levels: list[str]
    alternate_name: str | None = None
    application_process: str | None = None
    eligibility_description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    self_referral: bool = False
    needs_referral: bool = False
    free: bool | None = None
    all_of_tameside: bool = False
    wider_area: str | None = None  # GREATER_MANCHESTER or NATIONAL, instead of all_of_tameside
    url: str | None = None
    email: str | None = None
    assured_date: dt.date | None = None
    alert: str | None = None
    phones: list[tuple[str, str | None]] = field(default_factory=list)
    texts: list[tuple[str, str | None]] = field(default_factory=list)  # numbers that take text messages


@dataclass
class PlaceSpec:
    """A physical place a service is delivered from, with its opening times."""

    key: str
    name: str
    address_1: str
    address_2: str | None
    city: str
    postal_code: str
    latitude: float | None
    longitude: float | None
    ward_code: str | None
    hours: list[tuple[str, dt.time, dt.time, str | None]] = field(default_factory=list)
    description: str | None = None


def add_service(plan: SeedPlan, spec: ServiceSpec, vocab: Vocabularies) -> str:
    service_id = seed_id("service", spec.key)
    plan.add(
        Service,
        id=service_id,
        organization_id=spec.organization_id,
        name=spec.name,
        alternate_name=spec.alternate_name,
        description=spec.description,
        url=spec.url,
        email=spec.email,
        status="active",
        application_process=spec.application_process,
        eligibility_description=spec.eligibility_description,
        minimum_age=spec.minimum_age,
        maximum_age=spec.maximum_age,
        assured_date=spec.assured_date,
        self_referral=spec.self_referral,
        needs_referral=spec.needs_referral,
        temporarily_closed=False,
        alert=spec.alert,
        data_source=spec.source,
    )
    if spec.free:
        plan.add(
            CostOption,
            id=seed_id("cost_option", spec.key),
            service_id=service_id,
            option="Free",
            amount=Decimal("0.00"),
            currency="GBP",
            amount_description="Free",
        )
    if spec.all_of_tameside:
        plan.add(
            ServiceArea,
            id=seed_id("service_area", spec.key),
            service_id=service_id,
            name=ALL_OF_TAMESIDE,
            description="The service covers the whole borough of Tameside.",
            extent_type="other",
            uri=None,
            extent=None,
        )
    if spec.wider_area:
        plan.add(
            ServiceArea,
            id=seed_id("service_area", spec.key),
            service_id=service_id,
            name=spec.wider_area,
            description=WIDER_AREAS[spec.wider_area],
            extent_type="other",
            uri=None,
            extent=None,
        )
    numbers = [(number, description, "voice") for number, description in spec.phones]
    numbers += [(number, description, "text") for number, description in spec.texts]
    for index, (number, description, kind) in enumerate(numbers):
        plan.add(
            Phone,
            id=seed_id("phone", f"{spec.key}:{index}"),
            service_id=service_id,
            service_at_location_id=None,
            number=number,
            type=kind,
            description=description,
        )
    for taxonomy_name, codes in ((NEEDS_TAXONOMY, spec.needs), (LEVELS_TAXONOMY, spec.levels)):
        known = vocab.needs if taxonomy_name == NEEDS_TAXONOMY else vocab.levels
        for code in codes:
            assert code in known, code  # nosec B101  # sources check codes before building
            plan.add(
                Attribute,
                id=seed_id("attribute", f"{spec.key}:{TAXONOMY_KEYS[taxonomy_name]}:{code}"),
                link_id=service_id,
                link_type=TAXONOMY_KEYS[taxonomy_name],
                link_entity="service",
                taxonomy_term_id=term_id(taxonomy_name, code),
                value=None,
                label=None,
            )
    return service_id


def add_place(plan: SeedPlan, service_id: str, organisation_id: str, place: PlaceSpec, source: str,
              vocab: Vocabularies) -> str:
    location_id = seed_id("location", place.key)
    plan.add(
        Location,
        id=location_id,
        location_type="physical",
        organization_id=organisation_id,
        name=place.name,
        description=place.description,
        latitude=place.latitude,
        longitude=place.longitude,
        ward_code=place.ward_code if place.ward_code in vocab.wards else None,
        neighbourhood=vocab.ward_neighbourhood.get(place.ward_code or ""),
        mask_exact_address=False,
        data_source=source,
    )
    plan.add(
        Address,
        id=seed_id("address", place.key),
        location_id=location_id,
        address_1=place.address_1,
        address_2=place.address_2,
        city=place.city,
        region=None,
        state_province="Greater Manchester",
        postal_code=place.postal_code,
        country="GB",
        address_type="physical",
    )
    link_id = seed_id("service_at_location", place.key)
    plan.add(ServiceAtLocation, id=link_id, service_id=service_id, location_id=location_id, description=None)
    for day, opens, closes, note in place.hours:
        plan.add(
            Schedule,
            id=seed_id("schedule", f"{place.key}:{day}:{opens}"),
            service_id=service_id,
            service_at_location_id=link_id,
            freq="WEEKLY",
            byday=day,
            opens_at=opens,
            closes_at=closes,
            timezone="Europe/London",
            attending_type="in_person",
            description=note,
        )
    return location_id
