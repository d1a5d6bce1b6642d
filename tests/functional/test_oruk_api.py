"""The Open Referral UK API through the real app: every endpoint answers valid ORUK 3.0 JSON (checked
against the UK profile's own JSON Schemas in ../shared/data/oruk_schema), only public services,
the site's own search ranking, filters, paging, and a JSON 400 for every bad parameter."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from portal.config import PROJECT_DIR
from portal.extensions import db
from portal.models import PUBLIC_STATUSES, Service, ServiceAtLocation, TaxonomyTerm
from tests.functional.test_search import names, search

SCHEMA_DIR = PROJECT_DIR.parent / "shared" / "data" / "oruk_schema"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@cache
def validator(name: str) -> Draft202012Validator:
    path = SCHEMA_DIR / f"{name}.json"
    if not path.exists():
        pytest.skip(f"the ORUK schemas are not beside the repository ({SCHEMA_DIR})")
    return Draft202012Validator(json.loads(Path(path).read_text(encoding="utf-8")), format_checker=FormatChecker())


def assert_valid(document: Any, schema: str) -> None:
    problems = sorted(validator(schema).iter_errors(document), key=lambda error: list(error.path))
    assert not problems, "\n".join(f"{list(error.path)}: {error.message}" for error in problems[:10])


def get_json(client: FlaskClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def get_page(client: FlaskClient, url: str, item_schema: str) -> dict[str, Any]:
    page = get_json(client, url)
    assert set(page) == PAGE_KEYS
    assert page["size"] == len(page["contents"]) and page["empty"] == (not page["contents"])
    for item in page["contents"]:
        assert_valid(item, item_schema)
    return page


def all_pages(client: FlaskClient, url: str, item_schema: str) -> list[dict[str, Any]]:
    found, number = [], 1
    while True:
        page = get_page(client, f"{url}{'&' if '?' in url else '?'}page={number}&per_page=200", item_schema)
        found += page["contents"]
        if page["last_page"]:
            return found
        number += 1


def test_the_index_names_the_version_profile_and_openapi_document(client: FlaskClient) -> None:
    index = get_json(client, "/api/oruk/")
    assert index["version"] == "3.0" and index["profile"].startswith("https://")
    document = get_json(client, index["openapi_url"].replace("http://localhost", ""))
    assert document["openapi"].startswith("3.1")
    assert {"/services", "/services/{id}", "/service_at_locations", "/service_at_locations/{id}", "/taxonomies",
            "/taxonomies/{id}", "/taxonomy_terms", "/taxonomy_terms/{id}"} <= set(document["paths"])


def test_every_service_is_valid_oruk_in_list_and_full_form(client: FlaskClient) -> None:
    listed = all_pages(client, "/api/oruk/services", "compiled/service_list")
    public = set(db.session.scalars(select(Service.id).where(Service.status.in_(PUBLIC_STATUSES))))
    assert {service["id"] for service in listed} == public and len(listed) == len(public)
    for service in listed:
        full = get_json(client, f"/api/oruk/services/{service['id']}")
        assert_valid(full, "compiled/service")
        assert full["name"] == service["name"] and full["organization"]["id"] == service["organization_id"]


def test_services_at_locations_taxonomies_and_terms_are_valid_oruk(client: FlaskClient) -> None:
    links = all_pages(client, "/api/oruk/service_at_locations", "compiled/service_at_location_list")
    assert links
    for link in links[:15]:
        assert_valid(get_json(client, f"/api/oruk/service_at_locations/{link['id']}"), "compiled/service_at_location")
    taxonomies = all_pages(client, "/api/oruk/taxonomies", "taxonomy")
    assert {"Tameside needs", "Tameside levels of need"} <= {taxonomy["name"] for taxonomy in taxonomies}
    for taxonomy in taxonomies:
        assert_valid(get_json(client, f"/api/oruk/taxonomies/{taxonomy['id']}"), "taxonomy")
    terms = all_pages(client, "/api/oruk/taxonomy_terms", "taxonomy_term")
    assert len(terms) == len(db.session.scalars(select(TaxonomyTerm.id)).all())
    assert_valid(get_json(client, f"/api/oruk/taxonomy_terms/{terms[0]['id']}"), "taxonomy_term")
    needs = next(taxonomy for taxonomy in taxonomies if taxonomy["name"] == "Tameside needs")
    of_needs = get_json(client, f"/api/oruk/taxonomy_terms?taxonomy_id={needs['id']}&per_page=200")
    assert of_needs["total_items"] == 16 and all(term["taxonomy_id"] == needs["id"] for term in of_needs["contents"])


def test_a_service_the_public_cannot_see_is_not_published(client: FlaskClient) -> None:
    service = db.session.scalars(select(Service).where(Service.status == "active").order_by(Service.id)).first()
    link = db.session.scalars(select(ServiceAtLocation).where(ServiceAtLocation.service_id == service.id)).first()
    service.status = "inactive"
    db.session.commit()
    try:
        get_json(client, f"/api/oruk/services/{service.id}", status=404)
        listed = all_pages(client, "/api/oruk/services", "compiled/service_list")
        assert service.id not in {item["id"] for item in listed}
        if link is not None:
            get_json(client, f"/api/oruk/service_at_locations/{link.id}", status=404)
    finally:
        service.status = "active"
        db.session.commit()


def test_search_uses_the_sites_engine_and_ranking(client: FlaskClient) -> None:
    for words in ("counselling", "libary", "skint"):
        site = names(search(client, q=words))
        api = get_page(client, "/api/oruk/services?" + urlencode({"search": words, "per_page": 20}),
                       "compiled/service_list")
        assert [service["name"] for service in api["contents"]] == site[:20], words


def test_paging_follows_the_oruk_envelope(client: FlaskClient) -> None:
    first = get_page(client, "/api/oruk/services?per_page=5", "compiled/service_list")
    second = get_page(client, "/api/oruk/services?per_page=5&page=2", "compiled/service_list")
    assert first["first_page"] and not first["last_page"] and first["page_number"] == 1 and first["size"] == 5
    assert first["total_pages"] == -(-first["total_items"] // 5)
    assert not {s["id"] for s in first["contents"]} & {s["id"] for s in second["contents"]}
    beyond = get_page(client, f"/api/oruk/services?per_page=5&page={first['total_pages'] + 1}", "compiled/service_list")
    assert beyond["empty"] and beyond["last_page"] and beyond["total_items"] == first["total_items"]


def _ids(client: FlaskClient, **params: object) -> set[str]:
    return {item["id"] for item in all_pages(client, "/api/oruk/services?" + urlencode(params),
                                             "compiled/service_list")}


def test_filters_by_taxonomy_age_day_time_and_modification(client: FlaskClient) -> None:
    term = db.session.scalars(select(TaxonomyTerm).where(TaxonomyTerm.code == "pregnancy-and-new-baby")).one()
    with_term = _ids(client, taxonomy_term_id=term.id)
    services = {service.id: service for service in db.session.scalars(select(Service))}
    assert with_term and all(term.code in services[sid].term_codes("Tameside needs") for sid in with_term)
    assert with_term <= _ids(client, taxonomy_id=term.taxonomy_id)
    teenagers = _ids(client, minimum_age=13, maximum_age=17)
    for service_id in teenagers:
        service = services[service_id]
        assert (service.maximum_age is None or service.maximum_age >= 13) and (
            service.minimum_age is None or service.minimum_age <= 17)
    assert teenagers < _ids(client)
    saturday = _ids(client, day="SA")
    assert saturday and saturday < _ids(client) and "saturday" not in _ids(client)
    evening = _ids(client, day="TH", start_time="18:00", end_time="19:30")
    assert evening <= _ids(client, day="TH")
    assert _ids(client, modified_after="2999-01-01T00:00:00Z") == set()
    assert _ids(client, modified_after="2000-01-01") == _ids(client)


def test_places_near_a_postcode_come_nearest_first_within_the_distance(client: FlaskClient) -> None:
    near = get_page(client, "/api/oruk/service_at_locations?postcode=OL6+6BH&proximity=2000&per_page=200",
                    "compiled/service_at_location_list")
    everywhere = get_page(client, "/api/oruk/service_at_locations?per_page=200", "compiled/service_at_location_list")
    assert 0 < near["total_items"] < everywhere["total_items"]
    assert near["contents"][0]["location"]["addresses"][0]["postal_code"] == "OL6 6BH"


@pytest.mark.parametrize("query", [
    "page=0", "page=abc", "per_page=0", "per_page=201", "minimum_age=-1", "maximum_age=151", "minimum_age=10&"
    "maximum_age=5", "day=XX", "day=saturday", "taxonomy_id=", "page=%201", "start_time=25:00",
    "start_time=10:00&end_time=09:00", "modified_after=yesterday",
    "taxonomy_term_id=not-an-id", "taxonomy_id=%27%3B--", "page=1&page=2", "page=99999999999",
])
def test_a_bad_parameter_answers_400_with_a_json_message(client: FlaskClient, query: str) -> None:
    for path in ("/api/oruk/services", "/api/oruk/service_at_locations"):
        error = get_json(client, f"{path}?{query}", status=400)
        assert error["status"] == 400 and error["message"] and error.get("parameter")


@pytest.mark.parametrize("query", ["postcode=NOT+A+POSTCODE", "postcode=SW1A+1AA", "proximity=500",
                                   "postcode=OL6+6BH&proximity=0", "postcode=" + "X" * 20])
def test_a_bad_place_answers_400(client: FlaskClient, query: str) -> None:
    error = get_json(client, f"/api/oruk/service_at_locations?{query}", status=400)
    assert error["parameter"] in ("postcode", "proximity")


@pytest.mark.parametrize("path", ["/api/oruk/services/", "/api/oruk/service_at_locations/",
                                  "/api/oruk/taxonomies/", "/api/oruk/taxonomy_terms/"])
def test_unknown_and_malformed_ids_answer_json(client: FlaskClient, path: str) -> None:
    assert get_json(client, path + "3fa85f64-5717-4562-b3fc-2c963f66afa6", status=404)["status"] == 404
    assert get_json(client, path + "nope", status=400)["parameter"] == "id"


def test_strange_search_words_never_fail(client: FlaskClient) -> None:
    for words in ("'\"); DROP TABLE service;--", "🙂" * 50, "a" * 1000, "OR AND NOT (", "*"):
        get_page(client, "/api/oruk/services?" + urlencode({"search": words}), "compiled/service_list")
    # Control characters are refused at the edge, with a message (tests/functional/test_security_input_edge.py).
    assert "control characters" in get_json(client, "/api/oruk/services?search=%00", status=400)["message"]


def test_the_api_is_read_only(client: FlaskClient) -> None:
    response = client.post("/api/oruk/services", data={})
    assert response.status_code == 405


def test_a_hidden_address_is_never_published(client: FlaskClient) -> None:
    """An organisation can hide a place's exact address (a refuge, say): the API keeps only the town
    and the postcode's outward code, and no point."""
    from portal.models import Location

    link = db.session.scalars(select(ServiceAtLocation).join(Location)
                              .where(Location.latitude.is_not(None)).order_by(ServiceAtLocation.id)).first()
    place = db.session.get(Location, link.location_id)
    street = place.addresses[0].address_1
    place.mask_exact_address = True
    db.session.commit()
    try:
        for url in (f"/api/oruk/service_at_locations/{link.id}", f"/api/oruk/services/{link.service_id}"):
            text = json.dumps(get_json(client, url))
            assert street not in text, url
            assert str(place.latitude) not in text and str(place.longitude) not in text, url
        shown = get_json(client, f"/api/oruk/service_at_locations/{link.id}")["location"]
        assert_valid(get_json(client, f"/api/oruk/service_at_locations/{link.id}"), "compiled/service_at_location")
        assert shown["addresses"][0]["postal_code"] == place.addresses[0].postal_code.split(" ")[0]
    finally:
        place.mask_exact_address = False
        db.session.commit()


def test_an_unknown_address_under_the_api_answers_json(client: FlaskClient) -> None:
    for url in ("/api/oruk/no-such-thing", "/api/oruk/services/x/y", "/api/elsewhere"):
        body = get_json(client, url, status=404)
        assert body["status"] == 404 and body["message"], url
