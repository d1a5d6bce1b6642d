"""A service page's listing record is kept as JSON and read back as it was (directory/listing_record.py)."""

from __future__ import annotations

import datetime as dt

from portal.directory.listing_record import (
    Access,
    Address,
    Language,
    ListedService,
    Location,
    OpeningTime,
    Organisation,
    Phone,
    Place,
    from_json,
    to_json,
)


def test_a_record_reads_back_as_it_was_written() -> None:
    record = ListedService(
        id="0f8b6c1e-3a52-4d5c-9a3e-2b7d1c0e9f11", name="Stay and play {{ 7*7 }}",
        organization=Organisation("5d7e0c9a-1b2c-4d3e-8f4a-6b5c7d8e9f00", "Zażółć gęślą jaźń", None),
        description="Line one\n\nLine two", url="https://example.org", email=None, alert=None,
        temporarily_closed=False, assured_date=dt.date(2026, 11, 30), eligibility_description=None,
        application_process="Ring us", fees_description=None, self_referral=True, needs_referral=False,
        minimum_age=0, maximum_age=5, is_free=None, data_source="synthetic", area_names=("Tameside",),
        need_codes=("parenting",), level_codes=("universal",),
        phones=(Phone("0161 496 0000", "voice", None),), languages=(Language("ur", "Urdu"), Language(None, "BSL")),
        service_at_locations=(Place(
            Location("Hub", True, Address("1 Street", None, "Hyde", "SK14 1AA"), (Access("Step-free", None),)),
            (OpeningTime("MO,TU", dt.time(9, 0), dt.time(12, 30), "term time"), OpeningTime(None, None, None, None)),
            (Phone("07700 900000", "text", "texts only"),),
        ),),
    )
    assert from_json(to_json(record)) == record
    assert record.service_at_locations[0].location.address is not None
    assert record.service_at_locations[0].location.address.lines() == ["1 Street", "Hyde", "SK14 1AA"]
