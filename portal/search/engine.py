"""Running a search: text matching (from a backend), geography, filters with facet counts,
ordering and pages. No Flask here; the route hands in parameters and gets an outcome back."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Protocol

from portal.freshness.rules import STALE_SEARCH_WEIGHT, out_of_date_test
from portal.geo.distance import Point, bounding_box, miles_between
from portal.models.schedule import WEEKDAYS
from portal.models.service import AREA_GREATER_MANCHESTER, AREA_NATIONAL
from portal.search.analysis import meaning_kept, query_words, split_compounds
from portal.search.backends.contract import TextBackend
from portal.search.documents import ServiceDocument, facet_token
from portal.search.helplines import helplines_for, nothing_local
from portal.search.params import SearchParams
from portal.search.store import DocumentStore

PAGE_SIZE = 20
# A service for the whole borough counts as this many miles away when results are ranked.
BOROUGH_WIDE_MILES = 1.5


def proximity(distance: float | None) -> float:
    """A weight from 1 (here) falling with distance, to rank good matches nearby first."""
    miles = BOROUGH_WIDE_MILES if distance is None else distance
    return 1.0 / (1.0 + 0.35 * miles)


class Understanding(Protocol):
    def needs_for(self, text: str) -> list[str]: ...

    def extra_terms(self, text: str) -> list[str]: ...

    def match(self, text: str) -> list[Any]: ...


@dataclass(slots=True)
class Result:
    document: ServiceDocument
    score: float = 0.0
    distance: float | None = None
    snippet: str | None = None

    @property
    def covers_all_of_tameside(self) -> bool:
        return self.document.all_of_tameside and self.distance is None


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class SearchOutcome:
    results: list[Result] = field(default_factory=list)
    matches: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    understood_needs: list[str] = field(default_factory=list)
    centre: Point | None = None
    notices: list[str] = field(default_factory=list)
    # The search was about needs and no Tameside service matched: `helplines` are the national and
    # Greater Manchester services for those needs not already among the results (helplines.py).
    nothing_local: bool = False
    helplines: list[Result] = field(default_factory=list)

    @property
    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Counts by facet and value, for looking up one option at a time."""
        return {name: {option.value: option.count for option in options} for name, options in self.facets.items()}


@dataclass(frozen=True)
class FacetDimensions:
    needs: tuple[str, ...]
    levels: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]


Predicate = Callable[[ServiceDocument], bool]


def _filters(params: SearchParams) -> dict[str, Predicate]:
    """The active filters, by facet name."""
    active: dict[str, Predicate] = {}
    if len(params.ages) == 1:
        age = params.ages[0]
        active["age"] = lambda d: d.serves_age(age)
    elif params.ages:
        ages = tuple(params.ages)
        active["age"] = lambda d: any(d.serves_age(age) for age in ages)
    if params.needs:
        wanted = set(params.needs)
        active["need"] = lambda d: not wanted.isdisjoint(d.need_slugs)
    if params.levels:
        levels = set(params.levels)
        active["level"] = lambda d: not levels.isdisjoint(d.level_slugs)
    if params.free:
        active["free"] = lambda d: d.free is True
    if params.day:
        day = params.day
        active["day"] = lambda d: day in d.open_days
    if params.language:
        language = params.language
        active["language"] = lambda d: language in d.languages
    if params.accessibility:
        feature = params.accessibility
        active["accessibility"] = lambda d: feature in d.accessibility
    if params.neighbourhood:
        hood = params.neighbourhood
        active["neighbourhood"] = lambda d: d.all_of_tameside or hood in d.neighbourhoods
    if params.self_referral:
        active["self_referral"] = lambda d: d.self_referral
    return active


# Where a service works, nearest first: its own places or all of Tameside, then Greater Manchester,
# then national services (by phone, text or online).
AREA_RANK = {AREA_GREATER_MANCHESTER: 1, AREA_NATIONAL: 2}


def fit(document: ServiceDocument, needs: frozenset[str], ages: Iterable[int]) -> tuple[int, int, int]:
    """How well a service fits needs and ages chosen, best first when sorted: more of the needs served;
    an age range of its own that takes one of the children (a service for toddlers, for a toddler)
    before one for all ages; then Tameside's own services, Greater Manchester's, national ones."""
    ages = tuple(ages)
    served = len(needs.intersection(document.need_slugs))
    own_range = document.minimum_age is not None or document.maximum_age is not None
    for_the_age = own_range and any(document.serves_age(age) for age in ages)
    return -served, 0 if for_the_age else 1, AREA_RANK.get(document.area or "", 0)


