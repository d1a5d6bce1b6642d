"""Emails to staff sent from a public page: written in the portal's default language (not the language
the member of the public was reading in), with links built on PUBLIC_BASE_URL (never the Host header a
visitor sent, and outside any /pl/, /ur/... language prefix)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from flask import current_app
from flask_babel import force_locale


def in_default_language() -> AbstractContextManager[None]:
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def staff_link(endpoint: str, **values: Any) -> str:
    """An absolute link to a page, for an email; works outside requests too (commands)."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return str(current_app.config["PUBLIC_BASE_URL"]) + path
