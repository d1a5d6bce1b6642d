"""Places where services are delivered (ORUK 3.0 `location`, `address`, `accessibility`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import id_column


class _Typed(Protocol):
    @property
    def address_type(self) -> str: ...


AddressLike = TypeVar("AddressLike", bound=_Typed)


def main_address(addresses: Sequence[AddressLike]) -> AddressLike | None:
    """The address a place is shown and found by: its first physical one, else its first."""
    physical = [address for address in addresses if address.address_type == "physical"]
    candidates = physical or addresses
    return candidates[0] if candidates else None


class Location(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "location"

    id: Mapped[str] = id_column()
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    url: Mapped[str | None] = mapped_column(String(500))
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    alternate_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    transportation: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float, index=True)
    longitude: Mapped[float | None] = mapped_column(Float, index=True)
    external_identifier: Mapped[str | None] = mapped_column(String(100))
    external_identifier_type: Mapped[str | None] = mapped_column(String(100))
    # Local additions.
    ward_code: Mapped[str | None] = mapped_column(ForeignKey("ward.code"), index=True)
    neighbourhood: Mapped[str | None] = mapped_column(String(50), index=True)
    mask_exact_address: Mapped[bool] = mapped_column(Boolean, default=False)
    data_source: Mapped[str] = mapped_column(String(50), default="", index=True)

    addresses: Mapped[list[Address]] = relationship(back_populates="location", cascade="all, delete-orphan")
    accessibility: Mapped[list[Accessibility]] = relationship(
        back_populates="location", cascade="all, delete-orphan"
    )

    @property
    def address(self) -> Address | None:
        return main_address(self.addresses)


class Address(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "address"

    id: Mapped[str] = id_column()
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)
    attention: Mapped[str | None] = mapped_column(String(255))
    address_1: Mapped[str] = mapped_column(String(255), default="")
    address_2: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str | None] = mapped_column(String(100))
    state_province: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")

    location: Mapped[Location] = relationship(back_populates="addresses")

    def lines(self) -> list[str]:
        return address_lines(self.address_1, self.address_2, self.city, self.postal_code)


def address_lines(*parts: str | None) -> list[str]:
    """An address as the lines a page shows, blank parts left out (a service page's kept record too)."""
    return [part for part in parts if part]


class Accessibility(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "accessibility"

    id: Mapped[str] = id_column()
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))

    location: Mapped[Location] = relationship(back_populates="accessibility")
