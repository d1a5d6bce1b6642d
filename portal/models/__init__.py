"""The portal's tables. Importing this package registers every model with SQLAlchemy."""

from portal.models.account import (
    ROLES,
    SECOND_FACTOR_ROLES,
    AccountSession,
    AccountToken,
    ManageRequest,
    PasswordResetRequest,
    SignInLock,
    UserAccount,
    UserRole,
)
from portal.models.contact import Contact, Phone
from portal.models.contact_request import CONTACT_REQUEST_STATUSES, AuditEvent, ContactRequest, OutboxMessage
from portal.models.geography import GeocodeCache, Neighbourhood, Postcode, Ward
from portal.models.listing import LISTING_VERSION_STATUSES, PROBLEM_KINDS, ListingVersion, ProblemReport
from portal.models.location import Accessibility, Address, Location
from portal.models.organisation import Organization
from portal.models.page_part import ServicePagePart
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
    "LISTING_VERSION_STATUSES",
    "PROBLEM_KINDS",
    "ROLES",
    "SECOND_FACTOR_ROLES",
    "AccountSession",
    "AccountToken",
    "ListingVersion",
    "ManageRequest",
    "PasswordResetRequest",
    "ProblemReport",
    "SignInLock",
    "AccountSession",
    "UserAccount",
    "UserRole",
    "CONTACT_REQUEST_STATUSES",
    "PUBLIC_STATUSES",
    "Accessibility",
    "Address",
    "Attribute",
    "AuditEvent",
    "Contact",
    "ContactRequest",
    "GeocodeCache",
    "CostOption",
    "Language",
    "Location",
    "Neighbourhood",
    "OutboxMessage",
    "Organization",
    "Phone",
    "Postcode",
    "Schedule",
    "ServicePagePart",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "Taxonomy",
    "TaxonomyTerm",
    "Ward",
]
