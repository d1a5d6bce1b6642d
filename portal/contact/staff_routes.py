"""The Early Help staff queue: the list of contact requests, one request (every read audited), and
assign, record the outcome and close. Early Help staff only: these pages show families' details.

Thin: portal/contact/queue.py reads, portal/contact/services.py decrypts, changes and audits.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import roles
from portal.contact import queue, services
from portal.contact.staff_forms import (
    REQUESTER_NAMES,
    SAFE_WAY_NAMES,
    STATUS_NAMES,
    AssignForm,
    CloseForm,
    OutcomeForm,
    QueueFilterForm,
)
from portal.extensions import db
from portal.models.account import UserAccount
from portal.models.contact_request import ContactRequest
from portal.questionnaire.pages import the_questionnaire

blueprint = Blueprint("early_help", __name__, template_folder="templates", url_prefix="/early-help/requests")

STAFF = "early_help"
SAVED = "saved"
WORRIES_ANSWER = "worries"
SITUATION_ANSWER = "situation"
DOMESTIC_ABUSE = "domestic-abuse"


@blueprint.get("", endpoint="queue")
@roles(STAFF)
def queue_page():  # type: ignore[no-untyped-def]
    form = QueueFilterForm(formdata=request.args if "status" in request.args else None)
    page = queue.parse_page(request.args.get("page"))
    problem = None if page is not None else _("Page numbers are whole numbers, like 2")
    listing = queue.list_requests(form.status.data, page) if form.validate() and page is not None else None
    if listing is not None and page is not None and page > listing.pages:
        abort(404)
    return render_template("contact/staff/queue.html", form=form, listing=listing, problem=problem,
                           status_names=STATUS_NAMES, requester_names=REQUESTER_NAMES,
                           ), 200 if listing is not None else 400


def _request_or_404(reference: str) -> ContactRequest:
    contact_request = queue.find_by_reference(reference)
    if contact_request is None:
        abort(404)
    return contact_request


def _staff_choices(staff: list[UserAccount]) -> list[SelectChoice]:
    return [SelectChoice(account.id, _("%(name)s (you)", name=account.display_name)
                         if account.id == current_user.id else account.display_name) for account in staff]


def _answer_labels(answer_id: str, values: list[Any]) -> list[str]:
    """The questionnaire's words for the values stored (the value itself if the option has gone)."""
    try:
        options = the_questionnaire().answer(answer_id).options
    except KeyError:
        options = ()
    labels = {option.value: option.label for option in options}
    return [_(labels[str(value)]) if str(value) in labels else str(value) for value in values]


def _show(contact_request: ContactRequest, *, assign_form: AssignForm | None = None,
          outcome_form: OutcomeForm | None = None, failed: Any = None, problem: str | None = None,
          status: int = 200) -> tuple[str, int]:
    """The request page. Showing it decrypts the family's details, so it is audited as a read."""
    details = services.read_request(contact_request.id, current_user.actor)
    outcome_text = str(details.pop(services.OUTCOME_KEY, None) or contact_request.outcome or "")
    staff = services.early_help_staff()
    if assign_form is None:
        assign_form = AssignForm(formdata=None, data={"assignee": contact_request.assigned_to or current_user.id})
    assign_form.assignee.choices = _staff_choices(staff)
    if outcome_form is None:
        outcome_form = OutcomeForm(formdata=None, data={"outcome": outcome_text})
    return render_template(
        "contact/staff/request.html", contact_request=contact_request, details=details, outcome_text=outcome_text,
        worries=_answer_labels(WORRIES_ANSWER, details.get("worries") or []),
        situation=", ".join(_answer_labels(SITUATION_ANSWER, [details["situation"]] if details.get("situation")
                                           else [])),
        safe_contact=bool(details.get("safe_way")) or DOMESTIC_ABUSE in (details.get("worries") or []),
        requester_names=REQUESTER_NAMES, safe_way_names=SAFE_WAY_NAMES,
        assigned_name=queue.account_names([contact_request.assigned_to]).get(contact_request.assigned_to or ""),
        trail=queue.audit_trail(contact_request), assign_form=assign_form, outcome_form=outcome_form,
        close_form=CloseForm(formdata=None), failed=failed, problem=problem, status_names=STATUS_NAMES,
        outcome_max=services.OUTCOME_MAX, public_actor=services.PUBLIC_ACTOR,
    ), status


def _closed(contact_request: ContactRequest) -> tuple[str, int]:
    db.session.rollback()
    return _show(contact_request, problem=_("This request is closed, so it cannot be changed."), status=409)


def _done(contact_request: ContactRequest, message: str) -> Response:
    flash(message, SAVED)
    return redirect(url_for("early_help.request_page", reference=contact_request.reference), code=303)


@blueprint.get("/<reference>")
@roles(STAFF)
def request_page(reference: str):  # type: ignore[no-untyped-def]
    return _show(_request_or_404(reference))


@blueprint.post("/<reference>/assign")
@roles(STAFF)
def assign(reference: str):  # type: ignore[no-untyped-def]
    contact_request = _request_or_404(reference)
    if contact_request.status == "closed":
        return _closed(contact_request)
    form = AssignForm()
    form.assignee.choices = _staff_choices(services.early_help_staff())
    if form.validate_on_submit():
        try:
            services.assign_to_staff(contact_request.id, current_user.actor, form.assignee.data)
        except services.RequestClosed:
            return _closed(contact_request)
        except services.ContactRequestError:
            db.session.rollback()
            form.assignee.errors = [_("Choose someone from the Early Help team")]
        else:
            name = queue.account_names([form.assignee.data]).get(form.assignee.data, "")
            return _done(contact_request, _("Request %(reference)s is assigned to %(name)s.",
                                            reference=contact_request.reference, name=name))
    return _show(contact_request, assign_form=form, failed=form)


@blueprint.post("/<reference>/outcome")
@roles(STAFF)
def outcome(reference: str):  # type: ignore[no-untyped-def]
    contact_request = _request_or_404(reference)
    if contact_request.status == "closed":
        return _closed(contact_request)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.record_outcome(contact_request.id, current_user.actor, form.outcome.data)
        except services.RequestClosed:
            return _closed(contact_request)
        else:
            return _done(contact_request, _("The outcome of request %(reference)s has been saved.",
                                            reference=contact_request.reference))
    return _show(contact_request, outcome_form=form, failed=form)


@blueprint.post("/<reference>/close")
@roles(STAFF)
def close(reference: str):  # type: ignore[no-untyped-def]
    contact_request = _request_or_404(reference)
    if contact_request.status == "closed":
        return _closed(contact_request)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close(contact_request.id, current_user.actor)
        except services.RequestClosed:
            return _closed(contact_request)
        return _done(contact_request, _("Request %(reference)s is closed.", reference=contact_request.reference))
    return _show(contact_request, failed=form)
