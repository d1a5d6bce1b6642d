"""The parts of a service's page that cost the most to draw (its map and its QR code), drawn once for
each version of the listing and language, and kept here (portal/directory/page_parts.py)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ServicePagePart(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "service_page_part"

    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    # A digest of everything the parts were drawn from (the mapped place, the page's link, the words):
    # when any of it changes, the parts are drawn again.
    version: Mapped[str] = mapped_column(String(64))
    map_html: Mapped[str | None] = mapped_column(Text)
    map_scripts: Mapped[str | None] = mapped_column(Text)
    map_styles: Mapped[str | None] = mapped_column(Text)
    map_id: Mapped[str | None] = mapped_column(String(80))
    qr_svg: Mapped[str] = mapped_column(Text, default="")
