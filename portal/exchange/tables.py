"""The Open Referral UK 3.0 tables we exchange: their CSV file names, their fields, and the column of
our model each field fills. Import, export and the checks all read this one map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# Field kinds: text, integer, number (float), money (2 decimal places), date, time, datetime.
TEXT, INTEGER, NUMBER, MONEY, DATE, TIME, DATETIME = "text", "integer", "number", "money", "date", "time", "datetime"


@dataclass(frozen=True)
class Table:
    name: str  # ORUK table name (singular, as the schemas name it)
    files: tuple[str, ...]  # CSV file names we accept, the first being the one we write
    model: type[Any]
    fields: tuple[tuple[str, str], ...]  # (field, kind), in CSV column order; the model column has the same name
    aliases: tuple[tuple[str, str], ...] = ()  # (older or UK-profile name, our field): read, never written
    required: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def kind(self, field: str) -> str:
        return dict(self.fields)[field]

    def max_length(self, field: str) -> int | None:
        column = self.model.__table__.c.get(field)
        return getattr(column.type, "length", None) if column is not None else None


def _text(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, TEXT) for name in names)


TABLES: tuple[Table, ...] = (
    Table("taxonomy", ("taxonomies.csv", "taxonomy.csv"), Taxonomy,
          _text("id", "name", "description", "uri", "version"), required=("name",)),
    Table("taxonomy_term", ("taxonomy_terms.csv", "taxonomy_term.csv"), TaxonomyTerm,
          _text("id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "language",
                "term_uri"), aliases=(("term", "name"),), required=("name",)),
    Table("organization", ("organizations.csv", "organization.csv"), Organization,
          _text("id", "name", "alternate_name", "description", "email", "website", "legal_status", "logo", "uri",
                "parent_organization_id"), required=("name",)),
    Table("location", ("locations.csv", "location.csv"), Location,
          _text("id", "location_type", "url", "organization_id", "name", "alternate_name", "description",
                "transportation") + (("latitude", NUMBER), ("longitude", NUMBER))
          + _text("external_identifier", "external_identifier_type")),
    Table("address", ("addresses.csv", "address.csv"), Address,
          _text("id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
                "postal_code", "country", "address_type"), required=("location_id",)),
    Table("accessibility", ("accessibility.csv", "accessibilities.csv"), Accessibility,
          _text("id", "location_id", "description", "details", "url"), aliases=(("accessibility", "description"),),
          required=("location_id",)),
    Table("service", ("services.csv", "service.csv"), Service,
          _text("id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
                "interpretation_services", "application_process", "fees_description", "wait_time",
                "accreditations", "eligibility_description")
          + (("minimum_age", INTEGER), ("maximum_age", INTEGER), ("assured_date", DATE))
          + _text("assurer_email", "alert") + (("last_modified", DATETIME),),
          aliases=(("fees", "fees_description"),), required=("organization_id", "name", "status")),
    Table("service_at_location", ("service_at_locations.csv", "service_at_location.csv"), ServiceAtLocation,
          _text("id", "service_id", "location_id", "description"), required=("service_id", "location_id")),
    Table("cost_option", ("cost_options.csv", "cost_option.csv"), CostOption,
          _text("id", "service_id") + (("valid_from", DATE), ("valid_to", DATE)) + _text("option")
          + (("amount", MONEY),) + _text("currency", "amount_description"), required=("service_id",)),
    Table("service_area", ("service_areas.csv", "service_area.csv"), ServiceArea,
          _text("id", "service_id", "name", "description", "extent", "extent_type", "uri"),
          aliases=(("service_area", "name"),), required=("service_id",)),
    Table("language", ("languages.csv", "language.csv"), Language,
          _text("id", "service_id", "location_id", "phone_id", "name", "code", "note")),
    Table("contact", ("contacts.csv", "contact.csv"), Contact,
          _text("id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title",
                "department", "email")),
    Table("phone", ("phones.csv", "phone.csv"), Phone,
          _text("id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id",
                "number", "extension", "type", "description"), required=("number",)),
    Table("schedule", ("schedules.csv", "schedule.csv"), Schedule,
          _text("id", "service_id", "location_id", "service_at_location_id") + (
              ("valid_from", DATE), ("valid_to", DATE), ("dtstart", DATE)) + _text("timezone") + (
              ("until", DATE), ("count", INTEGER)) + _text("wkst", "freq") + (("interval", INTEGER),)
          + _text("byday", "byweekno", "bymonthday", "byyearday", "description") + (
              ("opens_at", TIME), ("closes_at", TIME)) + _text("schedule_link", "attending_type", "notes")),
    Table("attribute", ("attributes.csv", "attribute.csv"), Attribute,
          _text("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value", "label"),
          required=("link_id", "taxonomy_term_id")),
)
BY_NAME = {table.name: table for table in TABLES}
# Tables of the ORUK standard this portal does not keep: reported, not imported.
NOT_KEPT = ("funding", "organization_identifiers", "required_documents", "programs", "meta_table_descriptions",
            "metadata", "url", "service_capacity", "unit")
