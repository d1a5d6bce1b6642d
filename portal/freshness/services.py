"""Freshness operations: "still correct", the overdue list and the reminders. These (and a moderator's
approval) write `assured_date`, `assurer_email` (the organisation's public address) and
`freshness_reminder_sent_at`; each change is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from portal.contact.audit import record_event
from portal.directory.services import valid_id
from portal.extensions import db
from portal.freshness.rules import due_for_check, may_be_out_of_date, months_before, months_since
from portal.models.account import UserAccount, UserRole, organisation_membership
from portal.models.contact_request import OutboxMessage, utcnow
from portal.models.organisation import Organization
from portal.models.service import Service
from portal.notify import queue, send_queued
from portal.reports.emails import staff_link

SUBJECT_SERVICE = "service"
SUBJECT_ORGANISATION = "organisation"
COMMAND_ACTOR = "command:send-freshness-reminders"


class NotFound(LookupError):
    """No such service, or not one this person may touch: the route answers 404 either way."""


def today() -> dt.date:
    return utcnow().date()


def thresholds() -> tuple[int, int]:
    config = current_app.config
    return int(config["FRESHNESS_REMINDER_MONTHS"]), int(config["FRESHNESS_STALE_MONTHS"])


# "Still correct" -----------------------------------------------------------------------------------

def service_for(service_id: str, person: UserAccount) -> Service:
    """The service, when this person may confirm it: a moderator, or an editor of its organisation."""
    service = db.session.get(Service, service_id) if valid_id(service_id) else None
    if service is None:
        raise NotFound(service_id)
    if not person.has_role("moderator") and service.organization_id not in person.organisation_ids:
        raise NotFound(service_id)
    return service


def confirm_still_correct(service_id: str, person: UserAccount) -> Service:
    """The organisation says the listing is still right: checked today. No content changes, so no review."""
    service = service_for(service_id, person)
    service.assured_date = today()
    # Open Referral publishes assurer_email, so it is the organisation's public address, never a person's
    # own work email; who confirmed is in the audit log.
    service.assurer_email = service.organization.email or None
    service.freshness_reminder_sent_at = None
    record_event(db.session(), person.actor, "confirmed still correct", service.id, subject_type=SUBJECT_SERVICE)
    db.session.commit()
    return service


# The overdue list ----------------------------------------------------------------------------------

@dataclass
class OverdueService:
    service: Service
    months: int | None  # since the last check; None: never checked
    stale: bool  # shown to the public as "may be out of date"

    @property
    def reminded_at(self) -> dt.datetime | None:
        return self.service.freshness_reminder_sent_at


@dataclass
class OverdueOrganisation:
    organisation: Organization
    editors: int
    services: list[OverdueService] = field(default_factory=list)


def _due(cutoff: dt.date):  # type: ignore[no-untyped-def]
    return (select(Service)
            .where(Service.is_public,
                   or_(Service.assured_date.is_(None), Service.assured_date <= cutoff)))


def editor_counts(organisation_ids: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for organisation_id, _account in _editor_rows(organisation_ids):
        counts[organisation_id] = counts.get(organisation_id, 0) + 1
    return counts


def _editor_rows(organisation_ids: Iterable[str]) -> list[tuple[str, UserAccount]]:
    ids = set(organisation_ids)
    if not ids:
        return []
    query = (select(organisation_membership.c.organization_id, UserAccount)
             .join(UserAccount, UserAccount.id == organisation_membership.c.user_id)
             .join(UserRole, UserRole.user_id == UserAccount.id)
             .where(organisation_membership.c.organization_id.in_(ids), UserRole.role == "editor",
                    UserAccount.active.is_(True))
             .order_by(UserAccount.email))
    return [(row[0], row[1]) for row in db.session.execute(query)]


def editors_of(organisation_id: str) -> list[UserAccount]:
    return [account for _id, account in _editor_rows([organisation_id])]


def overdue_by_organisation(on: dt.date | None = None) -> list[OverdueOrganisation]:
    """Public services not checked for FRESHNESS_REMINDER_MONTHS (or never), by organisation."""
    on = on or today()
    reminder_months, stale_months = thresholds()
    services = db.session.scalars(_due(months_before(on, reminder_months))).all()
    groups: dict[str, OverdueOrganisation] = {}
    for service in services:
        group = groups.setdefault(service.organization_id, OverdueOrganisation(service.organization, 0))
        group.services.append(OverdueService(
            service, months_since(service.assured_date, on) if service.assured_date else None,
            may_be_out_of_date(service.assured_date, on, stale_months)))
    counts = editor_counts(groups)
    for group in groups.values():
        group.editors = counts.get(group.organisation.id, 0)
        # Longest unchecked first (never checked before all).
        group.services.sort(key=lambda row: (-(row.months if row.months is not None else 10_000),
                                             row.service.name.lower()))
    return sorted(groups.values(), key=lambda group: group.organisation.name.lower())


# Reminders -----------------------------------------------------------------------------------------

@dataclass
class ReminderReport:
    organisations: list[tuple[str, int, int]] = field(default_factory=list)  # name, services, editors
    without_editors: list[tuple[str, int]] = field(default_factory=list)  # name, services
    already_reminded: int = 0

    @property
    def emails(self) -> int:
        return sum(editors for _name, _services, editors in self.organisations)

    @property
    def services(self) -> int:
        return sum(count for _name, count, _editors in self.organisations)


def needs_reminder(service: Service, on: dt.date, reminder_months: int) -> bool:
    """Due for a check, and not reminded in this period: never, before the last check, or a period ago."""
    if not due_for_check(service.assured_date, on, reminder_months):
        return False
    sent = service.freshness_reminder_sent_at
    if sent is None:
        return True
    if service.assured_date is not None and sent.date() < service.assured_date:
        return True
    return sent.date() <= months_before(on, reminder_months)


def _where_to_check() -> str:
    """The editors' page of their organisations when editing is installed, otherwise the sign-in page."""
    endpoint = "listings.organisations"
    if endpoint not in current_app.view_functions:
        endpoint = "accounts.sign_in"
    return staff_link(endpoint)


