"""Two app servers on one PostgreSQL database and one Redis, as a deployment with several servers runs.

Each server is gunicorn with two workers, on its own port and with its own search_index/ folder. A
change committed through server A's app is searchable through server B within seconds; rate limits are
counted in Redis, so they hold across both; a signed-in session (one SECRET_KEY) works on both.

Needs TEST_DATABASE_URL (PostgreSQL: a database of its own, `<name>_multi`, is made beside it) and
TEST_REDIS_URL; skipped without them.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.multi_server.servers import Browser, Server, environment, flask, gunicorn, python

pytestmark = [
    pytest.mark.multi_server,
    pytest.mark.skipif(not (os.environ.get("TEST_DATABASE_URL") and os.environ.get("TEST_REDIS_URL")),
                       reason="needs TEST_DATABASE_URL (PostgreSQL) and TEST_REDIS_URL"),
]

EDITOR_EMAIL = "two.servers.editor@example.org"
EDITOR_PASSWORD = "a long test password 4 two servers"
SEARCHABLE_WITHIN_SECONDS = 10.0


def fresh_database() -> str:
    """An empty database of its own next to TEST_DATABASE_URL's."""
    base = make_url(os.environ["TEST_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_multi"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                           {"name": name})
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False).replace("+psycopg", "", 1)


def forget_rate_limits(redis_url: str) -> None:
    """Only the rate-limit keys (Flask-Limiter's LIMITS prefix) in the test's own Redis database."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match="LIMITS*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("two-servers")
    redis_url = os.environ["TEST_REDIS_URL"]
    forget_rate_limits(redis_url)
    shared = dict(PORTAL_ENV="production", DATABASE_URL=fresh_database(), REDIS_URL=redis_url,
                  SECRET_KEY=secrets.token_urlsafe(48), CONTACT_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
                  SESSION_COOKIE_SECURE="0", SIGN_IN_RATE_LIMIT="4 per minute",
                  PUBLIC_BASE_URL="https://familyhelp.example", SEARCH_SYNC_SECONDS="0.5",
                  INSTANCE_DIR=str(folder / "instance"))
    env_a = environment(**shared, SEARCH_INDEX_DIR=str(folder / "a" / "search_index"))
    env_b = environment(**shared, SEARCH_INDEX_DIR=str(folder / "b" / "search_index"))
    flask(env_a, "db", "upgrade")
    flask(env_a, "portal", "load-data")
    flask(dict(env_a, PORTAL_ACCOUNT_PASSWORD=EDITOR_PASSWORD), "portal", "create-account", "--email", EDITOR_EMAIL,
          "--name", "Two Servers Editor", "--role", "editor")
    with gunicorn("a", env_a, folder) as server_a, gunicorn("b", env_b, folder) as server_b:
        yield server_a, server_b, env_a


def search_finds(server: Server, word: str, service_id: str) -> bool:
    answer = Browser().get(f"{server.url}/search?{urlencode({'q': word})}")
    assert answer.status == 200
    return f"/services/{service_id}\"" in answer.text


EDIT = """
import time
import uuid
from portal import create_app
from portal.accounts.services import create_account
from portal.extensions import db
from portal.listings.moderation import approve
from portal.listings.services import new_version
from portal.listings.snapshots import snapshot_of
from portal.models import Service
from sqlalchemy import select
app = create_app()
with app.app_context():
    moderator = create_account(f"moderator-{uuid.uuid4().hex[:8]}@example.org", "Moderator",
                               "a long moderator password 77", ["moderator"])
    service = db.session.scalars(select(Service).where(Service.status == "active").order_by(Service.id)).first()
    snapshot = snapshot_of(service)
    snapshot["description"] = (snapshot["description"] or "") + " {word}"
    version = new_version(service.id, service.organization_id, snapshot, "user:editor", "pending")
    db.session.commit()
    began = time.time()
    with app.test_request_context():  # approval emails the editors links to their pages
        approve(version, moderator, app.extensions["vocabularies"])
    print(service.id, began)
"""


def test_a_change_approved_on_one_server_is_searchable_on_the_other(servers) -> None:  # type: ignore
    server_a, server_b, env_a = servers
    word = "zq" + secrets.token_hex(5).translate(str.maketrans("0123456789", "ghjkmnpqrs"))
    assert not search_finds(server_b, word, "")  # both servers have searched (and built their indexes) first
    assert Browser().get(f"{server_a.url}/search?q=counselling").status == 200
    service_id, began = python(env_a, EDIT.replace("{word}", word)).strip().splitlines()[-1].split()
    deadline = float(began) + SEARCHABLE_WITHIN_SECONDS
    while not search_finds(server_b, word, service_id):
        assert time.time() < deadline, f"not searchable on server B within {SEARCHABLE_WITHIN_SECONDS} s"
        time.sleep(0.1)
    seconds = time.time() - float(began)
    assert search_finds(server_a, word, service_id)
    print(f"searchable on the other server {seconds:.2f} s after the commit began")
    # Each server keeps its own index folder.
    assert Path(env_a["SEARCH_INDEX_DIR"], "current").exists()
    assert (Path(env_a["SEARCH_INDEX_DIR"]).parent.parent / "b" / "search_index" / "current").exists()


def test_a_signed_in_session_works_on_both_servers(servers) -> None:  # type: ignore[no-untyped-def]
    server_a, server_b, _ = servers
    forget_rate_limits(os.environ["TEST_REDIS_URL"])
    browser = Browser()
    form = browser.get(f"{server_a.url}/sign-in")
    details = {"csrf_token": form.csrf_token(), "email": EDITOR_EMAIL, "password": EDITOR_PASSWORD}
    signed_in = browser.post(f"{server_a.url}/sign-in", details)
    assert signed_in.status in (302, 303), signed_in.text[:500]
    for server in (server_a, server_b):
        page = browser.get(f"{server.url}/account")
        assert page.status == 200 and "Two Servers Editor" in page.text, server.name
    stranger = Browser().get(f"{server_b.url}/account")
    assert stranger.status in (302, 303) and "/sign-in" in stranger.headers["Location"]


def test_rate_limits_are_shared_through_redis(servers) -> None:  # type: ignore[no-untyped-def]
    server_a, server_b, _ = servers
    forget_rate_limits(os.environ["TEST_REDIS_URL"])
    browser = Browser()
    token = browser.get(f"{server_a.url}/sign-in").csrf_token()
    wrong = {"csrf_token": token, "email": "nobody@example.org", "password": "not the password at all"}
    statuses = [browser.post(f"{server.url}/sign-in", wrong).status
                for server in (server_a, server_b, server_a, server_b)]
    assert statuses == [200, 200, 200, 200]  # 4 per minute, counted across both servers ...
    assert browser.post(f"{server_a.url}/sign-in", wrong).status == 429  # ... so the 5th is refused on either
    assert browser.post(f"{server_b.url}/sign-in", wrong).status == 429
