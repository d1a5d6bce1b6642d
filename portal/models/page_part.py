"""A service's page as kept for each version of the listing and language (portal/directory/page_parts.py):
the listing as one record, and the parts that cost the most to draw (its map and its QR code)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ServicePagePart(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "service_page_part"

    service_id: Mapped[str] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    # A digest of everything this was built from (the listing's last change, the page's link, the
    # words, the record's format): when any of it changes, it is built again.
    version: Mapped[str] = mapped_column(String(64))
    listing: Mapped[str | None] = mapped_column(Text)  # directory/listing_record.py, as JSON
    map_html: Mapped[str | None] = mapped_column(Text)
    map_scripts: Mapped[str | None] = mapped_column(Text)
    map_styles: Mapped[str | None] = mapped_column(Text)
    map_id: Mapped[str | None] = mapped_column(String(80))
    qr_svg: Mapped[str] = mapped_column(Text, default="")
