"""`flask --app wsgi portal send-freshness-reminders`: run it daily from cron. Each organisation's
editors hear once per FRESHNESS_REMINDER_MONTHS about its listings due for a check; running it again
sends nothing new. It prints counts and organisation names only (never anyone's email address)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    group.add_command(send_freshness_reminders_command)


@click.command("send-freshness-reminders")
def send_freshness_reminders_command() -> None:
    """Email editors about listings not checked for FRESHNESS_REMINDER_MONTHS months (once per period)."""
    from portal.freshness.services import send_reminders

    report = send_reminders()
    for name, services, editors in report.organisations:
        click.echo(f"Reminded {editors} editor(s) of {name} about {services} listing(s).")
    for name, services in report.without_editors:
        click.echo(f"No editor to remind for {name} ({services} listing(s) due): see /moderation/overdue.")
    click.echo(f"Sent {report.emails} reminder email(s) about {report.services} listing(s) of "
               f"{len(report.organisations)} organisation(s); {report.already_reminded} listing(s) due were "
               "already reminded this period.")
