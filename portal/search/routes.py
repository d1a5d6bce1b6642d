"""/search: find services in your own words, near you, filtered; and the same results on a map."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, has_app_context, render_template, request

from portal.access import public
from portal.extensions import limit_reads, search_rate_limit
from portal.geo.page_maps import map_of_results
from portal.search import pages

blueprint = Blueprint("search", __name__, template_folder="templates")


@blueprint.get("/search")
@public
@limit_reads(search_rate_limit)
def results():  # type: ignore[no-untyped-def]
    return pages.results_page()


@blueprint.get("/search/map")
@public
@limit_reads(search_rate_limit)
def results_map():  # type: ignore[no-untyped-def]
    page = pages.run_search(request.args)
    outcome = page["outcome"]
    page["map"] = map_of_results(result.document for result in (outcome.matches if outcome is not None else []))
    return render_template("search/map.html", **page)


def refresh_search(services: set[str]) -> None:
    """After a commit: reindex the services it changed, in the app handling the request or command."""
    if has_app_context() and "search" in current_app.extensions:
        current_app.extensions["search"].refresh_services(services)


def init_search(app) -> None:  # type: ignore[no-untyped-def]
    """Create this process's search service and keep it in step with committed changes."""
    from portal.extensions import db
    from portal.search.service import SearchService
    from portal.search.sync import register
    from portal.search.synonyms import load_all_synonyms

    vocab = app.extensions["vocabularies"]
    synonyms = load_all_synonyms(app.config["DIRECTORY_DATA_DIR"] / "search", vocab.needs)
    with app.app_context():
        app.extensions["search"] = SearchService(
            db.engine, app.config["SEARCH_INDEX_DIR"], vocab, synonyms, app.config["SEARCH_SYNC_SECONDS"],
            app.config.get("SEARCH_BACKEND", "whoosh"), app.config.get("FRESHNESS_STALE_MONTHS", 12),
        )
    register(db.session, refresh_search)
    boundaries = app.config["DIRECTORY_DATA_DIR"] / "sources" / "tameside_wards.geojson"
    app.extensions["ward_boundaries"] = json.loads(boundaries.read_text(encoding="utf-8"))
