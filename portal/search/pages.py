"""What the search pages need: parameters checked, the place resolved, the search run, and the
facts each template shows. Routes stay thin."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _

from portal.extensions import db
from portal.geo import gazetteer
from portal.safety.web import safety_context
from portal.search.params import Choices, MultiValues, parse_search_params
from portal.search.service import SearchService

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


def results_page() -> str:
    """The results page for this request, made for it: no page is kept and shared between visitors
    (each carries the visitor's own nonce, form token and shortlist), and none is compressed here
    (the README's deployment notes: static files only, at the proxy)."""
    return render_template("search/results.html", **run_search(request.args))
