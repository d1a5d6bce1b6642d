"""Organisations' editors change their listings: drafts, submitting for review, and what they may see.

Object-level access lives here: an editor reaches only the organisations they belong to, and only
those organisations' services and drafts. Anything else is "not found" (None), never "forbidden",
so nobody learns what exists elsewhere. Only these functions commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from portal.contact.audit import record_event
from portal.directory.services import valid_id
from portal.extensions import db
from portal.listings.snapshots import empty_service_snapshot, organisation_snapshot_of, snapshot_of
from portal.models import ListingVersion, Organization, Service
from portal.models._base import new_id
from portal.models.account import UserAccount
from portal.models.contact_request import utcnow

SUBJECT_SERVICE = "service"
SUBJECT_ORGANISATION = "organisation"
AUDIT_SUBJECT = "service"
AUDIT_ORGANISATION = "organisation"


@dataclass
class Listing:
    """One service as an editor works on it: the live row (None until a new service is approved), the
    snapshot they are editing, their draft (if any) and the newest decision on it."""

    service_id: str
    organisation: Organization
    live: Service | None
    snapshot: dict[str, Any]
    draft: ListingVersion | None
    pending: ListingVersion | None
    latest_decision: ListingVersion | None

    @property
    def name(self) -> str:
        return str(self.snapshot.get("name") or "")


def load_snapshot(version: ListingVersion) -> dict[str, Any]:
    data = json.loads(version.snapshot)
    return data if isinstance(data, dict) else {}


def _next_number(service_id: str) -> int:
    highest = db.session.scalar(select(func.max(ListingVersion.number)).where(ListingVersion.service_id == service_id))
    return int(highest or 0) + 1


def _latest(service_id: str, *statuses: str) -> ListingVersion | None:
    query = (select(ListingVersion).where(ListingVersion.service_id == service_id,
                                          ListingVersion.status.in_(statuses))
             .order_by(ListingVersion.number.desc()).limit(1))
    return db.session.scalars(query).first()


def new_version(service_id: str, organization_id: str, snapshot: dict[str, Any], actor: str, status: str,
                subject: str = SUBJECT_SERVICE, based_on_id: str | None = None) -> ListingVersion:
    version = ListingVersion(id=new_id(), service_id=service_id, organization_id=organization_id, subject=subject,
                             number=_next_number(service_id), status=status,
                             snapshot=json.dumps(snapshot, sort_keys=True), based_on_id=based_on_id,
                             created_by=actor, created_at=utcnow(), base_snapshot=_live_snapshot(service_id, subject))
    db.session.add(version)
    db.session.flush()
    return version


def _live_snapshot(listing_id: str, subject: str) -> str | None:
    """The live listing as it is now (JSON), or None for a new one."""
    if subject == SUBJECT_ORGANISATION:
        organisation = db.session.get(Organization, listing_id)
        return json.dumps(organisation_snapshot_of(organisation), sort_keys=True) if organisation else None
    service = db.session.get(Service, listing_id)
    return json.dumps(snapshot_of(service), sort_keys=True) if service is not None else None


def propose_snapshot(service_id: str | None, organization_id: str, snapshot: dict[str, Any], actor: str,
                     note: str | None = None) -> ListingVersion:
    """A pending version of a service (a new service when `service_id` is None) for a moderator to review.
    Used by the importer too. The caller commits."""
    service_id = service_id or new_id()
    based_on = _latest(service_id, "approved")
    version = new_version(service_id, organization_id, snapshot, actor, "pending",
                          based_on_id=based_on.id if based_on else None)
    version.editor_note = note or None
    version.submitted_at = utcnow()
    record_event(db.session(), actor, "listing.submitted", service_id, detail=f"version {version.number}",
                 subject_type=AUDIT_SUBJECT)
    return version


# What an editor may reach.

def editor_organisations(user: UserAccount) -> list[Organization]:
    return sorted(user.organisations, key=lambda organisation: organisation.name)


def organisation_for_editor(user: UserAccount, organisation_id: str) -> Organization | None:
    if not valid_id(organisation_id) or organisation_id not in user.organisation_ids:
        return None
    return db.session.get(Organization, organisation_id)


def organisation_of_service(service_id: str) -> tuple[str, Service | None] | None:
    """The organisation a service (live, or only drafted so far) belongs to."""
    if not valid_id(service_id):
        return None
    live = db.session.get(Service, service_id)
    if live is not None:
        return live.organization_id, live
    version = db.session.scalars(select(ListingVersion).where(
        ListingVersion.service_id == service_id, ListingVersion.subject == SUBJECT_SERVICE).limit(1)).first()
    return (version.organization_id, None) if version else None


def listing_for_editor(user: UserAccount, service_id: str) -> Listing | None:
    found = organisation_of_service(service_id)
    if found is None or found[0] not in user.organisation_ids:
        return None
    organisation_id, live = found
    organisation = db.session.get(Organization, organisation_id)
    if organisation is None:
        return None
    draft = _draft_of(user, service_id)
    pending = _latest(service_id, "pending")
    decision = _latest(service_id, "approved", "rejected")
    if draft is not None:
        snapshot = load_snapshot(draft)
    elif pending is not None:
        snapshot = load_snapshot(pending)
    elif decision is not None and decision.status == "rejected":
        snapshot = load_snapshot(decision)
    elif live is not None:
        snapshot = snapshot_of(live)
    else:
        return None  # a new service whose only versions were withdrawn
    return Listing(service_id, organisation, live, snapshot, draft, pending, decision)


def _draft_of(user: UserAccount, service_id: str) -> ListingVersion | None:
    return db.session.scalars(select(ListingVersion).where(
        ListingVersion.service_id == service_id, ListingVersion.status == "draft",
        ListingVersion.created_by == user.actor).limit(1)).first()


def organisation_services(user: UserAccount, organisation: Organization) -> list[tuple[str, str, str]]:
    """(service id, name, state) for every service of the organisation, live or new (new ones in review,
    rejected, or drafted by this editor), by name."""
    rows: dict[str, tuple[str, str, str]] = {}
    for service in db.session.scalars(select(Service).where(Service.organization_id == organisation.id)):
        rows[service.id] = (service.id, service.name, "live")
    new_drafts = select(ListingVersion).where(
        ListingVersion.organization_id == organisation.id, ListingVersion.subject == SUBJECT_SERVICE,
        ListingVersion.status.in_(("pending", "rejected"))
        | ((ListingVersion.status == "draft") & (ListingVersion.created_by == user.actor)))
    for version in db.session.scalars(new_drafts.order_by(ListingVersion.number)):
        if version.service_id not in rows or rows[version.service_id][2] == "new":
            rows[version.service_id] = (version.service_id, load_snapshot(version).get("name") or "", "new")
    return sorted(rows.values(), key=lambda row: row[1].lower())


# Changing a listing.

def save_draft(user: UserAccount, listing: Listing, snapshot: dict[str, Any]) -> ListingVersion:
    """Keep the editor's one draft of this service up to date with what they just saved."""
    draft = listing.draft
    if draft is None:
        based_on = listing.pending or _latest(listing.service_id, "approved")
        draft = new_version(listing.service_id, listing.organisation.id, snapshot, user.actor, "draft",
                            based_on_id=based_on.id if based_on else None)
    else:
        draft.snapshot = json.dumps(snapshot, sort_keys=True)
    db.session.commit()
    listing.draft = draft
    listing.snapshot = snapshot
    return draft


