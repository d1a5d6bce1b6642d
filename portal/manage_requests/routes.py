"""Ask to manage a listing (public), and the moderators' pending requests with approve and reject."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import public, roles
from portal.directory.services import get_organisation
from portal.extensions import limiter
from portal.manage_requests import services
from portal.manage_requests.forms import ApproveForm, ManageRequestForm, RejectForm

blueprint = Blueprint("manage_requests", __name__, template_folder="templates")


def manage_request_rate_limit() -> str:
    return str(current_app.config.get("MANAGE_REQUEST_RATE_LIMIT") or "5 per hour")


@blueprint.route("/organisations/<organisation_id>/ask-to-manage", methods=["GET", "POST"])
@public
@limiter.limit(manage_request_rate_limit, methods=["POST"])
def ask(organisation_id: str):  # type: ignore[no-untyped-def]
    organisation = get_organisation(organisation_id)
    if organisation is None:
        abort(404)
    form = ManageRequestForm()
    sent = url_for("manage_requests.asked", organisation_id=organisation.id)
    if form.is_submitted() and form.website.data:
        # Filled in by a robot: record nothing, and say only thank you.
        return redirect(sent, code=303)
    if form.validate_on_submit():
        services.create_request(organisation, form.name.data, form.email.data, form.role.data,
                                form.message.data or "")
        return redirect(sent, code=303)
    return render_template("manage_requests/ask.html", organisation=organisation, form=form)


@blueprint.get("/organisations/<organisation_id>/ask-to-manage/sent")
@public
def asked(organisation_id: str):  # type: ignore[no-untyped-def]
    organisation = get_organisation(organisation_id)
    if organisation is None:
        abort(404)
    return render_template("manage_requests/asked.html", organisation=organisation)


@blueprint.get("/moderation/manage-requests")
@roles("moderator")
def pending():  # type: ignore[no-untyped-def]
    return render_template("manage_requests/pending.html", requests=services.pending_requests())


def _request_page(request_id: str, reject_form: RejectForm | None = None,
                  problem: str | None = None):  # type: ignore[no-untyped-def]
    try:
        opened = services.open_request(request_id, current_user)
    except services.NotFound:
        abort(404)
    return render_template("manage_requests/request.html", opened=opened, approve_form=ApproveForm(),
                           reject_form=reject_form or RejectForm(formdata=None), problem=problem)


@blueprint.get("/moderation/manage-requests/<request_id>")
@roles("moderator")
def request_page(request_id: str):  # type: ignore[no-untyped-def]
    return _request_page(request_id)


@blueprint.post("/moderation/manage-requests/<request_id>/approve")
@roles("moderator")
def approve(request_id: str):  # type: ignore[no-untyped-def]
    """CSRFProtect has checked the form's token before this runs."""
    try:
        email = services.approve(request_id, current_user)
    except services.NotFound:
        abort(404)
    except services.ManageRequestError as error:
        return _request_page(request_id, problem=str(error))
    flash(_("Approved. An invitation to be an editor has been sent to %(email)s.", email=email), "approved")
    return redirect(url_for("manage_requests.pending"), code=303)


@blueprint.post("/moderation/manage-requests/<request_id>/reject")
@roles("moderator")
def reject(request_id: str):  # type: ignore[no-untyped-def]
    form = RejectForm()
    if not form.validate_on_submit():
        return _request_page(request_id, reject_form=form)
    try:
        services.reject(request_id, current_user, form.reason.data)
    except services.NotFound:
        abort(404)
    except services.ManageRequestError as error:
        return _request_page(request_id, reject_form=form, problem=str(error))
    flash(_("Rejected. The reason has been emailed to the person who asked."), "rejected")
    return redirect(url_for("manage_requests.pending"), code=303)
