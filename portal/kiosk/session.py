"""The kiosk visit kept in the session: whether this browser is a kiosk, which visit it is on, and
when it was last used. A visit ends (everything in the session goes) after the idle time, on
"Start again", or when the next person's first request finds the last one idle too long."""

from __future__ import annotations

import secrets
import time

from flask import current_app, has_request_context, request, session

from portal.accounts.session import end_session

KIOSK = "kiosk"
REQUEST_KEY = "portal.kiosk"  # this request's kiosk state, in the WSGI environ: one per request (not `g`)
VISIT = "kiosk_visit"
LAST_SEEN = "kiosk_last_seen"


def kiosk_setting() -> bool:
    return bool(current_app.config.get("KIOSK_MODE"))


def kiosk_active() -> bool:
    """This browser is a kiosk: a dedicated terminal (KIOSK_MODE) or a session started at /kiosk."""
    return kiosk_setting() or bool(session.get(KIOSK))


def idle_seconds() -> int:
    return int(current_app.config.get("KIOSK_IDLE_SECONDS", 120))


def prompt_seconds() -> int:
    return int(current_app.config.get("KIOSK_PROMPT_SECONDS", 30))


def reset_after_seconds() -> int:
    """Idle time plus the "Are you still there?" prompt: the server never resets before the prompt has run."""
    return idle_seconds() + prompt_seconds()


def start_visit() -> str:
    """A brand new kiosk session: nothing of the last person (signed-in account, shortlist, answers,
    form tokens) is carried over. The language cookie goes with the response (see hooks)."""
    end_session()
    visit = secrets.token_urlsafe(9)
    session[KIOSK] = True
    session[VISIT] = visit
    session[LAST_SEEN] = int(time.time())
    mark(active=True, visit=visit, reset=True)
    return visit


def mark(**values: object) -> None:
    request.environ.setdefault(REQUEST_KEY, {}).update(values)


def marked(name: str) -> object:
    """This request's kiosk state: "active", "visit" (the visit id) or "reset" (a new visit began)."""
    if not has_request_context():
        return None
    return request.environ.get(REQUEST_KEY, {}).get(name)


def on_kiosk() -> bool:
    return bool(marked("active"))


def current_visit() -> str | None:
    visit = session.get(VISIT)
    return visit if isinstance(visit, str) else None


def is_idle(now: int) -> bool:
    last = session.get(LAST_SEEN)
    return not isinstance(last, int) or now - last > reset_after_seconds()


def touch(now: int) -> None:
    session[LAST_SEEN] = now


def original_root() -> str:
    """The site root without any language prefix (the i18n middleware moves the prefix into SCRIPT_NAME)."""
    from portal.i18n.middleware import ORIGINAL_ROOT_KEY

    return str(request.environ.get(ORIGINAL_ROOT_KEY, request.script_root)).rstrip("/")


def start_url() -> str:
    """The start screen in the default language: a reset also forgets the language."""
    return original_root() + "/kiosk"
