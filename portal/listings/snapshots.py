"""Snapshots of a listing: the whole of a service's editable details as one JSON-friendly dict.

Editors' drafts, pending changes and the version history (table `listing_version`) all hold
snapshots. `snapshot_of` reads one from the live Open Referral tables, `apply_snapshot` writes one
back (creating the service when it is new), and `differences` lists what changed, field by field.

Service snapshot (every key is always present; unknown values are None or empty):

    name                 str
    description          str
    temporarily_closed   bool   (the service's status becomes "temporarily closed", or "active" again)
    alert                str | None   a short notice shown at the top of the public page
    url                  str | None   website
    email                str | None
    phones               [{"number": str, "description": str | None}]
    minimum_age          int | None
    maximum_age          int | None
    needs                [need slug, ...]    (directory_data/vocabularies)
    levels               [level slug, ...]
    self_referral        bool   families can contact the service themselves
    languages            [{"code": "ur", "name": "Urdu"}]
    costs                {"free": bool | None, "amount": "2.50" | None, "description": str | None}
                         free None: not known; amount in pounds, as text
    opening_times        [{"day": "MO".."SU", "opens": "09:00", "closes": "17:00", "note": str | None}]
                         times for the service as a whole (one not tied to a place)
    locations            [{"id": location id | None (a new place),
                           "name": str | None,
                           "address_1": str, "address_2": str | None, "town": str, "postcode": str,
                           "hide_exact_address": bool   the public sees only the town and postcode area,
                           "accessibility": [str, ...],
                           "opening_times": [same shape as above]}]

Organisation snapshot (a version whose `subject` is "organisation"):

    name, description, website, email,
    works_with_children  bool
    safeguarding_lead    str | None   (moderators only; never shown to the public)
    safeguarding_policy_date  "YYYY-MM-DD" | None

No Flask here: the importer and the command line use it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY, Vocabularies
from portal.models import (
    Accessibility,
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from portal.models._base import PORTAL_SOURCE
from portal.models.schedule import WEEKDAYS, weekdays_of

DAY_NAMES = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
             "SA": "Saturday", "SU": "Sunday"}
SERVICE_FIELDS = ("name", "description", "temporarily_closed", "alert", "url", "email", "phones", "minimum_age",
                  "maximum_age", "needs", "levels", "self_referral", "languages", "costs", "opening_times",
                  "locations")
ORGANISATION_FIELDS = ("name", "description", "website", "email", "works_with_children", "safeguarding_lead",
                       "safeguarding_policy_date")


def N_(message: str) -> str:
    """Marks a message for translation (pybabel extracts N_); it is translated where it is shown."""
    return message


# Labels for the difference a moderator reviews (translated where they are shown).
LABELS = {
    "name": N_("Name"), "description": N_("Description"), "temporarily_closed": N_("Temporarily closed"),
    "alert": N_("Notice"), "url": N_("Website"), "website": N_("Website"), "email": N_("Email"),
    "phones": N_("Phone numbers"), "minimum_age": N_("Minimum age"), "maximum_age": N_("Maximum age"),
    "needs": N_("Helps with"), "levels": N_("Levels of need"),
    "self_referral": N_("Families can contact it themselves"), "languages": N_("Languages"), "costs": N_("Cost"),
    "opening_times": N_("Opening times"), "works_with_children": N_("Works with children"),
    "safeguarding_lead": N_("Safeguarding lead"), "safeguarding_policy_date": N_("Safeguarding policy date"),
    "place": N_("Place"), "place_name": N_("Place name"), "address": N_("Address"),
    "hide_exact_address": N_("Exact address hidden"), "accessibility": N_("Accessibility"),
}


@dataclass(frozen=True)
class FieldChange:
    key: str  # a LABELS key
    label: str  # English; translated where shown
    old: str
    new: str
    place: str | None = None  # which place, for a change to one of the service's places


def empty_service_snapshot(name: str = "", description: str = "") -> dict[str, Any]:
    return {"name": name, "description": description, "temporarily_closed": False, "alert": None, "url": None,
            "email": None, "phones": [], "minimum_age": None, "maximum_age": None, "needs": [], "levels": [],
            "self_referral": False, "languages": [], "costs": {"free": None, "amount": None, "description": None},
            "opening_times": [], "locations": []}


def empty_location() -> dict[str, Any]:
    return {"id": None, "name": None, "address_1": "", "address_2": None, "town": "", "postcode": "",
            "hide_exact_address": False, "accessibility": [], "opening_times": []}


def _time_text(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def opening_rows(schedules: Iterable[tuple[str | None, dt.time | None, dt.time | None, str | None]]
                 ) -> list[dict[str, Any]]:
    """Opening times as a snapshot holds them, one row a day in the week's order, from each schedule's
    days (`byday`), opening and closing times and note; a schedule without both times is left out.
    For the live tables' schedules (`_times`) and an import's (exchange/moderated.py) alike."""
    rows = [{"day": day, "opens": _time_text(opens), "closes": _time_text(closes), "note": note or None}
            for byday, opens, closes, note in schedules if opens and closes for day in weekdays_of(byday)]
    return sort_times(rows)


def _times(schedules: list[Schedule]) -> list[dict[str, Any]]:
    return opening_rows((schedule.byday, schedule.opens_at, schedule.closes_at, schedule.description)
                        for schedule in schedules)


def sort_times(rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    return sorted(rows, key=lambda row: (WEEKDAYS.index(row["day"]), row["opens"], row["closes"]))


def snapshot_of(service: Service) -> dict[str, Any]:
    """The service's editable details as they are now in the live tables."""
    free_options = [option for option in service.cost_options if option.amount == 0]
    paid_options = [option for option in service.cost_options if option.amount]
    costs = {
        "free": True if service.cost_options and not paid_options else (False if paid_options else None),
        "amount": str(paid_options[0].amount) if paid_options else None,
        "description": service.fees_description or (
            paid_options[0].amount_description if paid_options else None) or None,
    }
    if free_options and not paid_options and costs["description"] in ("Free", ""):
        costs["description"] = None
    locations = []
    for link in service.service_at_locations:
        location = link.location
        address = location.address
        locations.append({
            "id": location.id,
            "name": location.name,
            "address_1": address.address_1 if address else "",
            "address_2": (address.address_2 if address else None) or None,
            "town": address.city if address else "",
            "postcode": address.postal_code if address else "",
            "hide_exact_address": bool(location.mask_exact_address),
            "accessibility": [item.description for item in location.accessibility if item.description],
            "opening_times": _times(link.schedules),
        })
    return {
        "name": service.name,
        "description": service.description or "",
        "temporarily_closed": bool(service.temporarily_closed or service.status == "temporarily closed"),
        "alert": service.alert or None,
        "url": service.url or None,
        "email": service.email or None,
        "phones": [{"number": phone.number, "description": phone.description or None} for phone in service.phones],
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "needs": sorted(service.term_codes(NEEDS_TAXONOMY)),
        "levels": sorted(service.term_codes(LEVELS_TAXONOMY)),
        "self_referral": bool(service.self_referral),
        "languages": [{"code": language.code, "name": language.name} for language in service.languages],
        "costs": costs,
        "opening_times": _times(service.schedules),
        "locations": locations,
    }