def start_new_service(user: UserAccount, organisation: Organization, name: str, description: str) -> str:
    service_id = new_id()
    new_version(service_id, organisation.id, empty_service_snapshot(name, description), user.actor, "draft")
    db.session.commit()
    return service_id


def submit(user: UserAccount, listing: Listing, note: str | None) -> ListingVersion | None:
    """The editor's draft goes to the moderators. A pending version it was built on is replaced by it."""
    draft = listing.draft
    if draft is None:
        return None
    if draft.based_on_id:
        earlier = db.session.get(ListingVersion, draft.based_on_id)
        if earlier is not None and earlier.status == "pending":
            earlier.status = "withdrawn"
    draft.status = "pending"
    draft.editor_note = note or None
    draft.submitted_at = utcnow()
    record_event(db.session(), user.actor, "listing.submitted", listing.service_id,
                 detail=f"version {draft.number}", subject_type=AUDIT_SUBJECT)
    db.session.commit()
    return draft


def discard_draft(user: UserAccount, listing: Listing) -> None:
    if listing.draft is not None:
        listing.draft.status = "withdrawn"
        db.session.commit()


def propose_organisation(user: UserAccount, organisation: Organization, snapshot: dict[str, Any],
                         note: str | None) -> ListingVersion:
    """Changes to the organisation's own details (and safeguarding details) go for review too."""
    for earlier in db.session.scalars(select(ListingVersion).where(
            ListingVersion.service_id == organisation.id, ListingVersion.status == "pending")):
        earlier.status = "withdrawn"
    version = new_version(organisation.id, organisation.id, snapshot, user.actor, "pending",
                          subject=SUBJECT_ORGANISATION)
    version.editor_note = note or None
    version.submitted_at = utcnow()
    record_event(db.session(), user.actor, "organisation.submitted", organisation.id,
                 detail=f"version {version.number}", subject_type=AUDIT_ORGANISATION)
    db.session.commit()
    return version


def organisation_working_snapshot(organisation: Organization) -> tuple[dict[str, Any], ListingVersion | None]:
    """What the organisation form starts from: a pending change if there is one, else the live details."""
    pending = _latest(organisation.id, "pending")
    if pending is not None:
        return load_snapshot(pending), pending
    return organisation_snapshot_of(organisation), None


def latest_organisation_decision(organisation: Organization) -> ListingVersion | None:
    return _latest(organisation.id, "approved", "rejected")


def versions_of(service_id: str) -> Sequence[ListingVersion]:
    return db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == service_id)
                              .order_by(ListingVersion.number.desc())).all()
