"""Helplines and local services for every need (directory_data/sources/support_services.csv), in our
own words from directory_data/support_services.yaml.

The CSV's rules (its README): numbers only where `contact_confirmed` is "yes"; hours whose source is
old ("... check") are not shown as times; none of it has been checked with the organisation, so no
listing gets an `assured_date`. National services have a service area and no place; Greater
Manchester and Tameside services keep their addresses, with a map point from the postcode gazetteer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from portal.datafiles import DataFileError
from portal.datafiles.support_services import SERVICES_FILE, WORDS_FILE, SupportRow, read_rows, read_words
from portal.datafiles.vocabularies import Vocabularies
from portal.models import Postcode
from portal.seed.builders import (
    GREATER_MANCHESTER,
    NATIONAL,
    PlaceSpec,
    ServiceSpec,
    add_organisation,
    add_place,
    add_service,
)
from portal.seed.records import SeedPlan

# A service anyone can contact themselves (a helpline, a drop-in) is a universal service in the
# strategy's levels of need ("provided as a right to all children", seed 000, section 5). One that
# needs a referral has no level here: the file does not say which.
OPEN_ACCESS_LEVELS = ["universal"]
SOURCE = "support-services"
SCOPES = {"national": NATIONAL, "greater-manchester": GREATER_MANCHESTER, "tameside": None}
# Organisations the documents already describe: their rows join them rather than make a second one.
KNOWN_ORGANISATIONS = {"Tameside Council": "tameside-council"}
UNCONFIRMED_ALERT = (
    "Contact details to be confirmed: we do not show a phone number for this service until the "
    "organisation confirms it."
)


def add_support_services(plan: SeedPlan, data_dir: Path, vocab: Vocabularies,
                         organisations: dict[str, str]) -> None:
    path = data_dir / SERVICES_FILE
    rows = read_rows(path, vocab)
    words = read_words(data_dir / WORDS_FILE, rows, vocab)
    gazetteer = {row["postcode"]: row for row in plan.rows.get(Postcode, [])}
    made: dict[str, str] = {}
    for row in rows:
        entry = words[row.name]
        if entry.get("leave_out"):
            plan.skip("support services left out (see support_services.yaml)")
            continue
        _add_row(plan, path, row, entry, vocab, organisations, made, gazetteer)


def _organisation(plan: SeedPlan, name: str, organisations: dict[str, str], made: dict[str, str]) -> str:
    if name in KNOWN_ORGANISATIONS and KNOWN_ORGANISATIONS[name] in organisations:
        return organisations[KNOWN_ORGANISATIONS[name]]
    if name not in made:
        key = "support-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        made[name] = add_organisation(plan, key, SOURCE, name=name, description="", kind="vcse")
    return made[name]


def _add_row(plan: SeedPlan, path: Path, row: SupportRow, entry: dict[str, Any], vocab: Vocabularies,
             organisations: dict[str, str], made: dict[str, str], gazetteer: dict[str, dict[str, Any]]) -> None:
    place = _place(path, row, entry, gazetteer)
    if not (row.phone or row.text or row.website or row.email or place):
        raise DataFileError(path, "the listing has no way to reach it: no confirmed phone or text number, "
                                  "website, email or address", row=row.line, field="contact_confirmed")
    needs = [row.need] + [need for need in entry.get("also_needs", []) if need != row.need]
    key = f"support-{entry['key']}"
    organisation_id = _organisation(plan, row.organisation, organisations, made)
    service_id = add_service(
        plan,
        ServiceSpec(
            key=key,
            organization_id=organisation_id,
            name=row.name,
            description=entry["description"].strip(),
            source=SOURCE,
            needs=needs,
            levels=[] if entry.get("needs_referral", False) else OPEN_ACCESS_LEVELS,
            application_process=_how_to(row, entry),
            minimum_age=entry.get("minimum_age"),
            maximum_age=entry.get("maximum_age"),
            self_referral=not entry.get("needs_referral", False),
            needs_referral=entry.get("needs_referral", False),
            all_of_tameside=row.scope == "tameside" and place is None,
            wider_area=SCOPES[row.scope],
            url=row.website,
            email=row.email,
            alert=None if row.confirmed else UNCONFIRMED_ALERT,
            phones=[(row.phone, row.phone_note)] if row.phone else [],
            texts=[(row.text, None)] if row.text else [],
        ),
        vocab,
    )
    if place is not None:
        add_place(plan, service_id, organisation_id, PlaceSpec(key=key, **place), SOURCE, vocab)


def _how_to(row: SupportRow, entry: dict[str, Any]) -> str | None:
    parts = [entry["how_to"].strip()] if entry.get("how_to") else []
    if row.hours and (row.hours_unconfirmed or entry.get("hours") == "unconfirmed"):
        parts.append("The times we found may be out of date: check them with the service.")
    elif row.hours:
        parts.append(f"Times, as the service gives them: {row.hours}.")
    return " ".join(parts) or None


def _place(path: Path, row: SupportRow, entry: dict[str, Any],
           gazetteer: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The row's address as a place, or None (a national service, or an address not to be shown)."""
    if not row.address or entry.get("no_place"):
        return None
    if row.scope == "national":
        raise DataFileError(path, "a national service has no address in Tameside", row=row.line, field="address")
    given = entry.get("place")
    if row.several_postcodes and not given:
        raise DataFileError(path, "several places in one row: give the place in "
                                  f"{WORDS_FILE}, or say why there is none (no_place)", row=row.line, field="postcode")
    if given:
        address_1, address_2, city = given["address_1"], given.get("address_2") or None, given["city"]
    else:
        parts = [part.strip() for part in row.address.split(",") if part.strip()]
        if len(parts) < 2:
            raise DataFileError(path, "an address needs at least a first line and a town, separated by commas",
                                row=row.line, field="address")
        address_1, address_2, city = parts[0], ", ".join(parts[1:-1]) or None, parts[-1]
    point = gazetteer.get(row.postcode or "")
    return {
        "name": row.name,
        "address_1": address_1,
        "address_2": address_2,
        "city": city,
        "postal_code": row.postcode or "",
        "latitude": point["latitude"] if point else None,
        "longitude": point["longitude"] if point else None,
        "ward_code": point["ward_code"] if point else None,
        "description": (given or {}).get("note") or (
            None if point else "We have no map point for this address."),
    }
