"""Freshness pages: editors' one-click "still correct", and the moderators' overdue listings."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import roles
from portal.accounts.redirects import safe_next
from portal.freshness import services
from portal.freshness.forms import StillCorrectForm
from portal.freshness.rules import may_be_out_of_date

blueprint = Blueprint("freshness", __name__, template_folder="templates")


def _back(next_url: str | None, service_id: str) -> str:
    wanted = safe_next(next_url)
    if wanted:
        return wanted
    if current_user.has_role("moderator"):
        return url_for("freshness.overdue")
    if "listings.organisations" in current_app.view_functions:
        return url_for("listings.organisations")
    return url_for("directory.service", service_id=service_id)


@blueprint.post("/manage/services/<service_id>/still-correct")
@roles("editor", "moderator")
def still_correct(service_id: str) -> Response:
    form = StillCorrectForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service = services.confirm_still_correct(service_id, current_user)
    except services.NotFound:
        abort(404)
    flash(_("Thank you. “%(name)s” is marked as checked today.", name=service.name), "confirmed")
    return redirect(_back(form.next.data, service.id), code=303)


@blueprint.get("/moderation/overdue")
@roles("moderator")
def overdue():  # type: ignore[no-untyped-def]
    reminder_months, stale_months = services.thresholds()
    return render_template("freshness/overdue.html", groups=services.overdue_by_organisation(),
                           reminder_months=reminder_months, stale_months=stale_months)


@blueprint.app_template_global()
def listing_may_be_out_of_date(service) -> bool:  # type: ignore[no-untyped-def]
    """For the public service page: last checked FRESHNESS_STALE_MONTHS months ago or more."""
    return may_be_out_of_date(service.assured_date, services.today(), services.thresholds()[1])
