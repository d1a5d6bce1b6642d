"""People who sign in: organisation editors, moderators, Early Help staff and administrators.

Families never have accounts. Passwords are argon2id hashes; the TOTP secret is encrypted with the
portal's data keys. Invitation and password reset links are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import id_column
from portal.models.contact_request import utcnow
from portal.models.organisation import Organization

# What each role is for: editors keep their own organisations' listings current; moderators (the
# directory team) review changes; Early Help staff handle contact requests; administrators manage people.
ROLES = ("editor", "moderator", "early_help", "admin")
# Roles that see families' data or change other people's access must use a second factor (TOTP).
SECOND_FACTOR_ROLES = frozenset({"moderator", "early_help", "admin"})

organisation_membership = Table(
    "organisation_membership",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", ForeignKey("organization.id", ondelete="CASCADE"), primary_key=True),
)


class UserAccount(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user_account"

    id: Mapped[str] = id_column()
    # Work email addresses, stored lower-cased; the sign-in name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Part of every session's user id: raising it signs the account out everywhere.
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    # No longer used: failures and locks are counted per client address in `sign_in_lock`.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    # The last accepted TOTP time step, so a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    organisations: Mapped[list[Organization]] = relationship(
        secondary=organisation_membership, lazy="selectin", order_by=Organization.name)

    def get_id(self) -> str:
        """The session's user id: the account id and its session generation (see sign out everywhere)."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def actor(self) -> str:
        """How the audit log names this account."""
        return f"user:{self.id}"

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.roles & SECOND_FACTOR_ROLES)

    @property
    def organisation_ids(self) -> frozenset[str]:
        return frozenset(organisation.id for organisation in self.organisations)


class UserRole(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user_role"

    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class AccountToken(db.Model):  # type: ignore[name-defined,misc]
    """A single-use link: an invitation to an account, or a password reset. Only the hash is kept."""

    __tablename__ = "account_token"

    id: Mapped[str] = id_column()
    purpose: Mapped[str] = mapped_column(String(20), index=True)  # "invitation" or "password_reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # For invitations: the roles and organisations the new account gets (comma-separated).
    roles: Mapped[str] = mapped_column(String(100), default="")
    organisation_ids: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class PasswordResetRequest(db.Model):  # type: ignore[name-defined,misc]
    """Someone asked for a password reset for this address. The outbox worker answers it (an email when
    there is an active account, nothing otherwise) and deletes it, so the request itself does the same
    work whether or not the account exists."""

    __tablename__ = "password_reset_request"

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class AccountSession(db.Model):  # type: ignore[name-defined,misc]
    """One signed-in session, kept on the server so that signing out ends it there.

    The browser's session holds a random session key; only its SHA-256 hash is kept here. Every request
    of a signed-in session needs its row: signing out deletes it, and so do signing out everywhere, a
    password reset and a change of access.
    """

    __tablename__ = "account_session"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Kept up to date (to the minute) by requests: the idle time-out is counted from here.
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SignInLock(db.Model):  # type: ignore[name-defined,misc]
    """Failed sign-in attempts, counted per email address (or account) *and* client address.

    `key_hash` is the SHA-256 of what is counted ("password", email, address or "code", account id,
    address), so the table holds neither email addresses nor IP addresses. Counting per address means
    someone else's failures elsewhere never lock the owner out. Rows exist for unknown email addresses
    too, so they behave like real ones.
    """

    __tablename__ = "sign_in_lock"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The account, when the email address is one (so the owner can unlock it by email).
    user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ManageRequest(db.Model):  # type: ignore[name-defined,misc]
    """"Is this your organisation?": someone asks to manage a listing; a moderator decides.

    The requester's name, email and message are personal data, kept only in `encrypted_payload`.
    """

    __tablename__ = "manage_request"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    encrypted_payload: Mapped[bytes] = mapped_column(LargeBinary)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
