"""Contact request operations: the only code that writes contact requests. Each change is audited.

Personal data exists only in the encrypted payload; logs, audit events and outbox messages carry the
reference at most.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import notify
from portal.contact.audit import events_for, record_event
from portal.contact.crypto import ContactCipher
from portal.contact.outbox import INBOX_PLACEHOLDER
from portal.contact.references import new_reference, normalise_reference
from portal.contact.retention import purge_closed as purge_closed_requests
from portal.contact.rotation import rotate_payloads
from portal.extensions import db
from portal.models.account import UserAccount, UserRole
from portal.models.contact_request import REQUESTERS, ContactRequest, utcnow

logger = logging.getLogger(__name__)

# What the form may send. Anything else is refused rather than stored unseen. All of it is personal data,
# kept only in the encrypted payload: the young person's age, the answer about how things are going, the
# safe way to get in touch (asked when the worries include domestic abuse) and a practitioner's details.
PAYLOAD_FIELDS = frozenset({
    "name", "phone", "email", "safe_times", "message_allowed", "postcode", "children_ages", "worries", "note",
    "age", "situation", "safe_way",
    "practitioner_name", "practitioner_role", "practitioner_organisation", "practitioner_phone", "practitioner_email",
})
PUBLIC_ACTOR = "public:contact-form"
STAFF_ROLE = "early_help"
OUTCOME_MAX = 2000
# The staff's outcome notes, kept in the encrypted payload next to what the family sent.
OUTCOME_KEY = "outcome"


class ContactRequestError(ValueError):
    """The operation cannot be done (unknown request, closed request, bad input)."""


class RequestClosed(ContactRequestError):
    """The request is closed: nothing about it may change any more."""


def _session() -> Session:
    """The request's own session (not the scoped proxy), for the Flask-free helpers."""
    return db.session()


def contact_cipher() -> ContactCipher:
    return ContactCipher(current_app.config["CONTACT_ENCRYPTION_KEYS"])


def request_link(reference: str) -> str:
    """The staff page of a request, for the notice email: PUBLIC_BASE_URL, never the Host header a visitor sent."""
    path = current_app.url_map.bind("").build("early_help.request_page", {"reference": reference})
    return str(current_app.config["PUBLIC_BASE_URL"]) + path


def _unused_reference() -> str:
    while True:
        reference = new_reference()
        if db.session.scalar(select(ContactRequest.id).where(ContactRequest.reference == reference)) is None:
            return reference


def _by_idempotency_key(key: str) -> ContactRequest | None:
    return db.session.scalar(select(ContactRequest).where(ContactRequest.idempotency_key == key))


# The notice's first sentence by who filled in the form (a category, never a detail of the family).
_NOTICE_OPENING = {
    "young_person": "A young person has asked Early Help to contact them.",
    "parent_or_carer": "A family has asked Early Help to contact them.",
    "practitioner": ("A practitioner has asked Early Help to contact a family they support, "
                     "with the family's agreement."),
    "": "A family has asked Early Help to contact them.",
}


def create_request(payload: dict[str, Any], consent_wording_version: str, idempotency_key: str,
                   requester: str | None = None) -> ContactRequest:
    """Store a request; the same idempotency key returns the request already made, never a second one.
    `requester` says who filled in the form (one of REQUESTERS)."""
    unknown = set(payload) - PAYLOAD_FIELDS
    if unknown:
        raise ContactRequestError(f"Unknown contact request fields: {', '.join(sorted(unknown))}.")
    if requester is not None and requester not in REQUESTERS:
        raise ContactRequestError(f"Unknown requester: {requester!r}.")
    if not idempotency_key or len(idempotency_key) > 128:
        raise ContactRequestError("The idempotency key must be 1 to 128 characters.")
    if not consent_wording_version:
        raise ContactRequestError("The consent wording version is needed.")
    existing = _by_idempotency_key(idempotency_key)
    if existing is not None:
        return existing

    now = utcnow()
    contact_request = ContactRequest(
        reference=_unused_reference(), created_at=now, status="new", consent_wording_version=consent_wording_version,
        consented_at=now, requester=requester, idempotency_key=idempotency_key,
        encrypted_payload=contact_cipher().encrypt(payload),
    )
    db.session.add(contact_request)
    try:
        db.session.flush()
    except IntegrityError:
        # A double submit raced this one and won: return the request it made.
        db.session.rollback()
        existing = _by_idempotency_key(idempotency_key)
        if existing is None:
            raise
        return existing
    record_event(_session(), PUBLIC_ACTOR, "created", contact_request.id,
                 detail=f"consent wording {consent_wording_version}")
    notice = notify.queue(
        to=current_app.config.get("EARLY_HELP_INBOX") or INBOX_PLACEHOLDER,
        subject=f"New Early Help contact request {contact_request.reference}",
        body=(f"{_NOTICE_OPENING.get(requester or '', _NOTICE_OPENING[''])} Reference: {contact_request.reference}.\n"
              f"Sign in to the portal to read the request: {request_link(contact_request.reference)}\n"
              "No personal details are sent by email."),
    )
    db.session.commit()
    logger.info("contact request %s created", contact_request.reference)
    notify.send_queued(notice)
    return contact_request


