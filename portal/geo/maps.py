"""Maps of directory places, drawn with folium and served entirely from this site.

There is no tile layer: the server has no internet and the privacy notice promises no third-party
requests, so a map shows Tameside's ward boundaries (and, as a layer people can switch on, the
four neighbourhoods) with the places on top. That is enough to see where a place is relative to
the wards and towns; the accessible list of results stays the primary way to find a service.

folium renders a whole HTML page that loads Leaflet, jQuery, Bootstrap and more from CDNs. Here
only the pieces of that page we need are kept (`RenderedMap`): the map's <div>, its JavaScript
(as one string, for a <script nonce>), and its own CSS (for a <style nonce>). Every external
<script src>/<link href> folium adds is dropped; templates/macros/map.html loads our own copies
of Leaflet and Leaflet.markercluster (built into static/vendor/ by portal/assets/build.mjs).
Nothing here needs jQuery or Bootstrap: no folium Popup, Tooltip or GeoJsonTooltip (they need
jQuery or put text into HTML unescaped), no awesome-markers icons, no `keep_in_front`.

Text from organisations (service names, details) reaches the browser only inside JSON (with
<, >, & and ' escaped) and is put on the page with `textContent`, never as HTML.

Rendered once: branca renders each element's template and then wraps the output in
`Element(text)`, which compiles that output (holding the listing text) as a Jinja template and
renders it a second time, so a place named `{{ 7*7 }}` would show as 49 and worse would run on
the server. Every element here renders through `_RenderOnce` instead, which keeps each macro's
output as plain text (`_Text`); `_render` checks that nothing in the page was compiled from text.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster
from folium.template import Template
from folium.utilities import JsCode

# A (south-west, north-east) box of (latitude, longitude) pairs.
Bounds = tuple[tuple[float, float], tuple[float, float]]

# The borough's extent (from the ONS May 2023 ward boundaries), used when there is nothing to show.
TAMESIDE_BOUNDS: Bounds = ((53.4260, -2.1697), (53.5314, -1.9634))

RESULTS_HEIGHT_PX = 400
PLACE_HEIGHT_PX = 250
MIN_ZOOM = 9  # Greater Manchester and around: without tiles there is nothing to see further out.
MAX_ZOOM = 18  # Leaflet.markercluster needs a finite maximum, and no tile layer gives it one.
PLACE_ZOOM = 14  # a few streets around the place, and the ward it is in
LABEL_ZOOM = 13  # ward names are written on the map from this zoom (further out they would overlap)
PLACE_LABEL_ZOOM = 12  # a place's map shows a ward and its neighbours, so names fit sooner
COORDINATE_PLACES = 5  # about a metre: enough for a marker, and keeps 5,000 points small.

WARD_STYLE = {"color": "#505a5f", "weight": 1.5, "opacity": 0.9, "fillColor": "#b1b4b6", "fillOpacity": 0.12}
# GOV.UK colours, one per neighbourhood (in the order of their names; repeated if there are more).
NEIGHBOURHOOD_COLOURS = ("#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#28a197", "#912b88", "#85994b")


class _Text(Element):
    """Output already rendered, kept as it is: never compiled or rendered as a template again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _RenderOnce(MacroElement):
    """A MacroElement whose header, html and script parts are added to the figure as plain text.

    Mixed in after a folium class (`class _Map(folium.Map, _RenderOnce)`), it comes between that
    class and MacroElement, so folium's own preparation (layers adding themselves to the map,
    GeoJson styles, the layer control's lists) still runs, then this renders the macros once.
    """

    def render(self, **kwargs: Any) -> str:
        _render_once(self, kwargs)
        return ""  # the parts are in the figure