def _reminder_email(editor: UserAccount, organisation: Organization, services: list[Service],
                    reminder_months: int, stale_months: int) -> OutboxMessage:
    lines = "\n".join(f"- {service.name}: {staff_link('directory.service', service_id=service.id)}"
                      for service in services)
    body = (_("These listings for %(organisation)s on Tameside Family Help have not been checked for "
              "%(months)d months or more:", organisation=organisation.name, months=reminder_months)
            + "\n\n" + lines + "\n\n"
            + _("Please sign in at %(url)s and, for each listing, either change what is out of date or choose "
                "“Still correct”. It takes a minute.", url=_where_to_check()) + "\n\n"
            + _("Families can see when a listing was last checked. Listings not checked for %(months)d months "
                "are marked as possibly out of date and shown lower in search results.", months=stale_months))
    return queue(editor.email, _("Please check your listings on Tameside Family Help"), body)


def send_reminders(on: dt.date | None = None) -> ReminderReport:
    """Email each organisation's editors about its services due for a check, once per period."""
    on = on or today()
    reminder_months, stale_months = thresholds()
    report = ReminderReport()
    due: dict[str, list[Service]] = {}
    for service in db.session.scalars(_due(months_before(on, reminder_months)).order_by(Service.name)):
        if needs_reminder(service, on, reminder_months):
            due.setdefault(service.organization_id, []).append(service)
        else:
            report.already_reminded += 1
    for organisation_id, services in sorted(due.items(), key=lambda item: item[1][0].organization.name.lower()):
        organisation = services[0].organization
        editors = editors_of(organisation_id)
        if not editors:
            report.without_editors.append((organisation.name, len(services)))
            continue
        messages = [_reminder_email(editor, organisation, services, reminder_months, stale_months)
                    for editor in editors]
        sent_at = utcnow()
        for service in services:
            service.freshness_reminder_sent_at = sent_at
        record_event(db.session(), COMMAND_ACTOR, "freshness reminder sent", organisation.id,
                     detail=f"{len(services)} services, {len(editors)} editors", subject_type=SUBJECT_ORGANISATION)
        db.session.commit()
        send_queued(*messages)
        report.organisations.append((organisation.name, len(services), len(editors)))
    return report
