"""Reading and checking the search parameters (all GET, so every search is a shareable link).

Invalid values that change the answer (postcode, radius, age) are errors shown on the form;
unknown filter values are dropped and the person is told; over-long text is trimmed with a notice.

Ages and levels may be given more than once (`age=4&age=12`, or "4, 12" in the age box): a service
matches when it serves any of the ages, and when it works at any of the levels. The questionnaire
uses this for families with children of several ages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from portal.inputs import whole_number
from portal.models.schedule import WEEKDAYS
from portal.search.analysis import MAX_QUERY_CHARACTERS, MAX_QUERY_WORDS, MAX_WORD_CHARACTERS, shortened

RADII = (1, 2, 5, 10)
DEFAULT_RADIUS = 5
SORTS = ("relevance", "distance")
MAX_AGE = 25
MAX_PAGE = 10_000
MAX_AGES = 6
AGE_SEPARATORS = re.compile(r"\s*(?:,|\band\b|&|\s)\s*")
Translate = Callable[..., str]


class MultiValues(Protocol):
    """Request arguments: werkzeug's MultiDict, or anything with the same two methods."""

    def get(self, key: str) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass
class SearchParams:
    q: str = ""
    postcode: str = ""
    radius: int = DEFAULT_RADIUS
    ages: list[int] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    free: bool = False
    day: str | None = None
    language: str | None = None
    accessibility: str | None = None
    neighbourhood: str | None = None
    self_referral: bool = False
    sort: str = "relevance"
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    @property
    def age(self) -> int | None:
        """The age asked about, when there is exactly one (the age box shows the others as text)."""
        return self.ages[0] if len(self.ages) == 1 else None

    @property
    def age_text(self) -> str:
        return ", ".join(str(age) for age in self.ages)

    @property
    def has_filters(self) -> bool:
        return bool(self.ages or self.needs or self.levels or self.free or self.day or self.language
                    or self.accessibility or self.neighbourhood or self.self_referral)

    @property
    def is_empty(self) -> bool:
        return not (self.q or self.postcode or self.has_filters)

    def query_args(self, **changes: object) -> dict[str, object]:
        """The parameters as a link would carry them, with `changes` applied."""
        args: dict[str, object] = {
            "q": self.q or None,
            "postcode": self.postcode or None,
            "radius": self.radius if self.postcode and self.radius != DEFAULT_RADIUS else None,
            "age": self.ages or None,
            "need": self.needs or None,
            "level": self.levels or None,
            "free": "1" if self.free else None,
            "day": self.day,
            "language": self.language,
            "accessibility": self.accessibility,
            "neighbourhood": self.neighbourhood,
            "self_referral": "1" if self.self_referral else None,
            "sort": self.sort if self.sort != "relevance" else None,
            "page": self.page if self.page > 1 else None,
        }
        args.update(changes)
        return {key: value for key, value in args.items() if value not in (None, "", [])}


@dataclass(frozen=True)
class Choices:
    """The allowed values of each filter (from the vocabularies)."""

    needs: frozenset[str]
    levels: frozenset[str]
    neighbourhoods: frozenset[str]
    languages: frozenset[str]
    accessibility: frozenset[str]


def _flag(values: MultiValues, name: str) -> bool:
    return (values.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def _choice(values: MultiValues, name: str, allowed: frozenset[str] | tuple[str, ...], params: SearchParams,
            label: str, _: Translate) -> str | None:
    return _allowed(values.get(name) or "", name, allowed, params, label, _)


def _allowed(given: str, name: str, allowed: frozenset[str] | tuple[str, ...], params: SearchParams,
             label: str, _: Translate) -> str | None:
    raw = given.strip()
    if not raw:
        return None
    candidate = raw.upper() if name == "day" else raw.lower()
    if candidate in allowed:
        return candidate
    params.notices.append(_("We ignored the %(filter)s filter: “%(value)s” is not one we know.",
                            filter=label, value=raw[:40]))
    return None


def parse_search_params(values: MultiValues, choices: Choices, _: Translate) -> SearchParams:
    """Read a search from request arguments. Never raises: problems become errors or notices."""
    params = SearchParams()
    q = " ".join((values.get("q") or "").split())
    if len(q) > MAX_QUERY_CHARACTERS:
        q = q[:MAX_QUERY_CHARACTERS].rsplit(" ", 1)[0]
        params.notices.append(_("Your search was long, so we used the first %(count)d characters.",
                                count=MAX_QUERY_CHARACTERS))
    elif shortened(q):
        params.notices.append(_("Your search had many words or very long words, so we searched for the first "
                                "%(words)d words and the first %(letters)d letters of each.",
                                words=MAX_QUERY_WORDS, letters=MAX_WORD_CHARACTERS))
    params.q = q
    params.postcode = " ".join((values.get("postcode") or "").split())[:40]

    radius = (values.get("radius") or "").strip()
    if radius:
        miles = whole_number(radius, max(RADII))
        if miles is not None and miles in RADII:
            params.radius = miles
        else:
            params.errors["radius"] = _("Choose a distance of 1, 2, 5 or 10 miles")

    ages = [part for raw in values.getlist("age") for part in AGE_SEPARATORS.split(raw.strip()) if part]
    if ages:
        years = [whole_number(age, MAX_AGE) for age in ages]
        if all(year is not None for year in years) and len(years) <= MAX_AGES:
            params.ages = list(dict.fromkeys(year for year in years if year is not None))
        else:
            params.errors["age"] = _("Enter an age in years, from 0 to %(max)d, like 7", max=MAX_AGE)

    needs = []
    for raw in values.getlist("need"):
        slug = raw.strip().lower()
        if slug in choices.needs and slug not in needs:
            needs.append(slug)
        elif slug and slug not in choices.needs:
            params.notices.append(_("We ignored the need “%(value)s”: it is not one we know.", value=raw[:40]))
    params.needs = needs
    for raw in values.getlist("level"):
        level = _allowed(raw, "level", choices.levels, params, _("level of need"), _)
        if level is not None and level not in params.levels:
            params.levels.append(level)
    params.day = _choice(values, "day", WEEKDAYS, params, _("day"), _)
    params.language = _choice(values, "language", choices.languages, params, _("language"), _)
    params.accessibility = _choice(values, "accessibility", choices.accessibility, params, _("accessibility"), _)
    params.neighbourhood = _choice(values, "neighbourhood", choices.neighbourhoods, params, _("neighbourhood"), _)
    params.free = _flag(values, "free")
    params.self_referral = _flag(values, "self_referral")

    sort = (values.get("sort") or "").strip().lower()
    if sort in SORTS:
        params.sort = sort
    elif sort:
        params.notices.append(_("We ignored the sort order “%(value)s”.", value=sort[:20]))
    page = (values.get("page") or "").strip()
    params.page = min(whole_number(page, 10 ** 9) or 1, MAX_PAGE)
    return params
