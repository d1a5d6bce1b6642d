"""Maps: text from listings and translations reaches the script once, as data, never as a template."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from portal.config import PROJECT_DIR
from portal.geo.maps import MapLabels, MapPoint, RenderedMap, place_map, results_map

# Template syntax, the end of a script element, the start of an HTML comment and both quotes.
HOSTILE = "Hall {{ 7*7 }} {% if 1 %}x{% endif %} {# note #} </script> <!-- 'single' \"double\" %}"
SERVER_SIDE = "{{ lipsum.__globals__.os.popen('echo run-on-server').read() }}"
MAP_DATA = re.compile(r"var data = (\[.*?\]);\n", re.DOTALL)


@pytest.fixture(scope="module")
def wards() -> dict[str, Any]:
    return json.loads((PROJECT_DIR / "directory_data/sources/tameside_wards.geojson").read_text(encoding="utf-8"))


def hostile_point(name: str = HOSTILE) -> MapPoint:
    return MapPoint("1", name, "/services/hall", 53.4880, -2.0980, "Details " + HOSTILE)


def marker_rows(rendered: RenderedMap) -> list[list[Any]]:
    match = MAP_DATA.search(rendered.scripts)
    assert match, "no marker data in the map's script"
    rows: list[list[Any]] = json.loads(match.group(1))
    return rows


def test_template_syntax_in_a_name_is_data_on_the_results_map(wards: dict[str, Any]) -> None:
    rendered = results_map([hostile_point()], wards, {"E05000800": "Hood {{ 7*7 }}"})

    assert marker_rows(rendered) == [[53.488, -2.098, HOSTILE, "/services/hall", "Details " + HOSTILE]]
    assert '"Hood {{ 7*7 }}"' in rendered.scripts
    assert "Hall 49" not in rendered.scripts and "Hood 49" not in rendered.scripts
    assert "</script" not in rendered.scripts.lower() and "<!--" not in rendered.scripts


def test_template_syntax_in_a_name_is_data_on_a_place_map(wards: dict[str, Any]) -> None:
    rendered = place_map(hostile_point(SERVER_SIDE), wards)

    assert marker_rows(rendered)[0][2] == SERVER_SIDE  # not the output of `echo`


def test_an_unbalanced_block_in_a_name_does_not_break_the_map(wards: dict[str, Any]) -> None:
    for name in ("{% if %}", "{{", "{% endraw %}", "{#", "%}}}"):
        assert marker_rows(results_map([hostile_point(name)], wards))[0][2] == name


def test_translated_labels_are_data_too(wards: dict[str, Any]) -> None:
    labels = MapLabels(neighbourhoods_layer="Areas {{ 7*7 }}", places_layer="Places {{ 7*7 }}")
    rendered = results_map([hostile_point()], wards, {"E05000800": "Hood"}, labels)

    assert "Areas {{ 7*7 }}" in rendered.scripts and "Areas 49" not in rendered.scripts
    assert "Places {{ 7*7 }}" in rendered.scripts and "Places 49" not in rendered.scripts


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_script_with_hostile_text_is_still_valid_javascript(tmp_path: Path, wards: dict[str, Any]) -> None:
    for i, rendered in enumerate([results_map([hostile_point()], wards), place_map(hostile_point(), wards)]):
        script = tmp_path / f"map{i}.js"
        script.write_text(rendered.scripts, encoding="utf-8")
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
