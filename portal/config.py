"""Configuration from environment variables, validated at start-up.

Every setting can be given as an environment variable of the same name. `PORTAL_ENV` chooses
the profile: `production` (the default for gunicorn deployments), `development` or `test`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
ENVIRONMENTS = ("production", "development", "test")
# Whoosh: an index folder per server. PostgreSQL: full-text search in the database, shared by every server.
SEARCH_BACKENDS = ("whoosh", "postgresql")


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says which setting and why."""


def _instance_dir() -> Path:
    return Path(os.environ.get("INSTANCE_DIR", PROJECT_DIR / "instance"))


def _normalise_database_url(url: str) -> str:
    # SQLAlchemy names the psycopg 3 driver explicitly.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _development_secret_key(instance_dir: Path) -> str:
    """A random key kept in instance/ so sessions survive restarts outside production."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _float_setting(environ: dict[str, str], name: str, default: float, minimum: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def _int_setting(environ: dict[str, str], name: str, default: int, minimum: int) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def check_search_backend(backend: str, database_uri: str) -> str:
    """The text search backend, refused when unknown or when it cannot work with the database."""
    if backend not in SEARCH_BACKENDS:
        raise ConfigError(f"SEARCH_BACKEND must be one of {', '.join(SEARCH_BACKENDS)}, not {backend!r}.")
    if backend == "postgresql" and not database_uri.startswith("postgresql"):
        raise ConfigError(
            "SEARCH_BACKEND=postgresql needs the database to be PostgreSQL (DATABASE_URL=postgresql://...): "
            "the search index is kept in the database. Use SEARCH_BACKEND=whoosh with SQLite."
        )
    return backend


def load_config(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read and check the settings, raising ConfigError with a clear message when one is wrong."""
    env = dict(os.environ if environ is None else environ)
    name = env.get("PORTAL_ENV", "production")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}.")
    instance_dir = _instance_dir()

    secret_key = env.get("SECRET_KEY", "")
    if name == "production":
        if not secret_key:
            raise ConfigError(
                "SECRET_KEY is not set. In production the portal refuses to start without it, "
                "because sessions and form tokens would not be safe. Set SECRET_KEY to a long random "
                "value (for example the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set PORTAL_ENV=development on a developer's machine."
            )
        if len(secret_key) < 32:
            raise ConfigError("SECRET_KEY is too short: use at least 32 random characters in production.")
    elif not secret_key:
        secret_key = _development_secret_key(instance_dir)

    database_url = env.get("DATABASE_URL", "")
    if not database_url:
        instance_dir.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance_dir / 'portal.db'}"
    database_url = _normalise_database_url(database_url)
    if not database_url.startswith(("sqlite:", "postgresql+psycopg:")):
        raise ConfigError("DATABASE_URL must be a sqlite:/// or postgresql:// address.")
    search_backend = env.get("SEARCH_BACKEND", "").strip().lower() or "whoosh"

    config: dict[str, Any] = {
        "PORTAL_ENV": name,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DIRECTORY_DATA_DIR": Path(env.get("DIRECTORY_DATA_DIR", PROJECT_DIR / "directory_data")),
        "SHARED_DATA_DIR": Path(env.get("SHARED_DATA_DIR", PROJECT_DIR.parent / "shared" / "data")),
        "SEARCH_INDEX_DIR": Path(env.get("SEARCH_INDEX_DIR", PROJECT_DIR / "search_index")),
        "SEARCH_SYNC_SECONDS": _float_setting(env, "SEARCH_SYNC_SECONDS", 0.5, 0.0),
        "SEARCH_BACKEND": check_search_backend(search_backend, database_url),
        "GEOCODING_ENABLED": env.get("GEOCODING_ENABLED", "0").strip().lower() in {"1", "true", "yes"},
        "GEOCODING_USER_AGENT": env.get("GEOCODING_USER_AGENT", "") or "tameside-family-help directory team",
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "en_GB",
        "BABEL_DEFAULT_TIMEZONE": "Europe/London",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_DIR / "translations"),
        "WTF_CSRF_TIME_LIMIT": _int_setting(env, "WTF_CSRF_TIME_LIMIT", 3600, 60),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": name == "production" and env.get("SESSION_COOKIE_SECURE", "1") != "0",
        "PERMANENT_SESSION_LIFETIME": _int_setting(env, "SESSION_LIFETIME_SECONDS", 3600, 60),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "PREFERRED_URL_SCHEME": "https" if name == "production" else "http",
        "TESTING": name == "test",
        "SERVICE_NAME": "Tameside Family Help",
    }
    return config
