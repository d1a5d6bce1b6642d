"""Kiosk behaviour on every request while a browser is a kiosk: reset after the idle time (so the
reset happens even without JavaScript), refuse pages a kiosk never shows, never cache, and make the
finished page safe (portal.kiosk.html)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, redirect, request, url_for
from werkzeug.wrappers import Response

from portal.access import rule_for
from portal.kiosk import session as visit
from portal.kiosk.html import is_blocked, leaves_site, make_kiosk_safe

VISIT_ARG = "kv"  # the visit a link was made for; an older visit's link (Back after a reset) goes to the start
SKIPPED_BLUEPRINTS = ("health", "api")
# Pages a kiosk never offers: signing in (and staff pages, which need it).
BLOCKED_ENDPOINTS = ("accounts.sign_in",)


def _skipped() -> bool:
    return request.endpoint in (None, "static") or request.blueprint in SKIPPED_BLUEPRINTS


def _off_limits(app: Flask) -> bool:
    endpoint = request.endpoint or ""
    rule = rule_for(app, endpoint)
    return request.blueprint in ("accounts", "admin") or rule is None or not rule.public


def before_request(app: Flask) -> Response | None:
    if _skipped() or not visit.kiosk_active():
        if request.endpoint is None and visit.kiosk_active():  # a page not found still looks like the kiosk
            visit.mark(active=True, visit=visit.current_visit())
        return None
    visit.mark(active=True)
    now = int(time.time())
    current = visit.current_visit()
    if current is None or visit.is_idle(now):
        visit.start_visit()
        if current is not None and request.endpoint != "kiosk.start":
            return redirect(visit.start_url(), code=303)
    else:
        visit.mark(visit=current)
        made_for = request.args.get(VISIT_ARG)
        if made_for is not None and made_for != current:
            visit.touch(now)
            return redirect(visit.start_url(), code=303)
    visit.touch(now)
    if request.endpoint == "questionnaire.leave":
        # "Leave this site quickly" on a kiosk: everything goes, and the start screen comes back.
        visit.start_visit()
        return redirect(visit.start_url(), code=303)
    if _off_limits(app):
        return redirect(visit.start_url(), code=303)
    return None


def add_visit_to_links(endpoint: str, values: dict[str, Any]) -> None:
    """url_for: links made on a kiosk page carry the visit (static files do not)."""
    current = visit.marked("visit")
    if current and endpoint != "static" and VISIT_ARG not in values:
        values[VISIT_ARG] = current


def after_request(response: Response) -> Response:
    if not visit.on_kiosk():
        if _skipped() or not visit.kiosk_active():
            return response
        # An earlier check answered before ours ran (the access check sends to sign in): still a kiosk.
        visit.mark(active=True, visit=visit.current_visit())
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    if visit.marked("reset"):
        from portal.i18n.languages import COOKIE

        response.delete_cookie(COOKIE)
        response.headers["Clear-Site-Data"] = '"storage"'
    blocked = tuple(urlsplit(url_for(endpoint, **{VISIT_ARG: None})).path for endpoint in BLOCKED_ENDPOINTS)
    location = response.headers.get("Location")
    if location and response.status_code in (301, 302, 303, 307, 308) and (
            leaves_site(location, request.host) or is_blocked(location, blocked)):
        response.headers["Location"] = visit.start_url()
    if response.mimetype == "text/html" and not response.is_streamed and not response.direct_passthrough:
        page = response.get_data(as_text=True)
        current = visit.marked("visit")
        response.set_data(make_kiosk_safe(page, request.host, current if isinstance(current, str) else None, blocked))
    return response


def kiosk_context() -> dict[str, Any]:
    if not visit.on_kiosk():
        return {"kiosk": None}
    return {"kiosk": {
        "visit": visit.marked("visit"),
        "idle_seconds": visit.idle_seconds(),
        "prompt_seconds": visit.prompt_seconds(),
        "start_url": url_for("kiosk.start"),
        # Where a reset lands: the start screen of a new visit, in the default language.
        "fresh_start_url": visit.start_url(),
        "reset_url": visit.original_root() + "/kiosk/reset",
        "still_here_url": url_for("kiosk.still_here"),
    }}


def init_kiosk(app: Flask) -> None:
    app.before_request(lambda: before_request(app))
    app.url_defaults(add_visit_to_links)
    app.after_request(after_request)
    app.context_processor(kiosk_context)
