"""Requests to manage a listing: the only code that writes them. Each change is audited.

The requester's name, work email, role and message exist only in the encrypted payload (the portal's data
keys, `data_cipher()`); audit events and logs name requests by id, and emails to moderators carry a link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.services import AccountError, account_by_email, data_cipher, invite
from portal.contact.audit import record_event
from portal.directory.services import valid_id
from portal.extensions import db
from portal.models.account import ManageRequest, UserAccount
from portal.models.contact_request import utcnow
from portal.models.organisation import Organization
from portal.notify import queue, send_queued
from portal.reports.emails import in_default_language, staff_link
from portal.reports.services import moderators

SUBJECT_MANAGE_REQUEST = "manage_request"
PUBLIC_ACTOR = "public:manage-request"
PAYLOAD_FIELDS = ("name", "email", "role", "message")
DECIDED = ("approved", "rejected")


class NotFound(LookupError):
    """No such request (or organisation): the route answers 404."""


class ManageRequestError(ValueError):
    """The decision cannot be made; the message is for the moderator."""


@dataclass
class PendingRequest:
    request: ManageRequest
    organisation: Organization


@dataclass
class OpenedRequest:
    request: ManageRequest
    organisation: Organization
    details: dict[str, Any]


def _audit(actor: str, action: str, request_id: str, detail: str | None = None) -> None:
    record_event(db.session(), actor, action, request_id, detail=detail, subject_type=SUBJECT_MANAGE_REQUEST)


def create_request(organisation: Organization, name: str, email: str, role: str, message: str) -> ManageRequest:
    payload = {"name": name, "email": email.strip().lower(), "role": role, "message": message or ""}
    request = ManageRequest(organization_id=organisation.id, status="pending",
                            encrypted_payload=data_cipher().encrypt(payload))
    db.session.add(request)
    db.session.flush()
    _audit(PUBLIC_ACTOR, "manage request made", request.id)
    link = staff_link("manage_requests.pending")
    with in_default_language():
        subject = _("Someone has asked to manage a listing on Tameside Family Help")
        body = (_("Someone has asked to manage the listing for %(organisation)s.", organisation=organisation.name)
                + "\n\n" + _("Sign in to approve or reject the request:") + f"\n{link}")
    messages = [queue(account.email, subject, body) for account in moderators()]
    db.session.commit()
    send_queued(*messages)
    return request


def pending_requests() -> list[PendingRequest]:
    query = (select(ManageRequest, Organization).join(Organization, Organization.id == ManageRequest.organization_id)
             .where(ManageRequest.status == "pending").order_by(ManageRequest.created_at, ManageRequest.id))
    return [PendingRequest(request, organisation) for request, organisation in db.session.execute(query)]


def _get(request_id: str) -> ManageRequest:
    request = db.session.get(ManageRequest, request_id) if valid_id(request_id) else None
    if request is None:
        raise NotFound(request_id)
    return request


def open_request(request_id: str, moderator: UserAccount) -> OpenedRequest:
    """The request with its details decrypted; every reading is audited."""
    request = _get(request_id)
    details = data_cipher().decrypt(request.encrypted_payload)
    _audit(moderator.actor, "read", request.id)
    db.session.commit()
    organisation = db.session.get(Organization, request.organization_id)
    assert organisation is not None  # nosec B101  # narrows the type: the foreign key cascades
    return OpenedRequest(request, organisation, details)


def _decide(request: ManageRequest, moderator: UserAccount, status: str, reason: str | None = None) -> None:
    if request.status != "pending":
        raise ManageRequestError(_("This request has already been decided"))
    request.status = status
    request.decided_by = moderator.actor
    request.decided_at = utcnow()
    request.reason = reason


def approve(request_id: str, moderator: UserAccount) -> str:
    """Invite the requester as an editor of the organisation. Returns the address invited."""
    request = _get(request_id)
    email = str(data_cipher().decrypt(request.encrypted_payload)["email"])
    if request.status == "pending" and account_by_email(email) is not None:
        raise ManageRequestError(_("There is already an account with this email address. Ask an administrator to "
                                   "add this organisation to that account's access (People), then reject this "
                                   "request saying so"))
    _decide(request, moderator, "approved")
    _audit(moderator.actor, "manage request approved", request.id)
    try:
        invite(email, ["editor"], [request.organization_id], moderator)  # commits the decision with the invitation
    except AccountError as error:
        db.session.rollback()
        raise ManageRequestError(str(error)) from None
    return email


def reject(request_id: str, moderator: UserAccount, reason: str) -> None:
    """Say no, and email the requester the reason."""
    request = _get(request_id)
    email = str(data_cipher().decrypt(request.encrypted_payload)["email"])
    _decide(request, moderator, "rejected", reason)
    _audit(moderator.actor, "manage request rejected", request.id)
    organisation = db.session.get(Organization, request.organization_id)
    name = organisation.name if organisation else ""
    with in_default_language():
        subject = _("Your request to manage a listing on Tameside Family Help")
        body = (_("You asked to manage the listing for %(organisation)s on Tameside Family Help. The directory team "
                  "cannot agree to this, for this reason:", organisation=name)
                + "\n\n" + reason + "\n\n"
                + _("If you think this is a mistake, reply to the directory team with more about your role."))
    message = queue(email, subject, body)
    db.session.commit()
    send_queued(message)


UNDECIDED_DAYS = 90


def purge_decided(older_than_days: int | None = None) -> int:
    """Delete requests decided more than the retention period ago, and requests left undecided for
    UNDECIDED_DAYS, with the personal data they hold."""
    days = current_app.config["MANAGE_REQUEST_RETENTION_DAYS"] if older_than_days is None else older_than_days
    cutoff = utcnow() - dt.timedelta(days=days)
    query = select(ManageRequest).where(ManageRequest.status.in_(DECIDED), ManageRequest.decided_at <= cutoff)
    expired = list(db.session.scalars(query))
    # A request nobody decided is not kept for ever either: after UNDECIDED_DAYS it goes too.
    stale = utcnow() - dt.timedelta(days=max(days, UNDECIDED_DAYS))
    undecided = select(ManageRequest).where(ManageRequest.status == "pending", ManageRequest.created_at <= stale)
    expired += list(db.session.scalars(undecided))
    for request in expired:
        _audit("command:purge-manage-requests", "purged", request.id, detail=f"{request.status}, kept {days} days")
        db.session.delete(request)
    db.session.commit()
    return len(expired)
