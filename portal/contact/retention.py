"""Retention: closed contact requests are deleted once they have been closed for long enough.

No Flask imports: the session, the retention period and the clock are passed in.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.contact.audit import record_event
from portal.models.contact_request import ContactRequest, utcnow

RETENTION_ACTOR = "system:retention"


def purge_closed(session: Session, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete requests closed more than `older_than_days` ago, auditing each by reference only; one transaction."""
    if older_than_days < 0:
        raise ValueError("older_than_days cannot be negative.")
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    expired = session.scalars(
        select(ContactRequest).where(ContactRequest.status == "closed", ContactRequest.closed_at < cutoff)
    ).all()
    for contact_request in expired:
        record_event(session, RETENTION_ACTOR, "purged", contact_request.id,
                     detail=f"reference {contact_request.reference}")
        session.delete(contact_request)
    session.commit()
    return len(expired)
