"""`flask --app wsgi portal import PATH` and `portal export --format json|csv PATH`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext


def _print_problems(problems: list, limit: int = 500) -> None:  # type: ignore[type-arg]
    for problem in problems[:limit]:
        click.echo(str(problem))
    if len(problems) > limit:
        click.echo(f"... and {len(problems) - limit} more")


@click.command("import")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check everything and say what would change; write nothing.")
@click.option("--approve", is_flag=True, help="Write to the live directory at once, instead of sending each "
              "service's changes to the moderation queue.")
@click.option("--keep-last-modified", is_flag=True, help="With --approve: keep the files' last_modified times "
              "(for moving a whole directory into an empty database); otherwise a change is dated now.")
def import_command(path: Path, dry_run: bool, approve: bool, keep_last_modified: bool) -> None:
    """Import Open Referral UK 3.0 JSON, the ORUK CSV data package (a folder), or the organisations' CSV
    template. One transaction: everything, or (on any error) nothing. Running it again changes nothing."""
    from portal.contact.audit import record_event
    from portal.exchange.importing import ImportRefused, place_in_tameside, run_import
    from portal.exchange.moderated import ACTOR, propose_checked
    from portal.extensions import db

    if keep_last_modified and not approve:
        raise click.UsageError("--keep-last-modified goes with --approve.")
    session = db.session
    try:
        outcome = run_import(session(), path, approve, keep_last_modified, propose=propose_checked)
    except ImportRefused as exc:
        session.rollback()
        raise click.ClickException(f"Nothing was imported. {exc}") from None
    except Exception:
        session.rollback()
        raise
    problems = outcome.problems
    errors = [problem for problem in problems if not problem.warning]
    if dry_run or errors:
        click.echo(f"Validation report for {path}: {len(errors)} errors, {len(problems) - len(errors)} warnings.")
    _print_problems(problems)
    if errors:
        session.rollback()
        raise click.ClickException(f"Nothing was imported: {len(errors)} problems to fix (listed above).")
    if outcome.report is not None:
        vocab = current_app.extensions["vocabularies"]
        place_in_tameside(session(), outcome.checked, vocab.wards, vocab.ward_neighbourhood)
        click.echo(f"{'table':<22}{'created':>9}{'updated':>9}{'unchanged':>11}{'removed':>9}")
        for table, counts in outcome.report.tables.items():
            if counts.created or counts.updated or counts.unchanged or counts.removed:
                click.echo(f"{table:<22}{counts.created:>9}{counts.updated:>9}{counts.unchanged:>11}"
                           f"{counts.removed:>9}")
        changed = outcome.report.changed
    else:
        click.echo(f"{len(outcome.proposed)} services sent to the moderation queue; "
                   f"{len(outcome.unchanged)} unchanged.")
        changed = bool(outcome.proposed)
    if dry_run:
        session.rollback()
        click.echo("Dry run: nothing was written." + ("" if changed else " (Nothing would change.)"))
        return
    if changed:
        detail = (f"{len(outcome.checked.rows.get('service', {}))} services from {path.name}, "
                  + ("approved at import" if approve else "sent for moderation"))
        record_event(session(), ACTOR, "listing.imported", "import", detail=detail, subject_type="import")
    session.commit()
    if outcome.report is not None and outcome.report.touched_services:
        current_app.extensions["search"].refresh_services(outcome.report.touched_services)
    click.echo("Imported." if changed else "Already up to date: nothing changed.")


@click.command("export")
@with_appcontext
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "kind", type=click.Choice(["json", "csv"]), required=True,
              help="json: ORUK JSON pages (services in full, organisations, taxonomies, terms); "
                   "csv: the ORUK CSV data package.")
def export_command(path: Path, kind: str) -> None:
    """Export the public directory as Open Referral UK 3.0 into the folder PATH."""
    from portal.exchange.export import export_csv, export_json
    from portal.extensions import db

    report = (export_json if kind == "json" else export_csv)(db.session(), path)
    db.session.rollback()
    for name, count in report.counts.items():
        click.echo(f"{name:<22}{count:>7}")
    click.echo(f"Wrote {len(report.files)} files to {path}.")


def register(group: AppGroup) -> None:
    group.add_command(import_command)
    group.add_command(export_command)
