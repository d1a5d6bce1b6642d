"""Problem report operations: the only code that writes problem reports. Each change is audited.

Reports hold no personal data by design, but what people type may still name someone, so the text never
goes into emails, logs or audit events: the emails carry a link to the list of open reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from portal.contact.audit import record_event
from portal.directory.services import get_public_service, valid_id
from portal.extensions import db
from portal.freshness.services import editors_of
from portal.models.account import UserAccount, UserRole
from portal.models.contact_request import OutboxMessage, utcnow
from portal.models.listing import PROBLEM_KINDS, ProblemReport
from portal.models.service import Service
from portal.notify import queue, send_queued
from portal.reports.emails import in_default_language, staff_link

SUBJECT_PROBLEM_REPORT = "problem_report"
PUBLIC_ACTOR = "public:problem-report"


class NotFound(LookupError):
    """No such service or report, or not one this person may see: the route answers 404."""


def public_service(service_id: str) -> Service:
    service = get_public_service(service_id)
    if service is None:
        raise NotFound(service_id)
    return service


def moderators() -> list[UserAccount]:
    query = (select(UserAccount).join(UserRole, UserRole.user_id == UserAccount.id)
             .where(UserRole.role == "moderator", UserAccount.active.is_(True)).order_by(UserAccount.email))
    return list(db.session.scalars(query))


def _notices(service: Service) -> list[OutboxMessage]:
    link = staff_link("reports.open_reports")
    recipients = {account.email for account in editors_of(service.organization_id) + moderators()}
    with in_default_language():
        subject = _("A problem has been reported with a listing on Tameside Family Help")
        body = (_("Someone has reported a problem with the listing “%(name)s”.", name=service.name) + "\n\n"
                + _("Sign in to read it and mark it as resolved when it is dealt with:") + f"\n{link}")
    return [queue(email, subject, body) for email in sorted(recipients)]


def report_problem(service_id: str, kind: str, details: str) -> ProblemReport:
    """Store a report about a public service and tell its organisation's editors and the moderators."""
    if kind not in PROBLEM_KINDS:
        raise ValueError(f"Unknown kind of problem: {kind!r}")
    service = public_service(service_id)
    report = ProblemReport(service_id=service.id, kind=kind, details=details or "", status="open")
    db.session.add(report)
    db.session.flush()
    record_event(db.session(), PUBLIC_ACTOR, "problem reported", report.id, detail=kind,
                 subject_type=SUBJECT_PROBLEM_REPORT)
    messages = _notices(service)
    db.session.commit()
    send_queued(*messages)
    return report


@dataclass
class OpenReport:
    report: ProblemReport
    service: Service


def _visible_to(person: UserAccount):  # type: ignore[no-untyped-def]
    query = select(ProblemReport, Service).join(Service, Service.id == ProblemReport.service_id)
    if not person.has_role("moderator"):
        query = query.where(Service.organization_id.in_(person.organisation_ids))
    return query


def open_reports(person: UserAccount) -> list[OpenReport]:
    """Open reports: every one for moderators, their own organisations' for editors. Oldest first."""
    query = _visible_to(person).where(ProblemReport.status == "open").order_by(ProblemReport.created_at,
                                                                               ProblemReport.id)
    return [OpenReport(report, service) for report, service in db.session.execute(query)]


def resolve(report_id: str, person: UserAccount) -> OpenReport:
    if not valid_id(report_id):
        raise NotFound(report_id)
    row = db.session.execute(_visible_to(person).where(ProblemReport.id == report_id)).first()
    if row is None:
        raise NotFound(report_id)
    report, service = row
    if report.status != "resolved":
        report.status = "resolved"
        report.resolved_by = person.actor
        report.resolved_at = utcnow()
        record_event(db.session(), person.actor, "problem report resolved", report.id,
                     subject_type=SUBJECT_PROBLEM_REPORT)
        db.session.commit()
    return OpenReport(report, service)
