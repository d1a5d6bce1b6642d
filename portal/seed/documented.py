"""Organisations and services described from Tameside's Early Help documents
(directory_data/organisations.yaml and directory_data/services/*.yaml)."""

from __future__ import annotations

from pathlib import Path

from portal.datafiles import DataFileError, read_yaml
from portal.datafiles.vocabularies import Vocabularies
from portal.seed.builders import ServiceSpec, add_organisation, add_service
from portal.seed.records import SeedPlan, uk_phone

SOURCE = "documents"
ORGANISATIONS_FILE = Path("organisations.yaml")
SERVICES_DIR = Path("services")


def add_documented(plan: SeedPlan, data_dir: Path, vocab: Vocabularies) -> dict[str, str]:
    """Add the documented organisations and services; return organisation ids by key."""
    organisations = _add_organisations(plan, data_dir / ORGANISATIONS_FILE)
    service_keys: dict[str, Path] = {}
    for path in sorted((data_dir / SERVICES_DIR).glob("*.yaml")):
        for row, item in enumerate(read_yaml(path, "services")["services"], start=1):
            _check_service(path, row, item, organisations, vocab, service_keys)
            add_service(plan, _spec(item, organisations[item["organisation"]]), vocab)
    return organisations


def _add_organisations(plan: SeedPlan, path: Path) -> dict[str, str]:
    ids: dict[str, str] = {}
    for row, item in enumerate(read_yaml(path, "organisations")["organisations"], start=1):
        if item["key"] in ids:
            raise DataFileError(path, f"the key {item['key']!r} appears twice", row=row, field="key")
        ids[item["key"]] = add_organisation(
            plan,
            item["key"],
            SOURCE,
            name=item["name"].strip(),
            alternate_name=item.get("alternate_name") or None,
            description=item["description"].strip(),
            kind=item["kind"],
            website=item.get("website") or None,
            email=item.get("email") or None,
        )
    return ids


def _check_service(path: Path, row: int, item: dict, organisations: dict[str, str], vocab: Vocabularies,
                   seen: dict[str, Path]) -> None:
    if item["key"] in seen:
        raise DataFileError(path, f"the key {item['key']!r} is already used in {seen[item['key']]}", row=row,
                            field="key")
    seen[item["key"]] = path
    if item["organisation"] not in organisations:
        raise DataFileError(path, f"no organisation has the key {item['organisation']!r}", row=row,
                            field="organisation")
    for field_name, known in (("needs", vocab.needs), ("levels", vocab.levels)):
        unknown = [code for code in item[field_name] if code not in known]
        if unknown:
            raise DataFileError(path, f"unknown {field_name}: {', '.join(unknown)}", row=row, field=field_name)
    if item.get("reach") and (item.get("phones") or item.get("email") or item.get("url")):
        raise DataFileError(path, "`reach` is only for a service with no phone, email or website of its own",
                            row=row, field="reach")
    minimum, maximum = item.get("minimum_age"), item.get("maximum_age")
    if minimum is not None and maximum is not None and maximum < minimum:
        raise DataFileError(path, f"maximum_age {maximum} is below minimum_age {minimum}", row=row,
                            field="maximum_age")


def _spec(item: dict, organisation_id: str) -> ServiceSpec:
    return ServiceSpec(
        key=item["key"],
        organization_id=organisation_id,
        name=item["name"].strip(),
        alternate_name=item.get("alternate_name") or None,
        description=item["description"].strip(),
        source=SOURCE,
        needs=list(item["needs"]),
        levels=list(item["levels"]),
        application_process=(item.get("application_process") or "").strip() or None,
        eligibility_description=(item.get("eligibility_description") or "").strip() or None,
        minimum_age=item.get("minimum_age"),
        maximum_age=item.get("maximum_age"),
        self_referral=item.get("self_referral", False),
        needs_referral=item.get("needs_referral", False),
        free=item.get("free"),
        all_of_tameside=item.get("service_area") == "all-of-tameside",
        url=item.get("url"),
        email=item.get("email"),
        phones=[(uk_phone(phone["number"]), phone.get("description")) for phone in item.get("phones", [])],
    )
