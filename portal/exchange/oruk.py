"""Our records as Open Referral UK 3.0 JSON: the one place that decides what the API and the export
publish, so both say the same thing.

Empty values are left out rather than written as null (the ORUK schemas type fields as strings and
numbers, not null). Alongside the UK profile's fields we publish the rest of HSDS 3.0 that we hold
(phones, alternate names, eligibility, application process...), which the UK schemas allow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

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
    Taxonomy,
    TaxonomyTerm,
)
from portal.weblinks import LINK_FIELDS, allowed_link

ORUK_VERSION = "3.0"
ORUK_PROFILE = "https://openreferral.org.uk/"

Json = dict[str, Any]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def clean(**fields: Any) -> Json:
    """The fields that have a value, written as JSON types; links only if they are ones we allow."""
    for name in LINK_FIELDS & set(fields):
        fields[name] = allowed_link(fields[name])
    return {name: _value(value) for name, value in fields.items() if value is not None and value != []}


def _sorted(records: Iterable[Any]) -> list[Any]:
    return sorted(records, key=lambda record: record.id)


def taxonomy(record: Taxonomy) -> Json:
    return clean(id=record.id, name=record.name, description=record.description or "", uri=record.uri,
                 version=record.version)


def taxonomy_term(record: TaxonomyTerm) -> Json:
    return clean(id=record.id, code=record.code, name=record.name, term=record.name,
                 description=record.description or "", parent_id=record.parent_id, taxonomy=record.taxonomy,
                 taxonomy_id=record.taxonomy_id, language=record.language, term_uri=record.term_uri)


def attribute(record: Attribute) -> Json:
    return clean(id=record.id, link_id=record.link_id, link_type=record.link_type, link_entity=record.link_entity,
                 taxonomy_term_id=record.taxonomy_term_id, value=record.value, label=record.label,
                 taxonomy_term=taxonomy_term(record.taxonomy_term))


def organization(record: Organization) -> Json:
    return clean(id=record.id, name=record.name, alternate_name=record.alternate_name,
                 description=record.description or "", email=record.email, website=record.website,
                 legal_status=record.legal_status, logo=record.logo, uri=record.uri,
                 parent_organization_id=record.parent_organization_id)


def address(record: Address, masked: bool = False) -> Json:
    """An address; `masked` (the organisation hides the exact address) keeps only the town and the
    postcode's outward code, as the public pages do."""
    postal_code = record.postal_code or ""
    if masked:
        return clean(id=record.id, location_id=record.location_id, address_1="", city=record.city or "",
                     state_province=record.state_province or "", postal_code=postal_code.split(" ")[0],
                     country=record.country or "GB", address_type=record.address_type or "physical")
    return clean(id=record.id, location_id=record.location_id, attention=record.attention,
                 address_1=record.address_1 or "", address_2=record.address_2, city=record.city or "",
                 region=record.region, state_province=record.state_province or "",
                 postal_code=postal_code, country=record.country or "GB",
                 address_type=record.address_type or "physical")


def accessibility(record: Accessibility) -> Json:
    return clean(id=record.id, location_id=record.location_id, description=record.description,
                 details=record.details, url=record.url)


def language(record: Language) -> Json:
    return clean(id=record.id, service_id=record.service_id, location_id=record.location_id,
                 phone_id=record.phone_id, name=record.name, code=record.code, note=record.note)


def phone(record: Phone) -> Json:
    return clean(id=record.id, location_id=record.location_id, service_id=record.service_id,
                 organization_id=record.organization_id, contact_id=record.contact_id,
                 service_at_location_id=record.service_at_location_id, number=record.number,
                 extension=record.extension, type=record.type, description=record.description)


def contact(record: Contact) -> Json:
    return clean(id=record.id, organization_id=record.organization_id, service_id=record.service_id,
                 service_at_location_id=record.service_at_location_id, location_id=record.location_id,
                 name=record.name, title=record.title, department=record.department, email=record.email)


SCHEDULE_FIELDS = ("service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
                   "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday",
                   "byyearday", "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes")


