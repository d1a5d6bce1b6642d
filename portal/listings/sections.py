"""The sections of a service an editor changes one at a time: what each form starts with, and how a
valid form changes the snapshot. Places and opening times are addressed by their position."""

from __future__ import annotations

import copy
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from portal.datafiles.vocabularies import Vocabularies
from portal.extensions import db
from portal.geo.postcodes import normalise_postcode
from portal.inputs import whole_number
from portal.listings import forms
from portal.listings.snapshots import empty_location, sort_times
from portal.models import Postcode

SECTIONS = {
    "details": (forms.DetailsForm, _l("Name, description and contact details")),
    "who": (forms.WhoForm, _l("Who it is for")),
    "languages": (forms.LanguagesForm, _l("Languages")),
    "costs": (forms.CostsForm, _l("Cost")),
    "status": (forms.StatusForm, _l("Open or temporarily closed")),
}


def language_name(code: str) -> str:
    if code == "bfi":
        return "British Sign Language"
    try:
        return Locale.parse(code).get_display_name("en") or code
    except ValueError:
        return code


def section_form(section: str, snapshot: dict[str, Any], vocab: Vocabularies, posted: bool) -> FlaskForm:
    form_class = SECTIONS[section][0]
    data = None if posted else initial_data(section, snapshot)
    form: Any = form_class(data=data)
    if section == "who":
        form.needs.choices = [SelectChoice(slug, need.name) for slug, need in vocab.needs.items()]
        form.levels.choices = [SelectChoice(slug, f"{level.family_name} ({level.name})")
                               for slug, level in vocab.levels.items()]
    if section == "languages":
        codes = list(forms.LANGUAGE_CODES) + [lang["code"] for lang in snapshot.get("languages", [])
                                              if lang.get("code") not in forms.LANGUAGE_CODES]
        form.languages.choices = [SelectChoice(code, language_name(code)) for code in codes]
    return form


