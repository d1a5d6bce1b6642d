"""Sign-in, the second factor, password resets, invitations and the person's own account page. Thin:
portal/accounts/services.py does the work."""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import public, signed_in
from portal.accounts import services, totp
from portal.accounts.forms import (
    PASSWORD_MESSAGES,
    AcceptInvitationForm,
    CodeForm,
    EmailForm,
    NewPasswordForm,
    SignInForm,
)
from portal.accounts.redirects import safe_next
from portal.accounts.services import LinkState, SignIn
from portal.accounts.session import end_session, new_session, start_session
from portal.extensions import db, limiter
from portal.models.account import UserAccount

blueprint = Blueprint("accounts", __name__, template_folder="templates")

PENDING = "pending_sign_in"
NEW_SECRET = "new_totp_secret"  # nosec B105  # the name of a session key, not a secret
PENDING_SECONDS = 300
SIGNED_IN = "signed-in"


def sign_in_rate_limit() -> str:
    return str(current_app.config["SIGN_IN_RATE_LIMIT"])


def _go(url: str) -> Response:
    return redirect(url, code=303)


def _locked_message(result: services.SignInResult) -> str:
    """The same words whether or not the email address has an account."""
    until = format_datetime(result.locked_until, "HH:mm") if result.locked_until else ""
    return _("This account is locked after too many failed attempts. Try again after %(time)s, reset "
             "your password, or use the unlock link we email to the account's owner.", time=until)


def _finish(account: UserAccount, next_url: str) -> Response:
    start_session(account)
    services.record_sign_in(account)
    flash(_("You are signed in."), SIGNED_IN)
    return _go(safe_next(next_url) or url_for("accounts.account"))


def _pending_account() -> tuple[UserAccount, str] | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    account = db.session.get(UserAccount, str(pending.get("id", "")))
    if account is None or not account.active or account.session_generation != pending.get("generation"):
        return None
    return account, str(pending.get("next", ""))


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def sign_in():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return _go(url_for("accounts.account"))
    form = SignInForm()
    next_url = safe_next(request.values.get("next", "")) or ""
    problem = None
    if form.validate_on_submit():
        result = services.check_password(form.email.data, form.password.data, request.remote_addr)
        if result.outcome is SignIn.OK and result.account is not None:
            account = result.account
            if not account.needs_second_factor:
                return _finish(account, next_url)
            new_session()  # nothing from before sign-in is carried into the new session
            session[PENDING] = {"id": account.id, "generation": account.session_generation, "at": time.time(),
                                "next": next_url}
            if account.totp_secret_encrypted is None:
                return _go(url_for("accounts.set_up_two_factor"))
            return _go(url_for("accounts.two_factor"))
        problem = _locked_message(result) if result.outcome is SignIn.LOCKED else _(
            "Enter the email address and password for your account. Both must be correct.")
        form.password.data = ""
    return render_template("accounts/sign_in.html", form=form, problem=problem, next_url=next_url)


