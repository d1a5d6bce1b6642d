"""Sign-in lock-outs, counted per email address (or account) and client address. No Flask imports.

Two counters, each per client address: wrong passwords for an email address (whether or not it has
an account, so unknown addresses lock the same way and give nothing away), and wrong security codes
for an account (a right password does not reset these). Counting per address means a stranger's
failures never lock the owner out from anywhere else, and the owner can lift every lock of their
account with an emailed link.

Each failure is one atomic UPDATE ... SET failures = failures + 1 ... RETURNING on the database, so
parallel attempts (threads, workers, servers) each see their own count and no more than the allowed
number are ever answered "wrong" before the lock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models.account import SignInLock
from portal.models.contact_request import utcnow

PASSWORD = "password"  # nosec B105  # the name of a counter, not a password
CODE = "code"
# Failures older than this (with no lock since) are forgotten: counting starts again.
FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Failure:
    locked_until: dt.datetime | None  # None: wrong, but not locked
    lock_started: bool = False  # this failure started the lock (tell the owner once)


def counter_key(kind: str, subject: str, address: str | None) -> str:
    """What is counted, as a hash: neither the email address nor the client address is stored."""
    return hashlib.sha256("\x1f".join((kind, subject, address or "")).encode("utf-8")).hexdigest()


def locked_until(key: str) -> dt.datetime | None:
    return db.session.scalar(select(SignInLock.locked_until).where(
        SignInLock.key_hash == key, SignInLock.locked_until > utcnow()))


def _insert(key: str, user_id: str | None, now: dt.datetime):  # type: ignore[no-untyped-def]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return (dialect.insert(SignInLock)
            .values(key_hash=key, user_id=user_id, failures=0, updated_at=now)
            .on_conflict_do_nothing(index_elements=["key_hash"]))


def register_failure(key: str, user_id: str | None, attempts: int, minutes: int) -> Failure:
    """Count one failure, atomically. The attempt that reaches `attempts` starts a lock of `minutes`.
    Commits."""
    now = utcnow()
    db.session.execute(_insert(key, user_id, now))
    start_again = or_(and_(SignInLock.locked_until.is_not(None), SignInLock.locked_until <= now),
                      and_(SignInLock.locked_until.is_(None), SignInLock.updated_at < now - FORGET_AFTER))
    failures, until = db.session.execute(
        update(SignInLock).where(SignInLock.key_hash == key)
        .values(failures=case((start_again, 1), else_=SignInLock.failures + 1),
                locked_until=case((start_again, None), else_=SignInLock.locked_until),
                updated_at=now)
        .returning(SignInLock.failures, SignInLock.locked_until)).one()
    started = False
    if until is None and failures >= attempts:
        until = now + dt.timedelta(minutes=minutes)
        result = db.session.execute(update(SignInLock).where(SignInLock.key_hash == key,
                                                             SignInLock.locked_until.is_(None))
                                    .values(locked_until=until))
        started = getattr(result, "rowcount", 0) == 1
        if not started:
            until = db.session.scalar(select(SignInLock.locked_until).where(SignInLock.key_hash == key))
    db.session.commit()
    return Failure(until, started)


def clear(key: str) -> None:
    """A success: forget the failures counted by this key (unless it is locked). The caller commits."""
    db.session.execute(delete(SignInLock).where(
        SignInLock.key_hash == key, or_(SignInLock.locked_until.is_(None), SignInLock.locked_until <= utcnow())))


def purge_stale() -> None:
    """Delete counters that lock nothing and count nothing any more. The caller commits."""
    now = utcnow()
    db.session.execute(delete(SignInLock).where(
        SignInLock.updated_at < now - FORGET_AFTER,
        or_(SignInLock.locked_until.is_(None), SignInLock.locked_until <= now)))


def clear_account(user_id: str) -> int:
    """Lift every lock and forget every failure of an account, from every address. The caller commits."""
    result = db.session.execute(delete(SignInLock).where(SignInLock.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)
