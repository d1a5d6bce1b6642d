"""What the search pages need: parameters checked, the place resolved, the search run, and the
facts each template shows. Routes stay thin."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import Response, current_app, g, make_response, render_template, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from portal.accounts.session import signed_in
from portal.extensions import db
from portal.geo import gazetteer
from portal.i18n.middleware import LOCALE_KEY, ORIGINAL_ROOT_KEY
from portal.kiosk.session import kiosk_active
from portal.safety.web import safety_context
from portal.search.page_cache import PageCache, serve
from portal.search.params import Choices, MultiValues, parse_search_params
from portal.search.service import SearchService
from portal.security import NONCE_KEY, csp_nonce
from portal.shortlist.services import saved_ids

LANGUAGE_CODES = ("ar", "bn", "en", "pl", "ur")


def search_service() -> SearchService:
    service: SearchService = current_app.extensions["search"]
    return service


def choices() -> Choices:
    vocab = current_app.extensions["vocabularies"]
    return Choices(
        needs=frozenset(vocab.needs),
        levels=frozenset(vocab.levels),
        neighbourhoods=frozenset(vocab.neighbourhoods),
        languages=frozenset(LANGUAGE_CODES),
        accessibility=frozenset(),
    )


def run_search(args: MultiValues) -> dict[str, Any]:
    params = parse_search_params(args, choices(), _)
    vocab = current_app.extensions["vocabularies"]
    place = None
    if params.q and not params.postcode:
        town, rest = gazetteer.town_in_text(params.q, vocab.towns)
        if town is not None and rest:
            params.q, params.postcode = rest, town.name
            params.notices.append(_("We looked for services near %(town)s.", town=town.name))
    if params.postcode:
        place = gazetteer.resolve(db.session, params.postcode, vocab.towns)
        if place.outcome is gazetteer.Outcome.INVALID:
            params.errors["postcode"] = _("Enter a real postcode, like OL6 6BH, or a Tameside town, like Hyde")
        elif place.outcome is gazetteer.Outcome.NOT_COVERED:
            params.errors["postcode"] = _(
                "We only have Tameside and nearby postcodes. Enter a postcode in or near Tameside, like OL6 6BH"
            )
    outcome = None
    if not params.errors and not params.is_empty:
        centre = place.point if place is not None and place.point is not None else None
        outcome = search_service().search(params, centre)
        if outcome.page != params.page and params.page > 1:
            params.notices.append(_("There are only %(pages)d pages of results, so here is the last one.",
                                    pages=outcome.pages))
            params.page = outcome.page
    safety = safety_context(args.get("q"), params.needs)
    if outcome is not None and safety:
        outcome.suggestion = None  # words that mean someone may be at risk are never "corrected"
    return {"params": params, "outcome": outcome, "place": place, "form_errors": params.errors, **safety}


def page_cache() -> PageCache:
    cache: PageCache = current_app.extensions["search_pages"]
    return cache


def shared_page_key() -> Hashable | None:
    """The key of this request's results page when the page would be the same for anyone asking the
    same thing (in the same language, at the same address); None when something on it is this
    visitor's own: a signed-in account, a kiosk visit, a shortlist, or a message waiting to be shown."""
    if signed_in() or kiosk_active() or saved_ids() or session.get("_flashes"):
        return None
    environ = request.environ
    return (*search_service().current_version(), environ.get(LOCALE_KEY), environ.get(ORIGINAL_ROOT_KEY),
            request.script_root, request.path, request.query_string)


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def results_page() -> Response:
    """The results page for this request: kept from an earlier identical request when it can be, and
    then gzip-compressed for browsers that accept it."""
    key = shared_page_key()
    compressed = key is not None and accepts_gzip()
    body: str | bytes | None = None
    if key is not None:
        body = page_cache().get(key, csp_nonce, generate_csrf, compressed)
    if body is None:
        body = render_template("search/results.html", **run_search(request.args))
        if key is not None:
            token_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
            kept = page_cache().put(key, body, request.environ.get(NONCE_KEY), g.get(token_name))
            if compressed:
                body = serve(kept, csp_nonce, generate_csrf, gzip=True)
    response = make_response(body)
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
