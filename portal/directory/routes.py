"""Public directory pages: browse by need, a service, an organisation."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from portal.access import public
from portal.directory import services
from portal.directory.page_parts import service_page
from portal.inputs import page_number
from portal.safety.web import needs_quick_exit, safety_context
from portal.templating import vocabularies

blueprint = Blueprint("directory", __name__, template_folder="templates")


@blueprint.get("/needs")
@public
def needs():  # type: ignore[no-untyped-def]
    return render_template("directory/needs.html", counts=services.need_counts())


@blueprint.get("/needs/<slug>")
@public
def need(slug: str):  # type: ignore[no-untyped-def]
    selected = vocabularies().needs.get(slug)
    if selected is None:
        abort(404)
    safety = {"quick_exit": needs_quick_exit(slug), **safety_context(needs=[slug])}
    listing = services.need_listing(slug, page_number(request.args.get("page")))
    return render_template("directory/need.html", need=selected, listing=listing, **safety)


@blueprint.get("/services/<service_id>")
@public
def service(service_id: str):  # type: ignore[no-untyped-def]
    page = service_page(service_id)
    if page is None:
        abort(404)
    vocab = vocabularies()
    listed = page.service
    return render_template(
        "directory/service.html",
        service=listed,
        needs=services.service_needs(listed, vocab),
        levels=services.service_levels(listed, vocab),
        opening_days=services.opening_days,
        place_map=page.place_map,
        page_qr=page.qr,
        service_area_kind=services.service_area_kind,
        ways_to_reach=services.ways_to_reach,
        routes=services.reach_routes(listed),
    )


@blueprint.get("/organisations/<organisation_id>")
@public
def organisation(organisation_id: str):  # type: ignore[no-untyped-def]
    found = services.get_organisation(organisation_id)
    if found is None:
        abort(404)
    listing = services.organisation_services(found, page_number(request.args.get("page")))
    return render_template("directory/organisation.html", organisation=found, listing=listing)
