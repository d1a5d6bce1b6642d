"""Writing checked records to the live tables, in the caller's transaction (all or nothing).

New records are added, changed ones updated, identical ones left alone, so a second run changes
nothing. Where the source lists a service's (or a place's) children in full, children it no longer
lists are removed; records the source does not mention are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from portal.exchange.checks import Checked
from portal.exchange.records import PARENT_FIELD
from portal.exchange.tables import BY_NAME
from portal.models import (
    Attribute,
    Contact,
    Language,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from portal.models.service import utcnow

# Parents before children (a language may name a phone; a phone a contact; a contact a place of a service).
WRITE_ORDER = ("taxonomy", "taxonomy_term", "organization", "location", "address", "accessibility", "service",
               "service_at_location", "cost_option", "service_area", "contact", "phone", "language", "schedule",
               "attribute")
SELF_PARENT = {"taxonomy_term": "parent_id", "organization": "parent_organization_id"}
CHUNK = 500


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class ImportReport:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    touched_services: set[str] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.removed for c in self.tables.values())


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _parents_first(rows: list[dict[str, Any]], parent: str | None) -> list[dict[str, Any]]:
    if parent is None:
        return rows
    pending = {row["id"]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    while pending:
        ready = [row for row in pending.values() if row.get(parent) not in pending]
        if not ready:  # a cycle: write the rest as they come
            ready = list(pending.values())
        for row in ready:
            ordered.append(row)
            del pending[row["id"]]
    return ordered


def _existing(session: Session, model: type[Any], ids: list[str], names: list[str]) -> dict[str, dict[str, Any]]:
    columns = [model.__table__.c[name] for name in names]
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for record in session.execute(select(*columns).where(model.__table__.c.id.in_(chunk))).mappings():
            found[record["id"]] = dict(record)
    return found


def _services_of(session: Session, table: str, rows: list[dict[str, Any]]) -> set[str]:
    """Which services a change to these rows shows up in."""
    if table == "service":
        return {row["id"] for row in rows}
    if table == "attribute":
        services = {row["link_id"] for row in rows if row.get("link_entity") == "service"}
        locations = {row["link_id"] for row in rows if row.get("link_entity") == "location"}
    else:
        services = {row["service_id"] for row in rows if row.get("service_id")}
        locations = {row["location_id"] for row in rows if row.get("location_id")}
        if table == "location":
            locations |= {row["id"] for row in rows}
    if locations:
        for chunk in _chunks(sorted(locations)):
            services |= set(session.scalars(select(ServiceAtLocation.service_id)
                                            .where(ServiceAtLocation.location_id.in_(chunk))))
    return services


def write_checked(session: Session, checked: Checked, keep_last_modified: bool = False,
                  data_source: str = "import") -> ImportReport:
    report = ImportReport()
    now = utcnow()
    for name in WRITE_ORDER:
        table = BY_NAME[name]
        model = table.model
        counts = report.tables.setdefault(name, TableCounts())
        rows = _parents_first(list(checked.rows.get(name, {}).values()), SELF_PARENT.get(name))
        if not rows:
            continue
        compared = [field_name for field_name in table.field_names
                    if keep_last_modified or field_name != "last_modified"]
        existing = _existing(session, model, [row["id"] for row in rows], compared)
        new_rows, changed_rows = [], []
        for row in rows:
            values = {key: value for key, value in row.items() if key in compared}
            current = existing.get(row["id"])
            if current is None:
                new_rows.append(values)
            elif any(current.get(key) != value for key, value in values.items()):
                changed_rows.append(values)
            else:
                counts.unchanged += 1
        for values in new_rows:
            if "data_source" in model.__table__.c:
                values["data_source"] = data_source
            if name == "service" and not (keep_last_modified and values.get("last_modified")):
                values["last_modified"] = now
        for chunk in _chunks(new_rows):
            session.execute(insert(model), chunk)
        for values in changed_rows:
            if name == "service" and not (keep_last_modified and values.get("last_modified")):
                values["last_modified"] = now
            session.execute(update(model).where(model.__table__.c.id == values["id"]).values(**values))
        counts.created += len(new_rows)
        counts.updated += len(changed_rows)
        report.touched_services |= _services_of(session, name, new_rows + changed_rows)
    _remove_unlisted_children(session, checked, report)
    listed = set(checked.rows.get("service", {})) if keep_last_modified else set()
    bump = sorted(report.touched_services - listed)
    for chunk in _chunks(bump):
        session.execute(update(Service).where(Service.id.in_(chunk)).values(last_modified=now))
    return report


def _complete_parents(checked: Checked, table: str) -> set[str]:
    parents = checked.complete.get(table, set())
    if "*" not in parents:
        return parents
    parent_tables = ("service", "location") if table == "attribute" else (
        ("location",) if PARENT_FIELD[table] == "location_id" else ("service",))
    return (parents - {"*"}) | {record_id for parent in parent_tables for record_id in checked.rows.get(parent, {})}


def _remove_unlisted_children(session: Session, checked: Checked, report: ImportReport) -> None:
    for name in reversed(WRITE_ORDER):
        if name not in PARENT_FIELD:
            continue
        parents = sorted(_complete_parents(checked, name))
        if not parents:
            continue
        model = BY_NAME[name].model
        parent_column = model.__table__.c[PARENT_FIELD[name]]
        listed = set(checked.rows.get(name, {}))
        stale: list[str] = []
        for chunk in _chunks(parents):
            query = select(model.__table__.c.id, parent_column).where(parent_column.in_(chunk))
            if model in (Schedule, Phone):
                query = query.where(model.__table__.c.service_at_location_id.is_(None))
            if model is Phone:
                query = query.where(Phone.contact_id.is_(None))
            for record_id, parent_id in session.execute(query):
                if record_id not in listed:
                    stale.append(record_id)
        if not stale:
            continue
        if name == "service_at_location":
            for child in (Schedule, Phone, Contact):
                for chunk in _chunks(stale):
                    session.execute(delete(child).where(child.service_at_location_id.in_(chunk)))
        if name == "phone":
            for chunk in _chunks(stale):
                session.execute(update(Language).where(Language.phone_id.in_(chunk)).values(phone_id=None))
        if name == "contact":
            for chunk in _chunks(stale):
                session.execute(delete(Phone).where(Phone.contact_id.in_(chunk)))
        report.touched_services |= _stale_services(session, model, stale)
        for chunk in _chunks(stale):
            session.execute(delete(model).where(model.__table__.c.id.in_(chunk)))
        report.tables.setdefault(name, TableCounts()).removed += len(stale)


def _stale_services(session: Session, model: type[Any], ids: list[str]) -> set[str]:
    found: set[str] = set()
    column = Attribute.link_id if model is Attribute else model.__table__.c.get("service_id")
    if column is None:
        column = model.__table__.c.location_id
        locations = set()
        for chunk in _chunks(ids):
            locations |= set(session.scalars(select(column).where(model.__table__.c.id.in_(chunk))))
        return _services_of(session, "address", [{"location_id": location} for location in locations])
    for chunk in _chunks(ids):
        found |= {value for value in session.scalars(select(column).where(model.__table__.c.id.in_(chunk))) if value}
    return found
