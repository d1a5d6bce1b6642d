"""Helpers for tests that run the portal as real servers: gunicorn processes, flask commands, and a
small cookie-keeping HTTP client that does not follow redirects."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from portal.config import PROJECT_DIR

BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=PROJECT_DIR, env=env, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, text=True, capture_output=True,
                          timeout=120)
    assert done.returncode == 0, f"script failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def gunicorn(name: str, env: dict[str, str], folder: Path, workers: int = 2) -> Iterator[Server]:
    port = free_port()
    log = folder / f"{name}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                                    "--timeout", "60", "wsgi:app"], cwd=PROJECT_DIR, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)
    server = Server(name, port, process, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"{name} did not start:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:  # nosec B310: loopback
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{name} did not answer within 60 s:\n{log.read_text()}"
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def csrf_token(self) -> str:
        found = CSRF.search(self.text)
        assert found, "the page has a CSRF token"
        return found.group(1) or found.group(2)


class Browser:
    """Keeps cookies like a browser (by host, whatever the port), and shows redirects instead of following them."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def _send(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read().decode("utf-8", "replace"))

    def get(self, url: str) -> Answer:
        return self._send(urllib.request.Request(url))

    def post(self, url: str, data: dict[str, str]) -> Answer:
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(url, data=body, method="POST"))


def environment(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SEARCH_BACKEND", "REDIS_URL", "DATABASE_URL", "SECRET_KEY", "PYTEST_CURRENT_TEST")}
    env.update(PYTHONPATH=str(PROJECT_DIR), **settings)
    return env
