"""Signed-in sessions: loading the account, the idle timeout, and a new session on every sign-in.

The session's user id is "<account id>:<generation>", and the session also holds the key of its row
on the server (see server_sessions.py). Signing out deletes that row, so a copy of the cookie taken
before sign-out is refused afterwards; signing out everywhere, a new password and a change of access
delete every row of the account and raise its generation.
"""

from __future__ import annotations

import base64
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, flash, g, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from portal.accounts import server_sessions
from portal.extensions import db, login_manager
from portal.inputs import whole_number
from portal.models.account import UserAccount
from portal.models.contact_request import utcnow

LAST_ACTIVE = "last_active"
SIGNED_OUT_IDLE = "signed-out-idle"
USER_ID_KEY = "_user_id"  # where Flask-Login keeps the signed-in account in the session
SESSION_KEY = "session_key"  # the key of this session's row on the server


def load_account(session_user_id: str) -> UserAccount | None:
    account_id, _, generation = session_user_id.partition(":")
    number = whole_number(generation, 10 ** 9)
    if not account_id or number is None:
        return None
    account = db.session.get(UserAccount, account_id)
    if account is None or not account.active or account.session_generation != number:
        return None
    if not server_sessions.session_is_live(account, session.get(SESSION_KEY), idle_minutes()):
        return None
    return account


def idle_minutes() -> int:
    return int(current_app.config["ACCOUNT_IDLE_MINUTES"])


def new_session() -> None:
    """Empty the session, including the form token cached for this request (a new one is made on use)."""
    session.clear()
    g.pop("csrf_token", None)


def start_session(account: UserAccount) -> None:
    """Sign in with a brand new session: nothing from before sign-in is carried over."""
    new_session()
    login_user(account, remember=False)
    session[SESSION_KEY] = server_sessions.open_session(account, idle_minutes())
    session[LAST_ACTIVE] = int(time.time())
    session.permanent = True
    account.last_sign_in_at = utcnow()


def end_session() -> None:
    server_sessions.close_session(session.get(SESSION_KEY))
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


class EncryptedSerializer:
    """Flask's signed session serializer, with what it writes encrypted as well (Fernet, a key derived
    from SECRET_KEY): the cookie holds questionnaire answers (worries, a postcode), shortlists and form
    drafts, which a browser, an extension or anyone looking at a shared computer must not read."""

    def __init__(self, signer: URLSafeTimedSerializer, keys: tuple[object, ...]) -> None:
        self.signer = signer
        self.cipher = MultiFernet([Fernet(_cookie_key(key)) for key in keys if key])

    def dumps(self, value: object) -> str:
        return self.cipher.encrypt(self.signer.dumps(value).encode("ascii")).decode("ascii")

    def loads(self, value: str, max_age: int | None = None) -> object:
        try:
            signed = self.cipher.decrypt(value.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError, ValueError) as error:
            raise BadSignature("the session cookie does not decrypt") from error
        return self.signer.loads(signed, max_age=max_age)


def _cookie_key(secret: object) -> bytes:
    material = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)  # type: ignore[call-overload]
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal session cookie").derive(material)
    return base64.urlsafe_b64encode(derived)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's session cookie, signed and encrypted (EncryptedSerializer), with its serializer made once
    per key rather than twice for every request (reading the cookie and writing it)."""

    _kept: tuple[tuple[object, ...], EncryptedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> EncryptedSerializer | None:  # type: ignore[override]
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        signer = super().get_signing_serializer(app)
        if signer is None:
            return None
        serializer = EncryptedSerializer(signer, keys)
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
