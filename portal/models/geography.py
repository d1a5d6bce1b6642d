"""Tameside's integrated neighbourhoods, its wards, and the postcode gazetteer."""

from sqlalchemy import Boolean, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class Neighbourhood(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "neighbourhood"

    slug: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Ward(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "ward"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    neighbourhood_slug: Mapped[str] = mapped_column(ForeignKey("neighbourhood.slug"), index=True)
    centroid_latitude: Mapped[float] = mapped_column(Float)
    centroid_longitude: Mapped[float] = mapped_column(Float)


class Postcode(db.Model):  # type: ignore[name-defined,misc]
    """A postcode from the ONS lookup (Tameside and nearby districts), resolved offline."""

    __tablename__ = "postcode"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    outcode: Mapped[str] = mapped_column(String(4), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    ward_code: Mapped[str | None] = mapped_column(String(9))
    ward_name: Mapped[str | None] = mapped_column(String(100))
    neighbourhood: Mapped[str | None] = mapped_column(String(50))
    in_tameside: Mapped[bool] = mapped_column(Boolean, default=False)
