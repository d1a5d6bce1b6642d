"""Load every seed source in one transaction: all of it, or (on any problem) nothing."""

from __future__ import annotations

from pathlib import Path

from portal.datafiles.vocabularies import Vocabularies
from portal.extensions import db
from portal.seed import documented, gp_practices, libraries, support
from portal.seed.records import SeedPlan
from portal.seed.reference import add_geography, add_postcodes, add_taxonomies
from portal.seed.sync import SyncReport, write_plan

SEED_SOURCES = (documented.SOURCE, libraries.SOURCE, gp_practices.SOURCE, support.SOURCE)


def build_plan(data_dir: Path, vocab: Vocabularies) -> SeedPlan:
    """Read and check every source. Raises DataFileError before anything is written."""
    plan = SeedPlan()
    add_taxonomies(plan, vocab)
    add_geography(plan, vocab)
    add_postcodes(plan, data_dir, vocab)
    organisations = documented.add_documented(plan, data_dir, vocab)
    libraries.add_libraries(plan, data_dir, vocab, organisations)
    gp_practices.add_gp_practices(plan, data_dir, vocab)
    support.add_support_services(plan, data_dir, vocab, organisations)
    return plan


def build_reference_plan(data_dir: Path, vocab: Vocabularies) -> SeedPlan:
    """Only the reference data: the needs and levels, neighbourhoods, wards and postcodes."""
    plan = SeedPlan()
    add_taxonomies(plan, vocab)
    add_geography(plan, vocab)
    add_postcodes(plan, data_dir, vocab)
    return plan


def load_seed_data(data_dir: Path, vocab: Vocabularies, reference_only: bool = False) -> SyncReport:
    """Load the seed data; with `reference_only`, the reference data alone, and no organisation,
    service or location is added or removed (for a directory that starts empty, like the benchmark's)."""
    plan = build_reference_plan(data_dir, vocab) if reference_only else build_plan(data_dir, vocab)
    try:
        report = write_plan(plan, () if reference_only else SEED_SOURCES)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
