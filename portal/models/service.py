"""Services and what hangs off them (ORUK 3.0 `service`, `service_at_location`, `cost_option`,
`service_area`, `language`), plus the portal's local additions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    and_,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship, selectinload

from portal.extensions import db
from portal.models._base import id_column
from portal.models.contact import Contact, Phone
from portal.models.schedule import Schedule
from portal.models.taxonomy import Attribute

if TYPE_CHECKING:
    from portal.models.location import Location
    from portal.models.organisation import Organization

# Statuses as Open Referral names them. Only these two are shown to the public.
PUBLIC_STATUSES = ("active", "temporarily closed")
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
# The names of the service areas the seed gives (Open Referral `service_area.name`).
AREA_ALL_OF_TAMESIDE = "All of Tameside"
AREA_GREATER_MANCHESTER = "Greater Manchester"
AREA_NATIONAL = "National"
# The service areas a listing may cover, widest last; the wider ones reach Tameside from outside it.
AREAS = (AREA_ALL_OF_TAMESIDE, AREA_GREATER_MANCHESTER, AREA_NATIONAL)
WIDER_AREAS = frozenset({AREA_GREATER_MANCHESTER, AREA_NATIONAL})


def widest_area_of(names: Iterable[str | None]) -> str | None:
    """The widest of AREAS among a listing's service area names, or None: only its own places."""
    present = set(names)
    widest = [name for name in AREAS if name in present]
    return widest[-1] if widest else None


def free_from(amounts: Iterable[Decimal | None]) -> bool | None:
    """True when every cost option costs nothing; None when there is none (the cost is not known)."""
    known = list(amounts)
    if not known:
        return None
    return all(amount == 0 for amount in known)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Service(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "service"

    id: Mapped[str] = id_column()
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    alternate_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    interpretation_services: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)
    fees_description: Mapped[str | None] = mapped_column(Text)
    wait_time: Mapped[str | None] = mapped_column(String(255))
    accreditations: Mapped[str | None] = mapped_column(Text)
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    assured_date: Mapped[dt.date | None] = mapped_column(Date)
    assurer_email: Mapped[str | None] = mapped_column(String(255))
    alert: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, index=True)
    # Local additions.
    self_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    temporarily_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    data_source: Mapped[str] = mapped_column(String(50), default="", index=True)
    # When the 6-month "is this still correct?" reminder last went to the organisation's editors.
    freshness_reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    organization: Mapped[Organization] = relationship(back_populates="services", lazy="joined")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    cost_options: Mapped[list[CostOption]] = relationship(cascade="all, delete-orphan")
    service_areas: Mapped[list[ServiceArea]] = relationship(cascade="all, delete-orphan")
    languages: Mapped[list[Language]] = relationship(cascade="all, delete-orphan", order_by="Language.name")
    contacts: Mapped[list[Contact]] = relationship(
        cascade="all, delete-orphan", primaryjoin="Service.id == Contact.service_id"
    )
    phones: Mapped[list[Phone]] = relationship(
        cascade="all, delete-orphan",
        primaryjoin="and_(Service.id == Phone.service_id, Phone.service_at_location_id.is_(None))",
    )
    schedules: Mapped[list[Schedule]] = relationship(
        cascade="all, delete-orphan",
        primaryjoin="and_(Service.id == Schedule.service_id, Schedule.service_at_location_id.is_(None))",
    )
    attributes: Mapped[list[Attribute]] = relationship(
        primaryjoin=lambda: and_(Service.id == foreign(Attribute.link_id), Attribute.link_entity == "service"),
        cascade="all, delete-orphan",
        overlaps="attributes",
    )

    @hybrid_property
    def is_public(self) -> bool:
        """Shown to the public: in the directory, search, the API and the exports. The one definition,
        in Python and (`Service.is_public` in a query) in SQL."""
        return self.status in PUBLIC_STATUSES

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return cls.status.in_(PUBLIC_STATUSES)

    def term_codes(self, taxonomy_name: str) -> list[str]:
        """The codes of this service's terms from one taxonomy (e.g. its needs or levels)."""
        return [
            a.taxonomy_term.code
            for a in self.attributes
            if a.taxonomy_term.taxonomy == taxonomy_name and a.taxonomy_term.code
        ]

    @property
    def widest_area(self) -> str | None:
        """The widest service area the listing covers (one of AREAS, widest last), or None: only its
        own places."""
        return widest_area_of(area.name for area in self.service_areas)

    @property
    def beyond_tameside(self) -> bool:
        """A Greater Manchester or national service: for Tameside's families by phone, text or online."""
        return self.widest_area in WIDER_AREAS

    @property
    def is_free(self) -> bool | None:
        """True when every cost option costs nothing; None when the cost is not known."""
        return free_from(option.amount for option in self.cost_options)


class ServiceAtLocation(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "service_at_location"

    id: Mapped[str] = id_column()
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(lazy="joined")
    schedules: Mapped[list[Schedule]] = relationship(
        cascade="all, delete-orphan", primaryjoin="ServiceAtLocation.id == Schedule.service_at_location_id"
    )
    phones: Mapped[list[Phone]] = relationship(
        cascade="all, delete-orphan",
        primaryjoin="ServiceAtLocation.id == Phone.service_at_location_id",
        overlaps="phones",
    )


class CostOption(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "cost_option"

    id: Mapped[str] = id_column()
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    option: Mapped[str | None] = mapped_column(String(255))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_description: Mapped[str | None] = mapped_column(Text)


class ServiceArea(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "service_area"

    id: Mapped[str] = id_column()
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(20))
    uri: Mapped[str | None] = mapped_column(String(500))


class Language(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "language"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"))
    phone_id: Mapped[str | None] = mapped_column(ForeignKey("phone.id"))
    name: Mapped[str | None] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(10), index=True)
    note: Mapped[str | None] = mapped_column(Text)


def public_services() -> Select[Service]:
    """The services the public may see, with the parts every listing and search document shows
    (needs and levels, costs, area, languages, opening times, places with their addresses)."""
    from portal.models.location import Location

    return (
        select(Service)
        .where(Service.is_public)
        .options(
            selectinload(Service.attributes),
            selectinload(Service.cost_options),
            selectinload(Service.service_areas),
            selectinload(Service.languages),
            selectinload(Service.schedules),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
            selectinload(Service.service_at_locations).joinedload(ServiceAtLocation.location)
            .selectinload(Location.addresses),
        )
    )
