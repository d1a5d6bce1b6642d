"""A schedule's `byday` read the same way wherever opening days are shown, searched or compared."""

from __future__ import annotations

import pytest

from portal.models.schedule import weekdays_of


@pytest.mark.parametrize(("byday", "days"), [
    ("MO,WE", ["MO", "WE"]),
    ("SU", ["SU"]),
    ("MO,XX,,FR", ["MO", "FR"]),   # anything but a day code is left out
    ("mo,TU", ["TU"]),             # codes are RFC 5545's, in capitals
    ("", []),
    (None, []),
])
def test_weekdays_of(byday: str | None, days: list[str]) -> None:
    assert weekdays_of(byday) == days


def test_an_imports_opening_times_read_as_the_live_tables_do() -> None:
    """An import's schedules (exchange/moderated.py) and the live tables' (listings/snapshots.py) make the
    same snapshot rows, so an import of unchanged times is seen as unchanged: an empty note is no note."""
    import datetime as dt

    from portal.exchange.moderated import _times as imported_times
    from portal.listings.snapshots import _times as live_times
    from portal.models import Schedule

    entries = [("WE,MO", dt.time(9), dt.time(12), ""), ("MO", dt.time(13), dt.time(15), "Drop-in"),
               ("SU", None, dt.time(15), None), ("XX,FR", dt.time(9, 30), dt.time(10), None)]
    live = live_times([Schedule(byday=byday, opens_at=opens, closes_at=closes, description=note)
                       for byday, opens, closes, note in entries])
    imported = imported_times([{"byday": byday, "opens_at": opens, "closes_at": closes, "description": note}
                               for byday, opens, closes, note in entries])
    assert imported == live == [
        {"day": "MO", "opens": "09:00", "closes": "12:00", "note": None},
        {"day": "MO", "opens": "13:00", "closes": "15:00", "note": "Drop-in"},
        {"day": "WE", "opens": "09:00", "closes": "12:00", "note": None},
        {"day": "FR", "opens": "09:30", "closes": "10:00", "note": None},
    ]
