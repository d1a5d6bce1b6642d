"""One import from start to finish: read, check against the file and the directory, then either write
the live tables (--approve) or put each service's changes in the moderation queue. The caller owns
the transaction: it commits, or (a dry run, or any error) rolls back, so an import is all or nothing.
No Flask here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.datafiles.vocabularies import NEEDS_TAXONOMY
from portal.exchange.checks import Checked, check_bundle
from portal.exchange.reading import read_source
from portal.exchange.records import Problem
from portal.exchange.tables import BY_NAME
from portal.exchange.template import is_template, read_template
from portal.exchange.writing import ImportReport, write_checked
from portal.geo.postcodes import normalise_postcode
from portal.models import Organization, Postcode, TaxonomyTerm

CHUNK = 500


class ImportRefused(Exception):
    """Nothing was written; the message says why."""


@dataclass
class ImportOutcome:
    checked: Checked
    report: ImportReport | None = None
    proposed: list[str] = field(default_factory=list)  # service ids sent to the moderation queue
    unchanged: list[str] = field(default_factory=list)  # service ids whose proposal would change nothing

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems


def existing_ids(session: Session) -> Callable[[str, set[str]], set[str]]:
    def exists(table: str, ids: set[str]) -> set[str]:
        model = BY_NAME[table].model
        wanted = sorted(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            found |= set(session.scalars(select(model.id).where(model.id.in_(wanted[start:start + CHUNK]))))
        return found

    return exists


def _template_lookups(session: Session) -> tuple[dict[str, str], dict[str, str], Callable[[str], Any]]:
    need_terms = {code: term_id for code, term_id in session.execute(
        select(TaxonomyTerm.code, TaxonomyTerm.id).where(TaxonomyTerm.taxonomy == NEEDS_TAXONOMY)) if code}
    organisations = {" ".join(name.lower().split()): organisation_id for organisation_id, name in session.execute(
        select(Organization.id, Organization.name).order_by(Organization.id))}

    def locate(postcode: str) -> tuple[float, float] | None:
        normal = normalise_postcode(postcode)
        row = session.get(Postcode, normal) if normal else None
        return (row.latitude, row.longitude) if row else None

    return need_terms, organisations, locate


def check_path(session: Session, path: Path) -> Checked:
    if path.is_symlink():
        raise ImportRefused(f"{path} is a symbolic link: give the file or folder itself (links are not followed)")
    if not path.exists():
        raise ImportRefused(f"{path} does not exist")
    if is_template(path):
        bundle = read_template(path, *_template_lookups(session))
    else:
        bundle = read_source(path)
    return check_bundle(bundle, existing_ids(session))


def place_in_tameside(session: Session, checked: Checked, wards: dict[str, Any],
                      ward_neighbourhood: dict[str, str]) -> None:
    """Give new places the ward and neighbourhood of their postcode, as the portal's own places have."""
    from portal.models import Location

    addresses = checked.rows.get("address", {}).values()
    postcodes = {row["location_id"]: normalise_postcode(row.get("postal_code") or "") for row in addresses}
    for location_id, postcode in postcodes.items():
        row = session.get(Postcode, postcode) if postcode else None
        location = session.get(Location, location_id)
        if row is None or location is None or location.ward_code:
            continue
        ward = row.ward_code if row.ward_code in wards else None
        location.ward_code = ward
        location.neighbourhood = ward_neighbourhood.get(ward or "")
    session.flush()


def run_import(session: Session, path: Path, approve: bool, keep_last_modified: bool = False,
               propose: Callable[[Session, Checked], ImportOutcome] | None = None) -> ImportOutcome:
    """Check, then write (approve) or propose. Raises ImportRefused when there are errors; the caller
    then rolls back, and reports the problems."""
    checked = check_path(session, path)
    if checked.errors:
        return ImportOutcome(checked)
    if approve:
        return ImportOutcome(checked, write_checked(session, checked, keep_last_modified))
    if propose is None:
        raise ImportRefused("Imported changes go to the moderation queue, which is not available here: run with "
                            "--approve to write them to the live directory.")
    return propose(session, checked)


def count_rows(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
