"""Online geocoding is off by default, polite to Nominatim when on, and asks once per address."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from flask import Flask

from portal.extensions import db
from portal.geo.geocoding import MIN_DELAY_SECONDS, AddressGeocoder, GeocodingDisabled
from portal.models import GeocodeCache


@dataclass
class Answer:
    latitude: float
    longitude: float
    address: str


class CountingLookup:
    """Stands in for the network service only (no internet here); the cache is the real database."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    def __call__(self, query: str, **options: object) -> Answer | None:
        self.calls.append((query, time.monotonic()))
        assert options["country_codes"] == "gb"
        if "nowhere" in query:
            return None
        return Answer(53.4899, -2.0945, "Tameside One, Market Place, Ashton-under-Lyne, OL6 6BH")


@pytest.fixture
def clean_cache(app: Flask):  # type: ignore[no-untyped-def]
    db.session.query(GeocodeCache).delete()
    db.session.commit()
    yield
    db.session.query(GeocodeCache).delete()
    db.session.commit()


def test_off_by_default(app: Flask, clean_cache: None) -> None:
    assert app.config["GEOCODING_ENABLED"] is False
    geocoder = AddressGeocoder(app.config["GEOCODING_ENABLED"], "test", db.session)
    with pytest.raises(GeocodingDisabled, match="Online geocoding is off"):
        geocoder.locate("Market Place, Ashton-under-Lyne")


def test_each_address_is_looked_up_once_and_requests_are_spaced(app: Flask, clean_cache: None) -> None:
    lookup = CountingLookup()
    geocoder = AddressGeocoder(True, "test", db.session, lookup=lookup)
    first = geocoder.locate("Market Place, Ashton-under-Lyne")
    again = geocoder.locate("market place ashton-under-lyne")
    assert first is not None and not first.from_cache
    assert again is not None and again.from_cache and again.latitude == first.latitude
    geocoder.locate("Somewhere else entirely, Hyde")
    assert len(lookup.calls) == 2, "the repeated address came from the cache"
    gap = lookup.calls[1][1] - lookup.calls[0][1]
    assert gap >= MIN_DELAY_SECONDS * 0.95, "no more than one request a second"


def test_an_address_that_is_not_found_is_remembered_too(app: Flask, clean_cache: None) -> None:
    lookup = CountingLookup()
    geocoder = AddressGeocoder(True, "test", db.session, lookup=lookup)
    assert geocoder.locate("nowhere at all") is None
    assert geocoder.locate("Nowhere at all") is None
    assert len(lookup.calls) == 1


def test_the_staff_command_explains_that_it_is_off(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["portal", "geocode", "Market Place, Ashton-under-Lyne"])
    assert result.exit_code == 1
    assert "Online geocoding is off" in result.output
