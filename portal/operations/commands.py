"""`flask --app wsgi portal backup PATH` and `portal restore PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app


def register(group: click.Group) -> None:
    group.add_command(backup_command)
    group.add_command(restore_command)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a backup of the database to PATH (contact requests stay encrypted in it)."""
    from portal.operations.backup import BackupError, backup

    try:
        report = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {report.kind} database to {report.path} ({report.size:,} bytes, readable by its "
               "owner only). Keep it as safely as the database: restoring it needs the same "
               "CONTACT_ENCRYPTION_KEYS.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup at PATH, then rebuild the search index."""
    from portal.extensions import db
    from portal.operations.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no connection of ours holds the tables while they are replaced
    try:
        report = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(f"Nothing was restored. {exc}") from None
    click.echo(f"Restored the {report.kind} database from {report.path}.")
    result = current_app.extensions["search"].rebuild()
    click.echo(f"Indexed {result.documents} services in {result.seconds:.2f} s.")
