"""The portal's tables. Importing this package registers every model with SQLAlchemy."""

from portal.models.contact import Contact, Phone
from portal.models.geography import GeocodeCache, Neighbourhood, Postcode, Ward
from portal.models.location import Accessibility, Address, Location
from portal.models.organisation import Organization
from portal.models.schedule import Schedule
from portal.models.service import (
    PUBLIC_STATUSES,
    CostOption,
    Language,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from portal.models.taxonomy import Attribute, Taxonomy, TaxonomyTerm

__all__ = [
    "PUBLIC_STATUSES",
    "Accessibility",
    "Address",
    "Attribute",
    "Contact",
    "GeocodeCache",
    "CostOption",
    "Language",
    "Location",
    "Neighbourhood",
    "Organization",
    "Phone",
    "Postcode",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "Taxonomy",
    "TaxonomyTerm",
    "Ward",
]