def initial_data(section: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    if section == "details":
        return {"name": snapshot.get("name"), "description": snapshot.get("description"),
                "url": snapshot.get("url") or "", "email": snapshot.get("email") or "",
                "phones": forms.phones_text(snapshot.get("phones") or [])}
    if section == "who":
        return {"minimum_age": "" if snapshot.get("minimum_age") is None else str(snapshot["minimum_age"]),
                "maximum_age": "" if snapshot.get("maximum_age") is None else str(snapshot["maximum_age"]),
                "needs": snapshot.get("needs") or [], "levels": snapshot.get("levels") or [],
                "self_referral": bool(snapshot.get("self_referral"))}
    if section == "languages":
        return {"languages": [lang["code"] for lang in snapshot.get("languages") or []]}
    if section == "costs":
        costs = snapshot.get("costs") or {}
        cost = "free" if costs.get("free") else ("paid" if costs.get("free") is False else "unknown")
        return {"cost": cost, "amount": costs.get("amount") or "", "description": costs.get("description") or ""}
    return {"temporarily_closed": "yes" if snapshot.get("temporarily_closed") else "no",
            "alert": snapshot.get("alert") or ""}


def updated(section: str, snapshot: dict[str, Any], form: Any) -> dict[str, Any]:
    new = copy.deepcopy(snapshot)
    if section == "details":
        new.update(name=form.name.data, description=form.description.data, url=form.url.data or None,
                   email=form.email.data or None, phones=forms.parse_phones(form.phones.data))
    elif section == "who":
        new.update(minimum_age=whole_number(form.minimum_age.data, forms.MAX_AGE),
                   maximum_age=whole_number(form.maximum_age.data, forms.MAX_AGE),
                   needs=sorted(form.needs.data or []), levels=sorted(form.levels.data or []),
                   self_referral=bool(form.self_referral.data))
    elif section == "languages":
        new["languages"] = [{"code": code, "name": language_name(code)} for code in form.languages.data or []]
    elif section == "costs":
        amount = (form.amount.data or "").lstrip("£") or None
        new["costs"] = {"free": {"free": True, "paid": False}.get(form.cost.data),
                        "amount": amount if form.cost.data == "paid" else None,
                        "description": form.description.data or None}
    elif section == "status":
        new.update(temporarily_closed=form.temporarily_closed.data == "yes", alert=form.alert.data or None)
    return new


# Places.

def place_at(snapshot: dict[str, Any], place: str) -> dict[str, Any] | None:
    """The place at this position ("new" for one being added); None when there is no such place."""
    if place == "new":
        return empty_location()
    position = whole_number(place, len(snapshot.get("locations") or []) - 1)
    if position is None:
        return None
    location: dict[str, Any] = snapshot["locations"][position]
    return location


def place_data(location: dict[str, Any]) -> dict[str, Any]:
    return {"name": location.get("name") or "", "address_1": location.get("address_1") or "",
            "address_2": location.get("address_2") or "", "town": location.get("town") or "",
            "postcode": location.get("postcode") or "", "hide_exact_address": bool(location.get("hide_exact_address")),
            "accessibility": "\n".join(location.get("accessibility") or [])}


def check_postcode(form: forms.PlaceForm) -> bool:
    """The postcode must be one the gazetteer knows, so the place can be found by distance."""
    postcode = normalise_postcode(form.postcode.data or "")
    if postcode is None:
        return False
    if db.session.get(Postcode, postcode) is None:
        form.postcode.errors = list(form.postcode.errors) + [
            _l("We cannot find the postcode %(postcode)s in Tameside or nearby. Check it is right", postcode=postcode)]
        return False
    return True


def with_place(snapshot: dict[str, Any], place: str, form: forms.PlaceForm) -> dict[str, Any]:
    new = copy.deepcopy(snapshot)
    existing = place_at(new, place) or empty_location()
    existing.update(name=form.name.data or None, address_1=form.address_1.data, address_2=form.address_2.data or None,
                    town=form.town.data, postcode=normalise_postcode(form.postcode.data),
                    hide_exact_address=bool(form.hide_exact_address.data),
                    accessibility=[line.strip() for line in (form.accessibility.data or "").splitlines()
                                   if line.strip()])
    if place == "new":
        new.setdefault("locations", []).append(existing)
    return new


def without_place(snapshot: dict[str, Any], place: str) -> dict[str, Any] | None:
    if place_at(snapshot, place) is None or place == "new":
        return None
    new = copy.deepcopy(snapshot)
    del new["locations"][int(place)]  # a position place_at has just checked
    return new


# Opening times: for one place (by position) or for the service as a whole ("service").

def times_at(snapshot: dict[str, Any], place: str) -> list[dict[str, Any]] | None:
    if place == "service":
        return list(snapshot.get("opening_times") or [])
    location = place_at(snapshot, place) if place != "new" else None
    return list(location.get("opening_times") or []) if location is not None else None


def times_data(rows: list[dict[str, Any]]) -> dict[str, str]:
    data: dict[str, str] = {}
    counts: dict[str, int] = {}
    for row in sort_times(rows):
        slot = counts.get(row["day"], 0) + 1
        counts[row["day"]] = slot
        if slot <= forms.SLOTS_PER_DAY:
            data[f"{row['day']}_{slot}_opens"] = row["opens"]
            data[f"{row['day']}_{slot}_closes"] = row["closes"]
    return data


def with_times(snapshot: dict[str, Any], place: str, form: Any) -> dict[str, Any]:
    """The snapshot with this place's times from the form. Notes on existing times are kept."""
    previous = {(row["day"], row["opens"], row["closes"]): row.get("note") for row in times_at(snapshot, place) or []}
    rows = []
    for day, slot in form.slots():
        opens = forms.parse_time(form[f"{day}_{slot}_opens"].data)
        closes = forms.parse_time(form[f"{day}_{slot}_closes"].data)
        if opens and closes:
            row = {"day": day, "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            row["note"] = previous.get((day, row["opens"], row["closes"]))
            rows.append(row)
    new = copy.deepcopy(snapshot)
    if place == "service":
        new["opening_times"] = sort_times(rows)
    else:
        new["locations"][int(place)]["opening_times"] = sort_times(rows)  # checked by times_at
    return new


def times_beyond_form(rows: list[dict[str, Any]]) -> bool:
    """True when a day has more sessions than the form shows (they would be lost)."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["day"]] = counts.get(row["day"], 0) + 1
    return any(count > forms.SLOTS_PER_DAY for count in counts.values())
