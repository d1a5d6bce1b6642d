"""The organisations' template: a simple CSV with one row per service, turned into Open Referral UK
records, then checked like any other import. Ids are made from the names (the same row always gives
the same ids), so sending the same sheet again changes nothing. No Flask here.

The columns are listed in TEMPLATE_COLUMNS; directory_data/import_template_example.csv is an example.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from pathlib import Path

from portal.exchange.limits import UnsafeFile, check_file
from portal.exchange.records import Bundle, Origin
from portal.models.schedule import WEEKDAYS

TEMPLATE_NAMESPACE = uuid.UUID("0b8f6c1e-4d0a-4f7e-9a56-3c1d2e8f7a41")
REQUIRED_COLUMNS = ("organisation_name", "service_name", "service_description")
TEMPLATE_COLUMNS = REQUIRED_COLUMNS + (
    "service_id", "organisation_description", "organisation_website", "organisation_email", "service_url",
    "service_email", "phone", "status", "minimum_age", "maximum_age", "eligibility", "how_to_access", "cost",
    "needs", "languages", "venue_name", "address_1", "address_2", "town", "postcode", "latitude", "longitude",
    "days", "opens_at", "closes_at",
)
# The ORUK field each column becomes, by record (so problems name the column a person filled in).
COLUMNS = {
    "organization": {"name": "organisation_name", "description": "organisation_description",
                     "website": "organisation_website", "email": "organisation_email"},
    "service": {"id": "service_id", "name": "service_name", "description": "service_description",
                "url": "service_url", "email": "service_email", "eligibility_description": "eligibility",
                "application_process": "how_to_access"},
    "location": {"name": "venue_name"},
    "address": {"city": "town", "postal_code": "postcode"},
    "phone": {"number": "phone"},
    "cost_option": {"amount_description": "cost"},
    "schedule": {"byday": "days"},
}
LANGUAGE_NAMES = {"en": "English", "ar": "Arabic", "bn": "Bengali", "pl": "Polish", "ur": "Urdu",
                  "gu": "Gujarati", "pa": "Punjabi", "ro": "Romanian", "so": "Somali", "zh": "Chinese",
                  "cy": "Welsh", "fa": "Persian", "ku": "Kurdish", "ps": "Pashto", "ti": "Tigrinya",
                  "uk": "Ukrainian", "ru": "Russian", "es": "Spanish", "fr": "French", "pt": "Portuguese",
                  "it": "Italian", "de": "German", "tr": "Turkish", "hi": "Hindi", "sgn": "British Sign Language"}
FREE_WORDS = {"free", "0", "£0", "0.00", "no cost", "nothing"}
Locate = Callable[[str], "tuple[float, float] | None"]


def is_template(path: Path) -> bool:
    if path.suffix.lower() != ".csv" or path.is_symlink() or not path.is_file():
        return False
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except (UnicodeDecodeError, csv.Error):
        return True  # reported when read
    return "service_name" in header or "organisation_name" in header


def _id(*parts: str) -> str:
    return str(uuid.uuid5(TEMPLATE_NAMESPACE, ":".join(parts)))


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


class TemplateReader:
    def __init__(self, bundle: Bundle, label: str, need_terms: dict[str, str], organisation_ids: dict[str, str],
                 locate: Locate) -> None:
        self.bundle = bundle
        self.label = label
        self.need_terms = need_terms
        self.organisation_ids = organisation_ids
        self.locate = locate

    def origin(self, line: int, record: str) -> Origin:
        return Origin(self.label, f"line {line}", COLUMNS.get(record, {}))

    def read(self, path: Path) -> None:
        try:
            check_file(path)
        except UnsafeFile as problem:
            self.bundle.error(Origin(self.label, ""), "", str(problem))
            return
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                missing = [name for name in REQUIRED_COLUMNS if name not in header]
                if missing:
                    self.bundle.error(Origin(self.label, "line 1"), ", ".join(missing), "the template needs these "
                                      "columns: " + ", ".join(REQUIRED_COLUMNS))
                    return
                for name in header:
                    if name not in TEMPLATE_COLUMNS:
                        self.bundle.warn(Origin(self.label, "line 1"), name, "not a column of the template: ignored")
                rows = list(reader)
        except UnicodeDecodeError:
            self.bundle.error(Origin(self.label, ""), "", "is not UTF-8 text (save it from your spreadsheet as "
                              "'CSV UTF-8')")
            return
        except csv.Error as exc:
            self.bundle.error(Origin(self.label, ""), "", f"is not valid CSV: {exc}")
            return
        for number, row in enumerate(rows, start=2):
            if None in row:
                self.bundle.error(Origin(self.label, f"line {number}"), "", "has more values than the header has "
                                  "columns")
                continue
            self.row(number, {name: (value or "").strip() for name, value in row.items() if name}, set(header))

    def row(self, line: int, row: dict[str, str], header: set[str]) -> None:
        organisation_name = row.get("organisation_name", "")
        key = _key(organisation_name)
        organisation_id = self.organisation_ids.get(key) or _id("organisation", key)
        self.bundle.add("organization", {
            "id": organisation_id, "name": organisation_name, "description": row.get("organisation_description"),
            "website": row.get("organisation_website") or None, "email": row.get("organisation_email") or None,
        }, self.origin(line, "organization"))
        service_id = row.get("service_id") or _id("service", organisation_id, _key(row.get("service_name", "")))
        self.bundle.add("service", {
            "id": service_id, "organization_id": organisation_id, "name": row.get("service_name"),
            "description": row.get("service_description"), "url": row.get("service_url") or None,
            "email": row.get("service_email") or None, "status": row.get("status") or "active",
            "minimum_age": row.get("minimum_age"), "maximum_age": row.get("maximum_age"),
            "eligibility_description": row.get("eligibility") or None,
            "application_process": row.get("how_to_access") or None,
        }, self.origin(line, "service"))
        service_id = service_id.lower()
        for column, table in (("phone", "phone"), ("cost", "cost_option"), ("languages", "language"),
                              ("days", "schedule"), ("postcode", "service_at_location")):
            if column in header:
                self.bundle.mark_complete(table, service_id)
        if row.get("phone"):
            self.bundle.add("phone", {"id": _id(service_id, "phone"), "service_id": service_id,
                                      "number": row["phone"]}, self.origin(line, "phone"))
        if row.get("cost"):
            free = row["cost"].lower() in FREE_WORDS
            self.bundle.add("cost_option", {"id": _id(service_id, "cost"), "service_id": service_id,
                                            "amount": "0" if free else None, "option": "Free" if free else None,
                                            "amount_description": None if free else row["cost"]},
                            self.origin(line, "cost_option"))
        self.needs(line, service_id, row.get("needs", ""))
        self.languages(line, service_id, row.get("languages", ""))
        self.place(line, service_id, organisation_id, row)
        self.opening(line, service_id, row)

    def needs(self, line: int, service_id: str, text: str) -> None:
        for slug in _split(text.lower()):
            term_id = self.need_terms.get(slug)
            if term_id is None:
                self.bundle.error(Origin(self.label, f"line {line}"), "needs", f"unknown need {slug!r}: use the "
                                  "codes of the Tameside needs taxonomy (" + ", ".join(sorted(self.need_terms)) + ")")
                continue
            self.bundle.add("attribute", {"id": _id(service_id, "need", slug), "link_id": service_id,
                                          "link_entity": "service", "taxonomy_term_id": term_id},
                            self.origin(line, "attribute"))

    def languages(self, line: int, service_id: str, text: str) -> None:
        for code in _split(text.lower()):
            if code not in LANGUAGE_NAMES:
                self.bundle.error(Origin(self.label, f"line {line}"), "languages", f"unknown language code {code!r}: "
                                  "use ISO 639-1 codes such as en, pl, ur, bn, ar")
                continue
            self.bundle.add("language", {"id": _id(service_id, "language", code), "service_id": service_id,
                                         "code": code, "name": LANGUAGE_NAMES[code]}, self.origin(line, "language"))

    def place(self, line: int, service_id: str, organisation_id: str, row: dict[str, str]) -> str | None:
        if not any(row.get(name) for name in ("address_1", "postcode", "latitude", "longitude", "venue_name")):
            return None
        location_id = _id(service_id, "place")
        latitude, longitude = row.get("latitude") or None, row.get("longitude") or None
        if latitude is None and longitude is None and row.get("postcode"):
            found = self.locate(row["postcode"])
            if found is None:
                self.bundle.warn(Origin(self.label, f"line {line}"), "postcode", "we have no coordinates for this "
                                 "postcode, so the place will not show on maps or in distance searches")
            else:
                latitude, longitude = found  # type: ignore[assignment]
        self.bundle.add("location", {"id": location_id, "location_type": "physical", "name": row.get("venue_name")
                                     or None, "organization_id": organisation_id, "latitude": latitude,
                                     "longitude": longitude}, self.origin(line, "location"))
        self.bundle.mark_complete("address", location_id)
        self.bundle.add("address", {"id": _id(location_id, "address"), "location_id": location_id,
                                    "address_1": row.get("address_1") or "", "address_2": row.get("address_2") or None,
                                    "city": row.get("town") or "", "postal_code": row.get("postcode") or "",
                                    "country": "GB", "address_type": "physical"}, self.origin(line, "address"))
        link_id = _id(service_id, "at", location_id)
        self.bundle.add("service_at_location", {"id": link_id, "service_id": service_id, "location_id": location_id},
                        self.origin(line, "service_at_location"))
        return link_id

    def opening(self, line: int, service_id: str, row: dict[str, str]) -> None:
        """Opening times belong to the service (one row per day), whichever place it is at."""
        days = [day.upper() for day in _split(row.get("days", ""))]
        if not days and (row.get("opens_at") or row.get("closes_at")):
            self.bundle.error(Origin(self.label, f"line {line}"), "days", "say which days these times are for, "
                              "like MO;TU;WE")
        for day in days:
            if day not in WEEKDAYS:
                self.bundle.error(Origin(self.label, f"line {line}"), "days", f"{day!r} is not a day: use MO, TU, "
                                  "WE, TH, FR, SA or SU, separated by ;")
                continue
            self.bundle.add("schedule", {"id": _id(service_id, "opening", day), "service_id": service_id,
                                         "freq": "WEEKLY", "byday": day,
                                         "opens_at": row.get("opens_at") or None,
                                         "closes_at": row.get("closes_at") or None},
                            self.origin(line, "schedule"))


def read_template(path: Path, need_terms: dict[str, str], organisation_ids: dict[str, str],
                  locate: Locate) -> Bundle:
    bundle = Bundle()
    TemplateReader(bundle, str(path), need_terms, organisation_ids, locate).read(path)
    return bundle
