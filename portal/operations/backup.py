"""Backups of the portal's database, and restoring one. No Flask here.

SQLite: the online backup API (a consistent copy while the portal keeps serving), restored the same
way into the live file. PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`, with the
connection given to them in libpq's environment variables (never on the command line, where other
users of the machine could read a password).

Contact requests are stored encrypted (portal.contact), and a backup copies the stored bytes, so
they stay encrypted in every backup: restoring one needs the same CONTACT_ENCRYPTION_KEYS.
The search index is not backed up: it is derived from the database and rebuilt after a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404  # runs pg_dump and pg_restore found on PATH, never a shell
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass
class BackupReport:
    kind: str  # "sqlite" or "postgresql"
    path: Path
    size: int


def database_kind(database_uri: str) -> str:
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        return "sqlite"
    if url.get_backend_name() == "postgresql":
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {url.get_backend_name()}.")


def _sqlite_path(database_uri: str) -> Path:
    database = make_url(database_uri).database
    if not database or database == ":memory:":
        raise BackupError("The SQLite database is in memory: there is nothing on disk to back up.")
    return Path(database)


def _libpq_environment(database_uri: str) -> dict[str, str]:
    url = make_url(database_uri)
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client (Debian: postgresql-client) "
                          "of the same major version as the server.")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    # The command is pg_dump or pg_restore with fixed options and a file name, as a list: no shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if done.returncode != 0:
        # pg_dump's messages name tables and settings, never row data.
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _private_file(path: Path) -> None:
    """Create (or truncate) `path` readable by its owner only, before anything is written to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(descriptor)
    path.chmod(0o600)


def backup(database_uri: str, path: Path) -> BackupReport:
    """Write a backup of the database to `path` (owner-only permissions)."""
    kind = database_kind(database_uri)
    path = Path(path)
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the backup file to write.")
    _private_file(path)
    if kind == "sqlite":
        _sqlite_copy(sqlite3.connect(_sqlite_path(database_uri)), path)
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
             _libpq_environment(database_uri))
    return BackupReport(kind, path, path.stat().st_size)


def _sqlite_copy(source: sqlite3.Connection, target_path: Path | str) -> None:
    """SQLite's online backup of `source` into the database at `target_path`; both are closed after."""
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def backup_kind(path: Path) -> str:
    with open(path, "rb") as handle:
        start = handle.read(16)
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `portal backup` (neither SQLite nor pg_dump's custom format).")


def restore(database_uri: str, path: Path) -> BackupReport:
    """Replace the database's contents with the backup at `path`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    kind = database_kind(database_uri)
    found = backup_kind(path)
    if found != kind:
        raise BackupError(f"{path} is a {found} backup, but the database is {kind}: restore it into a {found} "
                          "database, or make the backup from this one.")
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        check = source.execute("PRAGMA integrity_check").fetchone()
        if not check or check[0] != "ok":
            source.close()
            raise BackupError(f"{path} fails SQLite's integrity check: nothing was restored.")
        _sqlite_copy(source, _sqlite_path(database_uri))
    else:
        env = _libpq_environment(database_uri)
        _run([_tool("pg_restore"), "--list", str(path)], env)  # refuses a damaged file before anything is dropped
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={env.get('PGDATABASE', '')}", str(path)], env)
    return BackupReport(kind, path, path.stat().st_size)
