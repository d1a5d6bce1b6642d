"""Reading an import: Open Referral UK 3.0 JSON (one record, a list, a paginated envelope, the tabular
JSON form, or a folder of such files) and the CSV data package, flattened into records by table.
Values stay as they were written; portal/exchange/checks.py converts and checks them.
No database and no Flask here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from portal.exchange.csv_package import read_csv_folder, read_table_rows
from portal.exchange.limits import UnsafeFile, check_file, load_json
from portal.exchange.records import Bundle, Origin, present

# Where a child list sits in its parent's JSON: (key, child table, the child's field naming the parent).
SERVICE_CHILDREN = (("schedules", "schedule", "service_id"), ("service_areas", "service_area", "service_id"),
                    ("languages", "language", "service_id"), ("cost_options", "cost_option", "service_id"),
                    ("contacts", "contact", "service_id"), ("phones", "phone", "service_id"))
LOCATION_CHILDREN = (("addresses", "address", "location_id"), ("accessibility", "accessibility", "location_id"))


def _scalars(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if not isinstance(value, (list, dict))}


def kind_of(item: dict[str, Any]) -> str | None:
    """Which ORUK record a JSON object is."""
    if "status" in item or "service_at_locations" in item:
        return "service"
    if "location" in item or ("service_id" in item and "location_id" in item):
        return "service_at_location"
    if "location_type" in item or "latitude" in item or "addresses" in item:
        return "location"
    if "taxonomy_terms" in item or ("version" in item and "name" in item):
        return "taxonomy"
    if any(key in item for key in ("parent_id", "term", "taxonomy", "taxonomy_id", "term_uri", "code")):
        return "taxonomy_term"
    if "name" in item and ("services" in item or "website" in item or "description" in item):
        return "organization"
    return None


# A file's name says what its records are when their fields alone cannot (a taxonomy without a version
# looks like an organisation).
KIND_BY_FILE_NAME = {"taxonomies": "taxonomy", "taxonomy": "taxonomy", "taxonomy_list": "taxonomy",
                     "taxonomy_terms": "taxonomy_term", "taxonomy_term": "taxonomy_term",
                     "taxonomy_term_list": "taxonomy_term", "organizations": "organization",
                     "organization_list": "organization", "organization": "organization"}


class JsonReader:
    def __init__(self, bundle: Bundle, file: str, kind: str | None = None) -> None:
        self.bundle = bundle
        self.file = file
        self.kind = kind

    def origin(self, pointer: str) -> Origin:
        return Origin(self.file, pointer or "the whole file")

    def read(self, data: Any) -> None:
        if isinstance(data, dict) and data and all(isinstance(key, str) and key.endswith(".csv") for key in data):
            for name, rows in data.items():  # the tabular JSON form: {"services.csv": [{...}, ...], ...}
                read_table_rows(self.bundle, name, _rows_of(rows, self.file, name, self.bundle),
                                lambda index, name=name: Origin(self.file, f"{name}[{index}]"))
            return
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            items, prefix = data["contents"], "contents"
        elif isinstance(data, list):
            items, prefix = data, ""
        elif isinstance(data, dict):
            items, prefix = [data], None
        else:
            self.bundle.error(self.origin(""), "", "expected an ORUK record, a list of them or a paginated page")
            return
        for index, item in enumerate(items):
            pointer = "" if prefix is None else f"{prefix}[{index}]"
            if not isinstance(item, dict):
                self.bundle.error(self.origin(pointer), "", "expected a JSON object (an ORUK record)")
                continue
            kind = self.kind or kind_of(item)
            if kind is None:
                self.bundle.error(self.origin(pointer), "", "cannot tell which kind of ORUK record this is (a "
                                  "service needs a status; a taxonomy term a taxonomy or parent)")
                continue
            getattr(self, kind)(item, pointer)

    def _list(self, item: dict[str, Any], key: str, pointer: str) -> Iterable[tuple[dict[str, Any], str]]:
        values = item.get(key)
        if values is None:
            return []
        if not isinstance(values, list):
            self.bundle.error(self.origin(pointer), key, "must be a list")
            return []
        found = []
        for index, value in enumerate(values):
            where = f"{pointer}.{key}[{index}]".lstrip(".")
            if isinstance(value, dict):
                found.append((value, where))
            else:
                self.bundle.error(self.origin(where), key, "must be a JSON object")
        return found

    def _not_kept(self, item: dict[str, Any], pointer: str, keys: Iterable[str]) -> None:
        for key in keys:
            if present(item.get(key)):
                self.bundle.warn(self.origin(pointer), key, f"not imported: the portal does not keep {key}")

    def organization(self, item: dict[str, Any], pointer: str) -> str | None:
        organization_id = self.bundle.add("organization", _scalars(item), self.origin(pointer))
        for child, where in self._list(item, "services", pointer):
            self.service({**child, "organization_id": child.get("organization_id") or organization_id}, where)
        for key, table in (("contacts", "contact"), ("phones", "phone")):
            for child, where in self._list(item, key, pointer):
                self.bundle.add(table, {**_scalars(child), "organization_id": organization_id}, self.origin(where))
        self._not_kept(item, pointer, ("organization_identifiers", "funding", "programs", "locations"))
        return organization_id

    def taxonomy(self, item: dict[str, Any], pointer: str) -> str | None:
        taxonomy_id = self.bundle.add("taxonomy", _scalars(item), self.origin(pointer))
        for child, where in self._list(item, "taxonomy_terms", pointer):
            self.taxonomy_term({**child, "taxonomy_id": child.get("taxonomy_id") or taxonomy_id}, where)
        return taxonomy_id

    def taxonomy_term(self, item: dict[str, Any], pointer: str) -> str | None:
        values = _scalars(item)
        detail = item.get("taxonomy_detail")
        if isinstance(detail, dict):
            values.setdefault("taxonomy_id", self.taxonomy(detail, f"{pointer}.taxonomy_detail".lstrip(".")))
        return self.bundle.add("taxonomy_term", values, self.origin(pointer))

    def attributes(self, item: dict[str, Any], pointer: str, link_id: str | None, link_entity: str) -> None:
        if "attributes" in item:
            self.bundle.mark_complete("attribute", link_id)
        for child, where in self._list(item, "attributes", pointer):
            values = {**_scalars(child), "link_id": link_id, "link_entity": link_entity}
            term = child.get("taxonomy_term")
            if isinstance(term, dict):
                term_id = self.taxonomy_term(term, f"{where}.taxonomy_term")
                values["taxonomy_term_id"] = values.get("taxonomy_term_id") or term_id
            self.bundle.add("attribute", values, self.origin(where))

    def location(self, item: dict[str, Any], pointer: str) -> str | None:
        location_id = self.bundle.add("location", _scalars(item), self.origin(pointer))
        for key, table, parent in LOCATION_CHILDREN:
            if key in item:
                self.bundle.mark_complete(table, location_id)
            for child, where in self._list(item, key, pointer):
                self.bundle.add(table, {**_scalars(child), parent: location_id}, self.origin(where))
        self.attributes(item, pointer, location_id, "location")
        return location_id

    def service_at_location(self, item: dict[str, Any], pointer: str, service_id: str | None = None) -> None:
        values = _scalars(item)
        if service_id:
            values["service_id"] = service_id
        location = item.get("location")
        if isinstance(location, dict):
            values["location_id"] = self.location(location, f"{pointer}.location".lstrip(".")) or values.get(
                "location_id")
        service = item.get("service")
        if isinstance(service, dict) and service_id is None:
            values["service_id"] = self.service(service, f"{pointer}.service".lstrip(".")) or values.get(
                "service_id")
        link_id = self.bundle.add("service_at_location", values, self.origin(pointer))
        for key, table in (("schedules", "schedule"), ("phones", "phone")):
            for child, where in self._list(item, key, pointer):
                self.bundle.add(table, {**_scalars(child), "service_at_location_id": link_id}, self.origin(where))

    def service(self, item: dict[str, Any], pointer: str) -> str | None:
        values = _scalars(item)
        organization = item.get("organization")
        if isinstance(organization, dict):
            organization_id = self.organization(organization, f"{pointer}.organization".lstrip("."))
            values["organization_id"] = values.get("organization_id") or organization_id
        service_id = self.bundle.add("service", values, self.origin(pointer))
        for key, table, parent in SERVICE_CHILDREN:
            if key in item:
                self.bundle.mark_complete(table, service_id)
            for child, where in self._list(item, key, pointer):
                self.bundle.add(table, {**_scalars(child), parent: service_id}, self.origin(where))
                if table == "contact":
                    for phone, phone_where in self._list(child, "phones", where):
                        self.bundle.add("phone", {**_scalars(phone), "contact_id": child.get("id")},
                                        self.origin(phone_where))
        if "service_at_locations" in item:
            self.bundle.mark_complete("service_at_location", service_id)
        for child, where in self._list(item, "service_at_locations", pointer):
            self.service_at_location(child, where, service_id)
        self.attributes(item, pointer, service_id, "service")
        self._not_kept(item, pointer, ("funding", "required_documents", "program", "capacities"))
        return service_id


def _rows_of(rows: Any, file: str, name: str, bundle: Bundle) -> list[dict[str, Any]]:
    if isinstance(rows, list) and all(isinstance(row, dict) for row in rows):
        return rows
    bundle.error(Origin(file, name), "", "must be a list of rows (JSON objects)")
    return []


def read_json_file(bundle: Bundle, path: Path, label: str) -> None:
    try:
        check_file(path)
        data = load_json(path.read_text(encoding="utf-8"))
    except UnsafeFile as problem:
        bundle.error(Origin(label, "the whole file"), "", str(problem))
        return
    except UnicodeDecodeError:
        bundle.error(Origin(label, "the whole file"), "", "is not UTF-8 text")
        return
    except json.JSONDecodeError as exc:
        bundle.error(Origin(label, f"line {exc.lineno}, column {exc.colno}"), "", f"is not valid JSON: {exc.msg}")
        return
    JsonReader(bundle, label, KIND_BY_FILE_NAME.get(path.stem)).read(data)


def read_source(path: Path) -> Bundle:
    """Read a file or folder of Open Referral UK data (not the organisations' template)."""
    bundle = Bundle()
    if path.is_symlink():
        bundle.error(Origin(str(path), ""), "", "is a symbolic link: give the file or folder itself")
    elif path.is_dir():
        if any(path.glob("*.csv")):
            read_csv_folder(bundle, path)
        json_files = sorted(item for item in path.glob("*.json") if item.name != "datapackage.json")
        for item in json_files:
            read_json_file(bundle, item, str(item))
        if not json_files and not any(path.glob("*.csv")):
            bundle.error(Origin(str(path), ""), "", "the folder has no .json or .csv files to import")
    elif path.suffix.lower() == ".json":
        read_json_file(bundle, path, str(path))
    else:
        bundle.error(Origin(str(path), ""), "", "give a .json file, a .csv template or a folder (the CSV data "
                     "package)")
    return bundle
