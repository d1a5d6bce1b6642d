"""What the Early Help staff pages read: the queue of requests and one request's audit trail.

The queue carries no personal data (reference, dates, status, who has it); the decrypted details are
read only through `services.read_request`, which audits each read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.contact.audit import events_for
from portal.contact.references import ALPHABET, PREFIX, normalise_reference
from portal.extensions import db
from portal.inputs import whole_number
from portal.models.account import UserAccount
from portal.models.contact_request import CONTACT_REQUEST_STATUSES, ContactRequest

ALL = "all"
STATUS_FILTERS = (*CONTACT_REQUEST_STATUSES, ALL)
PAGE_SIZE = 25
MAX_PAGE = 100_000
REFERENCE_FORMAT = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")
USER_ACTOR = "user:"
ASSIGNED_DETAIL = "assigned to "


@dataclass(frozen=True)
class QueuePage:
    requests: list[ContactRequest]
    total: int
    page: int
    pages: int
    names: dict[str, str]  # account id -> display name, for "assigned to"


@dataclass(frozen=True)
class TrailEntry:
    at: dt.datetime
    actor: str
    who: str | None  # the account's name, when the actor is an account
    action: str
    detail: str | None
    assignee: str | None  # for "assigned": the name of the person it was given to


def parse_page(text: str | None) -> int | None:
    """A page number from the query string, or None when it is not one."""
    text = text if text is not None else "1"
    return whole_number(text, MAX_PAGE, minimum=1)


def account_names(ids: Iterable[str | None]) -> dict[str, str]:
    wanted = {account_id for account_id in ids if account_id}
    if not wanted:
        return {}
    return {account.id: account.display_name
            for account in db.session.scalars(select(UserAccount).where(UserAccount.id.in_(wanted)))}


def list_requests(status: str, page: int) -> QueuePage:
    """One page of requests with the status (or all), newest first."""
    if status not in STATUS_FILTERS or page < 1:
        raise ValueError(f"Unknown status filter or page: {status!r}, {page!r}")
    query = select(ContactRequest)
    counting = select(func.count()).select_from(ContactRequest)
    if status != ALL:
        query = query.where(ContactRequest.status == status)
        counting = counting.where(ContactRequest.status == status)
    total = int(db.session.scalar(counting) or 0)
    requests = list(db.session.scalars(
        query.order_by(ContactRequest.created_at.desc(), ContactRequest.reference)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return QueuePage(requests=requests, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                     names=account_names(request.assigned_to for request in requests))


def find_by_reference(text: str) -> ContactRequest | None:
    """The request with this reference; None for anything not shaped like one, or not found."""
    reference = normalise_reference(text[:40])
    if not REFERENCE_FORMAT.match(reference):
        return None
    return db.session.scalar(select(ContactRequest).where(ContactRequest.reference == reference))


def audit_trail(contact_request: ContactRequest) -> list[TrailEntry]:
    """Who read or changed the request, and when, oldest first, with account names resolved."""
    events = events_for(db.session(), contact_request.id)
    assignees = [event.detail.removeprefix(ASSIGNED_DETAIL) for event in events
                 if event.action == "assigned" and event.detail and event.detail.startswith(ASSIGNED_DETAIL)]
    names = account_names([event.actor.removeprefix(USER_ACTOR) for event in events
                           if event.actor.startswith(USER_ACTOR)] + assignees)
    entries = []
    for event in events:
        assignee = None
        if event.action == "assigned" and event.detail and event.detail.startswith(ASSIGNED_DETAIL):
            assignee = names.get(event.detail.removeprefix(ASSIGNED_DETAIL))
        who = names.get(event.actor.removeprefix(USER_ACTOR)) if event.actor.startswith(USER_ACTOR) else None
        entries.append(TrailEntry(at=event.at, actor=event.actor, who=who, action=event.action,
                                  detail=event.detail, assignee=assignee))
    return entries
