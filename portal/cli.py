"""`flask --app wsgi portal ...`: the portal's operational commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import load_vocabularies

portal_cli = AppGroup("portal", help="Tameside Family Help: data and maintenance commands.")


@portal_cli.command("load-data")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with the seed data (default: the configured DIRECTORY_DATA_DIR).",
)
def load_data(data_dir: Path | None) -> None:
    """Load the seed data. Safe to re-run: a second run changes nothing."""
    from portal.seed.loader import load_seed_data

    folder = data_dir or current_app.config["DIRECTORY_DATA_DIR"]
    try:
        report = load_seed_data(folder, load_vocabularies(folder))
    except DataFileError as exc:
        raise click.ClickException(f"Nothing was loaded. {exc}") from None
    click.echo(f"{'table':<22}{'created':>9}{'updated':>9}{'unchanged':>11}{'removed':>9}")
    for table, counts in report.tables.items():
        click.echo(f"{table:<22}{counts.created:>9}{counts.updated:>9}{counts.unchanged:>11}{counts.removed:>9}")
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"skipped: {count} {reason}")
    click.echo("Seed data loaded." if report.changed else "Seed data already up to date: nothing changed.")
    if report.touched_services:
        current_app.extensions["search"].refresh_services(report.touched_services)


@portal_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database into a fresh folder and swap it in."""
    result = current_app.extensions["search"].rebuild()
    click.echo(f"Indexed {result.documents} services in {result.seconds:.2f} s.")
