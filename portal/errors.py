"""Friendly error pages that always keep the urgent-help route in view."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

logger = logging.getLogger("portal.errors")
PAGES = {400: "errors/400.html", 404: "errors/404.html", 429: "errors/429.html", 503: "errors/503.html"}


def render_error(status: int) -> tuple[str, int]:
    template = PAGES.get(status, "errors/500.html" if status >= 500 else "errors/400.html")
    return render_template(template, status=status), status


def api_error(status: int, message: str) -> Response:
    """Errors under /api/ (an unknown address, say) answer JSON, as the API itself does."""
    response = jsonify({"status": status, "message": message})
    response.status_code = status
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return api_error(error.code or 500, error.description or error.name)
        if error.code == 405:
            return render_error(404) if request.method == "GET" else (error.get_response())
        return render_error(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("errors/400.html", status=400, csrf=True), 400

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        logger.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):  # type: ignore[no-untyped-def]
        return render_error(500)
