"""Maps: folium output cut down to what our pages may load (no CDN, nothing inline but nonced blocks)."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from portal.config import PROJECT_DIR
from portal.geo.maps import MapLabels, MapPoint, RenderedMap, place_map, results_map

FOREIGN = ("http:", "https:", "//cdn", "cdn.", "unpkg", "jsdelivr", "cloudflare", "bootstrap", "jquery", "awesome")
EVENT_HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
MAP_DATA = re.compile(r"var data = (\[.*?\]);\n", re.DOTALL)


@pytest.fixture(scope="module")
def wards() -> dict[str, Any]:
    return json.loads((PROJECT_DIR / "directory_data/sources/tameside_wards.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def neighbourhood_of_ward() -> dict[str, str]:
    data = yaml.safe_load((PROJECT_DIR / "directory_data/vocabularies/neighbourhoods.yaml").read_text(encoding="utf-8"))
    return {code: hood["name"] for hood in data["neighbourhoods"] for code in hood["wards"]}


def three_points() -> list[MapPoint]:
    return [
        MapPoint("1", "Ashton Sure Start", "/services/ashton-sure-start", 53.4880, -2.0980, "Ashton-under-Lyne"),
        MapPoint("2", "Hyde Family Hub", "/services/hyde-family-hub", 53.4510, -2.0800),
        MapPoint("3", "Mossley Youth Club", "/services/mossley-youth", 53.5150, -2.0400, "Mossley"),
    ]


def marker_rows(rendered: RenderedMap) -> list[list[Any]]:
    match = MAP_DATA.search(rendered.scripts)
    assert match, "no marker data in the map's script"
    rows: list[list[Any]] = json.loads(match.group(1))
    return rows


def everything(rendered: RenderedMap) -> str:
    return rendered.html + rendered.scripts + rendered.styles


def assert_self_contained(rendered: RenderedMap) -> None:
    for text in (rendered.html, rendered.scripts, rendered.styles):
        lowered = text.lower()
        for word in FOREIGN:
            assert word not in lowered, f"{word!r} in the map's output"
    assert "<script" not in rendered.scripts.lower() and "</script" not in rendered.scripts.lower()
    assert "<style" not in rendered.styles.lower() and "<link" not in everything(rendered).lower()
    assert not EVENT_HANDLER.search(rendered.html)
    assert "style=" not in rendered.html.lower()
    assert "<script" not in rendered.html.lower() and "<style" not in rendered.html.lower()


def test_a_results_map_has_one_labelled_container_and_a_marker_for_each_place(wards: dict[str, Any]) -> None:
    points = three_points()
    rendered = results_map(points, wards)

    assert rendered.html.count('class="folium-map') == 1
    assert rendered.html.count('role="region"') == 1
    assert 'aria-label="Map of the places in these results"' in rendered.html
    assert 'class="govuk-visually-hidden"' in rendered.html
    assert "The same places are listed in the results." in rendered.html
    assert f'id="{rendered.map_id}"' in rendered.html
    for point in points:
        assert json.dumps(point.url) in rendered.scripts
    assert [row[:4] for row in marker_rows(rendered)] == [
        [p.latitude, p.longitude, p.name, p.url] for p in points
    ]
    assert "L.markerClusterGroup" in rendered.scripts
    assert '"chunkedLoading": true' in rendered.scripts


def test_the_map_loads_nothing_from_elsewhere_and_has_nothing_inline_that_csp_would_block(
    wards: dict[str, Any], neighbourhood_of_ward: dict[str, str]
) -> None:
    for rendered in (
        results_map(three_points(), wards, neighbourhood_of_ward),
        results_map([], None),
        place_map(three_points()[0], wards),
    ):
        assert_self_contained(rendered)
        assert "tileLayer" not in rendered.scripts  # no map tiles: nothing to fetch
        assert "$(" not in rendered.scripts and "AwesomeMarkers" not in rendered.scripts  # no jQuery
        assert "L_NO_TOUCH" not in rendered.scripts


def test_the_map_is_sized_by_its_style_block_not_a_style_attribute(wards: dict[str, Any]) -> None:
    results = results_map(three_points(), wards)
    place = place_map(three_points()[0], wards)

    assert re.search(rf"#{results.map_id} \{{[^}}]*height: 400(\.0)?px", results.styles)
    assert re.search(rf"#{results.map_id} \{{[^}}]*width: 100(\.0)?%", results.styles)
    assert re.search(rf"#{place.map_id} \{{[^}}]*height: 250(\.0)?px", place.styles)
    # folium's own page styles (html and body at full height) are left out.
    assert not re.search(r"(^|[\s,}])(html|body)\s*[{,]", results.styles)
    assert "#map {" not in results.styles


def test_names_and_details_from_organisations_are_data_not_markup(wards: dict[str, Any]) -> None:
    points = [
        MapPoint("1", "<script>alert(1)</script>", "/services/1", 53.48, -2.08, '<img src=x onerror="alert(2)">'),
        MapPoint("2", '"onmouseover=alert(3) x="', "/services/2", 53.49, -2.07, "</script><script>alert(4)"),
    ]
    rendered = results_map(points, wards)

    assert "<script>alert" not in rendered.scripts
    assert "</script>" not in rendered.scripts.lower()
    assert "<img" not in rendered.scripts
    assert "alert" not in rendered.html
    # They reach the browser intact, as JSON strings that the marker callback sets as text.
    rows = marker_rows(rendered)
    assert [row[2] for row in rows] == [p.name for p in points]
    assert [row[4] for row in rows] == [p.detail for p in points]
    assert "textContent = row[2]" in rendered.scripts
    assert "innerHTML" not in rendered.scripts


def test_only_site_paths_and_web_addresses_become_links(wards: dict[str, Any]) -> None:
    points = [
        MapPoint("1", "Script link", "javascript:alert(1)", 53.48, -2.08),
        MapPoint("2", "Other site", "//evil.example/x", 53.48, -2.07),
        MapPoint("3", "Data", "data:text/html,hi", 53.48, -2.06),
        MapPoint("4", "Ours", "/services/ours", 53.48, -2.05),
    ]
    rows = marker_rows(results_map(points, wards))

    assert [row[3] for row in rows] == ["", "", "", "/services/ours"]
    assert "javascript:" not in results_map(points, wards).scripts


def test_places_without_usable_coordinates_are_left_off(wards: dict[str, Any]) -> None:
    points = [
        MapPoint("1", "Nowhere", "/services/1", float("nan"), -2.08),
        MapPoint("2", "Off the globe", "/services/2", 123.0, -2.08),
        MapPoint("3", "Somewhere", "/services/3", 53.48, -2.08),
    ]
    assert [row[2] for row in marker_rows(results_map(points, wards))] == ["Somewhere"]


def test_the_map_fits_the_places_or_tameside_when_there_are_none(wards: dict[str, Any]) -> None:
    fitted = results_map(three_points(), wards)
    assert "fitBounds(\n                [[53.451, -2.098], [53.515, -2.04]]" in fitted.scripts

    empty = results_map([], wards)
    assert re.search(r"fitBounds\(\s*\[\[53\.42\d*, -2\.16\d*\], \[53\.53\d*, -1\.96\d*\]\]", empty.scripts)
    assert marker_rows(empty) == []

    no_boundaries = results_map([], None)
    assert re.search(r"fitBounds\(\s*\[\[53\.426, -2\.1697\], \[53\.5314, -1\.9634\]\]", no_boundaries.scripts)


def test_5000_places_render_in_under_a_megabyte(wards: dict[str, Any], neighbourhood_of_ward: dict[str, str]) -> None:
    rng = random.Random(5000)
    points = [
        MapPoint(
            str(i),
            f"Family support service number {i} at the community centre",
            f"/services/family-support-service-{i}",
            rng.uniform(53.43, 53.53),
            rng.uniform(-2.17, -1.98),
            "Stalybridge, SK15 2AA",
        )
        for i in range(5000)
    ]
    rendered = results_map(points, wards, neighbourhood_of_ward)

    size = len(everything(rendered).encode("utf-8"))
    assert size < 1_000_000, f"{size:,} bytes"
    assert len(marker_rows(rendered)) == 5000
    assert rendered.html.count('class="folium-map') == 1


def test_a_place_map_shows_one_place_within_its_ward(wards: dict[str, Any]) -> None:
    point = MapPoint("7", "Ashton Library", "/services/ashton-library", 53.4890, -2.0950, "Old Street, OL6 7SG")
    rendered = place_map(point, wards)

    assert rendered.html.count('class="folium-map') == 1
    assert 'role="region"' in rendered.html
    assert 'aria-label="Map showing where this service is"' in rendered.html
    assert "portal-map--place" in rendered.html
    rows = marker_rows(rendered)
    assert [row[:4] for row in rows] == [[53.489, -2.095, "Ashton Library", "/services/ashton-library"]]
    # It is fitted to the ward the place is in (Ashton St Michael's), not the whole borough.
    fit = re.search(r"fitBounds\(\s*\[\[([\d.]+), (-[\d.]+)\], \[([\d.]+), (-[\d.]+)\]\]", rendered.scripts)
    assert fit
    south, west, north, east = (float(v) for v in fit.groups())
    assert south < 53.489 < north and west < -2.095 < east
    assert north - south < 0.05
    assert "L.control.layers" not in rendered.scripts  # nothing to switch on a place's small map


def test_a_place_map_without_coordinates_shows_tameside_without_a_marker(wards: dict[str, Any]) -> None:
    rendered = place_map(MapPoint("8", "Phone line", "/services/phone", float("nan"), float("nan")), wards)
    assert "Phone line" not in rendered.scripts
    assert "fitBounds" in rendered.scripts


def test_ward_boundaries_are_drawn_when_given_and_not_otherwise(wards: dict[str, Any]) -> None:
    with_wards = results_map(three_points(), wards)
    without = results_map(three_points(), None)

    assert with_wards.scripts.count("L.geoJson(") == 1
    for feature in wards["features"]:
        assert json.dumps(feature["properties"]["ward_name"]).replace("'", "\\u0027") in with_wards.scripts
    assert "Ashton Hurst" in with_wards.scripts
    assert "bindTooltip" in with_wards.scripts and "portal-map__ward-name" in with_wards.scripts
    assert "Contains OS data" in with_wards.scripts  # attribution for the boundaries
    assert "L.geoJson(" not in without.scripts and "Ashton Hurst" not in without.scripts
    assert "L.control.layers" not in without.scripts


def test_neighbourhoods_are_a_layer_people_can_switch_on(
    wards: dict[str, Any], neighbourhood_of_ward: dict[str, str]
) -> None:
    rendered = results_map(three_points(), wards, neighbourhood_of_ward)

    assert rendered.scripts.count("L.geoJson(") == 2
    for name in set(neighbourhood_of_ward.values()):
        assert json.dumps(name) in rendered.scripts
    assert '"Neighbourhoods" :' in rendered.scripts and '"Wards" :' in rendered.scripts
    assert "L.control.layers" in rendered.scripts
    # Off at first: the layer is only added to the map when someone ticks it.
    neighbourhood_layer = re.search(r'"Neighbourhoods" : (\w+),', rendered.scripts)
    assert neighbourhood_layer
    assert f"{neighbourhood_layer.group(1)}.addTo(" not in rendered.scripts
    assert rendered.styles.count("portal-map__swatch--") == 4


def test_labels_can_be_translated(wards: dict[str, Any]) -> None:
    labels = MapLabels(
        results_region="Map o'r lleoedd", results_note="Mae'r un lleoedd yn y rhestr.", wards_layer="Wardiau"
    )
    rendered = results_map(three_points(), wards, labels=labels)
    assert 'aria-label="Map o&#x27;r lleoedd"' in rendered.html
    assert "Mae&#x27;r un lleoedd yn y rhestr." in rendered.html
    assert '"Wardiau" :' in rendered.scripts


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_script_is_valid_javascript(
    tmp_path: Path, wards: dict[str, Any], neighbourhood_of_ward: dict[str, str]
) -> None:
    maps = [results_map(three_points(), wards, neighbourhood_of_ward), place_map(three_points()[0], wards)]
    for i, rendered in enumerate(maps):
        script = tmp_path / f"map{i}.js"
        script.write_text(rendered.scripts, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_macro_loads_only_our_copies_and_nonces_every_script_and_style(wards: dict[str, Any]) -> None:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PROJECT_DIR / "portal/templates"), autoescape=True)
    env.globals["url_for"] = lambda endpoint, filename: f"/static/{filename}"
    env.globals["csp_nonce"] = lambda: "n0nce"
    template = env.from_string(
        '{% from "macros/map.html" import map_assets, render_map %}{{ map_assets() }}{{ render_map(rendered) }}'
    )
    rendered = results_map(three_points(), wards)
    page = template.render(rendered=rendered)

    assert rendered.html in page and rendered.scripts in page and rendered.styles in page
    assert re.findall(r'<script src="([^"]+)"', page) == [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/markercluster/leaflet.markercluster.js",
    ]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == [
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/markercluster/MarkerCluster.css",
        "/static/vendor/markercluster/MarkerCluster.Default.css",
    ]
    tags = re.findall(r"<(script|style)\b([^>]*)>", page)
    assert len(tags) == 4
    assert all('nonce="n0nce"' in attributes for _, attributes in tags)
    assert "http" not in page
    assert not EVENT_HANDLER.search(page.replace(rendered.scripts, ""))
