"""Organisations that run services (ORUK 3.0 `organization`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import id_column

if TYPE_CHECKING:
    from portal.models.service import Service


class Organization(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "organization"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(255), index=True)
    alternate_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(500))
    legal_status: Mapped[str | None] = mapped_column(String(255))
    logo: Mapped[str | None] = mapped_column(String(500))
    uri: Mapped[str | None] = mapped_column(String(500))
    parent_organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    # Local additions: what sort of body this is, and where the record came from.
    kind: Mapped[str] = mapped_column(String(20), default="vcse")
    data_source: Mapped[str] = mapped_column(String(50), default="")
    # Safeguarding details for organisations working with children: seen by moderators only.
    works_with_children: Mapped[bool] = mapped_column(Boolean, default=False)
    safeguarding_lead: Mapped[str | None] = mapped_column(String(100))
    safeguarding_policy_date: Mapped[dt.date | None] = mapped_column(Date)

    services: Mapped[list[Service]] = relationship(back_populates="organization", order_by="Service.name")
