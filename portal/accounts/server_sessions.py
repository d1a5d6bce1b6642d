"""Signed-in sessions kept on the server. No Flask imports.

The browser's session cookie holds a random key; the `account_session` table holds its SHA-256 hash.
A session is signed in only while its row exists and has been used within the idle time, so deleting
the row ends it for good, even for someone who kept a copy of the cookie.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update

from portal.accounts.tokens import hash_token, new_token
from portal.extensions import db
from portal.models.account import AccountSession, UserAccount
from portal.models.contact_request import utcnow

# How often a request writes "still in use" to the session's row: at most once a minute per session.
TOUCH_SECONDS = 60


def open_session(account: UserAccount, idle_minutes: int) -> str:
    """A new server-side session for this account; returns the key for the browser's session.
    Also deletes sessions idle for longer than the idle time (nobody can use them any more).
    The caller commits."""
    now = utcnow()
    db.session.execute(delete(AccountSession).where(
        AccountSession.last_seen_at < now - dt.timedelta(minutes=idle_minutes)))
    key, key_hash = new_token()
    db.session.add(AccountSession(key_hash=key_hash, user_id=account.id, created_at=now, last_seen_at=now))
    return key


def session_is_live(account: UserAccount, key: object, idle_minutes: int) -> bool:
    """Is this key one of the account's open sessions, used within the idle time? Notes the use."""
    if not isinstance(key, str) or not key or len(key) > 100:
        return False
    record = db.session.get(AccountSession, hash_token(key))
    if record is None or record.user_id != account.id:
        return False
    now = utcnow()
    if now - record.last_seen_at > dt.timedelta(minutes=idle_minutes):
        return False
    if now - record.last_seen_at > dt.timedelta(seconds=TOUCH_SECONDS):
        db.session.execute(update(AccountSession).where(AccountSession.key_hash == record.key_hash)
                           .values(last_seen_at=now))
        db.session.commit()
    return True


def close_session(key: object) -> None:
    """Sign-out: this session ends on the server."""
    if isinstance(key, str) and key:
        db.session.execute(delete(AccountSession).where(AccountSession.key_hash == hash_token(key)))
        db.session.commit()


def close_every_session(account: UserAccount) -> None:
    """Every session of the account ends (sign out everywhere, a new password, a change of access).
    The session generation goes up too, which also ends a half-finished sign-in. The caller commits."""
    account.session_generation += 1
    db.session.execute(delete(AccountSession).where(AccountSession.user_id == account.id))
