"""Reading and checking the API's query parameters. A bad value is an ApiError (answered 400 with a
JSON message), never a guess and never a 500. No Flask here: the route hands in request.args."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from portal.inputs import whole_number
from portal.models.schedule import WEEKDAYS
from portal.search.analysis import MAX_QUERY_CHARACTERS

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
MAX_AGE = 150
MAX_PROXIMITY_METRES = 100_000
DATE_TIME_PATTERN = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                     r"(Z|[+-][0-9]{2}:[0-9]{2})?)?$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$")
Translate = Callable[..., str]


class ApiError(ValueError):
    """A parameter the API cannot use: `parameter` names it, the message says what to send instead."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class Args(Protocol):
    def get(self, key: str) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass
class ServiceFilters:
    search: str = ""
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    modified_after: dt.datetime | None = None
    postcode: str | None = None
    proximity: int | None = None


def is_id(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower() and len(value) == 36
    except ValueError:
        return False


def _one(args: Args, name: str, allow_empty: bool = False) -> str | None:
    """The parameter's value; None when it is not given (or, for text, given empty)."""
    values = args.getlist(name)
    if len(values) > 1:
        raise ApiError(name, f"Give {name} once, not {len(values)} times.")
    if not values:
        return None
    value = values[0]
    if not value.strip() and not allow_empty:
        raise ApiError(name, f"{name} is empty: give a value, or leave the parameter out.")
    return value or None


def _integer(args: Args, name: str, low: int, high: int) -> int | None:
    raw = _one(args, name)
    if raw is None:
        return None
    number = whole_number(raw, high, minimum=low)
    if number is None:
        raise ApiError(name, f"{name} must be a whole number from {low} to {high}.")
    return number


def _id(args: Args, name: str) -> str | None:
    raw = _one(args, name)
    if raw is not None and not is_id(raw):
        raise ApiError(name, f"{name} must be an id: a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6.")
    return raw.lower() if raw else None


def _time(args: Args, name: str) -> dt.time | None:
    raw = _one(args, name)
    if raw is None:
        return None
    match = _TIME.match(raw)
    if not match:
        raise ApiError(name, f"{name} must be a time of day like 09:30 or 09:30:00.")
    return dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))


def parse_paging(args: Args) -> Paging:
    page = _integer(args, "page", 1, MAX_PAGE)
    per_page = _integer(args, "per_page", 1, MAX_PER_PAGE)
    return Paging(page or 1, per_page or DEFAULT_PER_PAGE)


def parse_modified_after(raw: str) -> dt.datetime:
    try:
        if not re.match(DATE_TIME_PATTERN, raw):
            raise ValueError(raw)
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ApiError("modified_after", "modified_after must be a date or date and time like 2025-01-31 or "
                       "2025-01-31T09:00:00Z.") from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return when


def parse_filters(args: Args, with_place: bool = False) -> ServiceFilters:
    filters = ServiceFilters()
    raw_search = _one(args, "search", allow_empty=True) or ""
    search = " ".join("".join(c for c in raw_search if not unicodedata.category(c).startswith("C")).split())
    filters.search = search[:MAX_QUERY_CHARACTERS]
    filters.taxonomy_term_id = _id(args, "taxonomy_term_id")
    filters.taxonomy_id = _id(args, "taxonomy_id")
    filters.minimum_age = _integer(args, "minimum_age", 0, MAX_AGE)
    filters.maximum_age = _integer(args, "maximum_age", 0, MAX_AGE)
    if (filters.minimum_age is not None and filters.maximum_age is not None
            and filters.minimum_age > filters.maximum_age):
        raise ApiError("minimum_age", "minimum_age must not be more than maximum_age.")
    day = _one(args, "day")
    if day is not None:
        if day not in WEEKDAYS:
            raise ApiError("day", "day must be a day of the week: MO, TU, WE, TH, FR, SA or SU.")
        filters.day = day
    filters.start_time = _time(args, "start_time")
    filters.end_time = _time(args, "end_time")
    if filters.start_time and filters.end_time and filters.start_time >= filters.end_time:
        raise ApiError("start_time", "start_time must be before end_time.")
    modified = _one(args, "modified_after")
    filters.modified_after = parse_modified_after(modified) if modified else None
    if with_place:
        postcode = _one(args, "postcode", allow_empty=True)
        postcode = postcode.strip() if postcode else None
        if postcode is not None and len(postcode) > 10:
            raise ApiError("postcode", "postcode must be a UK postcode like OL6 6BH.")
        filters.postcode = postcode
        filters.proximity = _integer(args, "proximity", 1, MAX_PROXIMITY_METRES)
        if filters.proximity is not None and filters.postcode is None:
            raise ApiError("proximity", "proximity (in metres) needs a postcode to measure from.")
    return filters


def parse_taxonomy_id(args: Args) -> str | None:
    return _id(args, "taxonomy_id")
