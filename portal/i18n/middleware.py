"""A language prefix in the path (/ur/search) becomes part of SCRIPT_NAME, so every route works
unchanged under it and url_for builds links that keep the language (redirects included)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from portal.i18n.languages import LANGUAGES

LOCALE_KEY = "portal.locale"
ORIGINAL_ROOT_KEY = "portal.script_root"


class LanguagePrefixMiddleware:
    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        first, _, rest = path.lstrip("/").partition("/")
        root = environ.get("SCRIPT_NAME", "").rstrip("/")
        environ[ORIGINAL_ROOT_KEY] = root
        if path.startswith("/") and first in LANGUAGES:
            environ["SCRIPT_NAME"] = root + "/" + first
            environ["PATH_INFO"] = "/" + rest
            environ[LOCALE_KEY] = first
        return self.app(environ, start_response)