def _render_once(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """branca's MacroElement.render without its second pass: each macro's output is added as text.

    Children are rendered the same way: ours and folium's plain elements (no preparation of their
    own, like the `addTo` statements layers add) here; any other element by its own `render`, and
    `_render` refuses the page if that compiled anything.
    """
    figure = element.get_root()
    assert isinstance(figure, Figure)  # nosec B101  # narrows the type: every element here is in a Figure
    macros = element._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = macros.get(part)
        if macro is not None:
            getattr(figure, part).add_child(_Text(str(macro(element, kwargs))), name=element.get_name())
    for child in list(element._children.values()):
        if isinstance(child, MacroElement) and type(child).render in (MacroElement.render, _RenderOnce.render):
            _render_once(child, kwargs)
        else:
            child.render(**kwargs)


class _Map(folium.Map, _RenderOnce):
    pass


class _GeoJson(folium.GeoJson, _RenderOnce):
    pass


class _FastMarkerCluster(FastMarkerCluster, _RenderOnce):
    pass


class _LayerControl(folium.LayerControl, _RenderOnce):
    pass


# Builds each marker, with its popup, from a data row [latitude, longitude, name, url, detail?].
# Text is set with textContent, so names like "<script>" show as text; the link only uses urls
# that `_safe_url` let through (an empty url gives the name without a link).
_MARKER_CALLBACK = """function (row) {
    var marker = L.marker([row[0], row[1]], {title: row[2], alt: row[2]});
    marker.bindPopup(function () {
        var box = document.createElement("div");
        var name = document.createElement("p");
        name.className = "govuk-body govuk-!-font-weight-bold govuk-!-margin-bottom-1";
        if (row[3]) {
            var link = document.createElement("a");
            link.className = "govuk-link";
            link.href = row[3];
            link.textContent = row[2];
            name.appendChild(link);
        } else {
            name.textContent = row[2];
        }
        box.appendChild(name);
        if (row[4]) {
            var detail = document.createElement("p");
            detail.className = "govuk-body-s govuk-!-margin-bottom-0";
            detail.textContent = row[4];
            box.appendChild(detail);
        }
        return box;
    });
    return marker;
}"""

# A sticky tooltip naming the ward (and its neighbourhood, if known), set as text.
_AREA_TOOLTIP = JsCode(
    """function (feature, layer) {
    var label = document.createElement("span");
    var props = feature.properties;
    label.textContent = props.neighbourhood ? props.name + ": " + props.neighbourhood : props.name;
    layer.bindTooltip(label, {sticky: true});
}"""
)

# folium's page-wide styles (its map fills the whole window) and hooks we do not want on our pages.
_PAGE_SELECTORS = {"html", "body", "html, body", "#map"}


@dataclass(frozen=True)
class MapPoint:
    """A place to mark: a service (or location) with the page it links to."""

    id: str
    name: str
    url: str
    latitude: float
    longitude: float
    detail: str = ""


@dataclass(frozen=True)
class MapLabels:
    """The words a map shows or announces, in English by default (pass translations in)."""

    results_region: str = "Map of the places in these results"
    results_note: str = "The same places are listed in the results."
    place_region: str = "Map showing where this service is"
    place_note: str = "The address is given on this page."
    wards_layer: str = "Wards"
    neighbourhoods_layer: str = "Neighbourhoods"
    places_layer: str = "Places"
    attribution: str = "Boundaries: ONS, OGL v3. Contains OS data © Crown copyright and database right 2025"


@dataclass(frozen=True)
class RenderedMap:
    """A map ready for a template: its markup, its script and its CSS.

    `html` is the map's container (no inline event handlers, no style attributes), `scripts` the
    JavaScript to run once Leaflet and Leaflet.markercluster have loaded (no <script> tags) and
    `styles` the map's CSS (no <style> tags). templates/macros/map.html puts them on the page.
    """

    html: str
    scripts: str
    styles: str
    map_id: str


def results_map(
    points: Sequence[MapPoint],
    boundaries_geojson: dict[str, Any] | None,
    neighbourhood_of_ward: Mapping[str, str] | None = None,
    labels: MapLabels | None = None,
) -> RenderedMap:
    """A map of search results: clustered markers over the ward boundaries.

    `boundaries_geojson` is the wards' GeoJSON (features with `ward_code` and `ward_name`
    properties, as in directory_data/sources/tameside_wards.geojson), or None for no boundaries.
    `neighbourhood_of_ward` (ward code -> neighbourhood name) adds a layer, off at first, colouring
    the wards by neighbourhood. The map fits the points, or Tameside when there are none. Markers
    are built in the browser from a compact data array and clustered (chunked), so thousands of
    points stay quick.
    """
    labels = labels or MapLabels()
    rows = _marker_rows(points)
    bounds = _bounds_of([(row[0], row[1]) for row in rows]) or _geojson_bounds(boundaries_geojson) or TAMESIDE_BOUNDS
    fmap = _new_map(_centre(bounds), zoom_start=12, height_px=RESULTS_HEIGHT_PX)

    overlays = 0
    extra_css: list[str] = []
    if boundaries_geojson:
        _add_wards(fmap, boundaries_geojson, labels)
        overlays += 1
        if neighbourhood_of_ward:
            extra_css = _add_neighbourhoods(fmap, boundaries_geojson, neighbourhood_of_ward, labels)
            overlays += 1
    _FastMarkerCluster(
        rows,
        callback=_MARKER_CALLBACK,
        name=html.escape(labels.places_layer),
        control=overlays > 0,
        chunked_loading=True,
        show_coverage_on_hover=False,
        spiderfy_on_max_zoom=True,
    ).add_to(fmap)
    if overlays:
        _LayerControl(position="topright", collapsed=False).add_to(fmap)
    fmap.fit_bounds([list(bounds[0]), list(bounds[1])], padding=(24, 24), max_zoom=PLACE_ZOOM)
    return _render(fmap, "results", labels.results_region, labels.results_note, extra_css)


def place_map(
    point: MapPoint,
    boundaries_geojson: dict[str, Any] | None,
    labels: MapLabels | None = None,
) -> RenderedMap:
    """A small map for one service's page: its marker over the ward boundaries.

    The map shows the whole ward the place is in (with the ward names written on), or, for a
    place outside the wards, the streets around it. A point without usable coordinates gives a
    map of Tameside with no marker.
    """
    labels = labels or MapLabels()
    rows = _marker_rows([point])
    if rows:
        lat, lon = rows[0][0], rows[0][1]
        fmap = _new_map((lat, lon), zoom_start=PLACE_ZOOM, height_px=PLACE_HEIGHT_PX)
        ward = _ward_containing(boundaries_geojson, lat, lon)
        if ward:
            fmap.fit_bounds([list(ward[0]), list(ward[1])], padding=(16, 16), max_zoom=PLACE_ZOOM)
    else:
        bounds = _geojson_bounds(boundaries_geojson) or TAMESIDE_BOUNDS
        fmap = _new_map(_centre(bounds), zoom_start=11, height_px=PLACE_HEIGHT_PX)
        fmap.fit_bounds([list(bounds[0]), list(bounds[1])])
    if boundaries_geojson:
        _add_wards(fmap, boundaries_geojson, labels, control=False, names_from_zoom=PLACE_LABEL_ZOOM)
    if rows:
        _FastMarkerCluster(rows, callback=_MARKER_CALLBACK, control=False).add_to(fmap)
    return _render(fmap, "place", labels.place_region, labels.place_note)


# Building the map ----------------------------------------------------------------------------


def _new_map(centre: tuple[float, float], zoom_start: int, height_px: int) -> folium.Map:
    """A folium map with no tile layer (nothing is fetched from anywhere)."""
    options: dict[str, Any] = {
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "scrollWheelZoom": False,  # scrolling the page should not zoom the map under the pointer
    }
    return _Map(
        location=list(centre),
        tiles=None,
        width="100%",
        height=f"{height_px}px",
        zoom_start=zoom_start,
        control_scale=True,
        **options,
    )


def _add_wards(
    fmap: folium.Map,
    geojson: dict[str, Any],
    labels: MapLabels,
    control: bool = True,
    names_from_zoom: int = LABEL_ZOOM,
) -> None:
    """Ward outlines with a light fill, each ward's name as a tooltip, and written on the map
    when zoomed in (from `names_from_zoom`)."""
    layer = _GeoJson(
        _slim_wards(geojson),
        name=html.escape(labels.wards_layer),
        control=control,
        style_function=lambda feature: WARD_STYLE,
        on_each_feature=_AREA_TOOLTIP,
        attribution=html.escape(labels.attribution),
    )
    layer.add_to(fmap)
    _WardNames(layer, names_from_zoom).add_to(fmap)


class _WardNames(_RenderOnce):
    """Each ward's name written at its centre, in the ward layer (so they come and go with it).

    The names are hidden by CSS until the map is zoomed in to `min_zoom`: a class on the map's
    container says when.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map, wards) {
                var names = [];
                wards.eachLayer(function (layer) {
                    var props = layer.feature && layer.feature.properties;
                    if (!props || !props.label) { return; }
                    var text = document.createElement("span");
                    text.className = "portal-map__ward-name-text";
                    text.textContent = props.name;
                    names.push(L.marker(props.label, {
                        icon: L.divIcon({className: "portal-map__ward-name", html: text, iconSize: null}),
                        interactive: false, keyboard: false, zIndexOffset: -1000
                    }));
                });
                names.forEach(function (name) { wards.addLayer(name); });
                function show() {
                    L.DomUtil[map.getZoom() >= {{ this.min_zoom|tojson }} ? "addClass" : "removeClass"](
                        map.getContainer(), "portal-map--ward-names");
                }
                map.on("zoomend", show);
                show();
            })({{ this._parent.get_name() }}, {{ this.layer.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson, min_zoom: int) -> None:
        super().__init__()
        self._name = "WardNames"
        self.layer = layer
        self.min_zoom = min_zoom


def _add_neighbourhoods(
    fmap: folium.Map, geojson: dict[str, Any], neighbourhood_of_ward: Mapping[str, str], labels: MapLabels
) -> list[str]:
    """The wards again, coloured by neighbourhood: a layer people can switch on, with a key.

    Returns the CSS for the key's colour swatches (as classes: CSP allows no style attributes).
    """
    colours = neighbourhood_colours(neighbourhood_of_ward.values())

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        colour = colours.get(feature["properties"].get("neighbourhood") or "", "#b1b4b6")
        return {"color": colour, "weight": 1, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.35}

    layer = _GeoJson(
        _slim_wards(geojson, neighbourhood_of_ward),
        name=html.escape(labels.neighbourhoods_layer),
        show=False,
        style_function=style,
        on_each_feature=_AREA_TOOLTIP,
    )
    layer.add_to(fmap)
    _Key(layer, labels.neighbourhoods_layer, list(colours)).add_to(fmap)
    map_id = fmap.get_name()
    return [
        f"#{map_id} .portal-map__key {{ background: #fff; padding: 5px 10px; border: 2px solid rgba(0, 0, 0, 0.2);"
        " border-radius: 4px; }",
        f"#{map_id} .portal-map__key-title {{ margin: 0 0 4px; font-weight: 700; }}",
        f"#{map_id} .portal-map__key-list {{ margin: 0; padding: 0; list-style: none; }}",
        f"#{map_id} .portal-map__swatch {{ display: inline-block; width: 12px; height: 12px; margin-right: 6px;"
        " vertical-align: middle; border: 1px solid #0b0c0c; }",
        *(f"#{map_id} .portal-map__swatch--{i} {{ background-color: {c}; }}" for i, c in enumerate(colours.values())),
    ]


class _Key(_RenderOnce):
    """A key to a layer's colours, shown while the layer is on (names set as text)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: "bottomleft"});
            {{ this.get_name() }}.onAdd = function () {
                var box = L.DomUtil.create("div", "portal-map__key");
                var title = L.DomUtil.create("p", "portal-map__key-title", box);
                title.textContent = {{ this.title|tojson }};
                var list = L.DomUtil.create("ul", "portal-map__key-list", box);
                {{ this.names|tojson }}.forEach(function (name, i) {
                    var item = L.DomUtil.create("li", "", list);
                    L.DomUtil.create("span", "portal-map__swatch portal-map__swatch--" + i, item);
                    item.appendChild(document.createTextNode(name));
                });
                return box;
            };
            {{ this._parent.get_name() }}.on("overlayadd", function (e) {
                if (e.layer === {{ this.layer.get_name() }}) { {{ this.get_name() }}.addTo(e.target); }
            });
            {{ this._parent.get_name() }}.on("overlayremove", function (e) {
                if (e.layer === {{ this.layer.get_name() }}) { {{ this.get_name() }}.remove(); }
            });
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson, title: str, names: list[str]) -> None:
        super().__init__()
        self._name = "Key"
        self.layer = layer
        self.title = title
        self.names = names