def organisation_snapshot_of(organisation: Organization) -> dict[str, Any]:
    policy_date = organisation.safeguarding_policy_date
    return {
        "name": organisation.name,
        "description": organisation.description or "",
        "website": organisation.website or None,
        "email": organisation.email or None,
        "works_with_children": bool(organisation.works_with_children),
        "safeguarding_lead": organisation.safeguarding_lead or None,
        "safeguarding_policy_date": policy_date.isoformat() if policy_date else None,
    }


def apply_organisation_snapshot(organisation: Organization, snapshot: Mapping[str, Any]) -> Organization:
    organisation.name = snapshot["name"]
    organisation.description = snapshot.get("description") or ""
    organisation.website = snapshot.get("website") or None
    organisation.email = snapshot.get("email") or None
    organisation.works_with_children = bool(snapshot.get("works_with_children"))
    organisation.safeguarding_lead = snapshot.get("safeguarding_lead") or None
    policy_date = snapshot.get("safeguarding_policy_date")
    organisation.safeguarding_policy_date = dt.date.fromisoformat(policy_date) if policy_date else None
    return organisation


def _clock(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _schedules(rows: list[Mapping[str, Any]], service_id: str, link_id: str | None = None) -> list[Schedule]:
    return [Schedule(service_id=service_id, service_at_location_id=link_id, freq="WEEKLY", byday=row["day"],
                     opens_at=_clock(row["opens"]), closes_at=_clock(row["closes"]), timezone="Europe/London",
                     description=row.get("note") or None)
            for row in rows]


def _terms(session: Session, taxonomy_name: str, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(TaxonomyTerm.code, TaxonomyTerm.id)
                           .where(TaxonomyTerm.taxonomy == taxonomy_name, TaxonomyTerm.code.in_(codes)))
    return {code: term_id for code, term_id in rows if code}


def _apply_terms(session: Session, service: Service, snapshot: Mapping[str, Any], vocab: Vocabularies) -> None:
    wanted = {NEEDS_TAXONOMY: [c for c in snapshot.get("needs", []) if c in vocab.needs],
              LEVELS_TAXONOMY: [c for c in snapshot.get("levels", []) if c in vocab.levels]}
    keep = []
    for attribute in list(service.attributes):
        taxonomy_name = attribute.taxonomy_term.taxonomy
        if taxonomy_name in wanted:
            if attribute.taxonomy_term.code in wanted[taxonomy_name]:
                wanted[taxonomy_name].remove(attribute.taxonomy_term.code)
                keep.append(attribute)
        else:
            keep.append(attribute)
    for taxonomy_name, codes in wanted.items():
        link_type = "needs" if taxonomy_name == NEEDS_TAXONOMY else "levels"
        for code, term_id in _terms(session, taxonomy_name, codes).items():
            keep.append(Attribute(link_id=service.id, link_entity="service", link_type=link_type,
                                  taxonomy_term_id=term_id))
    service.attributes = keep


def _apply_costs(service: Service, costs: Mapping[str, Any]) -> None:
    service.fees_description = costs.get("description") or None
    amount = None
    try:
        amount = Decimal(costs["amount"]) if costs.get("amount") else None
    except InvalidOperation:
        amount = None
    if costs.get("free"):
        service.cost_options = [CostOption(option="Free", amount=Decimal("0.00"), currency="GBP",
                                           amount_description=costs.get("description") or "Free")]
    elif amount is not None:
        service.cost_options = [CostOption(option="Cost", amount=amount, currency="GBP",
                                           amount_description=costs.get("description") or None)]
    else:
        service.cost_options = []


def _place_fields_changed(location: Location, place: Mapping[str, Any]) -> bool:
    address = location.address
    return (location.name != place.get("name") or not address or address.address_1 != place["address_1"]
            or (address.address_2 or None) != (place.get("address_2") or None) or address.city != place["town"]
            or address.postal_code != place["postcode"])


def _apply_location(session: Session, location: Location | None, organization_id: str,
                    place: Mapping[str, Any], vocab: Vocabularies) -> Location:
    """The place's live row: updated in place when it belongs to this organisation; a new row when the
    place is new, or when a place shared with another organisation is changed."""
    if location is not None and location.organization_id not in (organization_id, None) \
            and _place_fields_changed(location, place):
        location = None
    if location is None:
        location = Location(organization_id=organization_id, location_type="physical", data_source=PORTAL_SOURCE)
        session.add(location)
    postcode_changed = not location.address or location.address.postal_code != place["postcode"]
    location.name = place.get("name") or None
    location.mask_exact_address = bool(place.get("hide_exact_address"))
    if postcode_changed or location.latitude is None:
        row = session.get(Postcode, place["postcode"]) if place["postcode"] else None
        location.latitude = row.latitude if row else None
        location.longitude = row.longitude if row else None
        ward = row.ward_code if row and row.ward_code in vocab.wards else None
        location.ward_code = ward
        location.neighbourhood = vocab.ward_neighbourhood.get(ward or "")
    address = location.address
    if address is None:
        address = Address(state_province="Greater Manchester", country="GB", address_type="physical")
        location.addresses.append(address)
    address.address_1 = place["address_1"]
    address.address_2 = place.get("address_2") or None
    address.city = place["town"]
    address.postal_code = place["postcode"]
    wanted = list(place.get("accessibility") or [])
    if [item.description for item in location.accessibility] != wanted:
        location.accessibility = [Accessibility(description=text) for text in wanted]
    return location


def apply_snapshot(session: Session, service: Service | None, organization_id: str, snapshot: Mapping[str, Any],
                   vocab: Vocabularies, service_id: str | None = None) -> Service:
    """Write the snapshot to the live tables (the caller commits). Creates the service when None."""
    if service is None:
        service = Service(id=service_id, organization_id=organization_id, name=snapshot["name"],
                          description=snapshot.get("description") or "", data_source=PORTAL_SOURCE, status="active")
        session.add(service)
        session.flush()
    service.name = snapshot["name"]
    service.description = snapshot.get("description") or ""
    closed = bool(snapshot.get("temporarily_closed"))
    service.temporarily_closed = closed
    if closed:
        service.status = "temporarily closed"
    elif service.status == "temporarily closed":
        service.status = "active"
    service.alert = snapshot.get("alert") or None
    service.url = snapshot.get("url") or None
    service.email = snapshot.get("email") or None
    service.minimum_age = snapshot.get("minimum_age")
    service.maximum_age = snapshot.get("maximum_age")
    service.self_referral = bool(snapshot.get("self_referral"))
    if [(p.number, p.description or None) for p in service.phones] != [
            (p["number"], p.get("description") or None) for p in snapshot.get("phones", [])]:
        service.phones = [Phone(service_id=service.id, number=p["number"], type="voice",
                                description=p.get("description") or None) for p in snapshot.get("phones", [])]
    if [(lang.code, lang.name) for lang in service.languages] != [
            (lang["code"], lang["name"]) for lang in snapshot.get("languages", [])]:
        service.languages = [Language(code=lang["code"], name=lang["name"]) for lang in snapshot.get("languages", [])]
    _apply_terms(session, service, snapshot, vocab)
    _apply_costs(service, snapshot.get("costs") or {})
    if _times(service.schedules) != sort_times(list(snapshot.get("opening_times", []))):
        service.schedules = _schedules(list(snapshot.get("opening_times", [])), service.id)
    _apply_places(session, service, organization_id, list(snapshot.get("locations", [])), vocab)
    session.flush()
    return service


def _apply_places(session: Session, service: Service, organization_id: str, places: list[Mapping[str, Any]],
                  vocab: Vocabularies) -> None:
    links = {link.location_id: link for link in service.service_at_locations}
    kept: list[ServiceAtLocation] = []
    for place in places:
        link = links.pop(place["id"], None) if place.get("id") else None
        location = link.location if link else (session.get(Location, place["id"]) if place.get("id") else None)
        location = _apply_location(session, location, organization_id, place, vocab)
        session.flush()
        if link is None or link.location_id != location.id:
            if link is not None:
                links[link.location_id] = link  # the old place is no longer used
            link = ServiceAtLocation(service_id=service.id, location_id=location.id)
            link.location = location
            session.add(link)
            session.flush()
        if _times(link.schedules) != sort_times(list(place.get("opening_times", []))):
            link.schedules = _schedules(list(place.get("opening_times", [])), service.id, link.id)
        kept.append(link)
    for unused in links.values():
        session.delete(unused)
    service.service_at_locations = kept


# Differences.

def _text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def times_text(rows: list[Mapping[str, Any]]) -> str:
    return "; ".join(f"{DAY_NAMES.get(row['day'], row['day'])} {row['opens']} to {row['closes']}"
                     + (f" ({row['note']})" if row.get("note") else "") for row in sort_times(list(rows)))


def costs_text(costs: Mapping[str, Any] | None) -> str:
    costs = costs or {}
    parts = []
    if costs.get("free"):
        parts.append("Free")
    elif costs.get("amount"):
        parts.append(f"£{costs['amount']}")
    if costs.get("description"):
        parts.append(str(costs["description"]))
    return ", ".join(parts)


def address_text(place: Mapping[str, Any]) -> str:
    return ", ".join(part for part in (place.get("address_1"), place.get("address_2"), place.get("town"),
                                       place.get("postcode")) if part)


def _field_text(key: str, value: Any, names: Mapping[str, str]) -> str:
    if key in ("needs", "levels"):
        return ", ".join(names.get(code, code) for code in value or [])
    if key == "phones":
        return "; ".join(p["number"] + (f" ({p['description']})" if p.get("description") else "")
                         for p in value or [])
    if key == "languages":
        return ", ".join(lang.get("name") or lang.get("code") for lang in value or [])
    if key == "costs":
        return costs_text(value)
    if key == "opening_times":
        return times_text(value or [])
    if key == "accessibility":
        return "; ".join(value or [])
    return _text(value)


def _place_changes(old: list[Mapping[str, Any]], new: list[Mapping[str, Any]],
                   names: Mapping[str, str]) -> list[FieldChange]:
    changes = []
    old_by_id = {place["id"]: place for place in old if place.get("id")}
    matched: set[int] = set()
    pairs: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]] = []
    for place in new:
        before = old_by_id.get(place.get("id")) if place.get("id") else None
        if before is not None:
            matched.add(id(before))
        pairs.append((before, place))
    pairs += [(place, None) for place in old if id(place) not in matched]
    for before, after in pairs:
        label = (after or before or {}).get("name") or address_text(after or before or {}) or "New place"
        if before is None or after is None:
            changes.append(FieldChange("place", LABELS["place"], address_text(before) if before else "",
                                       address_text(after) if after else "", place=label))
            if after is not None and after.get("opening_times"):
                changes.append(FieldChange("opening_times", LABELS["opening_times"], "",
                                           times_text(after["opening_times"]), place=label))
            continue
        for key, old_value, new_value in (
                ("place_name", before.get("name"), after.get("name")),
                ("address", address_text(before), address_text(after)),
                ("hide_exact_address", bool(before.get("hide_exact_address")), bool(after.get("hide_exact_address"))),
                ("accessibility", before.get("accessibility"), after.get("accessibility")),
                ("opening_times", before.get("opening_times"), after.get("opening_times"))):
            old_text, new_text = _field_text(key, old_value, names), _field_text(key, new_value, names)
            if old_text != new_text:
                changes.append(FieldChange(key, LABELS[key], old_text, new_text, place=label))
    return changes


def differences(old: Mapping[str, Any] | None, new: Mapping[str, Any],
                names: Mapping[str, str] | None = None) -> list[FieldChange]:
    """What changed from `old` (None: nothing yet) to `new`, field by field, in reading order.
    `names` turns need and level slugs into their names."""
    old = old or {}
    names = names or {}
    changes = []
    for key in new:
        if key == "locations":
            changes += _place_changes(list(old.get("locations") or []), list(new["locations"] or []), names)
            continue
        old_text, new_text = _field_text(key, old.get(key), names), _field_text(key, new.get(key), names)
        if old_text != new_text:
            changes.append(FieldChange(key, LABELS.get(key, key), old_text, new_text))
    return changes
