"""Faults: an index write killed half-way, a missing or corrupt index, the database going away, and
Redis unreachable. Each test makes its own app (or process) so the shared test app is left as it was."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select as sql_select
from sqlalchemy import text

from portal import create_app
from portal.config import PROJECT_DIR
from portal.extensions import db
from portal.models import PUBLIC_STATUSES, Service
from portal.search.backends.whoosh import BUILDER_FILE, WhooshIndex
from portal.search.backends.whoosh_repair import check_and_repair

URGENT_NUMBERS = ("999", "0161 342 4101", "0161 342 2222")


def app_beside(app: Flask, folder: Path, **overrides: Any) -> Flask:
    """Another app on the same database, with its own search index folder (as a second process would be).
    Close its connections with `close_app` when done."""
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SEARCH_BACKEND", "RATELIMIT_STORAGE_URI",
                                               "SEARCH_SYNC_SECONDS", "SERVER_NAME")}
    config.update(SEARCH_INDEX_DIR=folder / "search_index", **overrides)
    return create_app(config)


def close_app(other: Flask) -> None:
    search = other.extensions["search"]
    if search.resilient is not None:
        search.resilient.wait(60)
    search.index.close()
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    search.database.dispose()


@pytest.fixture
def beside(app: Flask, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Makes apps beside the test app, and closes them afterwards."""
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        made.append(app_beside(app, tmp_path, **overrides))
        return made[-1]

    yield make
    for other in made:
        close_app(other)


def a_public_service(app: Flask) -> Service:
    with app.app_context():
        service = db.session.scalars(sql_select(Service).where(Service.status.in_(PUBLIC_STATUSES))
                                     .order_by(Service.id)).first()
        assert service is not None
        db.session.expunge(service)
        return service


def needs_whoosh(app: Flask) -> None:
    if app.config["SEARCH_BACKEND"] != "whoosh":
        pytest.skip("the Whoosh index folder is what these faults break")


# -- a writer killed half-way -------------------------------------------------------------------------

WRITER = """
import sys, time
from whoosh import index as whoosh_index
from portal import create_app
from portal.search.backends.whoosh import WhooshIndex
stage = sys.argv[1]
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[2], "SEARCH_INDEX_DIR": sys.argv[3]})
with app.app_context():
    search = app.extensions["search"]
    search.ensure_ready()
    documents = list(search.store.all())

def stall(*args, **kwargs):
    print("writing", flush=True)
    time.sleep(120)

if stage == "write":
    # Segment files written, table of contents not yet: the worst moment for an incremental write.
    whoosh_index.TOC.write = stall
    search.index.write(documents, [])
else:
    # A rebuild's new generation written, its completion marker not yet.
    WhooshIndex._write_marker = stall
    search.index.rebuild(documents)
"""


def kill_while_writing(app: Flask, index_dir: Path, stage: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), PORTAL_ENV="test")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, stage, app.config["SQLALCHEMY_DATABASE_URI"],
                               str(index_dir)], cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    try:
        ready, _, _ = select.select([writer.stdout], [], [], 120)
        assert ready and writer.stdout.readline().strip() == "writing", "the writer reached the write"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()


@pytest.mark.parametrize("stage", ["write", "rebuild"])
def test_a_worker_killed_during_an_index_write_leaves_a_usable_index(
        app: Flask, tmp_path: Path, stage: str, beside: Callable[..., Flask]) -> None:
    needs_whoosh(app)
    service = a_public_service(app)
    index_dir = tmp_path / "search_index"
    kill_while_writing(app, index_dir, stage)
    leftovers = [path for path in (index_dir / "generations").iterdir() if (path / BUILDER_FILE).exists()]
    assert (stage == "rebuild") == bool(leftovers)

    # A process starting now checks the folder, tidies what the killed writer left, and searches.
    report = check_and_repair(WhooshIndex(index_dir, {}))
    assert report.usable and report.problem is None
    assert not [path for path in (index_dir / "generations").iterdir() if (path / BUILDER_FILE).exists()]
    fresh = beside()
    with fresh.app_context():
        assert not fresh.extensions["search"].resilient.degraded
        page = fresh.test_client().get("/search", query_string={"q": service.name})
    assert page.status_code == 200 and f"/services/{service.id}" in page.get_data(as_text=True)


# -- a missing or corrupt index -------------------------------------------------------------------------


def test_a_missing_index_falls_back_to_database_search_and_rebuilds(app: Flask, beside: Callable[..., Flask]) -> None:
    needs_whoosh(app)
    service = a_public_service(app)
    fresh = beside()
    search = fresh.extensions["search"]
    search.sync_rebuild_limit = 0  # as with a large directory: never make a search wait for a rebuild
    client = fresh.test_client()
    with fresh.app_context():
        assert client.get("/search", query_string={"q": "counselling"}).status_code == 200
        assert search.resilient.wait(60) and not search.resilient.degraded
        shutil.rmtree(search.index.current_link.resolve())  # the whole index goes
        with search.index.write_lock():  # holds the rebuild's swap back, so the fallback can be seen
            page = client.get("/search", query_string={"q": service.name})
            assert page.status_code == 200 and f"/services/{service.id}" in page.get_data(as_text=True)
            assert search.resilient.degraded and search.resilient.rebuilding
        assert search.resilient.wait(60)
        assert not search.resilient.degraded and search.index.exists()
        page = client.get("/search", query_string={"q": service.name})
        assert page.status_code == 200 and f"/services/{service.id}" in page.get_data(as_text=True)


