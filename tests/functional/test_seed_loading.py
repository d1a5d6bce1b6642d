"""The seed loader: real data in, idempotent, and all-or-nothing on a malformed file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Location, Postcode, Service, ServiceAtLocation, Ward
from portal.seed import documented, gp_practices, libraries, support


def count(model: type, *where: object) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_seed_holds_the_real_data(app: Flask) -> None:
    assert count(Service, Service.data_source == libraries.SOURCE) == 10, "the ten open libraries"
    assert count(Service, Service.data_source == gp_practices.SOURCE) == 32, "GP practices (setting 4)"
    assert count(Service, Service.data_source == documented.SOURCE) >= 30
    assert count(Ward) == 19
    assert count(Postcode) == 25068 - 105, "every postcode with coordinates"
    hyde = db.session.get(Postcode, "SK14 1AT")
    assert hyde.in_tameside and hyde.ward_name == "Hyde Werneth" and hyde.neighbourhood == "south"
    # Five support services' addresses have no postcode in the gazetteer, so no map point or ward.
    assert count(Location, Location.neighbourhood.is_(None), Location.latitude.is_not(None)) == 0, \
        "every place with a map point is in a neighbourhood"
    assert count(Location, Location.latitude.is_(None)) == 5
    assert count(Service, Service.data_source == support.SOURCE) == 72, "80 rows, 8 left out with a reason"


def test_named_early_help_services_are_listed(app: Flask) -> None:
    names = set(db.session.execute(select(Service.name)).scalars())
    for expected in ("Tameside Families Together", "Children's HUB", "Home-Start", "Family Nurse Partnership",
                     "Healthy Young Minds", "Off the Record", "42nd Street", "Action Together", "Inspire"):
        assert expected in names


def test_loading_again_changes_nothing(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "load-data"])
    assert result.exit_code == 0, result.output
    assert "Seed data already up to date: nothing changed." in result.output
    assert "service" in result.output and "unchanged" in result.output
    lines = [line.split() for line in result.output.splitlines() if line.startswith("service ")]
    assert lines and lines[0][1:3] == ["0", "0"], "no service created or updated"


@pytest.fixture
def data_copy(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "directory_data"
    shutil.copytree(app.config["DIRECTORY_DATA_DIR"], target)
    return target


def run_loader(app: Flask, folder: Path):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["portal", "load-data", "--data-dir", str(folder)])


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


BROKEN_FILES = [
    ("services/documented_services.yaml", "    levels: [complex-needs, specialist]",
     "    levels: [complex-needs, not-a-level]", "row 1, field 'levels'"),
    ("services/documented_services.yaml", "    minimum_age: 0\n    maximum_age: 18",
     "    minimum_age: 12\n    maximum_age: 3", "row 1, field 'maximum_age'"),
    ("services/documented_services.yaml", "    organisation: tameside-council",
     "    organisation: nobody", "row 1, field 'organisation'"),
    ("services/documented_services.yaml", "    name: Children's HUB", "    name: [unclosed",
     "not valid YAML"),
    ("sources/libraries_tameside.csv", "08:30-17:00", "17:00-08:30", "row 2, field 'Monday staffed hours'"),
    ("sources/libraries_tameside.csv", "OL6 6BH", "NOT A POSTCODE", "row 2, field 'Postcode'"),
    ("sources/postcodes_tameside.csv", "M11 0AA,M11,53.47552", "M11 0AA,M11,153.47552", "row 2, field 'latitude'"),
    ("sources/gp_practices_tameside.csv", "P89002,", ",", "row 2, field 'org_code'"),
    ("vocabularies/needs.yaml", "  - slug: housing\n", "  - slug: Housing Help\n", "field 'slug'"),
]


@pytest.mark.parametrize(("file", "old", "new", "where"), BROKEN_FILES)
def test_a_malformed_file_stops_the_load_and_writes_nothing(
    app: Flask, data_copy: Path, file: str, old: str, new: str, where: str
) -> None:
    # A change that would be written if the load went ahead...
    replace_in(data_copy / "services" / "documented_services.yaml",
               "name: Tameside Families Together", "name: Renamed Families Service")
    # ...and a fault elsewhere.
    replace_in(data_copy / file, old, new)
    result = run_loader(app, data_copy)
    assert result.exit_code == 1
    assert "Nothing was loaded." in result.output
    assert file in result.output and where in result.output, result.output
    db.session.expire_all()
    names = set(db.session.execute(select(Service.name)).scalars())
    assert "Tameside Families Together" in names and "Renamed Families Service" not in names


def test_a_changed_file_updates_and_removes_only_seeded_records(app: Flask, data_copy: Path) -> None:
    before = count(ServiceAtLocation)
    replace_in(data_copy / "services" / "documented_services.yaml",
               "name: Tameside Families Together", "name: Renamed Families Service")
    # Drop a library from the dataset: its listing goes, with its place and opening times.
    csv_path = data_copy / "sources" / "libraries_tameside.csv"
    lines = csv_path.read_text().splitlines(keepends=True)
    csv_path.write_text("".join(line for line in lines if ",Denton West End," not in line))
    try:
        result = run_loader(app, data_copy)
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        names = set(db.session.execute(select(Service.name)).scalars())
        assert "Renamed Families Service" in names and "Denton West End Library" not in names
        assert count(ServiceAtLocation) == before - 1
    finally:
        result = run_loader(app, app.config["DIRECTORY_DATA_DIR"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert count(ServiceAtLocation) == before
