"""Small pure helpers used by the loader and geography."""

import datetime as dt

import pytest

from portal.geo.postcodes import normalise_outcode, normalise_postcode
from portal.seed.gp_practices import address_parts
from portal.seed.records import parse_time_range, title_case, uk_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ol66bh", "OL6 6BH"), (" OL6  6BH ", "OL6 6BH"), ("m34 2ap", "M34 2AP"), ("SK14 1AT", "SK14 1AT"),
     ("OL6", None), ("not a postcode", None), ("", None), ("OL6 6BHX", None)],
)
def test_postcodes_are_normalised(raw: str, expected: str | None) -> None:
    assert normalise_postcode(raw) == expected


def test_outcodes_are_recognised() -> None:
    assert normalise_outcode(" ol6 ") == "OL6"
    assert normalise_outcode("OL6 6BH") is None


def test_names_from_nhs_data_read_naturally() -> None:
    assert title_case("THE BROOKE SURGERY") == "The Brooke Surgery"
    assert title_case("ST. ANDREW'S HOUSE SURGERY") == "St. Andrew's House Surgery"
    assert title_case("HT PRACTICE") == "HT Practice"
    assert title_case("ASHTON-UNDER-LYNE") == "Ashton-Under-Lyne"


def test_phone_numbers_are_spaced_without_changing_digits() -> None:
    assert uk_phone("0161 3683312") == "0161 368 3312"
    assert uk_phone("01457 763263") == "01457 763263"
    assert uk_phone("999") == "999"


def test_time_ranges_are_checked() -> None:
    assert parse_time_range("08:30-17:00") == (dt.time(8, 30), dt.time(17, 0))
    assert parse_time_range("") is None
    for bad in ("17:00-08:30", "9 till 5", "25:00-26:00"):
        with pytest.raises(ValueError):
            parse_time_range(bad)


def test_ods_addresses_drop_the_name_and_county() -> None:
    lines = ["THE BROOKE SURGERY", "20 MARKET STREET", "HYDE", "CHESHIRE", ""]
    assert address_parts("THE BROOKE SURGERY", lines) == ("20 Market Street", None, "Hyde")
