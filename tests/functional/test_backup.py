"""Backups: `portal backup` and `portal restore` round-trip the database (restored into a database of
its own, so the shared test database is left alone); contact requests stay encrypted in the backup; and
sending a contact request writes no name, email or phone number to any log."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal.config import PROJECT_DIR
from portal.contact import services
from portal.extensions import db
from portal.operations.backup import BackupError, restore
from tests.functional.test_contact_form import DETAILS, contact_client, reach_the_form, submit  # noqa: F401

PERSONAL = {"name": "Marigold Ashworth-Pennington", "email": "marigold.ashworth@example.net",
            "phone": "07700 900 982", "note": "Please text Marigold first"}


def personal_values() -> list[str]:
    values = list(PERSONAL.values())
    return values + [PERSONAL["phone"].replace(" ", ""), "Ashworth-Pennington", "marigold.ashworth"]


def send_a_contact_request(client: FlaskClient) -> None:
    page = reach_the_form(client)
    response = submit(client, page, **PERSONAL)
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]


@pytest.fixture
def scratch_database(app: Flask, tmp_path: Path) -> Iterator[str]:
    """An empty database of the app's kind, for the restore."""
    if app.config.get("TEST_BACKEND") != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    base = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"{base.database}_restore"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        counts = {table: int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
                  for table in tables}
    engine.dispose()
    return counts


def readable_text(app: Flask, path: Path) -> bytes:
    """Every byte of the backup, and for pg_dump's compressed format the SQL it holds as well."""
    raw = path.read_bytes()
    if app.config.get("TEST_BACKEND") == "postgresql":
        done = subprocess.run(["pg_restore", "--file=-", str(path)], capture_output=True, check=True)
        raw += done.stdout
    return raw


def restore_into(app: Flask, backup: Path, database_url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """`portal restore` of `backup` into the database at `database_url`, as an operator runs it."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), PORTAL_ENV="test", DATABASE_URL=database_url,
               SEARCH_INDEX_DIR=str(folder / "restored_index"), SEARCH_BACKEND=app.config["SEARCH_BACKEND"],
               CONTACT_ENCRYPTION_KEYS=",".join(app.config["CONTACT_ENCRYPTION_KEYS"]))
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", "restore", str(backup), "--yes"],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_backup_and_restore_round_trip_with_contact_requests_still_encrypted(
        app: Flask, contact_client: FlaskClient, tmp_path: Path, scratch_database: str) -> None:  # noqa: F811
    send_a_contact_request(contact_client)
    backup = tmp_path / "portal.backup"
    result = app.test_cli_runner().invoke(args=["portal", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    contents = readable_text(app, backup)
    assert b"contact_request" in contents or app.config.get("TEST_BACKEND") != "postgresql"
    for value in personal_values():
        assert value.encode() not in contents, f"{value!r} readable in the backup"

    done = restore_into(app, backup, scratch_database, tmp_path)
    assert "Restored" in done.stdout and "Indexed" in done.stdout

    source = db.engine.url.render_as_string(hide_password=False)
    assert row_counts(scratch_database) == row_counts(source)
    engine = create_engine(scratch_database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT encrypted_payload FROM contact_request")).scalar_one()
    engine.dispose()
    assert services.contact_cipher().decrypt(bytes(stored))["name"] == PERSONAL["name"]


def test_a_restore_refuses_a_backup_of_the_other_kind_or_a_damaged_one(app: Flask, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(b"not a backup at all")
    with pytest.raises(BackupError, match="not a backup"):
        restore(app.config["SQLALCHEMY_DATABASE_URI"], damaged)
    other = tmp_path / "other.backup"
    if app.config.get("TEST_BACKEND") == "postgresql":
        other.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    else:
        other.write_bytes(b"PGDMP" + b"\x00" * 100)
    with pytest.raises(BackupError, match="backup, but the database is"):
        restore(app.config["SQLALCHEMY_DATABASE_URI"], other)


def test_a_contact_request_leaves_no_personal_details_in_any_log(
        app: Flask, contact_client: FlaskClient, caplog: pytest.LogCaptureFixture,  # noqa: F811
        capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    send_a_contact_request(contact_client)
    contact_client.get("/questionnaire/contact/sent")
    logged = caplog.text + "".join(record.getMessage() for record in caplog.records)
    output = capfd.readouterr()
    everything = logged + output.out + output.err
    assert caplog.records, "the request log did write (so the check means something)"
    for value in personal_values():
        assert value not in everything, f"{value!r} in the logs"
