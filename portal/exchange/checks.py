"""Converting and checking what was read: types, lengths, ranges, required fields, duplicate ids and
references between records. Every problem names the file, the row and the field. No Flask here; the
caller says which ids the database already holds."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.exchange.records import Bundle, Origin, Problem
from portal.exchange.tables import DATE, DATETIME, INTEGER, MONEY, NUMBER, TABLES, TIME, Table
from portal.inputs import has_control_characters
from portal.models.service import SERVICE_STATUSES
from portal.weblinks import LINK_FIELDS, REFUSED, is_allowed_link

# (table, field) -> the tables its id may name, first match wins.
REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("taxonomy_term", "taxonomy_id"): ("taxonomy",),
    ("taxonomy_term", "parent_id"): ("taxonomy_term",),
    ("organization", "parent_organization_id"): ("organization",),
    ("location", "organization_id"): ("organization",),
    ("address", "location_id"): ("location",),
    ("accessibility", "location_id"): ("location",),
    ("service", "organization_id"): ("organization",),
    ("service_at_location", "service_id"): ("service",),
    ("service_at_location", "location_id"): ("location",),
    ("cost_option", "service_id"): ("service",),
    ("service_area", "service_id"): ("service",),
    ("language", "service_id"): ("service",),
    ("language", "location_id"): ("location",),
    ("language", "phone_id"): ("phone",),
    ("contact", "organization_id"): ("organization",),
    ("contact", "service_id"): ("service",),
    ("contact", "service_at_location_id"): ("service_at_location",),
    ("contact", "location_id"): ("location",),
    ("phone", "location_id"): ("location",),
    ("phone", "service_id"): ("service",),
    ("phone", "organization_id"): ("organization",),
    ("phone", "contact_id"): ("contact",),
    ("phone", "service_at_location_id"): ("service_at_location",),
    ("schedule", "service_id"): ("service",),
    ("schedule", "location_id"): ("location",),
    ("schedule", "service_at_location_id"): ("service_at_location",),
    ("attribute", "taxonomy_term_id"): ("taxonomy_term",),
    ("attribute", "link_id"): ("service", "location", "organization", "contact", "service_at_location"),
}
# References that may be left out with a warning when they name nothing we have (optional links that
# other directories often leave dangling); every other dangling reference is an error.
OPTIONAL_REFERENCES = {("taxonomy_term", "taxonomy_id"), ("taxonomy_term", "parent_id"),
                       ("organization", "parent_organization_id"), ("location", "organization_id"),
                       ("language", "phone_id"), ("language", "location_id")}
ENUMS = {
    ("service", "status"): SERVICE_STATUSES,
    ("location", "location_type"): ("physical", "postal", "virtual"),
    ("address", "address_type"): ("physical", "postal", "virtual"),
    ("schedule", "freq"): ("WEEKLY", "MONTHLY", "DAILY", "YEARLY"),
}
MAX_AGE = 150
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Exists = Callable[[str, set[str]], set[str]]


@dataclass
class Checked:
    rows: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    complete: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.warning]


class FieldError(ValueError):
    pass


def _text(value: Any, from_csv: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise FieldError("must be text")
    if isinstance(value, (int, float)):
        return str(value)
    if from_csv and not value.strip():
        return None
    if has_control_characters(str(value), multiline=True):
        raise FieldError("must not hold control characters such as NUL (only tabs and line breaks)")
    return str(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise FieldError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return int(value.strip())
    raise FieldError("must be a whole number")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise FieldError("must be a number")
    try:
        number = float(value) if isinstance(value, (int, float, str)) else math.nan
    except ValueError:
        raise FieldError("must be a number") from None
    if not math.isfinite(number):
        raise FieldError("must be a number")
    return number


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(_number(value)) if not isinstance(value, str) else value.strip())
    except InvalidOperation:
        raise FieldError("must be an amount of money, like 3.50") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise FieldError("must be an amount of money with at most 2 decimal places, like 3.50")
    if amount < 0 or amount >= Decimal("100000000"):
        raise FieldError("must be an amount from 0 to 99999999.99")
    return amount.quantize(Decimal("0.01"))


def _date(value: Any) -> dt.date:
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError("must be a real date written like 2025-01-31")


def _time(value: Any) -> dt.time:
    match = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise FieldError("must be a time of day written like 09:30 or 09:30:00")
    return dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def _datetime(value: Any) -> dt.datetime:
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if when.tzinfo is not None:
                when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
            return when.replace(microsecond=0)
    raise FieldError("must be a date and time written like 2025-01-31T09:30:00Z")


CONVERT: dict[str, Callable[[Any], Any]] = {INTEGER: _integer, NUMBER: _number, MONEY: _money, DATE: _date,
                                            TIME: _time, DATETIME: _datetime}


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _from_csv(origin: Origin) -> bool:
    return origin.row.startswith("line ") or ".csv[" in origin.row


def convert_record(table: Table, values: dict[str, Any], origin: Origin, problems: list[Problem],
                   unknown: dict[tuple[str, str], Origin]) -> dict[str, Any] | None:
    """One record's values as our columns' types, or None (with problems noted) when it cannot be used."""
    error_count = len(problems)

    def error(field_name: str, message: str) -> None:
        problems.append(Problem(origin.file, origin.row, origin.column(field_name), message))

    from_csv = _from_csv(origin)
    values = dict(values)
    for alias, name in table.aliases:
        if alias in values:
            alias_value = values.pop(alias)
            if values.get(name) in (None, "") and alias_value not in (None, ""):
                values[name] = alias_value
    row: dict[str, Any] = {}
    for name in values:
        if name not in table.field_names and name not in ("link_entity",):
            unknown.setdefault((table.name, name), origin)
    for name, kind in table.fields:
        raw = values.get(name)
        try:
            if kind in CONVERT:
                value = None if raw is None or (isinstance(raw, str) and not raw.strip()) else CONVERT[kind](raw)
            else:
                value = _text(raw, from_csv)
        except FieldError as exc:
            error(name, f"{exc} (found {str(raw)[:40]!r})")
            continue
        length = table.max_length(name)
        if isinstance(value, str) and length is not None and len(value) > length:
            error(name, f"is too long: at most {length} characters (found {len(value)})")
            continue
        if isinstance(value, str) and (name.endswith("_id") or name == "id"):
            value = value.strip().lower()
        row[name] = value
    record_id = row.get("id") or ""
    if not is_uuid(record_id):
        error("id", f"must be a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6 (found {record_id[:40]!r})")
    for name in table.required:
        if name in row and (row[name] is None or (isinstance(row[name], str) and not row[name].strip())):
            error(name, f"is required for every {table.name}")
    for (table_name, name), allowed in ENUMS.items():
        if table_name == table.name and row.get(name) is not None and row[name] not in allowed:
            error(name, f"must be one of: {', '.join(allowed)} (found {str(row[name])[:40]!r})")
    _check_ranges(table, row, error)
    if len(problems) > error_count:
        return None
    return _with_defaults(table, row)


def _check_ranges(table: Table, row: dict[str, Any], error: Callable[[str, str], None]) -> None:
    if table.name == "location":
        latitude, longitude = row.get("latitude"), row.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            error("latitude", f"must be between -90 and 90 degrees (found {latitude:g}): a latitude of more than "
                  "90 is not a place on Earth")
        if longitude is not None and not -180 <= longitude <= 180:
            error("longitude", f"must be between -180 and 180 degrees (found {longitude:g})")
        if (latitude is None) != (longitude is None):
            error("latitude" if latitude is None else "longitude", "give both latitude and longitude, or neither")
    if table.name == "service":
        for name in ("minimum_age", "maximum_age"):
            age = row.get(name)
            if age is not None and not 0 <= age <= MAX_AGE:
                error(name, f"must be an age in years from 0 to {MAX_AGE} (found {age})")
        low, high = row.get("minimum_age"), row.get("maximum_age")
        if low is not None and high is not None and low > high:
            error("minimum_age", f"is more than maximum_age ({low} > {high})")
    for name in sorted(LINK_FIELDS & set(row)):
        value = row[name]
        if value and not is_allowed_link(value):
            error(name, f"{REFUSED} (found {value[:40]!r})")
    for name in ("email", "assurer_email"):
        value = row.get(name)
        if value and not _EMAIL.match(value):
            error(name, f"is not an email address (found {value[:40]!r})")
    if table.name == "address" and row.get("country") and not re.fullmatch(r"[A-Z]{2}", row["country"]):
        error("country", "must be a two-letter ISO 3166 country code, like GB")
    if table.name == "schedule":
        opens, closes = row.get("opens_at"), row.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            error("closes_at", "must be after opens_at")
        for name in ("count", "interval"):
            if row.get(name) is not None and not 0 <= row[name] <= 10_000:
                error(name, "must be a whole number from 0 to 10000")
    if table.name == "cost_option" and row.get("valid_from") and row.get("valid_to") \
            and row["valid_to"] < row["valid_from"]:
        error("valid_to", "is before valid_from")


def _with_defaults(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Fill a missing value of a column that may not be empty with the column's default."""
    for name, value in list(row.items()):
        column = table.model.__table__.c[name]
        if value is None and not column.nullable and column.default is not None and column.default.is_scalar:
            row[name] = column.default.arg
    return row


