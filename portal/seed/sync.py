"""Writing a SeedPlan: insert what is new, update what changed, remove what the seed no longer has.

Only rows the seed owns are ever removed: reference tables it fills entirely, records whose
`data_source` is one of the seed's sources, and the children of those records. Listings added by
people or by imports are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, delete, insert, select, update

from portal.extensions import db
from portal.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Neighbourhood,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    Ward,
)
from portal.models._base import PORTAL_SOURCE
from portal.models.service import utcnow
from portal.seed.records import SeedPlan

# Parents before children.
WRITE_ORDER: tuple[type[Any], ...] = (
    Taxonomy,
    TaxonomyTerm,
    Neighbourhood,
    Ward,
    Postcode,
    Organization,
    Location,
    Address,
    Accessibility,
    Service,
    ServiceAtLocation,
    CostOption,
    ServiceArea,
    Language,
    Contact,
    Phone,
    Schedule,
    Attribute,
)
CHUNK = 500


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class SyncReport:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    # Services whose own row or any of whose parts changed: search must see them again.
    touched_services: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.removed for c in self.tables.values())


def owned_ids(model: type[Any], sources: tuple[str, ...], taxonomy_ids: list[str]) -> Select[Any] | None:
    """A query for the primary keys of the rows of `model` that the seed owns."""
    services = select(Service.id).where(Service.data_source.in_(sources))
    locations = select(Location.id).where(Location.data_source.in_(sources))
    links = select(ServiceAtLocation.id).where(ServiceAtLocation.service_id.in_(services))
    scopes: dict[type[Any], Select[Any]] = {
        Neighbourhood: select(Neighbourhood.slug),
        Ward: select(Ward.code),
        Postcode: select(Postcode.postcode),
        TaxonomyTerm: select(TaxonomyTerm.id).where(TaxonomyTerm.taxonomy_id.in_(taxonomy_ids)),
        Organization: select(Organization.id).where(Organization.data_source.in_(sources)),
        Location: locations,
        Address: select(Address.id).where(Address.location_id.in_(locations)),
        Accessibility: select(Accessibility.id).where(Accessibility.location_id.in_(locations)),
        Service: services,
        ServiceAtLocation: links,
        CostOption: select(CostOption.id).where(CostOption.service_id.in_(services)),
        ServiceArea: select(ServiceArea.id).where(ServiceArea.service_id.in_(services)),
        Language: select(Language.id).where(Language.service_id.in_(services)),
        Contact: select(Contact.id).where(Contact.service_id.in_(services)),
        Phone: select(Phone.id).where(Phone.service_id.in_(services)),
        Schedule: select(Schedule.id).where(Schedule.service_id.in_(services)),
        Attribute: select(Attribute.id).where(
            and_(Attribute.link_entity == "service", Attribute.link_id.in_(services))
        ),
    }
    return scopes.get(model)


def _primary_key(model: type[Any]) -> Any:
    (column,) = model.__table__.primary_key.columns
    return column


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(model: type[Any], keys: list[str], rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    pk = _primary_key(model)
    columns = sorted({name for row in rows for name in row})
    table_columns = [model.__table__.c[name] for name in columns]
    found: dict[Any, dict[str, Any]] = {}
    for chunk in _chunks(keys):
        for record in db.session.execute(select(*table_columns).where(pk.in_(chunk))).mappings():
            found[record[pk.name]] = dict(record)
    return found


def _service_ids(model: type[Any], rows: Iterable[dict[str, Any]]) -> set[str]:
    if model is Service:
        return {row["id"] for row in rows}
    if model is Attribute:
        return {row["link_id"] for row in rows if row.get("link_entity") == "service"}
    return {row["service_id"] for row in rows if row.get("service_id")}


def _stale_service_ids(model: type[Any], keys: list[Any]) -> set[str]:
    """Which services the rows about to be removed belong to."""
    pk = _primary_key(model)
    column = {Service: Service.id, Attribute: Attribute.link_id}.get(model)
    if column is None and "service_id" in model.__table__.c:
        column = model.__table__.c.service_id
    if column is None:
        return set()
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(value for value in db.session.execute(select(column).where(pk.in_(chunk))).scalars() if value)
    return found


def _looked_after_by_people(model: type[Any], rows: list[dict[str, Any]],
                            services: set[str], organisations: set[str]) -> list[dict[str, Any]]:
    """The rows left for the seed to write: none for a listing people now look after, or its parts."""
    if model is Organization:
        return [row for row in rows if row["id"] not in organisations]
    if model is Service:
        return [row for row in rows if row["id"] not in services]
    if model is Attribute:
        return [row for row in rows if not (row.get("link_entity") == "service" and row.get("link_id") in services)]
    if "service_id" in model.__table__.c:
        return [row for row in rows if row.get("service_id") not in services]
    return rows


def write_plan(plan: SeedPlan, sources: tuple[str, ...]) -> SyncReport:
    """Apply the plan in the current transaction; the caller commits or rolls back.

    Seeded listings that an organisation has since changed (with a moderator's approval) have
    `data_source` PORTAL_SOURCE and are left exactly as they are."""
    report = SyncReport(skipped=dict(plan.skipped))
    taxonomy_ids = [row["id"] for row in plan.rows.get(Taxonomy, [])]
    kept_services = set(db.session.scalars(select(Service.id).where(Service.data_source == PORTAL_SOURCE)))
    kept_organisations = set(db.session.scalars(
        select(Organization.id).where(Organization.data_source == PORTAL_SOURCE)))
    kept = len([row for row in plan.rows.get(Service, []) if row["id"] in kept_services])
    if kept:
        report.skipped["services now looked after by their organisation (left as approved)"] = kept
    wanted: dict[type[Any], set[Any]] = {}
    for model in WRITE_ORDER:
        rows = _looked_after_by_people(model, plan.rows.get(model, []), kept_services, kept_organisations)
        pk = _primary_key(model)
        counts = report.tables.setdefault(model.__tablename__, TableCounts())
        keys = [row[pk.name] for row in rows]
        wanted[model] = set(keys)
        existing = _existing(model, keys, rows) if rows else {}
        new_rows, changed_rows = [], []
        for row in rows:
            current = existing.get(row[pk.name])
            if current is None:
                new_rows.append(row)
            elif any(current.get(name) != value for name, value in row.items()):
                changed_rows.append(row)
            else:
                counts.unchanged += 1
        for chunk in _chunks(new_rows):
            db.session.execute(insert(model), chunk)
        for row in changed_rows:
            db.session.execute(update(model).where(pk == row[pk.name]).values(**row))
        counts.created += len(new_rows)
        counts.updated += len(changed_rows)
        report.touched_services |= _service_ids(model, new_rows + changed_rows)
    for model in reversed(WRITE_ORDER):
        scope = owned_ids(model, sources, taxonomy_ids)
        if scope is None:
            continue
        pk = _primary_key(model)
        stale = [key for key in db.session.execute(scope).scalars() if key not in wanted[model]]
        report.touched_services |= _stale_service_ids(model, stale)
        for chunk in _chunks(stale):
            db.session.execute(delete(model).where(pk.in_(chunk)))
        report.tables[model.__tablename__].removed += len(stale)
    # Changed parts make their service newer, so every process's search catches up with it.
    still_there = [service_id for service_id in report.touched_services if service_id in wanted[Service]]
    for chunk in _chunks(still_there):
        db.session.execute(update(Service).where(Service.id.in_(chunk)).values(last_modified=utcnow()))
    return report
