"""Taxonomies, their terms, and attributes that link terms to other records (ORUK 3.0)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import id_column


class Taxonomy(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "taxonomy"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[str | None] = mapped_column(String(50))

    terms: Mapped[list[TaxonomyTerm]] = relationship(back_populates="taxonomy_record")


class TaxonomyTerm(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "taxonomy_term"

    id: Mapped[str] = id_column()
    code: Mapped[str | None] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"))
    taxonomy: Mapped[str | None] = mapped_column(String(255))
    taxonomy_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    term_uri: Mapped[str | None] = mapped_column(String(500))

    taxonomy_record: Mapped[Taxonomy | None] = relationship(back_populates="terms")


class Attribute(db.Model):  # type: ignore[name-defined,misc]
    """Links a taxonomy term to a record: link_entity names the table, link_id the row."""

    __tablename__ = "attribute"
    __table_args__ = (Index("ix_attribute_link", "link_entity", "link_id"),)

    id: Mapped[str] = id_column()
    link_id: Mapped[str] = mapped_column(String(36))
    link_type: Mapped[str | None] = mapped_column(String(100))
    link_entity: Mapped[str] = mapped_column(String(50))
    taxonomy_term_id: Mapped[str] = mapped_column(ForeignKey("taxonomy_term.id"), index=True)
    value: Mapped[str | None] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(255))

    taxonomy_term: Mapped[TaxonomyTerm] = relationship(lazy="joined")
