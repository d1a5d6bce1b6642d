"""Short phrases every list of services shows for each listing (its ages, its opening days), made in
Python once per listing rather than by a template macro: a results page shows twenty."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from portal.i18n import gettext, locale_name


def N_(message: str) -> str:
    """Marks a phrase for translation where it is shown (babel.cfg)."""
    return message


DAY_NAMES = {
    "MO": N_("Monday"), "TU": N_("Tuesday"), "WE": N_("Wednesday"), "TH": N_("Thursday"),
    "FR": N_("Friday"), "SA": N_("Saturday"), "SU": N_("Sunday"),
}


def age_range(listing: Any, locale: str | None = None) -> str:
    """Who a service is for, by age: a service, a search document or a kept listing record; in
    `locale` (the locale in force: locale_name(), which a list of cards finds once)."""
    return _age_range(listing.minimum_age, listing.maximum_age, locale or locale_name())


@lru_cache(maxsize=4096)
def _age_range(minimum: int | None, maximum: int | None, locale: str) -> str:
    """The phrase for an age range in a language (`locale`: the one in force, which the catalogue
    gettext reads is found by): worked out once per range and language, not once per card."""
    if minimum is not None and maximum is not None:
        return gettext("%(min)s to %(max)s years", min=minimum, max=maximum)
    if maximum is not None:
        return gettext("Up to %(max)s years", max=maximum)
    if minimum is not None and minimum > 0:
        return gettext("%(min)s years and over", min=minimum)
    if minimum is not None:
        return gettext("All ages")
    return gettext("Not known: ask the service")


def day_name(code: str) -> str:
    """A day of the week from its iCalendar code (MO ... SU); any other code as it is."""
    name = DAY_NAMES.get(code)
    return gettext(name) if name is not None else code


def option_count(counts: dict[str, dict[str, int]], facet: str, value: str) -> str:
    """" (12)": how many services a search filter's option gives; nothing when it was not counted."""
    found = counts.get(facet, {}).get(value)
    return "" if found is None else f" ({found})"
