"""Request logging without personal data.

Each line records the method, the route's rule (never the query string, which can hold a search or
a postcode), the status and the time taken. No IP addresses, no cookies, no form fields.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, request

logger = logging.getLogger("portal.requests")


def init_request_logging(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    @app.before_request
    def start_timer() -> None:
        request.environ["portal.request_started"] = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        started = request.environ.get("portal.request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        if rule.startswith("/static/"):
            return response
        logger.info("%s %s %s %.1fms", request.method, rule, response.status_code, elapsed_ms)
        return response
