"""Organisations' own changes to their listings, moderated; and the public's problem reports.

A listing version is a whole snapshot (JSON) of one service's editable details. Editors write drafts
and submit them; a moderator approves (the snapshot is applied to the live tables) or rejects with a
reason. Approved versions are the history; restoring one submits its snapshot again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import id_column
from portal.models.contact_request import utcnow

LISTING_VERSION_STATUSES = ("draft", "pending", "approved", "rejected", "withdrawn")
# What a version describes: one service's details, or an organisation's own details (its name,
# contacts and safeguarding details). For an organisation, service_id holds the organisation's id.
LISTING_VERSION_SUBJECTS = ("service", "organisation")
PROBLEM_KINDS = ("wrong_details", "closed", "other")


class ListingVersion(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "listing_version"
    __table_args__ = (Index("ix_listing_version_service_status", "service_id", "status"),)

    id: Mapped[str] = id_column()
    # The service this version describes. For a new service the id is chosen when the draft is made
    # and the service row is created on approval, so this is not a foreign key.
    service_id: Mapped[str] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(20), default="service", server_default="service")
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    snapshot: Mapped[str] = mapped_column(Text)  # JSON
    based_on_id: Mapped[str | None] = mapped_column(String(36))
    editor_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(255))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)
    # The live listing (JSON snapshot) when this version was started: what its changes are measured
    # from, so approving it after someone else's change keeps that change (listings/merging.py).
    base_snapshot: Mapped[str | None] = mapped_column(Text)


class ProblemReport(db.Model):  # type: ignore[name-defined,misc]
    """A member of the public says a listing is wrong. No personal data is asked for."""

    __tablename__ = "problem_report"

    id: Mapped[str] = id_column()
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
