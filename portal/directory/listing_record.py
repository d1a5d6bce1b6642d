"""A service's listing as its public page shows it, as one plain record: built from the database's
rows once per version of the listing and kept as JSON beside the page's map and QR code
(directory/page_parts.py), so that a page is read in one query rather than a dozen. No Flask here.

Only what the page shows is recorded. The record's FORMAT is part of the kept parts' version: when
the fields change, every kept record is built again at its next visit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY
from portal.models import Service
from portal.models.location import address_lines

FORMAT = 1


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    website: str | None


@dataclass(frozen=True)
class Phone:
    number: str
    type: str | None
    description: str | None


@dataclass(frozen=True)
class OpeningTime:
    byday: str | None
    opens_at: dt.time | None
    closes_at: dt.time | None
    description: str | None


@dataclass(frozen=True)
class Address:
    address_1: str
    address_2: str | None
    city: str
    postal_code: str

    def lines(self) -> list[str]:
        return address_lines(self.address_1, self.address_2, self.city, self.postal_code)


@dataclass(frozen=True)
class Access:
    description: str | None
    details: str | None


@dataclass(frozen=True)
class Location:
    name: str | None
    mask_exact_address: bool
    address: Address | None
    accessibility: tuple[Access, ...]


@dataclass(frozen=True)
class Place:
    location: Location
    schedules: tuple[OpeningTime, ...]
    phones: tuple[Phone, ...]


@dataclass(frozen=True)
class Language:
    code: str | None
    name: str | None


@dataclass(frozen=True)
class ListedService:
    id: str
    name: str
    organization: Organisation
    description: str
    url: str | None
    email: str | None
    alert: str | None
    temporarily_closed: bool
    assured_date: dt.date | None
    eligibility_description: str | None
    application_process: str | None
    fees_description: str | None
    self_referral: bool
    needs_referral: bool
    minimum_age: int | None
    maximum_age: int | None
    is_free: bool | None
    data_source: str  # where the listing came from (the page credits it)
    area_names: tuple[str, ...]
    need_codes: tuple[str, ...]
    level_codes: tuple[str, ...]
    phones: tuple[Phone, ...]
    languages: tuple[Language, ...]
    service_at_locations: tuple[Place, ...]


def _phones(rows: Any) -> tuple[Phone, ...]:
    return tuple(Phone(row.number, row.type, row.description) for row in rows)


def _times(rows: Any) -> tuple[OpeningTime, ...]:
    return tuple(OpeningTime(row.byday, row.opens_at, row.closes_at, row.description) for row in rows)


def _location(row: Any) -> Location:
    address = row.address
    return Location(
        row.name, bool(row.mask_exact_address),
        Address(address.address_1, address.address_2, address.city, address.postal_code) if address else None,
        tuple(Access(item.description, item.details) for item in row.accessibility),
    )


def from_service(service: Service) -> ListedService:
    """The record of a service loaded from the database (its relationships are read here)."""
    return ListedService(
        id=service.id, name=service.name,
        organization=Organisation(service.organization.id, service.organization.name, service.organization.website),
        description=service.description or "", url=service.url, email=service.email, alert=service.alert,
        temporarily_closed=bool(service.temporarily_closed), assured_date=service.assured_date,
        eligibility_description=service.eligibility_description,
        application_process=service.application_process, fees_description=service.fees_description,
        self_referral=bool(service.self_referral), needs_referral=bool(service.needs_referral),
        minimum_age=service.minimum_age, maximum_age=service.maximum_age, is_free=service.is_free,
        data_source=service.data_source or "",
        area_names=tuple(area.name for area in service.service_areas if area.name),
        need_codes=tuple(service.term_codes(NEEDS_TAXONOMY)),
        level_codes=tuple(service.term_codes(LEVELS_TAXONOMY)),
        phones=_phones(service.phones),
        languages=tuple(Language(language.code, language.name) for language in service.languages),
        service_at_locations=tuple(
            Place(_location(link.location), _times(link.schedules), _phones(link.phones))
            for link in service.service_at_locations
        ),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not recorded")


def to_json(record: ListedService) -> str:
    return json.dumps(asdict(record), default=_plain, ensure_ascii=False, separators=(",", ":"))


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


def _phones_of(items: list[dict[str, Any]]) -> tuple[Phone, ...]:
    return tuple(Phone(**item) for item in items)


def _place(item: dict[str, Any]) -> Place:
    location = item["location"]
    address = location["address"]
    return Place(
        Location(location["name"], location["mask_exact_address"], Address(**address) if address else None,
                 tuple(Access(**access) for access in location["accessibility"])),
        tuple(OpeningTime(time["byday"], _time(time["opens_at"]), _time(time["closes_at"]), time["description"])
              for time in item["schedules"]),
        _phones_of(item["phones"]),
    )


def from_json(text: str) -> ListedService:
    item = json.loads(text)
    assured = item["assured_date"]
    return ListedService(**{
        **item,
        "organization": Organisation(**item["organization"]),
        "assured_date": dt.date.fromisoformat(assured) if assured else None,
        "area_names": tuple(item["area_names"]),
        "need_codes": tuple(item["need_codes"]),
        "level_codes": tuple(item["level_codes"]),
        "phones": _phones_of(item["phones"]),
        "languages": tuple(Language(**language) for language in item["languages"]),
        "service_at_locations": tuple(_place(place) for place in item["service_at_locations"]),
    })
