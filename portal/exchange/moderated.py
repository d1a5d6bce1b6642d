"""An import without --approve: each imported service becomes a pending listing version (a snapshot,
as portal/listings/snapshots.py describes it) for a moderator to review, through
portal.listings.services.propose_snapshot. Nothing reaches the live tables until a moderator
approves it.

The snapshot holds a listing's editable details only; what it cannot carry (contacts, service
areas, other taxonomies, eligibility...) is reported, and can be written with --approve instead.
Services of organisations that are not in the directory yet are refused: an organisation is added
by a moderator (or with --approve) first.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY
from portal.exchange.checks import Checked
from portal.exchange.importing import ImportOutcome, ImportRefused
from portal.exchange.records import Problem
from portal.listings.snapshots import opening_rows
from portal.models import Address, ListingVersion, Location, Organization, Service, TaxonomyTerm

ACTOR = "import (command line)"
NOT_CARRIED = {"organization": "organisation details (a moderator edits those)", "contact": "contacts",
               "service_area": "service areas", "accessibility": "accessibility details", "taxonomy": "taxonomies",
               "taxonomy_term": "taxonomy terms"}
NOT_CARRIED_FIELDS = ("eligibility_description", "application_process", "interpretation_services", "wait_time",
                      "accreditations", "alternate_name", "assured_date", "assurer_email")


def _children(checked: Checked, table: str, service_id: str, **conditions: Any) -> list[dict[str, Any]]:
    rows = [row for row in checked.rows.get(table, {}).values() if row.get("service_id") == service_id]
    return sorted((row for row in rows if all(row.get(key) == value for key, value in conditions.items())),
                  key=lambda row: row["id"])


def _listed(checked: Checked, table: str, parent_id: str, rows: list[dict[str, Any]]) -> bool:
    complete = checked.complete.get(table, set())
    return bool(rows) or parent_id in complete or "*" in complete


def _times(schedules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return opening_rows((schedule.get("byday"), schedule.get("opens_at"), schedule.get("closes_at"),
                         schedule.get("description")) for schedule in schedules)


def _term_codes(session: Session, checked: Checked, term_ids: set[str]) -> dict[str, tuple[str | None, str | None]]:
    found = {term_id: (row.get("taxonomy"), row.get("code"))
             for term_id, row in checked.rows.get("taxonomy_term", {}).items() if term_id in term_ids}
    missing = term_ids - set(found)
    if missing:
        for term in session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.id.in_(sorted(missing)))):
            found[term.id] = (term.taxonomy, term.code)
    return found


def _place(session: Session, checked: Checked, link: dict[str, Any]) -> dict[str, Any]:
    location_id = link["location_id"]
    location = checked.rows.get("location", {}).get(location_id)
    live = session.get(Location, location_id)
    addresses = sorted((row for row in checked.rows.get("address", {}).values() if row["location_id"] == location_id),
                       key=lambda row: (row.get("address_type") != "physical", row["id"]))
    address: dict[str, Any] = addresses[0] if addresses else {}
    if not address and live is not None and live.address is not None:
        found: Address = live.address
        address = {"address_1": found.address_1, "address_2": found.address_2, "city": found.city,
                   "postal_code": found.postal_code}
    schedules = [row for row in checked.rows.get("schedule", {}).values()
                 if row.get("service_at_location_id") == link["id"]]
    accessibility = sorted(checked.rows.get("accessibility", {}).values(), key=lambda row: row["id"])
    return {
        "id": location_id,
        "name": (location or {}).get("name") if location else (live.name if live else None),
        "address_1": address.get("address_1") or "", "address_2": address.get("address_2") or None,
        "town": address.get("city") or "", "postcode": address.get("postal_code") or "",
        "hide_exact_address": bool(live.mask_exact_address) if live else False,
        "accessibility": [row["description"] for row in accessibility
                          if row["location_id"] == location_id and row.get("description")],
        "opening_times": _times(schedules),
    }


def snapshot_for(session: Session, checked: Checked, service_id: str, base: dict[str, Any]) -> dict[str, Any]:
    """The snapshot of an imported service: the live (or empty) snapshot with what the file says."""
    row = checked.rows["service"][service_id]
    snapshot = json.loads(json.dumps(base))
    snapshot.update(name=row["name"], description=row.get("description") or "",
                    temporarily_closed=row.get("status") == "temporarily closed", alert=row.get("alert") or None,
                    url=row.get("url") or None, email=row.get("email") or None, minimum_age=row.get("minimum_age"),
                    maximum_age=row.get("maximum_age"))
    phones = _children(checked, "phone", service_id, service_at_location_id=None, contact_id=None)
    if _listed(checked, "phone", service_id, phones):
        snapshot["phones"] = [{"number": phone["number"], "description": phone.get("description") or None}
                              for phone in phones]
    languages = _children(checked, "language", service_id)
    if _listed(checked, "language", service_id, languages):
        snapshot["languages"] = [{"code": language.get("code") or "", "name": language.get("name")
                                  or language.get("code") or ""} for language in languages]
    attributes = [attribute for attribute in checked.rows.get("attribute", {}).values()
                  if attribute["link_id"] == service_id]
    if _listed(checked, "attribute", service_id, attributes):
        codes = _term_codes(session, checked, {attribute["taxonomy_term_id"] for attribute in attributes})
        for key, taxonomy in (("needs", NEEDS_TAXONOMY), ("levels", LEVELS_TAXONOMY)):
            snapshot[key] = sorted({code for term_id, (name, code) in codes.items() if name == taxonomy and code})
    costs = _children(checked, "cost_option", service_id)
    if _listed(checked, "cost_option", service_id, costs) or row.get("fees_description"):
        paid = [option for option in costs if option.get("amount")]
        snapshot["costs"] = {
            "free": (not paid) if costs else None,
            "amount": str(paid[0]["amount"]) if paid else None,
            "description": row.get("fees_description") or (paid[0].get("amount_description") if paid else None),
        }
    schedules = _children(checked, "schedule", service_id, service_at_location_id=None)
    if _listed(checked, "schedule", service_id, schedules):
        snapshot["opening_times"] = _times(schedules)
    links = _children(checked, "service_at_location", service_id)
    if _listed(checked, "service_at_location", service_id, links):
        snapshot["locations"] = [_place(session, checked, link) for link in links]
    return snapshot


def _pending_snapshot(session: Session, service_id: str) -> dict[str, Any] | None:
    version = session.scalars(select(ListingVersion).where(
        ListingVersion.service_id == service_id, ListingVersion.status == "pending")
        .order_by(ListingVersion.number.desc()).limit(1)).first()
    return json.loads(version.snapshot) if version else None


def propose_checked(session: Session, checked: Checked) -> ImportOutcome:
    from portal.listings.services import propose_snapshot
    from portal.listings.snapshots import empty_service_snapshot, snapshot_of

    services = checked.rows.get("service", {})
    new_organisations = sorted({row["organization_id"] for row in services.values()
                                if session.get(Organization, row["organization_id"]) is None})
    if new_organisations:
        names = [checked.rows.get("organization", {}).get(key, {}).get("name") or key for key in new_organisations]
        raise ImportRefused("These organisations are not in the directory yet: " + "; ".join(names) + ". A "
                            "moderator adds organisations: import them with --approve (or add them) first, then "
                            "send their services to the moderation queue.")
    outcome = ImportOutcome(checked)
    carried_none = sorted({label for table, label in NOT_CARRIED.items() if checked.rows.get(table)}
                          | {name for row in services.values() for name in NOT_CARRIED_FIELDS if row.get(name)})
    if carried_none:
        checked.problems.append(Problem("", "", "", "not sent to the moderation queue, which holds a listing's "
                                        "editable details only: " + ", ".join(carried_none) + " (use --approve to "
                                        "write them)", warning=True))
    for service_id in sorted(services):
        row = services[service_id]
        live = session.get(Service, service_id)
        base = snapshot_of(live) if live is not None else empty_service_snapshot()
        snapshot = snapshot_for(session, checked, service_id, base)
        if (live is not None and snapshot == base) or _pending_snapshot(session, service_id) == snapshot:
            outcome.unchanged.append(service_id)
            continue
        propose_snapshot(service_id, row["organization_id"], snapshot, ACTOR, note="Imported from a data file.")
        outcome.proposed.append(service_id)
    return outcome
