"""Security headers on every response, with a fresh Content-Security-Policy nonce per request."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request

# Scripts and styles only from this site, or inline with this request's nonce: no 'unsafe-inline'.
CSP_TEMPLATE = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'nonce-{nonce}'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)

STATIC_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Pages that show what a visitor answered or chose (the questionnaire, the contact form and its
# confirmation, shortlists): never kept by a browser's history cache or a proxy.
PRIVATE_BLUEPRINTS = frozenset({"questionnaire", "shortlist"})

NONCE_KEY = "portal.csp_nonce"


def csp_nonce() -> str:
    """This request's nonce, made on first use (kept in the WSGI environ: one per request)."""
    nonce = request.environ.get(NONCE_KEY)
    if nonce is None:
        nonce = request.environ[NONCE_KEY] = secrets.token_urlsafe(18)
    return str(nonce)


def content_security_policy(nonce: str) -> str:
    return CSP_TEMPLATE.format(nonce=nonce)


def init_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
        present = {name.lower() for name in headers.keys()}
        headers.extend([(name, value) for name, value in STATIC_HEADERS.items() if name.lower() not in present])
        if request.blueprint in PRIVATE_BLUEPRINTS:
            headers["Cache-Control"] = "no-store"
        return response

    secure = SecureCookies(app.wsgi_app, lambda: bool(app.config.get("SESSION_COOKIE_SECURE")))
    app.wsgi_app = secure  # type: ignore[method-assign]


class SecureCookies:
    """In production (SESSION_COOKIE_SECURE) every cookie, whoever sets it (the session, the language,
    any later one), is marked Secure, even when the request reached the app as plain HTTP behind the
    proxy. A WSGI wrapper, so it sees each response last, after every after_request hook."""

    def __init__(self, app: Any, enabled: Callable[[], bool]) -> None:
        self.app, self.enabled = app, enabled

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.enabled():
            return self.app(environ, start_response)

        def secure_start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            headers = [(name, value + "; Secure") if name.lower() == "set-cookie" and "; secure" not in value.lower()
                       else (name, value) for name, value in headers]
            return start_response(status, headers, *args)

        return self.app(environ, secure_start)
