"""Moderators (the directory team) at /moderation: the queue of pending changes, a review page with the
difference from what the public sees now, approve or reject with a reason, the version history and
restoring an earlier version. Thin: portal/listings/moderation.py does the work."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.directory.services import valid_id
from portal.extensions import db
from portal.listings import forms, moderation
from portal.listings.services import SUBJECT_ORGANISATION, load_snapshot
from portal.models import Organization
from portal.templating import vocabularies

blueprint = Blueprint("moderation", __name__, template_folder="templates", url_prefix="/moderation")


def _go(url: str) -> Response:
    return redirect(url, code=303)


@blueprint.get("")
@roles("moderator")
def queue():  # type: ignore[no-untyped-def]
    versions = moderation.pending_versions()
    organisations = {o.id: o for o in db.session.query(Organization).filter(
        Organization.id.in_({v.organization_id for v in versions}))} if versions else {}
    return render_template("listings/moderation/queue.html", versions=versions, organisations=organisations,
                           names={v.id: load_snapshot(v).get("name") or "" for v in versions},
                           people=moderation.people_names(versions))


@blueprint.route("/versions/<version_id>", methods=["GET", "POST"])
@roles("moderator")
def review(version_id: str):  # type: ignore[no-untyped-def]
    version = moderation.get_version(version_id)
    if version is None:
        abort(404)
    form = forms.DecisionForm()
    problem = None
    if version.status == "pending" and form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                moderation.approve(version, current_user, vocabularies())
                flash(_("The change is approved and published."), "approved")
            else:
                moderation.reject(version, current_user, form.reason.data)
                flash(_("The change is rejected. The editors have been told why."), "rejected")
        except moderation.ModerationError as error:
            db.session.rollback()
            problem = str(error)
        else:
            return _go(url_for("moderation.queue"))
    return render_template("listings/moderation/review.html", review=moderation.review_of(version, vocabularies()),
                           form=form, problem=problem, people=moderation.people_names([version]),
                           is_organisation=version.subject == SUBJECT_ORGANISATION)


@blueprint.get("/services/<service_id>/history")
@roles("moderator")
def history(service_id: str):  # type: ignore[no-untyped-def]
    if not valid_id(service_id):
        abort(404)
    versions = moderation.history(service_id)
    if not versions:
        abort(404)
    return render_template("listings/moderation/history.html", versions=versions, service_id=service_id,
                           name=load_snapshot(versions[0]).get("name") or "",
                           people=moderation.people_names(versions), restore_form=forms.ConfirmForm())


@blueprint.post("/versions/<version_id>/restore")
@roles("moderator")
def restore(version_id: str):  # type: ignore[no-untyped-def]
    version = moderation.get_version(version_id)
    if version is None:
        abort(404)
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    try:
        restored = moderation.restore(version, current_user, vocabularies())
    except moderation.ModerationError as error:
        db.session.rollback()
        flash(str(error), "staff")
    else:
        flash(_("Version %(old)s is restored as version %(new)s and published.", old=version.number,
                new=restored.number), "approved")
    return _go(url_for("moderation.history", service_id=version.service_id))
