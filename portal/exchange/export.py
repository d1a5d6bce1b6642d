"""Exporting the public directory as Open Referral UK 3.0: JSON (a folder of paginated pages: services in
full, organisations, taxonomies and terms) or the CSV data package (one CSV per table, with a
datapackage.json). Only services the public can see, and what hangs off them. Records are written in
id order, so the same directory always gives the same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.csv_cells import SafeWriter
from portal.exchange import oruk
from portal.exchange.tables import DATE, DATETIME, INTEGER, MONEY, NUMBER, TABLES, TIME
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

CHUNK = 500
FRICTIONLESS_TYPES = {INTEGER: "integer", NUMBER: "number", MONEY: "number", DATE: "date", TIME: "time",
                      DATETIME: "datetime"}


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _in(session: Session, model: type[Any], column: Any, ids: Iterable[str]) -> list[Any]:
    wanted = sorted(set(ids))
    found: list[Any] = []
    for start in range(0, len(wanted), CHUNK):
        found += session.scalars(select(model).where(column.in_(wanted[start:start + CHUNK])))
    return sorted(found, key=lambda record: record.id)


@dataclass
class Scope:
    """The records an export holds, each list in id order."""

    services: list[Service]
    links: list[ServiceAtLocation]
    locations: list[Location]
    organisations: list[Organization]
    taxonomies: list[Taxonomy]
    terms: list[TaxonomyTerm]
    location_attributes: dict[str, list[Attribute]]


def public_scope(session: Session) -> Scope:
    services = list(session.scalars(select(Service).where(Service.is_public).order_by(Service.id)))
    service_ids = [service.id for service in services]
    links = _in(session, ServiceAtLocation, ServiceAtLocation.service_id, service_ids)
    locations = _in(session, Location, Location.id, [link.location_id for link in links])
    organisation_ids = {service.organization_id for service in services}
    organisation_ids |= {location.organization_id for location in locations if location.organization_id}
    organisations: dict[str, Organization] = {}
    while organisation_ids:
        found = _in(session, Organization, Organization.id, organisation_ids - set(organisations))
        organisations.update({organisation.id: organisation for organisation in found})
        organisation_ids = {organisation.parent_organization_id for organisation in found
                            if organisation.parent_organization_id} - set(organisations)
    attributes: dict[str, list[Attribute]] = {}
    for attribute in _in(session, Attribute, Attribute.link_id, [location.id for location in locations]):
        if attribute.link_entity == "location":
            attributes.setdefault(attribute.link_id, []).append(attribute)
    return Scope(services, links, locations, [organisations[key] for key in sorted(organisations)],
                 list(session.scalars(select(Taxonomy).order_by(Taxonomy.id))),
                 list(session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.id))), attributes)


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def _whole(contents: list[dict[str, Any]]) -> dict[str, Any]:
    return oruk.page(contents, len(contents), 1, max(1, len(contents)))


def export_json(session: Session, folder: Path) -> ExportReport:
    folder.mkdir(parents=True, exist_ok=True)
    scope = public_scope(session)
    pages = {
        "services.json": [oruk.service_full(service, scope.location_attributes) for service in scope.services],
        "organizations.json": [oruk.organization(organisation) for organisation in scope.organisations],
        "taxonomies.json": [oruk.taxonomy(taxonomy) for taxonomy in scope.taxonomies],
        "taxonomy_terms.json": [oruk.taxonomy_term(term) for term in scope.terms],
    }
    report = ExportReport()
    for name, contents in pages.items():
        report.files.append(_write_json(folder / name, _whole(contents)))
        report.counts[name.removesuffix(".json")] = len(contents)
    return report


def _csv_value(value: Any, name: str) -> Any:
    """A cell as Open Referral writes it: text as text (made spreadsheet safe by SafeWriter), numbers as
    numbers, links only if they are ones we allow."""
    if value is None or (name in LINK_FIELDS and not allowed_link(value)):
        return ""
    converted = oruk.clean(value=value).get("value", "")
    return converted if isinstance(converted, (int, float)) and not isinstance(converted, bool) else str(converted)


# What a hidden address (the organisation asked for it) leaves out, as the API and public pages do.
_HIDDEN = {"location": {"latitude", "longitude"}, "address": {"attention", "address_1", "address_2", "region"}}


def _published(table: str, record: Any, name: str, masked: set[str]) -> Any:
    value = getattr(record, name)
    location_id = record.id if table == "location" else getattr(record, "location_id", None)
    if location_id not in masked:
        return value
    if name in _HIDDEN.get(table, ()):
        return None
    if table == "address" and name == "postal_code" and value:
        return str(value).split(" ")[0]
    return value


def _table_rows(session: Session, scope: Scope) -> dict[str, list[Any]]:
    service_ids = [service.id for service in scope.services]
    link_ids = [link.id for link in scope.links]
    location_ids = [location.id for location in scope.locations]

    def of_services(model: type[Any]) -> list[Any]:
        return _in(session, model, model.service_id, service_ids)

    def of_services_or_links(model: type[Any]) -> list[Any]:
        found: dict[str, Any] = {}
        for record in of_services(model) + _in(session, model, model.service_at_location_id, link_ids):
            found[record.id] = record
        return [found[key] for key in sorted(found)]

    linked = {"service": set(service_ids), "location": set(location_ids)}
    attributes = [attribute for attribute in _in(session, Attribute, Attribute.link_id, service_ids + location_ids)
                  if attribute.link_id in linked.get(attribute.link_entity, set())]
    return {
        "taxonomy": scope.taxonomies, "taxonomy_term": scope.terms, "organization": scope.organisations,
        "location": scope.locations, "address": _in(session, Address, Address.location_id, location_ids),
        "accessibility": _in(session, Accessibility, Accessibility.location_id, location_ids),
        "service": scope.services, "service_at_location": scope.links,
        "cost_option": of_services(CostOption), "service_area": of_services(ServiceArea),
        "language": of_services(Language), "contact": of_services(Contact),
        "phone": of_services_or_links(Phone), "schedule": of_services_or_links(Schedule),
        "attribute": attributes,
    }


def export_csv(session: Session, folder: Path) -> ExportReport:
    folder.mkdir(parents=True, exist_ok=True)
    rows = _table_rows(session, public_scope(session))
    masked = {location.id for location in rows["location"] if location.mask_exact_address}
    report = ExportReport()
    resources = []
    for table in TABLES:
        path = folder / table.files[0]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = SafeWriter(handle, lineterminator="\n")
            writer.writerow(table.field_names)
            for record in rows[table.name]:
                writer.writerow([_csv_value(_published(table.name, record, name, masked), name)
                                 for name in table.field_names])
        report.files.append(path)
        report.counts[table.name] = len(rows[table.name])
        resources.append({
            "name": table.name, "path": table.files[0], "format": "csv", "mediatype": "text/csv",
            "profile": "tabular-data-resource",
            "schema": {"fields": [{"name": name, "type": FRICTIONLESS_TYPES.get(kind, "string")}
                                  for name, kind in table.fields], "primaryKey": "id"},
        })
    descriptor = {"name": "tameside-family-help", "title": "Tameside Family Help directory (Open Referral UK 3.0)",
                  "profile": "tabular-data-package",
                  "licenses": [{"name": "OGL-UK-3.0",
                                "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}],
                  "resources": resources}
    report.files.append(_write_json(folder / "datapackage.json", descriptor))
    return report
