"""The OpenAPI 3.1 document of the Open Referral UK API, served at /api/oruk/openapi.json.

Response schemas are the Open Referral UK 3.0 compiled JSON Schemas (portal/api/schemas/, copied
from the UK profile with only the JSON Schema keywords kept; CC BY-SA 4.0, Open Referral UK), so a
client, or schemathesis in our tests, checks our answers against the standard itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from portal.api.params import DATE_TIME_PATTERN, DEFAULT_PER_PAGE, MAX_AGE, MAX_PAGE, MAX_PER_PAGE, MAX_PROXIMITY_METRES
from portal.exchange.oruk import ORUK_VERSION

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMAS = {"Service": "service", "ServiceBrief": "service_list", "ServiceAtLocation": "service_at_location",
           "ServiceAtLocationBrief": "service_at_location_list", "Taxonomy": "taxonomy",
           "TaxonomyTerm": "taxonomy_term"}
ID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return schema


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _parameters() -> dict[str, Any]:
    integer = {"type": "integer"}
    return {
        "search": _query("search", "Words to look for, matched and ranked as the portal's own search does.",
                         {"type": "string"}),
        "page": _query("page", "Page number, from 1.", {**integer, "minimum": 1, "maximum": MAX_PAGE}),
        "per_page": _query("per_page", f"Results per page (default {DEFAULT_PER_PAGE}).",
                           {**integer, "minimum": 1, "maximum": MAX_PER_PAGE}),
        "taxonomy_term_id": _query("taxonomy_term_id", "Only services with this taxonomy term.",
                                   {"type": "string", "format": "uuid"}),
        "taxonomy_id": _query("taxonomy_id", "Only services with a term from this taxonomy.",
                              {"type": "string", "format": "uuid"}),
        "minimum_age": _query("minimum_age", "Only services for people of this age or older (years).",
                              {**integer, "minimum": 0, "maximum": MAX_AGE}),
        "maximum_age": _query("maximum_age", "Only services for people of this age or younger (years).",
                              {**integer, "minimum": 0, "maximum": MAX_AGE}),
        "day": _query("day", "Only services open on this day (its RFC 5545 code).",
                      {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]}),
        "start_time": _query("start_time", "Only services open at this time (HH:MM or HH:MM:SS).",
                             {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
        "end_time": _query("end_time", "Only services open until at least this time (HH:MM or HH:MM:SS).",
                           {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
        "modified_after": _query("modified_after", "Only services changed at or after this date and time.",
                                 {"type": "string", "pattern": DATE_TIME_PATTERN}),
        "postcode": _query("postcode", "Measure from this postcode (or Tameside town); nearest first.",
                           {"type": "string", "maxLength": 10}),
        "proximity": _query("proximity", "With postcode: only places within this many metres.",
                            {**integer, "minimum": 1, "maximum": MAX_PROXIMITY_METRES}),
        "terms_taxonomy_id": _query("taxonomy_id", "Only terms of this taxonomy.",
                                    {"type": "string", "format": "uuid"}),
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "A parameter is not valid; the message says which and why.", 404: "No public record has that id."}
    return {str(code): _json({"$ref": "#/components/schemas/Error"}, text[code]) for code in codes}


def _page_of(schema: str) -> dict[str, Any]:
    return {"allOf": [{"$ref": "#/components/schemas/Page"},
                      {"type": "object", "properties": {
                          "contents": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}}}]}


def _list(operation_id: str, summary: str, schema: str, parameters: list[str]) -> dict[str, Any]:
    return {"get": {
        "operationId": operation_id, "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
        "responses": {"200": _json(_page_of(schema), summary), **_errors(400)},
    }}


def _one(operation_id: str, summary: str, schema: str) -> dict[str, Any]:
    return {
        "parameters": [{"name": "id", "in": "path", "required": True, "description": "The record's id (a UUID).",
                        "schema": {"type": "string"}}],
        "get": {"operationId": operation_id, "summary": summary,
                "responses": {"200": _json({"$ref": f"#/components/schemas/{schema}"}, summary),
                              **_errors(400, 404)}},
    }


SERVICE_FILTERS = ["search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "minimum_age", "maximum_age",
                   "day", "start_time", "end_time", "modified_after"]


@cache
def openapi_document() -> dict[str, Any]:
    page_schema = {"type": "object", "required": ["total_items", "total_pages", "page_number", "size",
                                                  "first_page", "last_page", "empty", "contents"],
                   "properties": {"total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
                                  "page_number": {"type": "integer"}, "size": {"type": "integer"},
                                  "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
                                  "empty": {"type": "boolean"}, "contents": {"type": "array"}}}
    error_schema = {"type": "object", "required": ["status", "message"],
                    "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                                   "parameter": {"type": "string"}}}
    meta = {"type": "object", "required": ["version", "profile", "openapi_url"],
            "properties": {"version": {"type": "string"}, "profile": {"type": "string", "format": "uri"},
                           "openapi_url": {"type": "string", "format": "uri"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tameside Family Help: Open Referral UK API",
            "version": ORUK_VERSION,
            "description": "Tameside's family services directory in the Open Referral UK 3.0 profile. Read-only, "
                           "no key needed, open to every origin. Only services shown to the public are published.",
            "license": {"name": "Open Government Licence v3.0",
                        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
        },
        "servers": [{"url": "/api/oruk"}],
        "paths": {
            "/": {"get": {"operationId": "getAPIMetaInformation", "summary": "About this API.",
                          "responses": {"200": _json(meta, "The version, profile and OpenAPI document.")}}},
            "/services": _list("getPaginatedListOfServices", "Services, one-to-one fields and organisation.",
                               "ServiceBrief", SERVICE_FILTERS),
            "/services/{id}": _one("getFullyNestedServiceById", "A service with everything related to it.",
                                   "Service"),
            "/service_at_locations": _list("getPaginatedListOfServiceAtLocations",
                                           "Services at their places, with the place.", "ServiceAtLocationBrief",
                                           SERVICE_FILTERS + ["postcode", "proximity"]),
            "/service_at_locations/{id}": _one("getFullyNestedServiceAtLocationById",
                                               "A service at a place, with the service in full.",
                                               "ServiceAtLocation"),
            "/taxonomies": _list("getPaginatedListOfTaxonomies", "Taxonomies.", "Taxonomy", ["page", "per_page"]),
            "/taxonomies/{id}": _one("getTaxonomyById", "A taxonomy.", "Taxonomy"),
            "/taxonomy_terms": _list("getPaginatedListOfTaxonomyTerms", "Taxonomy terms.", "TaxonomyTerm",
                                     ["page", "per_page", "terms_taxonomy_id"]),
            "/taxonomy_terms/{id}": _one("getTaxonomyTermById", "A taxonomy term.", "TaxonomyTerm"),
        },
        "components": {
            "schemas": {"Page": page_schema, "Error": error_schema,
                        **{name: load_schema(file) for name, file in SCHEMAS.items()}},
            "parameters": _parameters(),
        },
    }
