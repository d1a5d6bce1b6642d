"""Early Help contact requests made with a family's consent, their audit trail, and the outbox.

The personal data in a contact request is stored only inside `encrypted_payload` (Fernet, see
portal/contact/crypto.py). Audit events and outbox messages never carry personal data.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import id_column

CONTACT_REQUEST_STATUSES = ("new", "assigned", "closed")
# Who filled in the form: a young person for themselves, a parent or carer, or a practitioner.
REQUESTERS = ("young_person", "parent_or_carer", "practitioner")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ContactRequest(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "contact_request"

    id: Mapped[str] = id_column()
    # What staff and the family quote, e.g. "EH-7K3P-9QX2".
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    consent_wording_version: Mapped[str] = mapped_column(String(50))
    # One of REQUESTERS (None for requests made before it was recorded). Not personal data.
    requester: Mapped[str | None] = mapped_column(String(20))
    consented_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # A hash the form sends with each submission, so a double submit makes one request.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    encrypted_payload: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Append-only: who did what to which record, and when. `detail` never holds personal data."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_subject", "subject_type", "subject_id"),)

    id: Mapped[str] = id_column()
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(50))
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    """An email waiting to be sent (sent_at empty) or already sent.

    An email with a single-use link (an invitation, a password reset) names its `account_token` and
    holds only a mark where the link goes: the link's secret is made when the email is sent, put
    into what is sent, and never stored (portal/notify.py).
    """

    __tablename__ = "outbox_message"

    id: Mapped[str] = id_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    to: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    link_token_id: Mapped[str | None] = mapped_column(
        ForeignKey("account_token.id", ondelete="CASCADE"), index=True)