def check_bundle(bundle: Bundle, exists: Exists) -> Checked:
    checked = Checked(complete=bundle.complete, problems=list(bundle.problems))
    unknown: dict[tuple[str, str], Origin] = {}
    for table in TABLES:
        for record_id, (values, origin) in bundle.records.get(table.name, {}).items():
            row = convert_record(table, values, origin, checked.problems, unknown)
            if row is not None:
                checked.rows.setdefault(table.name, {})[record_id] = row
                checked.origins[(table.name, record_id)] = origin
    for (table_name, name), origin in sorted(unknown.items()):
        checked.problems.append(Problem(origin.file, origin.row, name, f"not imported: the portal does not keep "
                                        f"{table_name}.{name} (reported once per field)", warning=True))
    _check_references(bundle, checked, exists)
    return checked


def _check_references(bundle: Bundle, checked: Checked, exists: Exists) -> None:
    wanted: dict[str, set[str]] = {}
    for (table_name, name), targets in REFERENCES.items():
        for row in checked.rows.get(table_name, {}).values():
            if row.get(name):
                for target in targets:
                    wanted.setdefault(target, set()).add(row[name])
    known: dict[str, set[str]] = {}
    for target, ids in wanted.items():
        # Records that failed their own checks are still "in the file": they are reported themselves.
        in_file = set(bundle.records.get(target, {}))
        known[target] = (ids & in_file) | exists(target, ids - in_file)
    for (table_name, name), targets in REFERENCES.items():
        for record_id, row in checked.rows.get(table_name, {}).items():
            value = row.get(name)
            if not value:
                continue
            entity = next((target for target in targets if value in known.get(target, set())), None)
            origin = checked.origins[(table_name, record_id)]
            if entity is not None:
                if table_name == "attribute" and name == "link_id":
                    given = row.get("link_entity")
                    if given and given != entity:
                        checked.problems.append(Problem(origin.file, origin.row, "link_entity",
                                                        f"says {given!r} but {value} is a {entity}"))
                    row["link_entity"] = entity
                continue
            what = " or ".join(targets)
            column = origin.column(name)
            if (table_name, name) in OPTIONAL_REFERENCES:
                row[name] = None
                checked.problems.append(Problem(origin.file, origin.row, column, f"left out: no {what} {value} in "
                                                "the file or the directory", warning=True))
            else:
                kind = "unknown taxonomy term" if what == "taxonomy_term" else f"no {what} with this id"
                checked.problems.append(Problem(origin.file, origin.row, column, f"{kind}: {value} is in neither "
                                                "the file nor the directory"))