def _get(request_id: str) -> ContactRequest:
    contact_request = db.session.get(ContactRequest, request_id)
    if contact_request is None:
        raise ContactRequestError("No such contact request.")
    return contact_request


def _get_open(request_id: str) -> ContactRequest:
    contact_request = _get(request_id)
    if contact_request.status == "closed":
        raise RequestClosed(f"Contact request {contact_request.reference} is closed.")
    return contact_request


def read_request(request_id: str, actor: str) -> dict[str, Any]:
    """The decrypted personal data (with the staff's outcome notes under OUTCOME_KEY, once recorded);
    every read is audited."""
    contact_request = _get(request_id)
    payload = contact_cipher().decrypt(contact_request.encrypted_payload)
    record_event(_session(), actor, "read", contact_request.id)
    db.session.commit()
    return payload


def assign(request_id: str, actor: str, assignee: str) -> ContactRequest:
    contact_request = _get_open(request_id)
    contact_request.assigned_to = assignee
    contact_request.status = "assigned"
    record_event(_session(), actor, "assigned", contact_request.id, detail=f"assigned to {assignee}")
    db.session.commit()
    return contact_request


def record_outcome(request_id: str, actor: str, outcome: str) -> ContactRequest:
    """Staff notes on the outcome. Notes may name people, so they are encrypted inside the payload (and so
    rotated and purged with it); the `outcome` column stays empty. The audit event says only that it changed."""
    if not outcome.strip() or len(outcome) > OUTCOME_MAX:
        raise ContactRequestError(f"The outcome must be 1 to {OUTCOME_MAX} characters.")
    contact_request = _get_open(request_id)
    cipher = contact_cipher()
    payload = cipher.decrypt(contact_request.encrypted_payload)
    payload[OUTCOME_KEY] = outcome
    contact_request.encrypted_payload = cipher.encrypt(payload)
    contact_request.outcome = None
    record_event(_session(), actor, "outcome recorded", contact_request.id)
    db.session.commit()
    return contact_request


def early_help_staff() -> list[UserAccount]:
    """Active accounts with the Early Help role: the people a request can be given to."""
    return list(db.session.scalars(
        select(UserAccount).join(UserRole).where(UserRole.role == STAFF_ROLE, UserAccount.active.is_(True))
        .order_by(func.lower(UserAccount.display_name))))


def early_help_staff_member(account_id: str) -> UserAccount | None:
    account = db.session.get(UserAccount, account_id) if isinstance(account_id, str) and account_id else None
    if account is None or not account.active or not account.has_role(STAFF_ROLE):
        return None
    return account


def assign_to_staff(request_id: str, actor: str, account_id: str) -> ContactRequest:
    """Give the request to an active Early Help staff member; `assigned_to` holds their account id."""
    _get_open(request_id)
    if early_help_staff_member(account_id) is None:
        raise ContactRequestError("Choose a member of the Early Help team.")
    return assign(request_id, actor, account_id)


def close(request_id: str, actor: str) -> ContactRequest:
    contact_request = _get_open(request_id)
    contact_request.status = "closed"
    contact_request.closed_at = utcnow()
    record_event(_session(), actor, "closed", contact_request.id)
    db.session.commit()
    return contact_request


def export_request(reference: str, actor: str = "staff:subject-access-request") -> dict[str, Any]:
    """Everything held about one request, for a subject access request: the decrypted payload and its audit trail."""
    contact_request = db.session.scalar(
        select(ContactRequest).where(ContactRequest.reference == normalise_reference(reference)))
    if contact_request is None:
        raise ContactRequestError(f"No contact request with reference {reference}.")
    payload = contact_cipher().decrypt(contact_request.encrypted_payload)
    outcome = payload.pop(OUTCOME_KEY, None) or contact_request.outcome
    record_event(_session(), actor, "exported", contact_request.id)
    db.session.commit()
    return {
        "reference": contact_request.reference,
        "created_at": contact_request.created_at.isoformat(),
        "status": contact_request.status,
        "assigned_to": contact_request.assigned_to,
        "outcome": outcome,
        "closed_at": contact_request.closed_at.isoformat() if contact_request.closed_at else None,
        "consent_wording_version": contact_request.consent_wording_version,
        "requester": contact_request.requester,
        "consented_at": contact_request.consented_at.isoformat(),
        "personal_data": payload,
        "audit_trail": [
            {"at": event.at.isoformat(), "actor": event.actor, "action": event.action, "detail": event.detail}
            for event in events_for(_session(), contact_request.id)
        ],
    }


def purge_closed(older_than_days: int | None = None) -> int:
    days = current_app.config["CONTACT_RETENTION_DAYS"] if older_than_days is None else older_than_days
    return purge_closed_requests(_session(), days)


def rotate_keys() -> int:
    return rotate_payloads(_session(), contact_cipher())
