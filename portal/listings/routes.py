"""Organisations' editors at /manage: their organisations, their services, and a draft change made one
section at a time, then submitted for review. Thin: portal/listings/services.py does the work and
answers "not found" for anything outside the editor's own organisations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.listings import forms, sections, services
from portal.listings.services import Listing
from portal.listings.snapshots import DAY_NAMES, address_text, costs_text, times_text
from portal.templating import vocabularies

blueprint = Blueprint("listings", __name__, template_folder="templates", url_prefix="/manage")


def _go(url: str) -> Response:
    return redirect(url, code=303)


def _listing(service_id: str) -> Listing:
    listing = services.listing_for_editor(current_user, service_id)
    if listing is None:
        abort(404)
    return listing


def _saved(listing: Listing, snapshot: dict[str, Any]) -> Response:
    services.save_draft(current_user, listing, snapshot)
    flash(_("Your change is saved as a draft. Submit it for review when you are ready."), "saved")
    return _go(url_for("listings.service", service_id=listing.service_id))


@blueprint.get("")
@roles("editor")
def organisations():  # type: ignore[no-untyped-def]
    return render_template("listings/organisations.html", organisations=services.editor_organisations(current_user))


@blueprint.get("/organisations/<organisation_id>")
@roles("editor")
def organisation(organisation_id: str):  # type: ignore[no-untyped-def]
    found = services.organisation_for_editor(current_user, organisation_id)
    if found is None:
        abort(404)
    snapshot, pending = services.organisation_working_snapshot(found)
    return render_template("listings/organisation.html", organisation=found, snapshot=snapshot, pending=pending,
                           decision=services.latest_organisation_decision(found),
                           services=services.organisation_services(current_user, found))


@blueprint.route("/organisations/<organisation_id>/edit", methods=["GET", "POST"])
@roles("editor")
def edit_organisation(organisation_id: str):  # type: ignore[no-untyped-def]
    found = services.organisation_for_editor(current_user, organisation_id)
    if found is None:
        abort(404)
    snapshot, _pending = services.organisation_working_snapshot(found)
    initial = dict(snapshot, safeguarding_lead=snapshot.get("safeguarding_lead") or "",
                   website=snapshot.get("website") or "", email=snapshot.get("email") or "",
                   safeguarding_policy_date=_date(snapshot.get("safeguarding_policy_date")))
    form = forms.OrganisationForm(data=None if request.method == "POST" else initial)
    if form.validate_on_submit():
        date = form.safeguarding_policy_date.data
        new = {"name": form.name.data, "description": form.description.data or "", "website": form.website.data or None,
               "email": form.email.data or None, "works_with_children": bool(form.works_with_children.data),
               "safeguarding_lead": form.safeguarding_lead.data or None,
               "safeguarding_policy_date": date.isoformat() if date else None}
        services.propose_organisation(current_user, found, new, form.note.data)
        flash(_("Your changes to %(name)s have been sent to the directory team for review.", name=found.name),
              "submitted")
        return _go(url_for("listings.organisation", organisation_id=found.id))
    return render_template("listings/edit_organisation.html", organisation=found, form=form)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@blueprint.route("/organisations/<organisation_id>/services/new", methods=["GET", "POST"])
@roles("editor")
def new_service(organisation_id: str):  # type: ignore[no-untyped-def]
    found = services.organisation_for_editor(current_user, organisation_id)
    if found is None:
        abort(404)
    form = forms.NewServiceForm()
    if form.validate_on_submit():
        service_id = services.start_new_service(current_user, found, form.name.data, form.description.data)
        flash(_("The new service is saved as a draft. Add its details, then submit it for review."), "saved")
        return _go(url_for("listings.service", service_id=service_id))
    return render_template("listings/new_service.html", organisation=found, form=form)


def _overview(listing: Listing, submit_form: forms.SubmitForm) -> str:
    vocab = vocabularies()
    return render_template(
        "listings/service.html", listing=listing, snapshot=listing.snapshot, submit_form=submit_form,
        discard_form=forms.ConfirmForm(), needs=[vocab.needs[s].name for s in listing.snapshot.get("needs", [])
                                                 if s in vocab.needs],
        levels=[vocab.levels[s].family_name for s in listing.snapshot.get("levels", []) if s in vocab.levels],
        times_text=times_text, costs_text=costs_text, address_text=address_text)


@blueprint.get("/services/<service_id>")
@roles("editor")
def service(service_id: str):  # type: ignore[no-untyped-def]
    return _overview(_listing(service_id), forms.SubmitForm())


@blueprint.route("/services/<service_id>/sections/<section>", methods=["GET", "POST"])
@roles("editor")
def section(service_id: str, section: str):  # type: ignore[no-untyped-def]
    if section not in sections.SECTIONS:
        abort(404)
    listing = _listing(service_id)
    form = sections.section_form(section, listing.snapshot, vocabularies(), request.method == "POST")
    if form.validate_on_submit():
        return _saved(listing, sections.updated(section, listing.snapshot, form))
    return render_template("listings/section.html", listing=listing, form=form, section=section,
                           heading=sections.SECTIONS[section][1])


@blueprint.route("/services/<service_id>/places/<place>", methods=["GET", "POST"])
@roles("editor")
def place(service_id: str, place: str):  # type: ignore[no-untyped-def]
    listing = _listing(service_id)
    location = sections.place_at(listing.snapshot, place)
    if location is None:
        abort(404)
    form = forms.PlaceForm(data=None if request.method == "POST" else sections.place_data(location))
    if form.validate_on_submit() and sections.check_postcode(form):
        return _saved(listing, sections.with_place(listing.snapshot, place, form))
    return render_template("listings/place.html", listing=listing, form=form, place=place,
                           remove_form=forms.ConfirmForm())


@blueprint.post("/services/<service_id>/places/<place>/remove")
@roles("editor")
def remove_place(service_id: str, place: str):  # type: ignore[no-untyped-def]
    listing = _listing(service_id)
    form = forms.ConfirmForm()
    new = sections.without_place(listing.snapshot, place)
    if new is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    return _saved(listing, new)


@blueprint.route("/services/<service_id>/times/<place>", methods=["GET", "POST"])
@roles("editor")
def opening_times(service_id: str, place: str):  # type: ignore[no-untyped-def]
    listing = _listing(service_id)
    rows = sections.times_at(listing.snapshot, place)
    if rows is None:
        abort(404)
    form_class = forms.times_form_class()
    form = form_class(data=None if request.method == "POST" else sections.times_data(rows))
    if form.validate_on_submit():
        return _saved(listing, sections.with_times(listing.snapshot, place, form))
    location = None if place == "service" else sections.place_at(listing.snapshot, place)
    return render_template("listings/times.html", listing=listing, form=form, place=place, location=location,
                           days=list(DAY_NAMES), day_labels=forms.DAY_LABELS, slots=range(1, forms.SLOTS_PER_DAY + 1),
                           too_many=sections.times_beyond_form(rows), address_text=address_text)


@blueprint.post("/services/<service_id>/submit")
@roles("editor")
def submit(service_id: str):  # type: ignore[no-untyped-def]
    listing = _listing(service_id)
    form = forms.SubmitForm()
    if not form.validate_on_submit():
        return _overview(listing, form)
    if services.submit(current_user, listing, form.note.data) is None:
        flash(_("There is no draft to submit: make a change first."), "staff")
    else:
        flash(_("Your changes have been sent to the directory team for review. The public sees the current "
                "details until they are approved."), "submitted")
    return _go(url_for("listings.service", service_id=listing.service_id))


@blueprint.post("/services/<service_id>/discard")
@roles("editor")
def discard(service_id: str):  # type: ignore[no-untyped-def]
    listing = _listing(service_id)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    services.discard_draft(current_user, listing)
    flash(_("Your draft has been deleted."), "saved")
    if services.listing_for_editor(current_user, service_id) is None:
        return _go(url_for("listings.organisation", organisation_id=listing.organisation.id))
    return _go(url_for("listings.service", service_id=service_id))
