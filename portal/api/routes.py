"""/api/oruk: the directory as an Open Referral UK 3.0 API. Read-only (GET only), no key, open to every
origin (Access-Control-Allow-Origin: *). Bad parameters answer 400 with a JSON message.

Messages are for the developers of client systems and, like the field names, are in English only
(they are not shown to the public, so they are not in the translation catalogues)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from portal.access import public
from portal.api import services
from portal.api.openapi import openapi_document
from portal.api.params import ApiError, is_id, parse_filters, parse_paging, parse_taxonomy_id
from portal.exchange.oruk import ORUK_PROFILE, ORUK_VERSION
from portal.extensions import limit_reads, search_rate_limit

blueprint = Blueprint("oruk_api", __name__, url_prefix="/api/oruk")


def _error(status: int, message: str, parameter: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {"status": status, "message": message}
    if parameter:
        body["parameter"] = parameter
    return jsonify(body), status


@blueprint.errorhandler(ApiError)
def bad_parameter(error: ApiError) -> tuple[Response, int]:
    return _error(400, error.message, error.parameter)


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response, int]:
    return _error(error.code or 500, error.description or error.name)


@blueprint.after_request
def open_to_every_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _found(record: dict[str, Any] | None, kind: str) -> tuple[Response, int] | Response:
    if record is None:
        return _error(404, f"No public {kind} has that id.")
    return jsonify(record)


def _checked_id(value: str) -> str:
    if not is_id(value):
        raise ApiError("id", "The id must be a UUID like 3fa85f64-5717-4562-b3fc-2c963f66afa6.")
    return value.lower()


@blueprint.get("/")
@public
@limit_reads(search_rate_limit)
def index():  # type: ignore[no-untyped-def]
    return jsonify({"version": ORUK_VERSION, "profile": ORUK_PROFILE,
                    "openapi_url": url_for("oruk_api.openapi", _external=True)})


@blueprint.get("/openapi.json")
@public
@limit_reads(search_rate_limit)
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document())


@blueprint.get("/services")
@public
@limit_reads(search_rate_limit)
def service_list():  # type: ignore[no-untyped-def]
    return jsonify(services.list_services(parse_filters(request.args), parse_paging(request.args)))


@blueprint.get("/services/<service_id>")
@public
@limit_reads(search_rate_limit)
def service(service_id: str):  # type: ignore[no-untyped-def]
    return _found(services.get_service(_checked_id(service_id)), "service")


@blueprint.get("/service_at_locations")
@public
@limit_reads(search_rate_limit)
def service_at_location_list():  # type: ignore[no-untyped-def]
    filters = parse_filters(request.args, with_place=True)
    return jsonify(services.list_service_at_locations(filters, parse_paging(request.args)))


@blueprint.get("/service_at_locations/<service_at_location_id>")
@public
@limit_reads(search_rate_limit)
def service_at_location(service_at_location_id: str):  # type: ignore[no-untyped-def]
    return _found(services.get_service_at_location(_checked_id(service_at_location_id)), "service at location")


@blueprint.get("/taxonomies")
@public
@limit_reads(search_rate_limit)
def taxonomy_list():  # type: ignore[no-untyped-def]
    return jsonify(services.list_taxonomies(parse_paging(request.args)))


@blueprint.get("/taxonomies/<taxonomy_id>")
@public
@limit_reads(search_rate_limit)
def taxonomy(taxonomy_id: str):  # type: ignore[no-untyped-def]
    return _found(services.get_taxonomy(_checked_id(taxonomy_id)), "taxonomy")


@blueprint.get("/taxonomy_terms")
@public
@limit_reads(search_rate_limit)
def taxonomy_term_list():  # type: ignore[no-untyped-def]
    return jsonify(services.list_taxonomy_terms(parse_paging(request.args), parse_taxonomy_id(request.args)))


@blueprint.get("/taxonomy_terms/<taxonomy_term_id>")
@public
@limit_reads(search_rate_limit)
def taxonomy_term(taxonomy_term_id: str):  # type: ignore[no-untyped-def]
    return _found(services.get_taxonomy_term(_checked_id(taxonomy_term_id)), "taxonomy term")