@blueprint.route("/sign-in/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def two_factor():  # type: ignore[no-untyped-def]
    pending = _pending_account()
    if pending is None:
        flash(_("Sign in again: the time to enter your security code ran out."), "sign-in-again")
        return _go(url_for("accounts.sign_in"))
    account, next_url = pending
    form = CodeForm()
    problem = None
    if form.validate_on_submit():
        result = services.check_second_factor(account, form.code.data, request.remote_addr)
        if result.outcome is SignIn.OK:
            return _finish(account, next_url)
        problem = _locked_message(result) if result.outcome is SignIn.LOCKED else _(
            "The security code is not right. Enter the code your authenticator app shows now.")
        if result.outcome is SignIn.LOCKED:
            session.pop(PENDING, None)
    return render_template("accounts/two_factor.html", form=form, problem=problem)


@blueprint.route("/sign-in/set-up-two-factor", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def set_up_two_factor():  # type: ignore[no-untyped-def]
    pending = _pending_account()
    if pending is None:
        return _go(url_for("accounts.sign_in"))
    account, next_url = pending
    if account.totp_secret_encrypted is not None:
        return _go(url_for("accounts.two_factor"))
    secret = session.get(NEW_SECRET)
    if not isinstance(secret, str):
        secret = session[NEW_SECRET] = totp.new_secret()
    form = CodeForm()
    problem = None
    if form.validate_on_submit():
        if services.set_up_second_factor(account, secret, form.code.data):
            session.pop(NEW_SECRET, None)
            return _finish(account, next_url)
        problem = _("The security code is not right. Check the app shows Tameside Family Help and enter the "
                    "code it shows now.")
    uri = totp.provisioning_uri(secret, account.email)
    return render_template("accounts/set_up_two_factor.html", form=form, problem=problem, secret=secret,
                           qr_code=totp.qr_svg(uri))


@blueprint.post("/sign-out")
@public
def sign_out():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        services.record_sign_out(current_user)
    end_session()
    flash(_("You have signed out."), "signed-out")
    return _go(url_for("accounts.sign_in"))


@blueprint.get("/account")
@signed_in
def account():  # type: ignore[no-untyped-def]
    return render_template("accounts/account.html", account=current_user)


@blueprint.post("/account/sign-out-everywhere")
@signed_in
def sign_out_everywhere():  # type: ignore[no-untyped-def]
    services.sign_out_everywhere(current_user, current_user.actor)
    end_session()
    flash(_("You have signed out on every device. Sign in again to carry on."), "signed-out")
    return _go(url_for("accounts.sign_in"))


@blueprint.route("/sign-in/forgotten-password", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def forgotten_password():  # type: ignore[no-untyped-def]
    form = EmailForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", minutes=current_app.config["PASSWORD_RESET_MINUTES"])
    return render_template("accounts/forgotten_password.html", form=form)


def _new_password_problem(form: NewPasswordForm, email: str) -> bool:
    """Run the password rules; put the reason on the field. True when there is a problem."""
    if form.password.data and not form.password.errors:
        code = services.check_new_password(form.password.data, email)
        if code:
            form.password.errors = [PASSWORD_MESSAGES[code]]
            return True
    return False


def _link_page(state: LinkState, kind: str, token: str) -> str:
    return render_template("accounts/link_problem.html", state=state.value, kind=kind, token=token)


@blueprint.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def reset_password(token: str):  # type: ignore[no-untyped-def]
    record = services.find_link(services.PASSWORD_RESET, token)
    state = services.link_state(record)
    if record is None or state is not LinkState.USABLE:
        return _link_page(state, "reset", token), 410 if state is LinkState.EXPIRED else 404
    form = NewPasswordForm()
    if form.validate_on_submit() and not _new_password_problem(form, record.email):
        services.reset_password(record, form.password.data)
        end_session()
        flash(_("Your password has been changed. Sign in with your new password."), "password-changed")
        return _go(url_for("accounts.sign_in"))
    _new_password_problem(form, record.email)
    return render_template("accounts/reset_password.html", form=form, token=token)


@blueprint.route("/sign-in/unlock/<token>", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def unlock_account(token: str):  # type: ignore[no-untyped-def]
    record = services.find_link(services.UNLOCK, token)
    state = services.link_state(record)
    if record is None or state is not LinkState.USABLE:
        return _link_page(state, "unlock", token), 410 if state is LinkState.EXPIRED else 404
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            services.unlock_account(record)
        except services.AccountError:
            return _link_page(LinkState.USED, "unlock", token), 404
        flash(_("Your account is unlocked. Sign in with your email address and password."), "account-unlocked")
        return _go(url_for("accounts.sign_in"))
    return render_template("accounts/unlock_account.html")


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@public
@limiter.limit(sign_in_rate_limit, methods=["POST"])
def accept_invitation(token: str):  # type: ignore[no-untyped-def]
    record = services.find_link(services.INVITATION, token)
    state = services.link_state(record)
    if record is None or state is not LinkState.USABLE:
        return _link_page(state, "invitation", token), 410 if state is LinkState.EXPIRED else 404
    form = AcceptInvitationForm()
    if form.validate_on_submit() and not _new_password_problem(form, record.email):
        try:
            services.accept_invitation(record, form.display_name.data, form.password.data)
        except services.AccountError:
            return _link_page(LinkState.USED, "invitation", token), 404
        flash(_("Your account is ready. Sign in with your email address and new password."), "account-ready")
        return _go(url_for("accounts.sign_in"))
    _new_password_problem(form, record.email)
    return render_template("accounts/accept_invitation.html", form=form, token=token, email=record.email,
                           roles=record.roles.split(","))


@blueprint.post("/invitation/<token>/renew")
@public
@limiter.limit(sign_in_rate_limit)
def renew_invitation(token: str):  # type: ignore[no-untyped-def]
    record = services.find_link(services.INVITATION, token)
    if record is None or services.link_state(record) is not LinkState.EXPIRED:
        abort(404)
    services.renew_invitation(record)
    return render_template("accounts/invitation_renewed.html")
