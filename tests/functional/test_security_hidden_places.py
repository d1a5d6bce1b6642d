"""A place whose organisation hides the exact address (a refuge, say) cannot be found from the outside.

The attack: ask the API's proximity filter, narrowing the distance, from three postcodes around the
place, and read the distances search prints from the same postcodes; then trilaterate. Every answer
must be one for a place at its postcode district's centre, so the best estimate an attacker gets is
the district, never the place. No public answer (pages, map data, the API, exports) holds its exact
point or street. On every backend."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.geo.distance import Point
from portal.models import Postcode
from tests.listings import World, make_world, remove_world, service_snapshot

DISTRICT = "SK14"
METRES_PER_DEGREE = 111_320.0
HIDDEN_STREET = "7 Quiet Refuge Lane"


@dataclass
class HiddenPlace:
    service_id: str
    name: str
    postcode: str
    exact: Point
    district_centre: Point


def metres(a: Point, b: Point) -> float:
    """Flat-earth distance: plenty for a few kilometres."""
    north = (a.latitude - b.latitude) * METRES_PER_DEGREE
    east = (a.longitude - b.longitude) * METRES_PER_DEGREE * math.cos(math.radians(a.latitude))
    return math.hypot(north, east)


def bearing(a: Point, b: Point) -> float:
    north = (b.latitude - a.latitude)
    east = (b.longitude - a.longitude) * math.cos(math.radians(a.latitude))
    return math.degrees(math.atan2(east, north)) % 360


def district_points() -> tuple[Point, list[tuple[str, Point]]]:
    rows = db.session.execute(select(Postcode.postcode, Postcode.latitude, Postcode.longitude)
                              .where(Postcode.outcode == DISTRICT, Postcode.in_tameside.is_(True))).all()
    latitude, longitude = db.session.execute(select(func.avg(Postcode.latitude), func.avg(Postcode.longitude))
                                             .where(Postcode.outcode == DISTRICT)).one()
    return Point(float(latitude), float(longitude)), [(row.postcode, Point(row.latitude, row.longitude))
                                                      for row in rows]


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = make_world(app)
    yield made
    remove_world(app, made)


@pytest.fixture
def hidden(app: Flask, world: World) -> HiddenPlace:
    """A refuge-like service of organisation A at the SK14 postcode farthest from the district's centre."""
    from portal.listings.snapshots import apply_snapshot

    centre, postcodes = district_points()
    postcode, exact = max(postcodes, key=lambda item: metres(item[1], centre))
    assert metres(exact, centre) > 1000, "the test needs a place well away from its district's centre"
    name = f"Test refuge {world.word}"
    snapshot = service_snapshot(name, "Safe housing for families.")
    snapshot["locations"][0].update(name="Test refuge house", address_1=HIDDEN_STREET, town="Hyde",
                                    postcode=postcode, hide_exact_address=True)
    service = apply_snapshot(db.session(), None, world.organisation_a, snapshot, app.extensions["vocabularies"],
                             service_id=str(uuid.uuid4()))
    db.session.commit()
    return HiddenPlace(service.id, name, postcode, exact, centre)


def observers(place: HiddenPlace) -> list[tuple[str, Point]]:
    """Three real postcodes in the gazetteer, one to six kilometres from the place, a third of a turn apart."""
    rows = db.session.execute(select(Postcode.postcode, Postcode.latitude, Postcode.longitude)).all()
    found = []
    for sector in (0, 120, 240):
        points = [(row.postcode, Point(row.latitude, row.longitude)) for row in rows]
        candidates = [(postcode, point) for postcode, point in points
                      if 1000 <= metres(place.exact, point) <= 6000
                      and abs((bearing(place.exact, point) - sector + 180) % 360 - 180) < 60]
        assert candidates, f"no postcode found around bearing {sector}"
        found.append(min(candidates, key=lambda item: abs(metres(place.exact, item[1]) - 2500)))
    return found


