"""Synthetic services for scale tests: marked, searchable, and never mixed with a real directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Location, Organization, Service
from portal.seed.synthetic import SOURCE
from tests.conftest import make_app


def count(model: type, *where: object) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A directory of its own with only the reference data (SQLite: it is made and thrown away here)."""
    from flask_migrate import upgrade

    folder: Path = tmp_path_factory.mktemp("synthetic")
    app = make_app("sqlite", folder)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["portal", "load-data", "--reference-only"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def test_generate_refuses_a_real_directory(app: Flask) -> None:
    before = count(Service)
    result = app.test_cli_runner().invoke(args=["portal", "generate-synthetic", "--count", "5"])
    assert result.exit_code != 0
    assert "not synthetic" in result.output and "Nothing was generated" in result.output
    assert count(Service) == before
    assert count(Service, Service.data_source == SOURCE) == 0


def test_reference_only_load_adds_no_services(empty_app: Flask) -> None:
    with empty_app.app_context():
        assert count(Service) == 0 and count(Organization) == 0 and count(Location) == 0


def test_generated_services_are_marked_searchable_and_replaced_on_a_second_run(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["portal", "generate-synthetic", "--count", "120", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Generated 120 synthetic services" in result.output
    with empty_app.app_context():
        for model in (Service, Organization, Location):
            assert count(model) > 0
            assert count(model, model.data_source != SOURCE) == 0
        names = db.session.execute(select(Service.name)).scalars().all()
        assert all(name.startswith("Synthetic service ") for name in names)
        assert count(Location, Location.latitude.is_(None)) == 0
    page = empty_app.test_client().get("/search?q=synthetic")
    assert page.status_code == 200 and b"Synthetic service" in page.data

    again = runner.invoke(args=["portal", "generate-synthetic", "--count", "30", "--no-reindex"])
    assert again.exit_code == 0, again.output
    assert "Removed 120 earlier synthetic services" in again.output
    with empty_app.app_context():
        assert count(Service) == 30
