"""The portal served by gunicorn, as `make run` serves it, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from portal.config import PROJECT_DIR

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def served_environment(folder: Path, **settings: str) -> dict[str, str]:
    """A portal's environment of its own in `folder`, on a free port (PORT), whose emailed links
    (PUBLIC_BASE_URL) lead back to it; its emails are written into `folder`/mail (MAIL_DROP_DIR)."""
    port = free_port()
    return dict(os.environ, PORTAL_ENV="development", INSTANCE_DIR=str(folder),
                DATABASE_URL=f"sqlite:///{folder / 'portal.db'}", SEARCH_INDEX_DIR=str(folder / "index"),
                MAIL_DROP_DIR=str(folder / "mail"),
                PORT=str(port), PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", **settings)


@contextmanager
def serve(environment: dict[str, str]) -> Iterator[str]:
    """Migrate and load the seed data, then serve with gunicorn as `make run` does; yields the address."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["portal", "load-data"]):
        subprocess.run(flask + command, cwd=PROJECT_DIR, env=environment, check=True, capture_output=True)
    address = environment["PUBLIC_BASE_URL"]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{environment['PORT']}", "--workers", "2",
         "wsgi:app"],
        cwd=PROJECT_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"{address}/healthz")
        yield address
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def portal_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The served portal's environment: run `flask --app wsgi ...` with it to act on the same database."""
    return served_environment(tmp_path_factory.mktemp("served"))


@pytest.fixture(scope="session")
def portal_url(portal_environment: dict[str, str]) -> Iterator[str]:
    with serve(portal_environment) as address:
        yield address


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make browser` (Debian package chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.console_errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()
