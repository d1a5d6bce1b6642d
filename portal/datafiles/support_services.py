"""The support services file (directory_data/sources/support_services.csv) and our own words for
its rows (directory_data/support_services.yaml), read and checked: the seed loader builds listings
from them, and the data sources page names each listing's sources."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.datafiles import DataFileError, read_yaml
from portal.datafiles.vocabularies import Vocabularies
from portal.geo.postcodes import normalise_postcode
from portal.seed.records import read_csv, uk_phone

SERVICES_FILE = Path("sources") / "support_services.csv"
WORDS_FILE = Path("support_services.yaml")

COLUMNS = ("need", "name", "organisation", "scope", "phone", "text", "hours", "website", "email", "address",
           "postcode", "who_for", "source_url", "contact_confirmed")
SCOPES = ("national", "greater-manchester", "tameside")
_NUMBER = re.compile(r"^\s*(\+?[0-9][0-9 ]*[0-9])\s*(?:\((.+)\))?\s*$")
_WEB = re.compile(r"^https?://\S+$")
_SOURCE = re.compile(r"^(https?://\S+(\s+\(.+\))?|\(.+\))$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SupportRow:
    """One checked row of the CSV: what the portal may show."""

    line: int
    need: str
    name: str
    organisation: str
    scope: str
    phone: str | None
    phone_note: str | None
    text: str | None
    hours: str | None
    hours_unconfirmed: bool
    website: str | None
    email: str | None
    address: str | None
    postcode: str | None
    several_postcodes: bool
    confirmed: bool
    source_urls: tuple[str, ...]


def read_rows(path: Path, vocab: Vocabularies) -> list[SupportRow]:
    """Every row, checked. Raises DataFileError naming the file, the row and the field."""
    rows: list[SupportRow] = []
    names: set[str] = set()
    for line, record in read_csv(path):
        if not rows:
            columns = tuple(record)
            if columns != COLUMNS:
                unexpected = [name for name in columns if name not in COLUMNS]
                missing = [name for name in COLUMNS if name not in columns]
                field = str((missing or unexpected or [columns[0]])[0])
                raise DataFileError(path, f"the columns must be exactly: {', '.join(COLUMNS)}", row=1, field=field)
        if None in record or any(value is None for value in record.values()):
            raise DataFileError(path, "the row does not have one value for each column", row=line)
        rows.append(_row(path, line, {name: value.strip() for name, value in record.items()}, vocab, names))
    if not rows:
        raise DataFileError(path, "the file has no rows")
    return rows


def _row(path: Path, line: int, record: dict[str, str], vocab: Vocabularies, names: set[str]) -> SupportRow:
    def fail(field: str, message: str) -> DataFileError:
        return DataFileError(path, message, row=line, field=field)

    if not record["name"]:
        raise fail("name", "every service needs a name")
    if record["name"] in names:
        raise fail("name", f"{record['name']!r} appears twice")
    names.add(record["name"])
    if record["need"] not in vocab.needs:
        raise fail("need", f"unknown need {record['need']!r}")
    if record["scope"] not in SCOPES:
        raise fail("scope", f"{record['scope']!r} is not one of {', '.join(SCOPES)}")
    if record["contact_confirmed"] not in ("yes", "no"):
        raise fail("contact_confirmed", "must be yes or no")
    confirmed = record["contact_confirmed"] == "yes"
    phone = note = text = None
    for field in ("phone", "text"):
        if not record[field]:
            continue
        if not confirmed:
            raise fail(field, "a number whose contact details are not confirmed must be left empty")
        match = _NUMBER.match(record[field])
        if not match:
            raise fail(field, f"{record[field]!r} is not a phone number")
        if field == "phone":
            phone, note = uk_phone(match.group(1)), match.group(2)
        else:
            text = match.group(1)
    if record["website"] and not _WEB.match(record["website"]):
        raise fail("website", f"{record['website']!r} is not a web address")
    if record["email"] and not _EMAIL.match(record["email"]):
        raise fail("email", f"{record['email']!r} is not an email address")
    postcode = None
    if record["postcode"] and ";" not in record["postcode"]:
        postcode = normalise_postcode(record["postcode"])
        if postcode is None:
            raise fail("postcode", f"{record['postcode']!r} is not a postcode")
    if record["postcode"] and not record["address"]:
        raise fail("address", "a postcode needs an address")
    sources = tuple(part.strip() for part in record["source_url"].split("|") if part.strip())
    if not sources or not all(_SOURCE.match(source) for source in sources):
        raise fail("source_url", "every row needs the web addresses it came from (each may be followed by a "
                                 "note in brackets, or be only a note), separated by ' | '")
    hours = record["hours"] or None
    return SupportRow(
        line=line, need=record["need"], name=record["name"], organisation=record["organisation"],
        scope=record["scope"], phone=phone, phone_note=note, text=text, hours=hours,
        hours_unconfirmed=bool(hours and "check" in hours.lower()), website=record["website"] or None,
        email=record["email"] or None, address=record["address"] or None, postcode=postcode,
        several_postcodes=";" in record["postcode"], confirmed=confirmed, source_urls=sources,
    )


def read_words(path: Path, rows: list[SupportRow], vocab: Vocabularies) -> dict[str, dict[str, Any]]:
    """Our words for each row, by the row's name: one entry for every row, and no other."""
    entries: dict[str, dict[str, Any]] = {}
    keys: set[str] = set()
    for position, item in enumerate(read_yaml(path, "support_services")["services"], start=1):
        if item["name"] in entries:
            raise DataFileError(path, f"{item['name']!r} appears twice", row=position, field="name")
        if item["key"] in keys:
            raise DataFileError(path, f"the key {item['key']!r} appears twice", row=position, field="key")
        unknown = [need for need in item.get("also_needs", []) if need not in vocab.needs]
        if unknown:
            raise DataFileError(path, f"unknown needs: {', '.join(unknown)}", row=position, field="also_needs")
        minimum, maximum = item.get("minimum_age"), item.get("maximum_age")
        if minimum is not None and maximum is not None and maximum < minimum:
            raise DataFileError(path, f"maximum_age {maximum} is below minimum_age {minimum}", row=position,
                                field="maximum_age")
        entries[item["name"]] = {**item, "position": position}
        keys.add(item["key"])
    csv_path = path.parent / SERVICES_FILE
    for row in rows:
        if row.name not in entries:
            raise DataFileError(csv_path, f"{row.name!r} has no entry in {WORDS_FILE}: write its description "
                                          "there first", row=row.line, field="name")
    extra = set(entries) - {row.name for row in rows}
    if extra:
        name = sorted(extra, key=lambda item: entries[item]["position"])[0]
        raise DataFileError(path, f"no row of {SERVICES_FILE} is called {name!r}", row=entries[name]["position"],
                            field="name")
    return entries


def web_addresses(row: SupportRow) -> list[str]:
    """The row's source pages as web addresses (notes without one are left out)."""
    return [source.split()[0] for source in row.source_urls if source.startswith("http")]


@dataclass(frozen=True)
class ListingSource:
    name: str
    web_addresses: tuple[str, ...]


def listing_sources(data_dir: Path, vocab: Vocabularies) -> list[ListingSource]:
    """Each listed row (not left out) with the pages it came from, by name."""
    rows = read_rows(data_dir / SERVICES_FILE, vocab)
    words = read_words(data_dir / WORDS_FILE, rows, vocab)
    return sorted((ListingSource(row.name, tuple(web_addresses(row))) for row in rows
                   if not words[row.name].get("leave_out")), key=lambda source: source.name.lower())
