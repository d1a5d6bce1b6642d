"""Bulk exchange through the real commands (`portal import`, `portal export`) on databases of their own:
the shared Open Referral samples (and the impossible latitude), dry runs, all-or-nothing, re-runs,
the organisations' template, the moderation queue, and export-import-export round trips."""

from __future__ import annotations

import filecmp
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from portal.config import PROJECT_DIR
from portal.extensions import db
from portal.models import ListingVersion, Location, Organization, Schedule, Service, Taxonomy, TaxonomyTerm
from tests.accounts import make_account
from tests.conftest import make_app, migrate_and_load

SAMPLES = PROJECT_DIR.parent / "shared" / "data" / "oruk_sample"
EXAMPLE_TEMPLATE = PROJECT_DIR / "directory_data" / "import_template_example.csv"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _own_postgresql_database(suffix: str) -> str:
    """A database of our own beside TEST_DATABASE_URL's, emptied, so these tests never touch the shared one."""
    base = os.environ["TEST_DATABASE_URL"]
    name = base.rsplit("/", 1)[1].split("?")[0] + suffix
    url = base.rsplit("/", 1)[0] + "/" + name
    admin = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                      {"name": name}).first():
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as exc:
        pytest.skip(f"cannot make a second PostgreSQL database for the exchange tests: {exc.orig}")
    finally:
        admin.dispose()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def fresh_app(backend: str, folder: Path, seeded: bool = True, suffix: str = "_exchange") -> Flask:
    """An app with a database of its own: migrated, and loaded with the seed data unless `seeded` is False."""
    overrides = {"SQLALCHEMY_DATABASE_URI": _own_postgresql_database(suffix)} if backend == "postgresql" else {}
    app = make_app("sqlite", folder, **overrides)
    if seeded:
        migrate_and_load(app)
    else:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
    return app


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def directory(backend: str, tmp_path: Path) -> Iterator[Flask]:
    app = fresh_app(backend, tmp_path / "directory")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def refusing_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One directory for the tests of imports that must write nothing (each checks that nothing was)."""
    app = fresh_app(str(request.param), tmp_path_factory.mktemp("refusing"), suffix="_exchange_refusing")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def unchanged(refusing_app: Flask) -> Iterator[Flask]:
    with refusing_app.app_context():
        yield refusing_app
        db.session.remove()


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["portal", *args])


def count(model: type) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def totals() -> tuple[int, ...]:
    return tuple(count(model) for model in (Organization, Service, Location, Taxonomy, TaxonomyTerm, ListingVersion))


def sample(path: str) -> Path:
    found = SAMPLES / path
    if not found.exists():
        pytest.skip(f"the shared ORUK samples are not beside the repository ({SAMPLES})")
    return found


@pytest.mark.parametrize("path", ["uk-profile-3.0/service_list.json", "uk-profile-3.0/organization_list.json",
                                  "uk-profile-3.0/taxonomy.json", "uk-profile-3.0/taxonomy_list.json",
                                  "uk-profile-3.0/taxonomy_term.json", "uk-profile-3.0/taxonomy_term_list.json",
                                  "hsds-3.0/service_list.json", "hsds-3.0/taxonomy.json"])
def test_the_shared_samples_import(directory: Flask, path: str) -> None:
    before = totals()
    result = run(directory, "import", str(sample(path)), "--approve")
    assert result.exit_code == 0, result.output
    assert "Imported." in result.output and totals() != before
    again = run(directory, "import", str(sample(path)), "--approve")
    assert again.exit_code == 0 and "nothing changed" in again.output, again.output


@pytest.mark.parametrize("path", ["uk-profile-3.0/service_full.json", "uk-profile-3.0/service_at_location_list.json",
                                  "uk-profile-3.0/csv", "hsds-3.0/location.json", "hsds-3.0/organization_full.json"])
def test_the_sample_with_a_latitude_of_100_is_rejected_and_nothing_is_written(unchanged: Flask, path: str) -> None:
    before = totals()
    result = run(unchanged, "import", str(sample(path)), "--approve")
    assert result.exit_code != 0
    assert "field 'latitude': must be between -90 and 90 degrees (found 100)" in result.output
    assert "Nothing was imported" in result.output
    assert totals() == before


def test_the_latitude_is_the_only_problem_with_the_full_service_at_location_sample(unchanged: Flask) -> None:
    """Free-text fields such as schedule.attending_type (72 characters here) are taken whole."""
    result = run(unchanged, "import", str(sample("hsds-3.0/service_at_location_full.json")), "--approve", "--dry-run")
    assert "1 errors" in result.output and "latitude" in result.output, result.output


def test_an_hsds_1_1_package_is_refused_with_a_clear_message(unchanged: Flask) -> None:
    result = run(unchanged, "import", str(sample("hsds-1.1-datapackage")), "--approve")
    assert result.exit_code != 0 and "HSDS 1.1 data package" in result.output


def test_a_dry_run_names_file_row_and_field_of_every_problem(unchanged: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation_name,service_name,service_description,minimum_age,maximum_age,latitude,longitude,"
                   "needs,days,opens_at,closes_at\n"
                   "Example Group (example only),Example Club,An example,3,11,,,,MO,09:00,12:00\n"
                   "Example Group (example only),,An example,abc,,100,-2.1,not-a-need,XX,,\n", encoding="utf-8")
    before = totals()
    result = run(unchanged, "import", str(bad), "--dry-run", "--approve")
    assert result.exit_code != 0
    for expected in (f"{bad}, line 3, field 'service_name': is required",
                     f"{bad}, line 3, field 'minimum_age': must be a whole number",
                     f"{bad}, line 3, field 'latitude': must be between -90 and 90",
                     f"{bad}, line 3, field 'needs': unknown need 'not-a-need'",
                     f"{bad}, line 3, field 'days': 'XX' is not a day"):
        assert expected in result.output, result.output
    assert "line 2" not in result.output  # the good row has no problems
    assert totals() == before


def test_a_dry_run_of_a_good_file_says_what_would_change(unchanged: Flask) -> None:
    before = totals()
    result = run(unchanged, "import", str(EXAMPLE_TEMPLATE), "--dry-run", "--approve")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output and "Dry run: nothing was written." in result.output
    assert "service                       2" in result.output
    assert totals() == before


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


GOOD_SERVICE = {"id": "0d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a", "name": "Example Homework Club (example only)",
                "description": "An example.", "status": "active",
                "organization": {"id": "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b", "name": "Example Trust (example only)",
                                 "description": "An example."}}


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "is not valid JSON"),
    ([GOOD_SERVICE, {**GOOD_SERVICE, "id": "2d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a", "minimum_age": "ten"}],
     "[1], field 'minimum_age': must be a whole number"),
    ([GOOD_SERVICE, {**GOOD_SERVICE, "name": "Another name"}], "appears twice with different details"),
    ([{**GOOD_SERVICE, "minimum_age": 12, "maximum_age": 5}], "field 'minimum_age': is more than maximum_age"),
    ([{**GOOD_SERVICE, "status": "open"}], "field 'status': must be one of"),
    ([{**GOOD_SERVICE, "attributes": [{"id": "3d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a",
                                       "taxonomy_term_id": "4d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a"}]}],
     "field 'taxonomy_term_id': unknown taxonomy term"),
    ([{**GOOD_SERVICE, "service_at_locations": [{"id": "5d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a", "location": {
        "id": "6d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a", "location_type": "physical", "latitude": 53.5,
        "longitude": 200}}]}], "field 'longitude': must be between -180 and 180"),
    ([{**GOOD_SERVICE, "id": "not-a-uuid"}], "field 'id': must be a UUID"),
])
def test_bad_input_is_reported_precisely_and_nothing_is_written(
        unchanged: Flask, tmp_path: Path, content: object, expected: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        _write_json(path, content)
    before = totals()
    result = run(unchanged, "import", str(path), "--approve")
    assert result.exit_code != 0 and expected in result.output, result.output
    assert totals() == before


def test_malformed_csv_is_reported(unchanged: Flask, tmp_path: Path) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_text("id,organization_id,name,status\n"
                                         f"{GOOD_SERVICE['id']},{GOOD_SERVICE['organization']['id']},A,active,extra\n",
                                         encoding="utf-8")
    result = run(unchanged, "import", str(folder), "--approve")
    assert result.exit_code != 0 and "services.csv, line 2: has more values than the header" in result.output


def test_the_import_is_all_or_nothing(unchanged: Flask, tmp_path: Path) -> None:
    good = {**GOOD_SERVICE, "id": "7d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a"}
    bad = {**GOOD_SERVICE, "id": "8d9a3f1e-7b51-4b8e-9c1a-2f3e4d5c6b7a", "maximum_age": 500}
    before = totals()
    result = run(unchanged, "import", str(_write_json(tmp_path / "two.json", {"contents": [good, bad]})),
                 "--approve")
    assert result.exit_code != 0 and "contents[1], field 'maximum_age'" in result.output
    assert totals() == before and db.session.get(Service, good["id"]) is None


def test_the_template_example_imports_once_and_shows_in_the_api(directory: Flask) -> None:
    result = run(directory, "import", str(EXAMPLE_TEMPLATE), "--approve")
    assert result.exit_code == 0 and "Imported." in result.output, result.output
    again = run(directory, "import", str(EXAMPLE_TEMPLATE), "--approve")
    assert "Already up to date: nothing changed." in again.output, again.output
    db.session.rollback()
    club = db.session.scalars(select(Service).where(Service.name == "Example Stay and Play (example only)")).one()
    assert sorted(club.term_codes("Tameside needs")) == ["early-years-and-child-development",
                                                         "parenting-and-family-relationships"]
    place = club.service_at_locations[0].location
    assert place.latitude is not None and place.neighbourhood  # from the postcode gazetteer
    assert sorted(schedule.byday for schedule in db.session.scalars(
        select(Schedule).where(Schedule.service_id == club.id))) == ["TH", "TU"]
    found = directory.test_client().get("/api/oruk/services?search=stay+and+play").get_json()
    assert club.id in [service["id"] for service in found["contents"]]


def test_without_approve_changes_go_to_the_moderation_queue(directory: Flask, tmp_path: Path) -> None:
    exported = tmp_path / "export"
    assert run(directory, "export", "--format", "json", str(exported)).exit_code == 0
    services = json.loads((exported / "services.json").read_text(encoding="utf-8"))["contents"]
    chosen = next(service for service in services if service.get("service_at_locations"))
    changed = {**chosen, "name": chosen["name"] + " (renamed)"}
    path = _write_json(tmp_path / "one.json", changed)
    result = run(directory, "import", str(path))
    assert result.exit_code == 0 and "1 services sent to the moderation queue" in result.output, result.output
    db.session.rollback()
    assert db.session.get(Service, chosen["id"]).name == chosen["name"]  # the live listing is unchanged
    pending = db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == chosen["id"],
                                                              ListingVersion.status == "pending")).one()
    assert json.loads(pending.snapshot)["name"] == changed["name"]
    again = run(directory, "import", str(path))
    assert "0 services sent to the moderation queue; 1 unchanged" in again.output, again.output
    # A moderator approves it: now the live listing changes, with nothing else lost.
    from portal.listings.moderation import approve
    from portal.models import UserAccount

    moderator = db.session.get(UserAccount, make_account(directory, roles=("moderator",)).id)
    before = db.session.get(Service, chosen["id"])
    places = sorted(link.location_id for link in before.service_at_locations)
    approve(pending, moderator, directory.extensions["vocabularies"])
    db.session.expire_all()
    after = db.session.get(Service, chosen["id"])
    assert after.name == changed["name"]
    assert sorted(link.location_id for link in after.service_at_locations) == places


def test_without_approve_a_new_organisation_is_refused(unchanged: Flask) -> None:
    before = totals()
    result = run(unchanged, "import", str(EXAMPLE_TEMPLATE))
    assert result.exit_code != 0 and "not in the directory yet: Example Community Group" in result.output
    assert totals() == before


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_export_import_export_is_identical(directory: Flask, backend: str, tmp_path: Path, kind: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert run(directory, "export", "--format", kind, str(first)).exit_code == 0
    db.session.remove()
    db.engine.dispose()
    empty = fresh_app(backend, tmp_path / "empty", seeded=False)
    with empty.app_context():
        result = run(empty, "import", str(first), "--approve", "--keep-last-modified")
        assert result.exit_code == 0 and "Imported." in result.output, result.output
        assert run(empty, "export", "--format", kind, str(second)).exit_code == 0
        db.session.remove()
        db.engine.dispose()
    names = sorted(os.listdir(first))
    assert names == sorted(os.listdir(second)) and len(names) >= 4
    different = [name for name in names if not filecmp.cmp(first / name, second / name, shallow=False)]
    assert not different, different
    services = (first / ("services.json" if kind == "json" else "services.csv")).read_text(encoding="utf-8")
    assert "Ashton Library" in services


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_an_export_never_holds_a_hidden_address(directory: Flask, tmp_path: Path, kind: str) -> None:
    from portal.models import Address

    place = db.session.scalars(select(Location).join(Address).where(Location.latitude.is_not(None))
                               .order_by(Location.name)).first()
    street, postcode = place.addresses[0].address_1, place.addresses[0].postal_code
    place.mask_exact_address = True
    db.session.commit()
    assert run(directory, "export", "--format", kind, str(tmp_path / "out")).exit_code == 0
    written = "\n".join(path.read_text(encoding="utf-8") for path in (tmp_path / "out").iterdir())
    assert street and street not in written
    assert postcode not in written and postcode.split(" ")[0] in written
    assert f"{place.latitude}" not in written
