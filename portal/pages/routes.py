"""Information pages. Their words live in the templates, wrapped for translation."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from portal.access import public
from portal.datafiles.support_services import ListingSource, listing_sources
from portal.directory.services import need_counts
from portal.templating import vocabularies

blueprint = Blueprint("pages", __name__, template_folder="templates")


@blueprint.get("/")
@public
def home():  # type: ignore[no-untyped-def]
    return render_template("pages/home.html", counts=need_counts())


@blueprint.get("/early-help")
@public
def early_help():  # type: ignore[no-untyped-def]
    return render_template("pages/early_help.html")


@blueprint.get("/early-help/practitioners")
@public
def practitioners():  # type: ignore[no-untyped-def]
    return render_template("pages/practitioners.html")


@blueprint.get("/urgent-help")
@public
def urgent_help():  # type: ignore[no-untyped-def]
    return render_template("pages/urgent_help.html", quick_exit=True)


@blueprint.get("/accessibility")
@public
def accessibility():  # type: ignore[no-untyped-def]
    return render_template("pages/accessibility.html")


@blueprint.get("/privacy")
@public
def privacy():  # type: ignore[no-untyped-def]
    return render_template("pages/privacy.html")


@blueprint.get("/data-sources")
@public
def data_sources():  # type: ignore[no-untyped-def]
    return render_template("pages/data_sources.html", support_sources=support_sources())


def support_sources() -> list[ListingSource]:
    """Where each support services listing came from: read from the files once per process."""
    cached: list[ListingSource] | None = current_app.extensions.get("support_sources")
    if cached is None:
        cached = listing_sources(current_app.config["DIRECTORY_DATA_DIR"], vocabularies())
        current_app.extensions["support_sources"] = cached
    return cached
