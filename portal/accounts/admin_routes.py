"""People and their access (administrators), invitations (administrators and moderators), and the
audit log (administrators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from portal.access import roles
from portal.accounts import services
from portal.accounts.forms import AccessForm, InviteForm
from portal.extensions import db
from portal.inputs import whole_number
from portal.models.account import UserAccount
from portal.models.contact_request import AuditEvent
from portal.models.organisation import Organization

blueprint = Blueprint("admin", __name__, template_folder="templates", url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(select(Organization).order_by(Organization.name))]


@blueprint.get("/users")
@roles("admin")
def users():  # type: ignore[no-untyped-def]
    return render_template("accounts/admin/users.html", accounts=services.all_accounts())


@blueprint.route("/users/<account_id>", methods=["GET", "POST"])
@roles("admin")
def user(account_id: str):  # type: ignore[no-untyped-def]
    account = db.session.get(UserAccount, account_id[:36])
    if account is None:
        abort(404)
    form = AccessForm(data=None if request.method == "POST" else {
        "roles": sorted(account.roles), "organisations": sorted(account.organisation_ids), "active": account.active})
    form.organisations.choices = _organisation_choices()
    problem = None
    if form.validate_on_submit():
        try:
            services.change_access(account, form.roles.data, form.organisations.data, form.active.data,
                                   current_user)
        except services.AccountError as error:
            problem = str(error)
        else:
            flash(_("Access for %(name)s has been saved.", name=account.display_name), "saved")
            return redirect(url_for("admin.users"), code=303)
    return render_template("accounts/admin/user.html", account=account, form=form, problem=problem)


@blueprint.route("/invitations/new", methods=["GET", "POST"])
@roles("admin", "moderator")
def invite():  # type: ignore[no-untyped-def]
    form = InviteForm()
    form.organisations.choices = _organisation_choices()
    if not current_user.has_role("admin"):
        form.roles.choices = [choice for choice in form.roles.choices if choice.value == "editor"]
    problem = None
    if form.validate_on_submit():
        try:
            services.invite(form.email.data, form.roles.data, form.organisations.data, current_user)
        except services.AccountError as error:
            problem = str(error)
        else:
            flash(_("An invitation has been sent to %(email)s.", email=form.email.data), "invited")
            return redirect(url_for("admin.invite"), code=303)
    return render_template("accounts/admin/invite.html", form=form, problem=problem)


@blueprint.get("/audit")
@roles("admin")
def audit():  # type: ignore[no-untyped-def]
    page = whole_number(request.args.get("page", "1"), 99_999, minimum=1)
    if page is None:
        abort(400)
    total = db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id)
                                     .offset((page - 1) * AUDIT_PAGE_SIZE).limit(AUDIT_PAGE_SIZE)))
    ids = {event.actor.removeprefix("user:") for event in events if event.actor.startswith("user:")}
    names = {account.id: account.email
             for account in db.session.scalars(select(UserAccount).where(UserAccount.id.in_(ids)))}
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    return render_template("accounts/admin/audit.html", events=events, names=names, page=page, pages=pages,
                           total=total)
