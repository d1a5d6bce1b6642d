"""What an import has read so far: records by Open Referral table and id, where each came from, and the
problems found. No database and no Flask here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Children the portal replaces when a source lists them in full for a parent: child table -> parent field.
PARENT_FIELD = {"schedule": "service_id", "service_area": "service_id", "language": "service_id",
                "cost_option": "service_id", "contact": "service_id", "phone": "service_id",
                "service_at_location": "service_id", "attribute": "link_id", "address": "location_id",
                "accessibility": "location_id"}


@dataclass(frozen=True)
class Problem:
    file: str
    row: str
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.row, f"field '{self.field}'" if self.field else "")
                          if part)
        return f"{'warning' if self.warning else 'error'}: {where}: {self.message}"


@dataclass
class Origin:
    file: str
    row: str
    # For the organisations' template: the column a person filled in, by the ORUK field it became.
    columns: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


@dataclass
class Bundle:
    """Everything read, by ORUK table and id, each record with where it came from."""

    records: dict[str, dict[str, tuple[dict[str, Any], Origin]]] = field(default_factory=dict)
    # child table -> ids of parents whose children of that table the source lists in full ("*": every parent).
    complete: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    no_id: list[tuple[str, dict[str, Any], Origin]] = field(default_factory=list)

    def error(self, origin: Origin, field_name: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.row, origin.column(field_name), message))

    def warn(self, origin: Origin, field_name: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.row, origin.column(field_name), message, warning=True))

    def add(self, table: str, values: dict[str, Any], origin: Origin) -> str | None:
        """Keep a record; the same id twice is merged when the two agree, and an error when they differ."""
        record_id = values.get("id")
        if not isinstance(record_id, str) or not record_id.strip():
            self.no_id.append((table, values, origin))
            self.error(origin, "id", f"every {table} needs an id")
            return None
        record_id = record_id.strip().lower()
        values = {**values, "id": record_id}
        existing = self.records.setdefault(table, {}).get(record_id)
        if existing is None:
            self.records[table][record_id] = (values, origin)
            return record_id
        earlier, first = existing
        clashes = [name for name, value in values.items()
                   if present(value) and present(earlier.get(name)) and earlier[name] != value]
        if clashes:
            self.error(origin, clashes[0], f"the {table} id {record_id} appears twice with different details "
                                           f"(first in {first.file}, {first.row})")
        else:
            merged = {**earlier, **{name: value for name, value in values.items() if present(value)}}
            self.records[table][record_id] = (merged, first)
        return record_id

    def mark_complete(self, table: str, parent_id: str | None) -> None:
        if parent_id:
            self.complete.setdefault(table, set()).add(parent_id)


def present(value: Any) -> bool:
    return value not in (None, "", [], {})
