"""The append-only audit trail. Callers must never put personal data in `detail`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.contact_request import AuditEvent

SUBJECT_CONTACT_REQUEST = "contact_request"


def record_event(session: Session, actor: str, action: str, subject_id: str, detail: str | None = None,
                 subject_type: str = SUBJECT_CONTACT_REQUEST) -> AuditEvent:
    """Add an audit event to the session; the caller's transaction commits it with the change it records."""
    event = AuditEvent(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, detail=detail)
    session.add(event)
    return event


def events_for(session: Session, subject_id: str, subject_type: str = SUBJECT_CONTACT_REQUEST) -> list[AuditEvent]:
    query = (select(AuditEvent)
             .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
             .order_by(AuditEvent.at, AuditEvent.id))
    return list(session.scalars(query))
