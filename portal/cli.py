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
@click.option(
    "--reference-only",
    is_flag=True,
    help="Load only the reference data (needs, levels, neighbourhoods, wards, postcodes): no organisations, "
    "services or places are added or removed. For a directory of its own, such as a synthetic one.",
)
def load_data(data_dir: Path | None, reference_only: bool) -> None:
    """Load the seed data. Safe to re-run: a second run changes nothing."""
    from portal.seed.loader import load_seed_data

    folder = data_dir or current_app.config["DIRECTORY_DATA_DIR"]
    try:
        report = load_seed_data(folder, load_vocabularies(folder), reference_only=reference_only)
    except DataFileError as exc:
        raise click.ClickException(f"Nothing was loaded. {exc}") from None
    click.echo(f"{'table':<22}{'created':>9}{'updated':>9}{'unchanged':>11}{'removed':>9}")
    for table, counts in report.tables.items():
        click.echo(f"{table:<22}{counts.created:>9}{counts.updated:>9}{counts.unchanged:>11}{counts.removed:>9}")
    for reason, count in sorted(report.skipped.items()):
        click.echo(f"skipped: {count} {reason}")
    what = "Reference data" if reference_only else "Seed data"
    click.echo(f"{what} loaded." if report.changed else f"{what} already up to date: nothing changed.")
    if report.touched_services:
        current_app.extensions["search"].refresh_services(report.touched_services)


@portal_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database into a fresh folder and swap it in."""
    result = current_app.extensions["search"].rebuild()
    click.echo(f"Indexed {result.documents} services in {result.seconds:.2f} s.")


@portal_cli.command("generate-synthetic")
@click.option("--count", type=click.IntRange(min=1), required=True, help="How many synthetic services to make.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed: the same seed, the same data.")
@click.option("--reindex/--no-reindex", default=True, show_default=True,
              help="Rebuild the search index afterwards (the benchmark times `portal reindex` on its own).")
def generate_synthetic(count: int, seed: int, reindex: bool) -> None:
    """Fill a database of its own with COUNT synthetic services, for scale tests and the benchmark.

    Refuses unless the database has no services, organisations or places other than synthetic ones,
    so it can never mix with a real directory; synthetic records already there are replaced. The
    reference data must be loaded first (`portal load-data --reference-only`).
    """
    from portal.seed.synthetic import SyntheticRefused
    from portal.seed.synthetic import generate_synthetic as generate

    try:
        report = generate(count, seed, current_app.extensions["vocabularies"], current_app.config["DIRECTORY_DATA_DIR"])
    except (SyntheticRefused, DataFileError) as exc:
        raise click.ClickException(f"Nothing was generated. {exc}") from None
    if report.replaced:
        click.echo(f"Removed {report.replaced} earlier synthetic services.")
    click.echo(f"Generated {report.services} synthetic services, {report.organisations} organisations and "
               f"{report.locations} places ({report.rows} rows) in {report.seconds:.1f} s.")
    if reindex:
        result = current_app.extensions["search"].rebuild()
        click.echo(f"Indexed {result.documents} services in {result.seconds:.2f} s.")
    else:
        click.echo("Search index not rebuilt: run `flask --app wsgi portal reindex`.")


@portal_cli.command("draw-page-parts")
@click.argument("service_ids", nargs=-1)
@click.option("--locale", "locales", multiple=True, help="Only this language (repeatable; default: every one).")
@click.option("--base-url", default=None, help="The site's address, for the QR codes (default: PUBLIC_BASE_URL).")
def draw_page_parts(service_ids: tuple[str, ...], locales: tuple[str, ...], base_url: str | None) -> None:
    """Draw each public service's map and QR code ahead of its first visit (or SERVICE_IDS' only)."""
    import time

    from portal.directory.page_parts import draw_all
    from portal.directory.services import public_listings
    from portal.extensions import db
    from portal.i18n import LANGUAGES
    from portal.models import Service
    from portal.models.service import public_services

    unknown = sorted(set(locales) - set(LANGUAGES))
    if unknown:
        raise click.ClickException(f"No such language: {', '.join(unknown)} (one of {', '.join(LANGUAGES)}).")
    started = time.perf_counter()
    query = public_services()
    if service_ids:
        query = query.where(Service.id.in_(service_ids))
    ids = list(db.session.execute(query.with_only_columns(Service.id)).scalars())
    drawn = 0
    with current_app.test_request_context(base_url=base_url or current_app.config.get("PUBLIC_BASE_URL")):
        for start in range(0, len(ids), 200):
            chunk = db.session.execute(public_listings().where(Service.id.in_(ids[start:start + 200]))).scalars()
            drawn += draw_all(chunk, locales or LANGUAGES)
            db.session.expunge_all()
    click.echo(f"Drew {drawn} page parts for {len(ids)} services in {time.perf_counter() - started:.1f} s.")


@portal_cli.command("geocode")
@click.argument("address")
def geocode(address: str) -> None:
    """Look up the coordinates of an organisation's new address (staff; off unless GEOCODING_ENABLED=1)."""
    from portal.extensions import db
    from portal.geo.geocoding import AddressGeocoder, GeocodingDisabled

    geocoder = AddressGeocoder(current_app.config["GEOCODING_ENABLED"], current_app.config["GEOCODING_USER_AGENT"],
                               db.session)
    try:
        found = geocoder.locate(address)
    except GeocodingDisabled as exc:
        raise click.ClickException(str(exc)) from None
    if found is None:
        raise click.ClickException("No match for that address. Check it, or enter the postcode instead.")
    source = "cache" if found.from_cache else "OpenStreetMap Nominatim"
    click.echo(f"{found.latitude:.5f}, {found.longitude:.5f}  {found.label}  (from {source})")


@portal_cli.command("rotate-contact-keys")
def rotate_contact_keys() -> None:
    """Re-encrypt every contact request with the newest key (the first in CONTACT_ENCRYPTION_KEYS)."""
    from portal.contact.services import rotate_keys

    click.echo(f"Re-encrypted {rotate_keys()} contact requests with the newest key.")


@portal_cli.command("purge-contact-requests")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete requests closed more than this many days ago (default: CONTACT_RETENTION_DAYS).")
def purge_contact_requests(days: int | None) -> None:
    """Delete closed contact requests past their retention period; each deletion is audited by reference."""
    from portal.contact.services import purge_closed

    click.echo(f"Deleted {purge_closed(days)} closed contact requests.")


@portal_cli.command("export-contact-request")
@click.argument("reference")
def export_contact_request(reference: str) -> None:
    """Print everything held about one contact request as JSON, for a subject access request (audited)."""
    import json

    from portal.contact.services import ContactRequestError, export_request

    try:
        exported = export_request(reference)
    except ContactRequestError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(exported, indent=2, ensure_ascii=False))


def _register_feature_commands() -> None:
    """Commands that live with their features."""
    from portal.accounts.commands import register as accounts_commands
    from portal.exchange.commands import register as exchange_commands
    from portal.freshness.commands import register as freshness_commands
    from portal.manage_requests.commands import register as manage_requests_commands
    from portal.operations.commands import register as operations_commands

    accounts_commands(portal_cli)
    exchange_commands(portal_cli)
    freshness_commands(portal_cli)
    manage_requests_commands(portal_cli)
    operations_commands(portal_cli)


_register_feature_commands()
