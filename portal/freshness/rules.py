"""When a listing is due for a check, and when it may be out of date. No Flask: search uses this too.

A service is "checked" on its Open Referral `assured_date`. A service never checked is due for a
check (its editors are reminded and moderators see it as overdue), but it is not said to be out of
date: there is no date to count a year from, and a new listing has just been reviewed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

# How much a service that may be out of date counts in search, against an otherwise equal one.
STALE_SEARCH_WEIGHT = 0.5


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (31 March minus one month is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_for_check(assured_date: dt.date | None, today: dt.date, months: int) -> bool:
    """True when the service has not been checked for `months` months, or never."""
    return assured_date is None or assured_date <= months_before(today, months)


def may_be_out_of_date(assured_date: dt.date | None, today: dt.date, stale_months: int) -> bool:
    """True when the last check was `stale_months` months ago or more (never checked: see above)."""
    return out_of_date_test(today, stale_months)(assured_date)


def out_of_date_test(today: dt.date, stale_months: int) -> Callable[[dt.date | None], bool]:
    """may_be_out_of_date for many services on one day: the date to count from is worked out once."""
    cutoff = months_before(today, stale_months)
    return lambda assured_date: assured_date is not None and assured_date <= cutoff


def months_since(assured_date: dt.date, today: dt.date) -> int:
    """Whole calendar months from the check to today (0 in the first month)."""
    months = (today.year - assured_date.year) * 12 + today.month - assured_date.month
    if today.day < assured_date.day and months_before(today, months) < assured_date:
        months -= 1
    return max(0, months)