def listed_by_api(client: FlaskClient, place: HiddenPlace, postcode: str, proximity: int) -> bool:
    query = urlencode({"postcode": postcode, "proximity": proximity, "per_page": 200})
    response = client.get(f"/api/oruk/service_at_locations?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return any(item["service_id"] == place.service_id for item in response.get_json()["contents"])


def api_distance(client: FlaskClient, place: HiddenPlace, postcode: str) -> int:
    """The smallest proximity (metres) at which the API lists the place: a binary search, as an attacker would."""
    low, high = 0, 20_000
    assert listed_by_api(client, place, postcode, high)
    while high - low > 1:
        middle = (low + high) // 2
        if listed_by_api(client, place, postcode, middle):
            high = middle
        else:
            low = middle
    return high


def trilaterate(anchors: list[tuple[Point, float]]) -> Point:
    """The point whose distances to the anchors best fit the measured ones (a grid search, coarse to fine)."""
    origin = anchors[0][0]
    best = origin
    for step, span in ((0.001, 60), (0.0001, 30), (0.00001, 30)):
        candidates = (Point(best.latitude + i * step, best.longitude + j * step * 1.6)
                      for i in range(-span, span + 1) for j in range(-span, span + 1))
        best = min(candidates, key=lambda p: sum((metres(p, anchor) - distance) ** 2 for anchor, distance in anchors))
    return best


def test_the_api_proximity_filter_cannot_find_a_hidden_place(client: FlaskClient, hidden: HiddenPlace) -> None:
    anchors = []
    for postcode, point in observers(hidden):
        anchors.append((point, float(api_distance(client, hidden, postcode))))
    estimate = trilaterate(anchors)
    assert metres(estimate, hidden.exact) > 900, "the attacker found the place"
    assert metres(estimate, hidden.district_centre) < 60, "every answer is one for the district's centre"


MILES = re.compile(r"(?:less than )?([0-9.]+) miles?")


def search_distance(client: FlaskClient, place: HiddenPlace, postcode: str) -> str:
    response = client.get("/search?" + urlencode({"q": place.name, "postcode": postcode, "sort": "distance"}))
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for card in page.select("li.portal-card"):
        link = card.find("a", href=f"/services/{place.service_id}")
        if link is not None:
            facts = card.get_text(" ", strip=True)
            match = MILES.search(facts)
            assert match, facts
            return match.group(0)
    raise AssertionError("the hidden place's service is not in the results")


def test_search_distances_are_measured_from_the_district(
        app: Flask, client: FlaskClient, hidden: HiddenPlace) -> None:
    told_apart = False
    for postcode, point in observers(hidden):
        shown = search_distance(client, hidden, postcode)
        with app.test_request_context("/"):
            from portal.templating import miles
            from_district = miles(metres(point, hidden.district_centre) / 1609.344)
            from_place = miles(metres(point, hidden.exact) / 1609.344)
        told_apart = told_apart or from_district != from_place
        assert shown in (from_district, miles_either_side(app, point, hidden.district_centre)), (
            f"from {postcode}: shown {shown}, from the district {from_district}, from the place {from_place}")
    assert told_apart, "the test's observers cannot tell the place from the district"


def miles_either_side(app: Flask, point: Point, centre: Point) -> str:
    """The flat-earth distance here and the site's great-circle one may round to neighbouring tenths."""
    from portal.geo.distance import haversine_miles
    from portal.templating import miles
    with app.test_request_context("/"):
        return miles(haversine_miles(point, centre.latitude, centre.longitude))


def assert_nothing_exact(place: HiddenPlace, text: str, where: str) -> None:
    """Nothing gives the place away: its street, full postcode, or its exact point to about 10 m (its
    latitude and longitude side by side: each alone may be part of a ward's boundary)."""
    for mark in (HIDDEN_STREET, place.postcode, place.postcode.replace(" ", "")):
        assert mark not in text, f"{where} gives away {mark!r}"
    latitude, longitude = f"{place.exact.latitude:.4f}", f"{place.exact.longitude:.4f}"
    for found in re.finditer(re.escape(latitude), text):
        nearby = text[max(0, found.start() - 40):found.end() + 40]
        assert longitude not in nearby, f"{where} gives away the exact point: {nearby!r}"


def test_no_public_answer_holds_the_exact_place(app: Flask, client: FlaskClient, hidden: HiddenPlace,
                                                tmp_path: Path) -> None:
    near = observers(hidden)[0][0]
    urls = [
        f"/services/{hidden.service_id}",
        "/search?" + urlencode({"q": hidden.name}),
        "/search?" + urlencode({"q": hidden.name, "postcode": near, "sort": "distance"}),
        "/search/map?" + urlencode({"q": hidden.name, "postcode": near}),
        f"/api/oruk/services/{hidden.service_id}",
        "/api/oruk/services?" + urlencode({"search": hidden.name}),
        "/api/oruk/service_at_locations?" + urlencode({"postcode": near, "proximity": 20000, "per_page": 200}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        if "/map" not in url:  # a hidden place is never drawn on a map
            assert hidden.service_id in text, f"{url} does not show the service at all"
        assert_nothing_exact(hidden, text, url)
    from portal.search.reading import load_documents
    (document,) = load_documents(db.session, [hidden.service_id])
    for place in document.places:
        assert metres(Point(place.latitude, place.longitude), hidden.exact) > 900, "the search document"
    for kind in ("json", "csv"):
        folder = tmp_path / kind
        result = app.test_cli_runner().invoke(args=["portal", "export", "--format", kind, str(folder)])
        assert result.exit_code == 0, result.output
        for path in folder.rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                if kind == "json" and path.suffix == ".json":
                    json.loads(text)
                assert_nothing_exact(hidden, text, f"the {kind} export's {path.name}")
