"""Moderators review organisations' changes: the queue, the difference from what the public sees now,
approving (the snapshot is applied to the live tables in the same transaction), rejecting with a
reason, the version history and restoring an earlier version. Editors are emailed each decision.

The search index follows by itself: portal/search/sync.py reindexes what each commit changed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal import notify
from portal.contact.audit import record_event
from portal.datafiles.vocabularies import Vocabularies
from portal.directory.services import valid_id
from portal.extensions import db
from portal.listings.merging import three_way
from portal.listings.services import (
    AUDIT_ORGANISATION,
    AUDIT_SUBJECT,
    SUBJECT_ORGANISATION,
    load_snapshot,
    new_version,
)
from portal.listings.snapshots import (
    LABELS,
    FieldChange,
    apply_organisation_snapshot,
    apply_snapshot,
    differences,
    organisation_snapshot_of,
    snapshot_of,
)
from portal.models import ListingVersion, Organization, Service
from portal.models._base import PORTAL_SOURCE
from portal.models.account import UserAccount, organisation_membership
from portal.models.contact_request import OutboxMessage, utcnow


class ModerationError(Exception):
    """A decision that cannot be made (the version is no longer pending, say)."""


@dataclass
class Review:
    version: ListingVersion
    organisation: Organization
    snapshot: dict[str, Any]
    current: dict[str, Any] | None  # what the public sees now; None for a new service
    changes: list[FieldChange]
    is_new: bool
    # Another change was published after this one was started: the difference shown is still exactly
    # what approving would change, but the editor may not have seen the newer details.
    overtaken: bool = False


def term_names(vocab: Vocabularies) -> dict[str, str]:
    names = {slug: need.name for slug, need in vocab.needs.items()}
    names.update({slug: level.name for slug, level in vocab.levels.items()})
    return names


def pending_versions() -> Sequence[ListingVersion]:
    return db.session.scalars(select(ListingVersion).where(ListingVersion.status == "pending")
                              .order_by(ListingVersion.submitted_at, ListingVersion.number)).all()


def get_version(version_id: str) -> ListingVersion | None:
    if not valid_id(version_id):
        return None
    return db.session.get(ListingVersion, version_id)


def _current(version: ListingVersion) -> dict[str, Any] | None:
    if version.subject == SUBJECT_ORGANISATION:
        organisation = db.session.get(Organization, version.service_id)
        return organisation_snapshot_of(organisation) if organisation else None
    live = db.session.get(Service, version.service_id)
    return snapshot_of(live) if live is not None else None


def review_of(version: ListingVersion, vocab: Vocabularies) -> Review:
    snapshot = load_snapshot(version)
    current = _current(version)
    organisation = db.session.get(Organization, version.organization_id)
    assert organisation is not None  # nosec B101  # narrows the type: versions are deleted with their organisation
    overtaken = version.status == "pending" and db.session.scalars(select(ListingVersion.id).where(
        ListingVersion.service_id == version.service_id, ListingVersion.status == "approved",
        ListingVersion.reviewed_at > version.created_at).limit(1)).first() is not None
    return Review(version, organisation, snapshot, current, differences(current, snapshot, term_names(vocab)),
                  is_new=current is None, overtaken=overtaken)


def _editors_of(organisation_id: str) -> list[UserAccount]:
    query = (select(UserAccount).join(organisation_membership, organisation_membership.c.user_id == UserAccount.id)
             .where(organisation_membership.c.organization_id == organisation_id, UserAccount.active.is_(True)))
    return [account for account in db.session.scalars(query) if account.has_role("editor")]


def _tell_editors(version: ListingVersion, name: str, approved: bool) -> list[OutboxMessage]:
    # Emailed links use PUBLIC_BASE_URL, never the Host header the request happened to carry.
    if version.subject == SUBJECT_ORGANISATION:
        path = url_for("listings.organisation", organisation_id=version.organization_id, _external=False)
    else:
        path = url_for("listings.service", service_id=version.service_id, _external=False)
    link = str(current_app.config["PUBLIC_BASE_URL"]) + path
    if approved:
        subject = _("Your change to %(name)s is published", name=name)
        body = _("A moderator approved your change to %(name)s. The directory shows it now.\n\n%(link)s",
                 name=name, link=link)
    else:
        subject = _("Your change to %(name)s was not approved", name=name)
        body = _("A moderator did not approve your change to %(name)s.\n\nTheir reason: %(reason)s\n\n"
                 "You can change it and submit it again: %(link)s", name=name, reason=version.review_reason, link=link)
    return [notify.queue(editor.email, subject, body) for editor in _editors_of(version.organization_id)]


def _apply(version: ListingVersion, vocab: Vocabularies) -> str:
    """Write the version to the live tables; returns the name it now has."""
    snapshot = load_snapshot(version)
    if version.subject == SUBJECT_ORGANISATION:
        organisation = db.session.get(Organization, version.service_id)
        if organisation is None:
            raise ModerationError(_("This organisation is no longer in the directory."))
        apply_organisation_snapshot(organisation, snapshot)
        organisation.data_source = PORTAL_SOURCE  # the seed loader no longer overwrites it
        return organisation.name
    live = db.session.get(Service, version.service_id)
    service = apply_snapshot(db.session(), live, version.organization_id, snapshot, vocab,
                             service_id=version.service_id)
    # The organisation now looks after this listing (the seed loader leaves it alone), and a reviewed
    # change means its details were checked today.
    service.data_source = PORTAL_SOURCE
    service.assured_date = utcnow().date()
    service.freshness_reminder_sent_at = None
    return service.name


def _audit_subject(version: ListingVersion) -> str:
    return AUDIT_ORGANISATION if version.subject == SUBJECT_ORGANISATION else AUDIT_SUBJECT


def _approved_since(version: ListingVersion) -> ListingVersion | None:
    """The newest version of the same listing approved after this one was started."""
    return db.session.scalars(select(ListingVersion).where(
        ListingVersion.service_id == version.service_id, ListingVersion.subject == version.subject,
        ListingVersion.status == "approved", ListingVersion.reviewed_at > version.created_at,
        ListingVersion.id != version.id).order_by(ListingVersion.reviewed_at.desc()).limit(1)).first()


def bring_up_to_date(version: ListingVersion) -> None:
    """A change started before someone else's change was published keeps the live listing's newer
    values where it did not touch them (measured from the live listing when it was started). Where both
    changed the same part differently, approval is refused, naming the parts: the moderator rejects it
    and the editor makes the change again from the live listing."""
    newer = _approved_since(version)
    if newer is None or version.base_snapshot is None:
        return
    base = json.loads(version.base_snapshot)
    merged, conflicts = three_way(base, load_snapshot(version), load_snapshot(newer))
    if conflicts:
        names = ", ".join(_(LABELS.get(field, field)) for field in conflicts)
        raise ModerationError(_("The listing was changed after this draft was made (version %(number)s was "
                                "published). These parts were changed in both, differently: %(fields)s. "
                                "Reject this change and ask the editor to make it again from the live listing.",
                                number=newer.number, fields=names))
    version.snapshot = json.dumps(merged, sort_keys=True)


def approve(version: ListingVersion, moderator: UserAccount, vocab: Vocabularies) -> None:
    if version.status != "pending":
        raise ModerationError(_("This change has already been decided."))
    bring_up_to_date(version)
    name = _apply(version, vocab)
    version.status = "approved"
    version.reviewed_by = moderator.actor
    version.reviewed_at = utcnow()
    record_event(db.session(), moderator.actor, "listing.approved", version.service_id,
                 detail=f"version {version.number}", subject_type=_audit_subject(version))
    messages = _tell_editors(version, name, approved=True)
    db.session.commit()
    _send(messages)


def reject(version: ListingVersion, moderator: UserAccount, reason: str) -> None:
    if version.status != "pending":
        raise ModerationError(_("This change has already been decided."))
    version.status = "rejected"
    version.reviewed_by = moderator.actor
    version.reviewed_at = utcnow()
    version.review_reason = reason
    record_event(db.session(), moderator.actor, "listing.rejected", version.service_id,
                 detail=f"version {version.number}", subject_type=_audit_subject(version))
    messages = _tell_editors(version, str(load_snapshot(version).get("name") or ""), approved=False)
    db.session.commit()
    _send(messages)


def restore(version: ListingVersion, moderator: UserAccount, vocab: Vocabularies) -> ListingVersion:
    """A new version with an earlier version's snapshot, approved at once (and applied)."""
    if version.status != "approved":
        raise ModerationError(_("Only a version that was published can be restored."))
    restored = new_version(version.service_id, version.organization_id, load_snapshot(version), moderator.actor,
                           "pending", subject=version.subject, based_on_id=version.id)
    restored.editor_note = _("Restored from version %(number)s", number=version.number)
    restored.submitted_at = utcnow()
    _apply(restored, vocab)
    restored.status = "approved"
    restored.reviewed_by = moderator.actor
    restored.reviewed_at = utcnow()
    record_event(db.session(), moderator.actor, "listing.restored", version.service_id,
                 detail=f"version {restored.number} from version {version.number}",
                 subject_type=_audit_subject(version))
    db.session.commit()
    return restored


def _send(messages: list[OutboxMessage]) -> None:
    try:
        notify.send_queued(*messages)
    except Exception:  # noqa: BLE001 - the decision is saved; unsent emails wait in the outbox
        current_app.logger.warning("Could not send moderation emails now; they wait in the outbox")


def history(service_id: str) -> Sequence[ListingVersion]:
    if not valid_id(service_id):
        return []
    return db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == service_id)
                              .order_by(ListingVersion.number.desc())).all()


def people_names(versions: Sequence[ListingVersion]) -> dict[str, str]:
    """Who each actor in these versions is, for the history (display names only)."""
    ids = {actor.removeprefix("user:") for version in versions
           for actor in (version.created_by, version.reviewed_by or "") if actor.startswith("user:")}
    if not ids:
        return {}
    return {f"user:{account.id}": account.display_name
            for account in db.session.scalars(select(UserAccount).where(UserAccount.id.in_(ids)))}
