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


def _development_contact_keys(instance_dir: Path) -> str:
    """A Fernet key kept in instance/ so contact requests stay readable across restarts outside production."""
    from cryptography.fernet import Fernet

    path = instance_dir / "contact_keys"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode("ascii"))
        path.chmod(0o600)
    return path.read_text().strip()


def check_contact_keys(raw: str) -> list[str]:
    """The contact request encryption keys, newest first, refused when one is not a Fernet key."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in raw.split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            # The key itself is never echoed: it is a secret.
            raise ConfigError(
                f"CONTACT_ENCRYPTION_KEYS: key number {position} is not a valid Fernet key (32 url-safe "
                "base64-encoded bytes). Make one with: python3 -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return keys


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


def _optional_int_setting(environ: dict[str, str], name: str, minimum: int, maximum: int) -> int | None:
    """A whole number from `minimum` to `maximum`, or None when the setting is unset or empty."""
    raw = (environ.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, or unset, not {raw!r}.")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be from {minimum} to {maximum}, or unset, not {value}.")
    return value


def _public_base_url(env: dict[str, str], name: str) -> str:
    """Where the site is, for links in emails: required in production, so no link points elsewhere."""
    value = env.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if name == "production" and not value.startswith("https://"):
        raise ConfigError("PUBLIC_BASE_URL must be set in production to the site's https:// address (for example "
                          "https://familyhelp.tameside.gov.uk): links in emails are built from it.")
    return value or "http://127.0.0.1:8000"


def _mail_drop_dir(env: dict[str, str], name: str) -> str:
    """A folder emails are written to instead of being sent: for development and tests only."""
    value = env.get("MAIL_DROP_DIR", "").strip()
    if value and name == "production":
        raise ConfigError("MAIL_DROP_DIR is for development and tests: in production, emails go by SMTP_HOST.")
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


def _quick_exit_url(env: dict[str, str]) -> str:
    """Where "Leave this site quickly" goes: an everyday site that gives nothing away."""
    value = env.get("QUICK_EXIT_URL", "").strip() or "https://www.bbc.co.uk/weather"
    if not value.startswith(("https://", "http://")):
        raise ConfigError("QUICK_EXIT_URL must be a web address starting with https://")
    return value


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

    contact_keys_raw = env.get("CONTACT_ENCRYPTION_KEYS", "").strip()
    if name == "production" and not contact_keys_raw:
        raise ConfigError(
            "CONTACT_ENCRYPTION_KEYS is not set. In production the portal refuses to start without it, "
            "because families' contact requests are stored encrypted with these keys. Set it to one or more "
            "Fernet keys separated by commas, newest first (make one with: python3 -c 'from cryptography.fernet "
            "import Fernet; print(Fernet.generate_key().decode())'), and keep every key still needed to read "
            "older requests until `flask --app wsgi portal rotate-contact-keys` has been run."
        )
    if not contact_keys_raw:
        contact_keys_raw = _development_contact_keys(instance_dir)
    contact_keys = check_contact_keys(contact_keys_raw)
    if not contact_keys:
        raise ConfigError("CONTACT_ENCRYPTION_KEYS holds no keys: give at least one Fernet key.")

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
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "DIRECTORY_DATA_DIR": Path(env.get("DIRECTORY_DATA_DIR", PROJECT_DIR / "directory_data")),
        "SHARED_DATA_DIR": Path(env.get("SHARED_DATA_DIR", PROJECT_DIR.parent / "shared" / "data")),
        "SEARCH_INDEX_DIR": Path(env.get("SEARCH_INDEX_DIR", PROJECT_DIR / "search_index")),
        "SEARCH_SYNC_SECONDS": _float_setting(env, "SEARCH_SYNC_SECONDS", 0.5, 0.0),
        "SEARCH_BACKEND": check_search_backend(search_backend, database_url),
        "GEOCODING_ENABLED": env.get("GEOCODING_ENABLED", "0").strip().lower() in {"1", "true", "yes"},
        "GEOCODING_USER_AGENT": env.get("GEOCODING_USER_AGENT", "") or "tameside-family-help directory team",
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL", "") or "memory://",
        # Redis unreachable: each process goes on enforcing the same limits in its own memory (so with
        # several processes a client may get a few times its limit), logs "Rate limit storage
        # unreachable", and goes back to Redis when it answers again. Pages never fail for want of it.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are believed (0: none).
        "TRUSTED_PROXIES": _int_setting(env, "TRUSTED_PROXIES", 0, 0),
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1} if env.get("REDIS_URL") else {},
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
        # Early Help contact requests (portal/contact): encryption keys newest first, retention, notification.
        "CONTACT_ENCRYPTION_KEYS": contact_keys,
        "CONTACT_RETENTION_DAYS": _int_setting(env, "CONTACT_RETENTION_DAYS", 90, 1),
        # How often one client (IP address) may send the contact form, in Flask-Limiter's notation.
        "CONTACT_RATE_LIMIT": env.get("CONTACT_RATE_LIMIT", "").strip() or "5 per hour",
        # The confirmation page says the Early Help team aims to get in touch within this many working days.
        # Unset (the default): no time is promised, only what happens next.
        "CONTACT_RESPONSE_WORKING_DAYS": _optional_int_setting(env, "CONTACT_RESPONSE_WORKING_DAYS", 1, 60),
        # Where new-request notices go. No address is invented here: unset, the notice keeps a placeholder
        # recipient name and simply waits in the outbox until the inbox is configured.
        "EARLY_HELP_INBOX": env.get("EARLY_HELP_INBOX", "").strip(),
        "SMTP_HOST": env.get("SMTP_HOST", "").strip(),
        "SMTP_PORT": _int_setting(env, "SMTP_PORT", 25, 1),
        "SMTP_FROM": env.get("SMTP_FROM", "").strip(),
        "SMTP_TIMEOUT_SECONDS": _float_setting(env, "SMTP_TIMEOUT_SECONDS", 5.0, 0.1),
        # Outside production, with no SMTP server: each email is written as a file (.eml) into this folder.
        "MAIL_DROP_DIR": _mail_drop_dir(env, name),
        # Sent emails (their links already taken out) are deleted this long after sending; unsent ones
        # after CONTACT_RETENTION_DAYS, so no email outlives what it was about (`portal purge-outbox`).
        "OUTBOX_RETENTION_DAYS": _int_setting(env, "OUTBOX_RETENTION_DAYS", 30, 1),
        # Accounts (portal/accounts): idle sign-out, lock-out after repeated failures, link lifetimes.
        "ACCOUNT_IDLE_MINUTES": _int_setting(env, "ACCOUNT_IDLE_MINUTES", 30, 1),
        "SIGN_IN_LOCKOUT_ATTEMPTS": _int_setting(env, "SIGN_IN_LOCKOUT_ATTEMPTS", 5, 1),
        "SIGN_IN_LOCKOUT_MINUTES": _int_setting(env, "SIGN_IN_LOCKOUT_MINUTES", 15, 1),
        "SIGN_IN_RATE_LIMIT": env.get("SIGN_IN_RATE_LIMIT", "").strip() or "10 per minute; 100 per hour",
        "INVITATION_DAYS": _int_setting(env, "INVITATION_DAYS", 7, 1),
        "PASSWORD_RESET_MINUTES": _int_setting(env, "PASSWORD_RESET_MINUTES", 60, 5),
        # Freshness (portal/freshness): editors are reminded when a service has not been checked for this many
        # months; after FRESHNESS_STALE_MONTHS the public page says it may be out of date and search ranks it lower.
        "FRESHNESS_REMINDER_MONTHS": _int_setting(env, "FRESHNESS_REMINDER_MONTHS", 6, 1),
        "FRESHNESS_STALE_MONTHS": _int_setting(env, "FRESHNESS_STALE_MONTHS", 12, 1),
        # The public's "report a problem" and "ask to manage this listing" forms (portal/reports,
        # portal/manage_requests): how often one client may send them, and how long decided requests are kept.
        "PROBLEM_REPORT_RATE_LIMIT": env.get("PROBLEM_REPORT_RATE_LIMIT", "").strip() or "10 per hour",
        "MANAGE_REQUEST_RATE_LIMIT": env.get("MANAGE_REQUEST_RATE_LIMIT", "").strip() or "5 per hour",
        # Searches and API reads (portal/search, portal/api) one client may make: generous, for a kiosk or a
        # practitioner searching all day, yet a bound on what one address can make the servers work.
        "SEARCH_RATE_LIMIT": env.get("SEARCH_RATE_LIMIT", "").strip() or "120 per minute",
        "QUICK_EXIT_URL": _quick_exit_url(env),
        "MANAGE_REQUEST_RETENTION_DAYS": _int_setting(env, "MANAGE_REQUEST_RETENTION_DAYS", 30, 1),
        # Kiosk mode (portal/kiosk): KIOSK_MODE=1 makes every page a kiosk page (a dedicated terminal); the
        # "Are you still there?" prompt after KIOSK_IDLE_SECONDS, a full reset KIOSK_PROMPT_SECONDS later.
        "KIOSK_MODE": env.get("KIOSK_MODE", "0").strip().lower() in {"1", "true", "yes"},
        "KIOSK_IDLE_SECONDS": _int_setting(env, "KIOSK_IDLE_SECONDS", 120, 5),
        "KIOSK_PROMPT_SECONDS": _int_setting(env, "KIOSK_PROMPT_SECONDS", 30, 3),
        # The address links in emails start with, for emails sent by commands (reminders).
        "PUBLIC_BASE_URL": _public_base_url(env, name),
    }
    return config
