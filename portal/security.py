"""Security headers on every response, with a fresh Content-Security-Policy nonce per request."""

from __future__ import annotations

import secrets

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
        return response
