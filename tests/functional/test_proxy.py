"""Behind a reverse proxy: rate limits count each client by X-Forwarded-For, and only when the proxy is trusted."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal.extensions import limiter
from tests.accounts import csrf_token
from tests.functional.test_faults import app_beside, close_app


def sign_in_attempts(app: Flask, address: str, count: int) -> list[int]:
    client = app.test_client()
    headers = {"X-Forwarded-For": address}
    token = csrf_token(client.get("/sign-in", headers=headers).get_data(as_text=True))
    wrong = {"csrf_token": token, "email": "nobody@example.org", "password": "not the password at all"}
    return [client.post("/sign-in", data=wrong, headers=headers).status_code for _ in range(count)]


@pytest.mark.parametrize("trusted", [1, 0])
def test_rate_limits_count_each_client_behind_a_trusted_proxy_only(app: Flask, tmp_path: Path, trusted: int) -> None:
    proxied = app_beside(app, tmp_path, TRUSTED_PROXIES=trusted, SIGN_IN_RATE_LIMIT="2 per minute")
    limiter.reset()
    try:
        assert sign_in_attempts(proxied, "203.0.113.10", 3) == [200, 200, 429]
        other = sign_in_attempts(proxied, "203.0.113.20", 1)
        # Trusted: another person has their own count. Not trusted: the header is ignored (it could be
        # forged), so both are the same address and share one count.
        assert other == ([200] if trusted else [429])
    finally:
        limiter.reset()
        close_app(proxied)
