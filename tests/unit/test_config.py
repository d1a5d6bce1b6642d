"""Configuration is read from the environment and refused, with a reason, when unsafe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.config import ConfigError, load_config


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config({"PORTAL_ENV": "production"})


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ConfigError, match="too short"):
        load_config({"PORTAL_ENV": "production", "SECRET_KEY": "short"})


def test_production_needs_the_public_address_for_links_in_emails() -> None:
    from cryptography.fernet import Fernet

    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40,
                "CONTACT_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be set in production"):
        load_config(settings)
    with pytest.raises(ConfigError, match="https://"):
        load_config({**settings, "PUBLIC_BASE_URL": "http://familyhelp.example"})
    assert load_config({**settings, "PUBLIC_BASE_URL": "https://familyhelp.example/"})["PUBLIC_BASE_URL"] == (
        "https://familyhelp.example")


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigError, match="PORTAL_ENV must be one of"):
        load_config({"PORTAL_ENV": "staging"})


def test_a_bad_number_is_refused() -> None:
    with pytest.raises(ConfigError, match="WTF_CSRF_TIME_LIMIT must be a whole number"):
        load_config({"PORTAL_ENV": "development", "WTF_CSRF_TIME_LIMIT": "soon"})


def test_the_contact_response_time_is_promised_only_when_set() -> None:
    assert load_config({"PORTAL_ENV": "development"})["CONTACT_RESPONSE_WORKING_DAYS"] is None
    assert load_config({"PORTAL_ENV": "development", "CONTACT_RESPONSE_WORKING_DAYS": " "})[
        "CONTACT_RESPONSE_WORKING_DAYS"] is None
    assert load_config({"PORTAL_ENV": "development", "CONTACT_RESPONSE_WORKING_DAYS": "5"})[
        "CONTACT_RESPONSE_WORKING_DAYS"] == 5
    for bad in ("five", "0", "61", "-2", "٥"):
        with pytest.raises(ConfigError, match="CONTACT_RESPONSE_WORKING_DAYS must be"):
            load_config({"PORTAL_ENV": "development", "CONTACT_RESPONSE_WORKING_DAYS": bad})


def test_database_url_chooses_postgresql_and_defaults_to_sqlite(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    postgres = load_config({"PORTAL_ENV": "development", "DATABASE_URL": "postgresql://u@h/db"})
    assert postgres["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    sqlite = load_config({"PORTAL_ENV": "development"})
    assert sqlite["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'portal.db'}"
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config({"PORTAL_ENV": "development", "DATABASE_URL": "mysql://u@h/db"})


def test_development_keeps_a_generated_key_in_the_instance_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    first = load_config({"PORTAL_ENV": "development"})["SECRET_KEY"]
    assert len(first) >= 32
    assert load_config({"PORTAL_ENV": "development"})["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "only the owner can read it"


def test_the_wsgi_entry_point_explains_a_missing_secret_key(project_dir: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    environment["PORTAL_ENV"] = "production"
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=project_dir, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "cannot start: SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
