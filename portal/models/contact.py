"""Contacts and phone numbers (ORUK 3.0 `contact`, `phone`)."""

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import id_column


class Contact(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "contact"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    service_at_location_id: Mapped[str | None] = mapped_column(ForeignKey("service_at_location.id"))
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"))
    name: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    department: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))


class Phone(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "phone"

    id: Mapped[str] = id_column()
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"))
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    contact_id: Mapped[str | None] = mapped_column(ForeignKey("contact.id"))
    service_at_location_id: Mapped[str | None] = mapped_column(ForeignKey("service_at_location.id"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    extension: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