def schedule(record: Schedule) -> Json:
    return clean(id=record.id, **{name: getattr(record, name) for name in SCHEDULE_FIELDS})


def cost_option(record: CostOption) -> Json:
    return clean(id=record.id, service_id=record.service_id, valid_from=record.valid_from,
                 valid_to=record.valid_to, option=record.option, amount=record.amount, currency=record.currency,
                 amount_description=record.amount_description)


def service_area(record: ServiceArea) -> Json:
    return clean(id=record.id, service_id=record.service_id, name=record.name, description=record.description,
                 extent=record.extent, extent_type=record.extent_type, uri=record.uri)


def location(record: Location, attributes: Iterable[Attribute] = ()) -> Json:
    return clean(id=record.id, location_type=record.location_type or "physical", url=record.url,
                 organization_id=record.organization_id, name=record.name, alternate_name=record.alternate_name,
                 description=record.description, transportation=record.transportation,
                 # A hidden address is never published, nor its exact point.
                 latitude=None if record.mask_exact_address else record.latitude,
                 longitude=None if record.mask_exact_address else record.longitude,
                 external_identifier=record.external_identifier,
                 external_identifier_type=record.external_identifier_type,
                 addresses=[address(item, masked=bool(record.mask_exact_address))
                            for item in _sorted(record.addresses)],
                 accessibility=[accessibility(item) for item in _sorted(record.accessibility)],
                 attributes=[attribute(item) for item in _sorted(attributes)])


def service_brief(record: Service) -> Json:
    """A service's one-to-one fields and its organisation (the list form)."""
    return clean(id=record.id, organization_id=record.organization_id, name=record.name,
                 alternate_name=record.alternate_name, description=record.description or "", url=record.url,
                 email=record.email, status=record.status, interpretation_services=record.interpretation_services,
                 application_process=record.application_process, fees_description=record.fees_description,
                 fees=record.fees_description, wait_time=record.wait_time, accreditations=record.accreditations,
                 eligibility_description=record.eligibility_description, minimum_age=record.minimum_age,
                 maximum_age=record.maximum_age, assured_date=record.assured_date,
                 assurer_email=record.assurer_email, alert=record.alert, last_modified=record.last_modified,
                 organization=organization(record.organization))


def service_at_location_brief(record: ServiceAtLocation, location_attributes: Iterable[Attribute] = ()) -> Json:
    return clean(id=record.id, service_id=record.service_id, location_id=record.location_id,
                 description=record.description,
                 location=location(record.location, location_attributes),
                 schedules=[schedule(item) for item in _sorted(record.schedules)],
                 phones=[phone(item) for item in _sorted(record.phones)])


def service_full(record: Service, location_attributes: dict[str, list[Attribute]] | None = None) -> Json:
    """A service with everything that hangs off it."""
    found = location_attributes or {}
    full = service_brief(record)
    full.update(clean(
        schedules=[schedule(item) for item in _sorted(record.schedules)],
        service_areas=[service_area(item) for item in _sorted(record.service_areas)],
        service_at_locations=[service_at_location_brief(item, found.get(item.location_id, ()))
                              for item in _sorted(record.service_at_locations)],
        languages=[language(item) for item in _sorted(record.languages)],
        cost_options=[cost_option(item) for item in _sorted(record.cost_options)],
        contacts=[contact(item) for item in _sorted(record.contacts)],
        phones=[phone(item) for item in _sorted(record.phones)],
        attributes=[attribute(item) for item in _sorted(record.attributes)],
    ))
    return full


def service_at_location_full(record: ServiceAtLocation,
                             location_attributes: dict[str, list[Attribute]] | None = None) -> Json:
    found = location_attributes or {}
    full = service_at_location_brief(record, found.get(record.location_id, ()))
    full["service"] = service_full(record.service, found)
    return full


def page(contents: list[Json], total: int, page_number: int, size: int) -> Json:
    """The ORUK paginated envelope. `size` is the page size asked for; total_pages is at least 1."""
    total_pages = max(1, -(-total // size))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