def _selected(name: str, params: SearchParams) -> set[str]:
    values = {
        "need": set(params.needs),
        "level": set(params.levels),
        "free": {"1"} if params.free else set(),
        "day": {params.day} if params.day else set(),
        "language": {params.language} if params.language else set(),
        "accessibility": {params.accessibility} if params.accessibility else set(),
        "neighbourhood": {params.neighbourhood} if params.neighbourhood else set(),
        "self_referral": {"1"} if params.self_referral else set(),
    }
    return values.get(name, set())


class SearchEngine:
    def __init__(self, store: DocumentStore, text: TextBackend, understanding: Understanding,
                 dimensions: FacetDimensions, stale_months: int = 12,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store = store
        self.text = text
        self.understanding = understanding
        self.dimensions = dimensions
        # Services not checked for this many months rank below otherwise equal ones (see _order).
        self.stale_months = stale_months
        self.today = today

    def facet_options(self) -> dict[str, tuple[str, ...]]:
        return {
            "need": self.dimensions.needs,
            "level": self.dimensions.levels,
            "free": ("1",),
            "day": WEEKDAYS,
            "language": self.dimensions.languages,
            "accessibility": self.dimensions.accessibility,
            "neighbourhood": self.dimensions.neighbourhoods,
            "self_referral": ("1",),
        }

    def search(self, params: SearchParams, centre: Point | None = None) -> SearchOutcome:
        outcome = SearchOutcome(centre=centre, page=params.page)
        query: Any = None
        candidates: list[Result]
        if params.q:
            words = split_compounds(params.q)
            outcome.understood_needs = self.understanding.needs_for(words)
            understood = {word for found in self.understanding.match(words) for word in found.phrase.split()}
            matched = self.text.match(words, outcome.understood_needs, self.understanding.extra_terms(words),
                                      understood)
            query = matched.query
            outcome.suggestion = meaning_kept(params.q, matched.suggestion)
            candidates = self._candidates(matched.scores, centre, params.radius)
        elif centre is not None:
            # No words: only what the bounding box holds, and the borough-wide services, are candidates.
            box = bounding_box(centre, params.radius)
            nearby = dict.fromkeys(self.store.ids_within(box) | self.store.borough_wide_ids(), 0.0)
            candidates = self._candidates(nearby, centre, params.radius)
        else:
            candidates = [Result(document) for document in self.store.all()]

        filters = list(_filters(params).items())
        names = [name for name, _ in filters]
        masks: list[tuple[Result, int]] = []
        full = (1 << len(names)) - 1
        for result in candidates:
            document, mask, bit = result.document, 0, 1
            for _, test in filters:
                if test(document):
                    mask |= bit
                bit <<= 1
            masks.append((result, mask))
        outcome.facets = self._facets(masks, names, full, params)
        matches = [result for result, mask in masks if mask == full]
        asked = frozenset(outcome.understood_needs) | frozenset(params.needs)
        self._order(matches, params, bool(params.q), centre is not None, self._stale_test(), asked)
        outcome.matches = matches
        if asked and nothing_local(result.document for result in matches):
            outcome.nothing_local = True
            shown = {result.document.id for result in matches}
            outcome.helplines = [Result(document) for document in helplines_for(self.store.all(), asked, shown)]
        outcome.total = len(matches)
        outcome.pages = max(1, math.ceil(len(matches) / PAGE_SIZE))
        outcome.page = min(params.page, outcome.pages)
        start = (outcome.page - 1) * PAGE_SIZE
        outcome.results = matches[start:start + PAGE_SIZE]
        if centre is not None:
            for result in outcome.results:
                if result.distance is not None:
                    # The distance people read, from geopy (the order used the quick formula).
                    result.distance = min(miles_between(centre, Point(place.latitude, place.longitude))
                                          for place in result.document.places)
        if query is not None and outcome.results:
            snippets = self.text.highlights(query, [result.document.id for result in outcome.results])
            for result in outcome.results:
                result.snippet = snippets.get(result.document.id)
        return outcome

    def _candidates(self, scores: dict[str, float], centre: Point | None, radius: int) -> list[Result]:
        """A result for each service scored that is still public; with a `centre`, only those with a
        place within `radius` miles (the store's PlaceTable: every place at once) and the borough-wide
        services, which are shown as covering all of Tameside."""
        get = self.store.get
        if centre is None:
            return [Result(document, score) for service_id, score in scores.items()
                    if (document := get(service_id)) is not None]
        within = self.store.place_table().nearest_within(centre, radius, scores)
        kept: list[Result] = []
        for service_id, score in scores.items():
            document = get(service_id)
            if document is None:
                continue
            distance = within.get(service_id)
            if distance is not None:
                kept.append(Result(document, score, distance))
            elif document.all_of_tameside:
                kept.append(Result(document, score))
        return kept

    def _facets(self, masks: list[tuple[Result, int]], names: list[str], full: int,
                params: SearchParams) -> dict[str, list[FacetValue]]:
        # A facet counts what the other filters leave, so choosing one need still shows the rest: a
        # facet without a filter of its own counts the matches; one with a filter, what the others leave.
        # Every option of the documents counted at once (in C): only the facet's own options are read.
        matches = Counter(chain.from_iterable(result.document.facet_tokens for result, mask in masks if mask == full))
        counted: dict[str, Counter[str]] = {}
        for bit, name in enumerate(names):
            needed = full & ~(1 << bit)
            counted[name] = Counter(chain.from_iterable(
                result.document.facet_tokens for result, mask in masks if mask & needed == needed))
        facets: dict[str, list[FacetValue]] = {}
        for name, options in self.facet_options().items():
            counts = counted.get(name, matches)
            selected = _selected(name, params)
            facets[name] = [FacetValue(value, counts[facet_token(name, value)], value in selected) for value in options]
        return facets

    def _stale_test(self) -> Callable[[ServiceDocument], bool]:
        """Whether a service may be out of date: last checked `stale_months` months ago or more."""
        out_of_date = out_of_date_test(self.today(), self.stale_months)
        return lambda document: out_of_date(document.assured_date)

    @staticmethod
    def _order(matches: list[Result], params: SearchParams, has_text: bool, has_centre: bool,
               stale: Callable[[ServiceDocument], bool] = lambda document: False,
               asked: frozenset[str] = frozenset()) -> None:
        """Services that may be out of date rank lower: their text score counts STALE_SEARCH_WEIGHT as
        much, and where there is no score they come after fresh ones at the same distance (or, with no
        search words and no place, after every fresh one). Sorting by distance keeps to distance.

        When the words mean a need (or needs are chosen), the services for it rank above those that only
        share a word with the search, and general places (libraries, GP practices: they serve everyone)
        after the services for the need, unless the words ask for that kind of place: see `tier`.
        Without words, services are ranked by how well they fit the needs and ages chosen (`fit`)."""
        far = float("inf")

        def weight(result: Result) -> float:
            return STALE_SEARCH_WEIGHT if stale(result.document) else 1.0

        typed = frozenset(query_words(params.q)) if has_text and params.q else frozenset()

        def tier(result: Result) -> int:
            document = result.document
            if document.general and not typed.isdisjoint(document.kind_words):
                return -1  # the kind of place asked for ("gp", "library"): first
            if not asked:
                return 0
            serves = not asked.isdisjoint(document.need_slugs) if has_text else True
            return (0 if serves else 2) + (1 if document.general else 0)

        if params.sort == "distance" and has_centre:
            matches.sort(key=lambda r: (r.distance if r.distance is not None else far, -r.score * weight(r),
                                        r.document.name))
        elif has_text and has_centre:
            # Best match, with nearer places ahead of equally good ones further away.
            matches.sort(key=lambda r: (tier(r), -r.score * weight(r) * proximity(r.distance), r.document.name))
        elif has_text:
            matches.sort(key=lambda r: (tier(r), -r.score * weight(r), r.document.name))
        elif has_centre:
            matches.sort(key=lambda r: (tier(r), *fit(r.document, asked, params.ages),
                                        r.distance if r.distance is not None else far, -weight(r), r.document.name))
        else:
            matches.sort(key=lambda r: (tier(r), *fit(r.document, asked, params.ages), -weight(r),
                                        r.document.name.lower()))
