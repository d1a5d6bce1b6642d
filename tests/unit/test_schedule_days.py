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
