"""Tameside's integrated neighbourhoods, its wards, and the postcode gazetteer."""

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, String
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


class GeocodeCache(db.Model):  # type: ignore[name-defined,misc]
    """Answers from online geocoding, kept so that each address is looked up only once.
    Holds organisations' addresses only, never a member of the public's."""

    __tablename__ = "geocode_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
