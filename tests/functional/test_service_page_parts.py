"""A service page (its listing as one record, its map and QR code) is built once per version of the
listing and language, kept in the database, read in one query, and built again when the listing
changes (directory/page_parts.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import Location, Phone, Service, ServicePagePart
from portal.models.service import public_services
from tests.conftest import BACKENDS, make_app, migrate_and_load


@pytest.fixture(scope="module", params=[BACKENDS[0]])
def own_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app of its own: these tests change listings and count every kept part."""
    database, search_backend = request.param
    folder: Path = tmp_path_factory.mktemp("page-parts")
    app = make_app(database, folder, SEARCH_BACKEND=search_backend)
    migrate_and_load(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def mapped_service(app: Flask) -> Service:
    """A public service with a place that is drawn on its map."""
    query = public_services().join(Service.service_at_locations).join(Location).where(
        Location.latitude.is_not(None), Location.mask_exact_address.is_(False)).order_by(Service.name).limit(1)
    found = db.session.execute(query).scalars().first()
    assert found is not None
    return found


def kept(service_id: str) -> list[ServicePagePart]:
    db.session.expire_all()
    return list(db.session.execute(select(ServicePagePart).where(ServicePagePart.service_id == service_id)
                                   .order_by(ServicePagePart.locale)).scalars())


def test_a_page_keeps_its_parts_and_draws_them_again_when_the_listing_changes(own_app: Flask) -> None:
    client = own_app.test_client()
    service = mapped_service(own_app)
    first = client.get(f"/services/{service.id}")
    assert first.status_code == 200
    parts = kept(service.id)
    assert [part.locale for part in parts] == ["en"]
    part = parts[0]
    assert part.map_id and part.map_id in first.get_data(as_text=True), "the page shows the kept map"
    assert part.qr_svg.startswith("<svg") and 'aria-label="QR code: a link to this page"' in part.qr_svg
    version = part.version

    again = client.get(f"/services/{service.id}")
    assert kept(service.id)[0].version == version and part.map_id in again.get_data(as_text=True)

    # In Polish: the same listing's parts in that language, kept beside the English ones.
    polish = own_app.test_client().get(f"/pl/services/{service.id}")  # (its own: the language is remembered)
    assert polish.status_code == 200
    assert [p.locale for p in kept(service.id)] == ["en", "pl"]

    # The place's name changes: the map marks it under its new name at the very next visit.
    location = next(link.location for link in service.service_at_locations
                    if link.location.latitude is not None and not link.location.mask_exact_address)
    location.name = "Renamed place {{ 7*7 }}"
    db.session.commit()
    changed = client.get(f"/services/{service.id}")
    assert changed.status_code == 200
    english = kept(service.id)[0]
    assert english.version != version
    assert "Renamed place {{ 7*7 }}" in (english.map_scripts or ""), "listing text stays as written"
    assert english.map_id in changed.get_data(as_text=True)


def test_every_part_is_drawn_ahead_of_the_first_visit(own_app: Flask) -> None:
    runner = own_app.test_cli_runner()
    result = runner.invoke(args=["portal", "draw-page-parts", "--locale", "en", "--locale", "ur",
                                 "--base-url", "http://localhost"])
    assert result.exit_code == 0, result.output
    public = db.session.execute(select(func.count()).select_from(public_services().subquery())).scalar_one()
    counted = db.session.execute(select(ServicePagePart.locale, func.count()).group_by(ServicePagePart.locale)).all()
    assert dict(counted) == {"en": public, "ur": public} | ({"pl": 1} if "pl" in dict(counted) else {})
    # A second run finds nothing to draw.
    again = runner.invoke(args=["portal", "draw-page-parts", "--locale", "en", "--base-url", "http://localhost"])
    assert again.exit_code == 0 and again.output.startswith("Drew 0 page parts"), again.output

    # A page visited after that is answered with the kept parts: nothing is drawn (the kept row stays
    # the same object in the database, with the same version).
    service = mapped_service(own_app)
    before = {(p.locale, p.version) for p in kept(service.id)}
    assert own_app.test_client().get(f"/services/{service.id}").status_code == 200
    assert {(p.locale, p.version) for p in kept(service.id)} == before


def test_an_unknown_language_is_refused(own_app: Flask) -> None:
    result = own_app.test_cli_runner().invoke(args=["portal", "draw-page-parts", "--locale", "xx"])
    assert result.exit_code != 0 and "No such language: xx" in result.output


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block."""
    ran: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        ran.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield ran
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_kept_page_is_read_in_one_query(own_app: Flask) -> None:
    client = own_app.test_client()
    service = mapped_service(own_app)
    client.get(f"/services/{service.id}")  # built and kept (if it was not already)
    with statements() as ran:
        page = client.get(f"/services/{service.id}")
    assert page.status_code == 200 and service.name in page.get_data(as_text=True)
    assert len(ran) == 1, ran


def test_a_change_to_the_organisation_or_a_phone_shows_at_the_next_visit(own_app: Flask) -> None:
    client = own_app.test_client()
    service = mapped_service(own_app)
    assert client.get(f"/services/{service.id}").status_code == 200
    service.organization.name = "Renamed organisation {{ 7*7 }}"
    db.session.add(Phone(service_id=service.id, number="0161 496 0123", type="voice"))
    db.session.commit()
    page = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "Renamed organisation {{ 7*7 }}" in page
    assert "0161 496 0123" in page


def test_a_service_no_longer_public_is_not_found_though_its_page_was_kept(own_app: Flask) -> None:
    client = own_app.test_client()
    service = mapped_service(own_app)
    assert client.get(f"/services/{service.id}").status_code == 200
    service.status = "inactive"
    db.session.commit()
    assert client.get(f"/services/{service.id}").status_code == 404
    assert client.get("/services/not-an-id").status_code == 404


def test_each_language_keeps_its_parts_in_its_own_words_and_reads_them_back(own_app: Flask) -> None:
    """`draw-page-parts` draws each language's page as a visit in that language would (its words, and
    its QR code's link to the page in that language): a visit then reads it as kept. It drew every
    language's with the English page's link, so the first visit in another language drew it again."""
    from portal.directory.page_parts import draw_all

    service = mapped_service(own_app)
    db.session.execute(ServicePagePart.__table__.delete().where(ServicePagePart.service_id == service.id))
    db.session.commit()
    with own_app.test_request_context("/"):
        assert draw_all([db.session.get(Service, service.id)], ("en", "pl")) == 2
    drawn = {part.locale: part.version for part in kept(service.id)}
    english = own_app.test_client().get(f"/services/{service.id}").get_data(as_text=True)
    polish = own_app.test_client().get(f"/pl/services/{service.id}").get_data(as_text=True)
    assert {part.locale: part.version for part in kept(service.id)} == drawn, "each visit read its kept page"
    assert 'aria-label="QR code: a link to this page"' in english and "Kod QR: link do tej strony" not in english
    assert 'aria-label="Kod QR: link do tej strony"' in polish and "QR code: a link to this page" not in polish
    assert "Mapa pokazująca, gdzie jest ta usługa" in polish
    with own_app.test_request_context("/"):
        assert draw_all([db.session.get(Service, service.id)], ("en", "pl")) == 0, "each kept page is up to date"
