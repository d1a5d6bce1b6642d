"""Signed-in sessions: loading the account, the idle timeout, and a new session on every sign-in.

The session's user id is "<account id>:<generation>". Signing out everywhere raises the account's
generation, so every other session's id stops matching and that session is signed out.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from werkzeug.wrappers import Response

from portal.extensions import db, login_manager
from portal.inputs import whole_number
from portal.models.account import UserAccount
from portal.models.contact_request import utcnow

LAST_ACTIVE = "last_active"
SIGNED_OUT_IDLE = "signed-out-idle"
USER_ID_KEY = "_user_id"  # where Flask-Login keeps the signed-in account in the session


def load_account(session_user_id: str) -> UserAccount | None:
    account_id, _, generation = session_user_id.partition(":")
    number = whole_number(generation, 10 ** 9)
    if not account_id or number is None:
        return None
    account = db.session.get(UserAccount, account_id)
    if account is None or not account.active or account.session_generation != number:
        return None
    return account


def new_session() -> None:
    """Empty the session, including the form token cached for this request (a new one is made on use)."""
    session.clear()
    g.pop("csrf_token", None)


def start_session(account: UserAccount) -> None:
    """Sign in with a brand new session: nothing from before sign-in is carried over."""
    new_session()
    login_user(account, remember=False)
    session[LAST_ACTIVE] = int(time.time())
    session.permanent = True
    account.last_sign_in_at = utcnow()


def end_session() -> None:
    logout_user()
    new_session()


def signed_in() -> bool:
    """Is anyone signed in? A session without an account in it (most visitors') answers at once,
    without Flask-Login loading anyone."""
    return USER_ID_KEY in session and bool(current_user.is_authenticated)


def check_idle() -> None:
    """Before each request: sign out a session idle for longer than ACCOUNT_IDLE_MINUTES."""
    if not signed_in():
        return
    now = int(time.time())
    last = session.get(LAST_ACTIVE)
    limit = current_app.config["ACCOUNT_IDLE_MINUTES"] * 60
    if not isinstance(last, int) or now - last > limit:
        end_session()
        flash(_l("You were signed out because you had not done anything for %(minutes)s minutes.",
                 minutes=current_app.config["ACCOUNT_IDLE_MINUTES"]), SIGNED_OUT_IDLE)
        return
    session[LAST_ACTIVE] = now


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its signing serializer made once per key rather than twice
    for every request (reading the cookie and writing it)."""

    _kept: tuple[tuple[object, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = super().get_signing_serializer(app)
        if serializer is not None:
            self._kept = (keys, serializer)
        return serializer


def init_sessions(app: Flask) -> None:
    app.session_interface = SessionCookies()
    login_manager.init_app(app)
    login_manager.user_loader(load_account)
    login_manager.session_protection = "basic"
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = None  # the access check redirects; the sign-in page explains itself

    @app.before_request
    def sign_out_when_idle() -> None:
        # The signed-in account and the form token cached in `g` belong to one request and one session.
        # `g` is normally new for each request, but not when an app context outlives requests (as in
        # tests with several browsers): start each request clean.
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        check_idle()

    @app.after_request
    def never_cache_signed_in_pages(response: Response) -> Response:
        if signed_in():
            response.headers["Cache-Control"] = "no-store"
        return response