def neighbourhood_colours(names: Iterable[str]) -> dict[str, str]:
    """A colour for each neighbourhood name, the same every time for the same names."""
    distinct = sorted(set(names))
    return {name: NEIGHBOURHOOD_COLOURS[i % len(NEIGHBOURHOOD_COLOURS)] for i, name in enumerate(distinct)}


def _slim_wards(geojson: dict[str, Any], neighbourhood_of_ward: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The wards with only what the map uses: code, name, neighbourhood and rounded coordinates."""
    features: list[dict[str, Any]] = []
    for feature in geojson.get("features", []):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry")
        if not geometry:
            continue
        code = str(props.get("ward_code") or props.get("code") or "")
        slim_props: dict[str, Any] = {"name": str(props.get("ward_name") or props.get("name") or code)}
        label = _label_point(props, geometry)
        if label:
            slim_props["label"] = label
        if neighbourhood_of_ward is not None:
            slim_props["neighbourhood"] = neighbourhood_of_ward.get(code, "")
        features.append(
            {
                "type": "Feature",
                "id": code or str(len(features)),
                "properties": slim_props,
                "geometry": {"type": geometry["type"], "coordinates": _round_coordinates(geometry["coordinates"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _label_point(props: dict[str, Any], geometry: dict[str, Any]) -> list[float] | None:
    """Where to write a ward's name: its centroid if the data has one, else its box's centre."""
    lat: Any = props.get("centroid_lat")
    lon: Any = props.get("centroid_lon")
    if _finite(lat) and _finite(lon):
        return [round(float(lat), COORDINATE_PLACES), round(float(lon), COORDINATE_PLACES)]
    bounds = _geojson_bounds({"features": [{"geometry": geometry}]})
    if not bounds:
        return None
    centre = _centre(bounds)
    return [round(centre[0], COORDINATE_PLACES), round(centre[1], COORDINATE_PLACES)]


def _round_coordinates(value: Any) -> Any:
    """Nested GeoJSON coordinates rounded to about a metre."""
    if isinstance(value, (int, float)):
        return round(float(value), COORDINATE_PLACES)
    return [_round_coordinates(item) for item in value]


def _marker_rows(points: Iterable[MapPoint]) -> list[list[Any]]:
    """The compact data the marker callback reads: [lat, lon, name, url] plus detail if any.

    Points without usable coordinates are left out.
    """
    rows: list[list[Any]] = []
    for point in points:
        lat, lon = point.latitude, point.longitude
        if not (_finite(lat) and _finite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        row: list[Any] = [round(lat, COORDINATE_PLACES), round(lon, COORDINATE_PLACES)]
        row += [point.name, _safe_url(point.url)]
        if point.detail:
            row.append(point.detail)
        rows.append(row)
    return rows


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


_SAFE_URL = re.compile(r"^(?:/(?![/\\])|https?://)", re.IGNORECASE)


def _safe_url(url: str) -> str:
    """The url if it is a path on this site or an http(s) address; otherwise "" (no link)."""
    url = (url or "").strip()
    return url if _SAFE_URL.match(url) else ""


def _bounds_of(locations: Sequence[tuple[float, float]]) -> Bounds | None:
    if not locations:
        return None
    lats = [lat for lat, _ in locations]
    lons = [lon for _, lon in locations]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _geojson_bounds(geojson: dict[str, Any] | None) -> Bounds | None:
    """The box around every coordinate in a GeoJSON FeatureCollection (GeoJSON is lon, lat)."""
    if not geojson:
        return None
    pairs: list[tuple[float, float]] = []

    def walk(value: Any) -> None:
        if isinstance(value, (list, tuple)) and len(value) >= 2 and all(_finite(v) for v in value[:2]):
            pairs.append((float(value[1]), float(value[0])))
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for feature in geojson.get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    return _bounds_of(pairs)


def _ward_containing(geojson: dict[str, Any] | None, lat: float, lon: float) -> Bounds | None:
    """The bounds of the (first) ward whose polygon contains the point, if any."""
    for feature in (geojson or {}).get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            continue
        if any(_in_polygon(rings, lat, lon) for rings in polygons):
            return _geojson_bounds({"features": [feature]})
    return None


def _in_polygon(rings: Sequence[Sequence[Sequence[float]]], lat: float, lon: float) -> bool:
    """Even-odd ray casting over all rings (so holes count as outside). GeoJSON is lon, lat."""
    inside = False
    for ring in rings:
        for (x1, y1, *_), (x2, y2, *_) in zip(ring, [*ring[1:], ring[0]]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _centre(bounds: Bounds) -> tuple[float, float]:
    (south, west), (north, east) = bounds
    return (south + north) / 2, (west + east) / 2


# Taking folium's page apart ------------------------------------------------------------------

_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_MAP_DIV = re.compile(r'<div class="folium-map" id="(?P<id>[^"]+)"\s*>\s*</div>')


def _render(
    fmap: folium.Map, kind: str, region_label: str, note: str, extra_css: Sequence[str] = ()
) -> RenderedMap:
    """Our RenderedMap from folium's Figure: its map div, inline script and the map's own CSS.

    External <script src> and <link href> elements (CDN copies of Leaflet, jQuery, Bootstrap,
    awesome-markers, markercluster) and inline header scripts (folium's L_NO_TOUCH switches, which
    Leaflet reads only while loading) are dropped, as are folium's page-wide styles.
    """
    figure = fmap.get_root()
    assert isinstance(figure, Figure)  # nosec B101  # narrows the type: folium's root is always a Figure
    fmap.render()  # every element adds its header, html and script parts, as text (`_RenderOnce`)
    map_id = fmap.get_name()

    match = _MAP_DIV.search(_rendered_text(figure.html))
    if not match or match.group("id") != map_id:
        raise RuntimeError("folium's map markup has changed: update portal/geo/maps.py")
    note_id = f"{map_id}-note"
    container = (
        f'<div class="portal-map portal-map--{kind}">'
        f'<p class="govuk-visually-hidden" id="{note_id}">{html.escape(note)}</p>'
        f'<div class="folium-map portal-map__canvas" id="{map_id}" role="region" '
        f'aria-label="{html.escape(region_label)}" aria-describedby="{note_id}"></div>'
        "</div>"
    )

    styles = "\n".join([*_map_css(_rendered_text(figure.header), map_id), *extra_css])
    script = _rendered_text(figure.script).strip()
    # One function scope, so folium's variables do not become globals on the page.
    scripts = '(function () {\n"use strict";\n' + script + "\n})();"
    if "</script" in scripts.lower() or "<!--" in scripts:
        # Text reaches the script only as escaped JSON, so this means a bug, not bad data.
        raise RuntimeError("the map's script would end its <script> element early")
    return RenderedMap(html=container, scripts=scripts, styles=styles, map_id=map_id)


def _map_css(header: str, map_id: str) -> list[str]:
    """The CSS rules from folium's header that belong to the map, and a few of our own."""
    rules: list[str] = []
    for block in _STYLE_BLOCK.findall(header):
        for selector, body in _CSS_RULE.findall(block):
            selector = " ".join(selector.split())
            declarations = " ".join(body.split())
            if selector in _PAGE_SELECTORS or selector.startswith(".folium") or not declarations:
                continue
            if selector == ".leaflet-container":
                selector = f"#{map_id}.leaflet-container"  # only this map, not every Leaflet map
            rules.append(f"{selector} {{ {declarations} }}")
    rules += [
        # GOV.UK Frontend's font rather than Leaflet's Helvetica; GOV.UK's yellow focus ring.
        f"#{map_id}.leaflet-container {{ font-family: arial, sans-serif; }}",
        f"#{map_id}:focus {{ outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }}",
        f"#{map_id} .leaflet-popup-content p:last-child {{ margin-bottom: 0; }}",
        # Ward names: centred on their point, readable over the fills, only when zoomed in.
        f"#{map_id} .portal-map__ward-name {{ display: none; width: auto; height: auto; }}",
        f"#{map_id}.portal-map--ward-names .portal-map__ward-name {{ display: block; }}",
        f"#{map_id} .portal-map__ward-name-text {{ display: block; transform: translate(-50%, -50%);"
        " white-space: nowrap; font-size: 14px; font-weight: 700; color: #0b0c0c;"
        " text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 4px #fff; }",
    ]
    return rules


def _rendered_text(part: Element) -> str:
    """A part of the figure (header, html or script) as the text its elements rendered, joined.

    Only `_Text` is taken as it is; branca's links to other files (dropped by `_map_css`) render
    their fixed templates, and the figure's own meta tag is a constant. Anything else would have
    compiled some text as a template: refused, so a change in folium cannot bring that back.
    """
    texts: list[str] = []
    for name, child in part._children.items():
        if isinstance(child, _Text):
            texts.append(child.text)
        elif isinstance(child, (JavascriptLink, CssLink)) or name == "meta_http":
            texts.append(child.render())
        else:
            raise RuntimeError(f"a map element ({name}) was rendered as a template twice: update portal/geo/maps.py")
    return "\n".join(texts)