def test_a_corrupt_index_is_found_at_start_and_rebuilt_while_the_database_answers(
        app: Flask, tmp_path: Path, beside: Callable[..., Flask]) -> None:
    needs_whoosh(app)
    service = a_public_service(app)
    first = beside()
    with first.app_context():
        first.extensions["search"].ensure_ready()
    generation = (tmp_path / "search_index" / "current").resolve()
    for path in generation.iterdir():
        if path.name != "complete.json":
            path.write_bytes(b"\x00garbage" * 64)

    fresh = beside()  # a process starting: the check finds the index unusable
    search = fresh.extensions["search"]
    search.sync_rebuild_limit = 0
    assert not search.index.exists()
    client = fresh.test_client()
    with fresh.app_context():
        with search.index.write_lock():
            page = client.get("/search", query_string={"q": service.name})
            assert page.status_code == 200 and f"/services/{service.id}" in page.get_data(as_text=True)
            assert search.resilient.degraded
        assert search.resilient.wait(60) and search.index.exists()
    assert check_and_repair(WhooshIndex(tmp_path / "search_index", {})).usable


def test_an_index_that_breaks_while_in_use_is_answered_from_the_database(
        app: Flask, beside: Callable[..., Flask]) -> None:
    needs_whoosh(app)
    service = a_public_service(app)
    fresh = beside()
    search = fresh.extensions["search"]
    client = fresh.test_client()
    with fresh.app_context():
        search.ensure_ready()

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise OSError("disk gone")

        search.index.match = broken  # what any failure to read the files looks like from here
        with search.index.write_lock():
            page = client.get("/search", query_string={"q": service.name + " extra"})
            assert page.status_code == 200 and f"/services/{service.id}" in page.get_data(as_text=True)
            assert search.resilient.failures == 1 and search.resilient.rebuilding
        del search.index.match
        assert search.resilient.wait(60) and not search.resilient.degraded


# -- the database going away ----------------------------------------------------------------------------


class Proxy:
    """A TCP relay to PostgreSQL that can be stopped (as a database server or network going away) and
    started again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.listener: socket.socket | None = None
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        if self.listener is not None:
            try:
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
            except OSError:
                pass
            self.listener.close()
            self.listener = None
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.connections = []


@pytest.fixture
def proxied_app(app: Flask, tmp_path: Path) -> Iterator[tuple[Flask, Proxy]]:
    if app.config.get("TEST_BACKEND") != "postgresql":
        pytest.skip("PostgreSQL: a database server that goes away and comes back")
    url = db.engine.url
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    proxied = app_beside(app, tmp_path, SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                         .render_as_string(hide_password=False))
    yield proxied, proxy
    proxy.stop()
    close_app(proxied)


def test_the_database_going_away_gives_503_with_urgent_numbers_and_recovers(proxied_app: tuple[Flask, Proxy],
                                                                            app: Flask) -> None:
    proxied, proxy = proxied_app
    service = a_public_service(app)
    client = proxied.test_client()
    page = f"/services/{service.id}"
    assert client.get(page).status_code == 200
    assert client.get("/search", query_string={"q": "counselling"}).status_code == 200

    proxy.stop()
    for url in (page, f"/organisations/{service.organization_id}", "/needs"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 503, url
        assert all(number in body for number in URGENT_NUMBERS), url
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert client.get("/healthz").status_code == 503
    assert client.get("/urgent-help").status_code == 200  # pages that need no database stay up

    proxy.start()  # back: the next request reconnects by itself (pool_pre_ping)
    assert client.get(page).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_connections_cut_by_the_server_are_replaced(proxied_app: tuple[Flask, Proxy], app: Flask) -> None:
    proxied, _ = proxied_app
    client = proxied.test_client()
    assert client.get("/needs").status_code == 200
    with app.app_context():
        db.session.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        db.session.commit()
    assert client.get("/needs").status_code == 200
    assert client.get("/healthz").status_code == 200


# -- Redis unreachable ------------------------------------------------------------------------------------

REDIS_DOWN = """
import json, logging, sys
from portal import create_app
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record.getMessage())
logging.getLogger("flask-limiter").addHandler(Keep())
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SEARCH_INDEX_DIR": sys.argv[2],
                  "RATELIMIT_STORAGE_URI": sys.argv[3], "SIGN_IN_RATE_LIMIT": "2 per minute",
                  "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
client = app.test_client()
statuses = [client.get(url).status_code for url in ("/", "/search?q=counselling", "/healthz")]
page = client.get("/sign-in").get_data(as_text=True)
token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
wrong = {"csrf_token": token, "email": "nobody@example.org", "password": "not the password at all"}
posts = [client.post("/sign-in", data=wrong).status_code for _ in range(3)]
print(json.dumps({"pages": statuses, "posts": posts, "log": records}))
"""


def test_with_redis_unreachable_pages_work_and_limits_hold_in_each_process(app: Flask, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        nowhere = f"redis://127.0.0.1:{probe.getsockname()[1]}/7"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_DIR), PORTAL_ENV="test")
    done = subprocess.run([sys.executable, "-c", REDIS_DOWN, app.config["SQLALCHEMY_DATABASE_URI"],
                           str(tmp_path / "search_index"), nowhere], cwd=PROJECT_DIR, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["pages"] == [200, 200, 200]
    assert outcome["posts"] == [200, 200, 429]  # the limit is still enforced, in this process's memory
    assert any("Rate limit storage unreachable" in line for line in outcome["log"])
