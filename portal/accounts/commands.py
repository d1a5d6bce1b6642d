"""`flask --app wsgi portal create-account`: the first administrator of a new installation (everyone
else is invited from the site); `send-outbox`: answer password reset requests and send the emails
waiting; `purge-outbox` and `purge-account-links`: delete old emails and links."""

from __future__ import annotations

import click

from portal.models.account import ROLES


def register(group: click.Group) -> None:
    group.add_command(create_account_command)
    group.add_command(send_outbox_command)
    group.add_command(purge_links_command)
    group.add_command(purge_outbox_command)


@click.command("create-account")
@click.option("--email", required=True, help="Their work email address: the sign-in name.")
@click.option("--name", "display_name", required=True, help="Their name, as colleagues see it.")
@click.option("--role", "roles", type=click.Choice(ROLES), multiple=True, required=True,
              help="A role (repeat for several).")
@click.option("--organisation", "organisation_ids", multiple=True,
              help="The id of an organisation an editor looks after (repeat for several).")
@click.password_option("--password", prompt="Password (at least 12 characters)",
                       help="Read from the terminal when not given; in scripts, pass it through the environment "
                            "as PORTAL_ACCOUNT_PASSWORD.", envvar="PORTAL_ACCOUNT_PASSWORD")
def create_account_command(email: str, display_name: str, roles: tuple[str, ...],
                           organisation_ids: tuple[str, ...], password: str) -> None:
    """Create an account. Staff roles set up their security codes the first time they sign in."""
    from portal.accounts.services import AccountError, create_account

    try:
        account = create_account(email, display_name, password, roles, organisation_ids)
    except AccountError as error:
        raise click.ClickException(f"No account was created. {error}.") from None
    click.echo(f"Created the account for {account.email} ({', '.join(sorted(account.roles))}).")


@click.command("send-outbox")
def send_outbox_command() -> None:
    """Answer password reset requests, then send the emails waiting in the outbox (from cron, every
    minute; needs SMTP_HOST, or MAIL_DROP_DIR outside production)."""
    from flask import current_app

    from portal.accounts.services import answer_password_reset_requests
    from portal.notify import send_outbox, smtp_settings

    answer_password_reset_requests()
    if smtp_settings() is None and not current_app.config.get("MAIL_DROP_DIR"):
        raise click.ClickException("SMTP_HOST is not set, so nothing can be sent. The messages stay in the outbox.")
    sent, waiting = send_outbox()
    click.echo(f"Sent {sent} messages; {waiting} still waiting.")


@click.command("purge-outbox")
def purge_outbox_command() -> None:
    """Delete sent emails after OUTBOX_RETENTION_DAYS, unsent ones after CONTACT_RETENTION_DAYS, and
    unsent emails whose link has expired or been replaced (cron-friendly, daily)."""
    from portal.notify import purge_outbox

    click.echo(f"Deleted {purge_outbox()} old emails from the outbox.")


@click.command("purge-account-links")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Delete invitation and password-reset links used or expired this many days ago.")
def purge_links_command(days: int) -> None:
    """Delete old invitation and password-reset links, which hold email addresses (cron-friendly)."""
    from portal.accounts.services import purge_old_links

    click.echo(f"Deleted {purge_old_links(days)} old invitation and password-reset links.")
