"""`flask --app wsgi portal purge-manage-requests`: run it daily from cron. Deletes requests to manage a
listing decided more than MANAGE_REQUEST_RETENTION_DAYS ago, with the personal data they hold."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    group.add_command(purge_manage_requests_command)


@click.command("purge-manage-requests")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete requests decided more than this many days ago (default: MANAGE_REQUEST_RETENTION_DAYS).")
def purge_manage_requests_command(days: int | None) -> None:
    """Delete decided requests to manage a listing past their retention period (each deletion audited)."""
    from portal.manage_requests.services import purge_decided

    click.echo(f"Deleted {purge_decided(days)} decided (or long undecided) requests to manage a listing.")
