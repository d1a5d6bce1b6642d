"""Information pages. Their words live in the templates, wrapped for translation."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.access import public
from portal.directory.services import need_counts

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
    return render_template("pages/data_sources.html")
