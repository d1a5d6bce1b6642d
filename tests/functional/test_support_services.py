"""Helplines and local services for every need, from the support services file: through the real app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Service
from portal.models._base import seed_id
from portal.seed import support
from tests.pages import fetch_page


def service_page(client: FlaskClient, key: str):  # type: ignore[no-untyped-def]
    return fetch_page(client, f"/services/{seed_id('service', key)}")


def text_of(page) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page.select_one("main").get_text(" ").split())


def tel_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [link["href"] for link in page.select("main a[href^='tel:']")]


def test_every_need_page_lists_at_least_three_services(app: Flask, client: FlaskClient) -> None:
    for slug in app.extensions["vocabularies"].needs:
        page = fetch_page(client, f"/needs/{slug}")
        cards = page.select("main .portal-card-list > li")
        assert len(cards) >= 3, f"/needs/{slug} lists {len(cards)} services"


def test_a_national_helpline_has_no_map_and_says_how_everyone_can_use_it(client: FlaskClient) -> None:
    page = service_page(client, "support-samaritans")
    text = text_of(page)
    assert "This is a national service with no place to visit." in text
    assert "Everyone in Tameside can use it by phone or online." in text
    assert page.select_one("[data-portal-map], .portal-map, #map") is None, "a national service has no map pin"
    assert tel_links(page) == ["tel:116123"]
    assert "We have not yet checked them with the organisation." in text
    assert "Last checked: not yet checked" in text


def test_a_text_number_is_shown_as_text_not_a_phone_link(client: FlaskClient) -> None:
    page = service_page(client, "support-shout-85258")
    text = text_of(page)
    assert "Text: 85258" in text and "by text or online" in text
    assert tel_links(page) == []


def test_a_tameside_place_keeps_its_address_and_map_point(client: FlaskClient) -> None:
    page = service_page(client, "support-tameside-south-family-hub")
    text = text_of(page)
    assert "Hyde Old Road, Flowery Field, Hyde, SK14 4SQ" in text
    assert page.select_one("main script[nonce]") is not None, "the place's map is drawn"
    assert "53.45989" in str(page), "the map point is the postcode's, from the gazetteer"
    assert tel_links(page) == ["tel:01613425353"]
    helps = [item.get_text(strip=True) for item in page.select("main dd ul.govuk-list li")]
    for need in ("Parenting and family relationships", "Pregnancy and new baby", "Early years and child development"):
        assert any(need in item for item in helps), f"a Family Hub helps with {need}"


def test_unconfirmed_contact_details_are_said_and_no_number_is_shown(client: FlaskClient) -> None:
    page = service_page(client, "support-youngminds-parents-helpline")
    text = text_of(page)
    assert "Contact details to be confirmed" in text
    assert tel_links(page) == []
    assert "https://www.youngminds.org.uk" in text


def test_old_opening_times_are_not_shown_as_times(client: FlaskClient) -> None:
    text = text_of(service_page(client, "support-tameside-east-foodbank-ashton"))
    assert "Thu 13:00" not in text
    assert "check them with the service" in text
    assert "food bank voucher" in text


def test_childline_is_listed_under_its_second_needs(client: FlaskClient) -> None:
    for slug in ("emotional-wellbeing-and-mental-health", "youth-crime-and-exploitation"):
        names: list[str] = []
        number = 1
        while True:  # every page of the need's services (twenty to a page, the national ones last)
            page = fetch_page(client, f"/needs/{slug}?page={number}")
            names += [card.get_text(" ", strip=True) for card in page.select("main .portal-card-list > li")]
            if not page.select_one(".govuk-pagination__next"):
                break
            number += 1
        assert any("Childline" in name for name in names), slug


def test_the_data_sources_page_credits_each_listing_and_give_food(client: FlaskClient) -> None:
    page = fetch_page(client, "/data-sources")
    credit = page.select_one("#give-food-credit")
    assert credit is not None and "With thanks to Give Food" in credit.get_text()
    assert credit.select_one("a[href='https://github.com/givefood/data']") is not None
    listed = page.select_one("#listing-sources").get_text(" ")
    assert "Samaritans" in listed and "My Recovery Tameside" not in listed, "only listings that are shown"
    assert page.select("#listing-sources a[href^='https://']"), "the pages each listing came from are linked"


def test_a_documented_service_without_contacts_says_how_to_reach_it(client: FlaskClient) -> None:
    page = service_page(client, "parent-and-toddler-groups")
    routes = page.select_one("#reach-routes")
    assert routes is not None
    assert "a Family Hub" in routes.get_text()
    assert len(routes.select("a[href^='/services/']")) == 4, "each Family Hub is linked"
    text = text_of(service_page(client, "off-the-record"))
    assert "your child's school" in text and "your GP practice" in text
    assert "We do not have contact details for this service yet" not in text


# The loader: a malformed or changed file stops it, naming the file, row and field; nothing is written.

@pytest.fixture
def data_copy(app: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "directory_data"
    shutil.copytree(app.config["DIRECTORY_DATA_DIR"], target)
    return target


def run_loader(app: Flask, folder: Path):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["portal", "load-data", "--data-dir", str(folder)])


def count_support_services() -> int:
    query = select(func.count()).select_from(Service).where(Service.data_source == support.SOURCE)
    return db.session.execute(query).scalar_one()


def test_the_good_file_loads_every_listed_row(app: Flask) -> None:
    assert count_support_services() == 72, "80 rows, 8 left out in support_services.yaml"
    result = app.test_cli_runner().invoke(args=["portal", "load-data"])
    assert result.exit_code == 0 and "nothing changed" in result.output, result.output


CSV = "sources/support_services.csv"
WORDS = "support_services.yaml"
BROKEN = [
    (CSV, "need,name,organisation,scope,", "need,title,organisation,scope,", CSV, "row 1, field 'name'"),
    (CSV, "domestic-abuse,Men's Advice Line,Respect,national,", "domestic-abuse,Men's Advice Line,Respect,local,",
     CSV, "row 3, field 'scope'"),
    (CSV, "Men's Advice Line,Respect,national,0808 801 0327", "Men's Advice Line,Respect,national,call us",
     CSV, "row 3, field 'phone'"),
    (CSV, "Men's Advice Line,Respect,national,0808 801 0327,,", "Men's Advice Line (new),Respect,national,,,",
     CSV, "row 3, field 'name'"),
    (WORDS, "  - name: Shout 85258\n", "  - name: Shout 85259\n", CSV, "row 39, field 'name'"),
    (WORDS, "    key: shout-85258\n", "    key: Shout\n", WORDS, "field 'key'"),
    (WORDS, "also_needs: [young-carers]", "also_needs: [young-carer]", WORDS, "field 'also_needs'"),
]


@pytest.mark.parametrize(("file", "old", "new", "named", "where"), BROKEN)
def test_a_malformed_or_changed_file_stops_the_load(
    app: Flask, data_copy: Path, file: str, old: str, new: str, named: str, where: str
) -> None:
    # A change that would be written if the load went ahead...
    path = data_copy / "services" / "documented_services.yaml"
    path.write_text(path.read_text().replace("name: Tameside Families Together", "name: Renamed Families Service"))
    # ...and a fault in the support services.
    target = data_copy / file
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    result = run_loader(app, data_copy)
    assert result.exit_code == 1
    assert "Nothing was loaded." in result.output
    assert named in result.output and where in result.output, result.output
    db.session.expire_all()
    names = set(db.session.execute(select(Service.name)).scalars())
    assert "Tameside Families Together" in names and "Renamed Families Service" not in names


def test_a_listing_with_no_way_to_reach_it_is_a_loader_error(app: Flask, data_copy: Path) -> None:
    # Samaritans without its number, website or email.
    target = data_copy / CSV
    text = target.read_text()
    old = ("Samaritans,Samaritans,national,116 123,,\"24 hours a day, every day\",https://www.samaritans.org,"
           "jo@samaritans.org")
    assert old in text
    target.write_text(text.replace(old, "Samaritans,Samaritans,national,,,\"24 hours a day, every day\",,", 1))
    result = run_loader(app, data_copy)
    assert result.exit_code == 1, result.output
    assert CSV in result.output and "row 38" in result.output and "no way to reach it" in result.output
    assert count_support_services() == 72
