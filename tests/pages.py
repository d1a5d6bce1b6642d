"""A page helper: fetch a page through the real app, parse it, and check what every page must have."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

NONCE = re.compile(r"'nonce-([A-Za-z0-9_\-]+)'")


def fetch_page(client: FlaskClient, url: str, status: int = 200) -> BeautifulSoup:
    """GET `url` and check: the status, a title, <html lang>, one <h1>, a CSP nonce on every script,
    and a CSRF token in every form that posts."""
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    assert response.mimetype == "text/html"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    title = page.title.get_text(strip=True) if page.title else ""
    assert title and "Tameside Family Help" in title, f"{url} has no proper <title>"
    assert page.html is not None and page.html.get("lang"), f"{url} has no <html lang>"
    assert len(page.find_all("h1")) == 1, f"{url} should have exactly one <h1>"
    policy = response.headers.get("Content-Security-Policy", "")
    match = NONCE.search(policy)
    assert match, f"{url} has no CSP nonce"
    for script in page.find_all("script"):
        assert script.get("nonce") == match.group(1), f"{url} has a script without this request's nonce"
    for form in page.find_all("form"):
        if (form.get("method") or "get").lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), f"{url} has a form without a CSRF token"
    return page
