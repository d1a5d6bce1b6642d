"""When a listing is due for a check and when it may be out of date (no Flask, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.freshness.rules import due_for_check, may_be_out_of_date, months_before, months_since

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 11, 22), 6, dt.date(2026, 5, 22)),
    (dt.date(2026, 11, 22), 12, dt.date(2025, 11, 22)),
    (dt.date(2026, 3, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2024, 3, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2026, 1, 15), 13, dt.date(2024, 12, 15)),
])
def test_months_before_counts_calendar_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert months_before(day, months) == expected


def test_a_year_to_the_day_may_be_out_of_date_and_a_day_less_is_not() -> None:
    assert may_be_out_of_date(dt.date(2025, 11, 22), TODAY, 12)
    assert not may_be_out_of_date(dt.date(2025, 11, 23), TODAY, 12)
    assert not may_be_out_of_date(None, TODAY, 12), "never checked: due, but not said to be out of date"


def test_due_for_check_after_six_months_or_never_checked() -> None:
    assert due_for_check(dt.date(2026, 5, 22), TODAY, 6)
    assert not due_for_check(dt.date(2026, 5, 23), TODAY, 6)
    assert due_for_check(None, TODAY, 6)


def test_months_since_counts_whole_months() -> None:
    assert months_since(dt.date(2025, 11, 22), TODAY) == 12
    assert months_since(dt.date(2025, 11, 23), TODAY) == 11
    assert months_since(TODAY, TODAY) == 0
