"""Running a search: text matching (from a backend), geography, filters with facet counts,
ordering and pages. No Flask here; the route hands in parameters and gets an outcome back."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from portal.freshness.rules import STALE_SEARCH_WEIGHT, months_before
from portal.geo.distance import Point
from portal.models.schedule import WEEKDAYS
from portal.search.analysis import meaning_kept, query_words, split_compounds
from portal.search.backends.contract import TextBackend
from portal.search.documents import ServiceDocument, facet_token
from portal.search.helplines import helplines_for
from portal.search.params import SearchParams
from portal.search.store import DocumentStore
from portal.search.table import DocumentTable, Mask, Rows

PAGE_SIZE = 20
# A service for the whole borough counts as this many miles away when results are ranked.
BOROUGH_WIDE_MILES = 1.5


def proximity(miles: NDArray[np.float64]) -> NDArray[np.float64]:
    """A weight from 1 (here) falling with distance, to rank good matches nearby first; a service for
    the whole borough (no place near: an infinite distance) counts as BOROUGH_WIDE_MILES away."""
    return 1.0 / (1.0 + 0.35 * np.where(miles == math.inf, BOROUGH_WIDE_MILES, miles))


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
    # Every match in order, made into results only when asked for (`matches`): a page needs twenty.
    ranking: Ranking | None = None
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

    @cached_property
    def matches(self) -> list[Result]:
        """Every match, in order (the page's `results` are the twenty of them shown)."""
        return self.ranking.results() if self.ranking is not None else []

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


def _filters(table: DocumentTable, rows: Rows, params: SearchParams) -> list[tuple[str, Mask]]:
    """The active filters, by facet name: which of `rows` each one keeps."""
    active: list[tuple[str, Mask]] = []
    if params.ages:
        active.append(("age", table.serving_any_age(rows, params.ages)))
    if params.needs:
        active.append(("need", table.having(rows, "need", params.needs)))
    if params.levels:
        active.append(("level", table.having(rows, "level", params.levels)))
    for name, value in (("free", "1" if params.free else None), ("day", params.day),
                        ("language", params.language), ("accessibility", params.accessibility)):
        if value:
            active.append((name, table.having(rows, name, (value,))))
    if params.neighbourhood:
        active.append(("neighbourhood", table.all_of_tameside[rows]
                       | table.having(rows, "neighbourhood", (params.neighbourhood,))))
    if params.self_referral:
        active.append(("self_referral", table.having(rows, "self_referral", ("1",))))
    return active


@dataclass
class Ranking:
    """What orders a search's matches, one array each, a row per match (see SearchEngine._order)."""

    table: DocumentTable
    rows: Rows
    scores: NDArray[np.float64]
    distances: NDArray[np.float64]  # infinite: no place near (covers all of Tameside), or no centre

    def __len__(self) -> int:
        return len(self.rows)

    def results(self, start: int = 0, end: int | None = None) -> list[Result]:
        documents, found = self.table.documents, []
        for row, score, distance in zip(self.rows[start:end].tolist(), self.scores[start:end].tolist(),
                                        self.distances[start:end].tolist()):
            found.append(Result(documents[row], score, None if distance == math.inf else distance))
        return found


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
        table = self.store.table()
        query: Any = None
        if params.q:
            words = split_compounds(params.q)
            outcome.understood_needs = self.understanding.needs_for(words)
            understood = {word for found in self.understanding.match(words) for word in found.phrase.split()}
            matched = self.text.match(words, outcome.understood_needs, self.understanding.extra_terms(words),
                                      understood)
            query = matched.query
            outcome.suggestion = meaning_kept(params.q, matched.suggestion)
            if matched.numbering is not None and matched.numbers is not None:
                rows = table.rows_in(matched.numbering)[matched.numbers]
            else:
                rows = table.rows_of(matched.ids, len(matched.ids))
            scores = np.asarray(matched.values, dtype=np.float64)
            public = rows >= 0  # a service scored by the index but no longer public is left out
            rows, scores = rows[public], scores[public]
        else:
            rows, scores = np.arange(len(table), dtype=np.intp), np.zeros(len(table))
        distances = np.full(len(rows), math.inf)
        if centre is not None:
            # Only services with a place within the radius, and the borough-wide services (shown as
            # covering all of Tameside: no distance).
            near, miles = table.near(rows, centre, params.radius)
            kept = near | table.all_of_tameside[rows]
            rows, scores, distances = rows[kept], scores[kept], np.where(near, miles, math.inf)[kept]

        filters = _filters(table, rows, params)
        everything = np.ones(len(rows), dtype=np.bool_)
        for _, keeps in filters:
            everything &= keeps
        outcome.facets = self._facets(table, rows, everything, filters, params)
        ranking = Ranking(table, rows[everything], scores[everything], distances[everything])
        asked = frozenset(outcome.understood_needs) | frozenset(params.needs)
        self._order(ranking, params, bool(params.q), centre is not None, asked)
        outcome.ranking = ranking
        if asked and table.beyond_tameside[ranking.rows].all():
            # None of the matches is Tameside's own (each is national or Greater Manchester's).
            outcome.nothing_local = True
            shown = {table.documents[row].id for row in ranking.rows.tolist()}
            outcome.helplines = [Result(document) for document in helplines_for(self.store.all(), asked, shown)]
        outcome.total = len(ranking)
        outcome.pages = max(1, math.ceil(len(ranking) / PAGE_SIZE))
        outcome.page = min(params.page, outcome.pages)
        start = (outcome.page - 1) * PAGE_SIZE
        outcome.results = ranking.results(start, start + PAGE_SIZE)
        if query is not None and outcome.results:
            snippets = self.text.highlights(query, [result.document for result in outcome.results])
            for result in outcome.results:
                result.snippet = snippets.get(result.document.id)
        return outcome

    def _facets(self, table: DocumentTable, rows: Rows, everything: Mask, filters: list[tuple[str, Mask]],
                params: SearchParams) -> dict[str, list[FacetValue]]:
        # A facet counts what the other filters leave, so choosing one need still shows the rest: a
        # facet without a filter of its own counts the matches; one with a filter, what the others leave.
        matches = table.counts(rows[everything])
        counted: dict[str, dict[str, int]] = {}
        for name, _ in filters:
            others = np.ones(len(rows), dtype=np.bool_)
            for other, keeps in filters:
                if other != name:
                    others &= keeps
            counted[name] = table.counts(rows[others])
        facets: dict[str, list[FacetValue]] = {}
        for name, options in self.facet_options().items():
            counts = counted.get(name, matches)
            selected = _selected(name, params)
            facets[name] = [FacetValue(value, counts.get(facet_token(name, value), 0), value in selected)
                            for value in options]
        return facets

    def _order(self, ranking: Ranking, params: SearchParams, has_text: bool, has_centre: bool,
               asked: frozenset[str] = frozenset()) -> None:
        """Put the matches in order. Services that may be out of date (last checked `stale_months`
        months ago or more: freshness.rules) rank lower: their text score counts STALE_SEARCH_WEIGHT as
        much, and where there is no score they come after fresh ones at the same distance (or, with no
        search words and no place, after every fresh one). Sorting by distance keeps to distance.

        When the words mean a need (or needs are chosen), the services for it rank above those that only
        share a word with the search, and general places (libraries, GP practices: they serve everyone)
        after the services for the need, unless the words ask for that kind of place (the tier: first).
        Without words, services are ranked by how well they fit the needs and ages chosen: more of the
        needs served; an age range of its own that takes one of the children (a service for toddlers,
        for a toddler) before one for all ages; then Tameside's own services, Greater Manchester's,
        national ones. Equal services keep to their names' order, then to the order they came in."""
        table, rows = ranking.table, ranking.rows
        stale = table.out_of_date(rows, months_before(self.today(), self.stale_months))
        weight = np.where(stale, STALE_SEARCH_WEIGHT, 1.0)
        typed = frozenset(query_words(params.q)) if has_text and params.q else frozenset()
        kind = table.kind_asked(rows, typed)
        if asked:
            serves = table.having(rows, "need", asked) if has_text else np.ones(len(rows), dtype=np.bool_)
            tier = np.where(serves, 0, 2) + table.general[rows]
        else:
            tier = np.zeros(len(rows), dtype=np.intp)
        tier = np.where(kind, -1, tier)
        distance = ranking.distances
        keys: tuple[NDArray, ...]  # type: ignore[type-arg]  # last key first, as numpy.lexsort reads them
        if params.sort == "distance" and has_centre:
            keys = (table.name_rank[rows], -ranking.scores * weight, distance)
        elif has_text and has_centre:
            # Best match, with nearer places ahead of equally good ones further away.
            keys = (table.name_rank[rows], -ranking.scores * weight * proximity(distance), tier)
        elif has_text:
            keys = (table.name_rank[rows], -ranking.scores * weight, tier)
        else:
            fit = (table.area_rank[rows], ~(table.own_age_range[rows] & table.serving_any_age(rows, params.ages)),
                   -table.how_many(rows, "need", asked))
            if has_centre:
                keys = (table.name_rank[rows], -weight, distance, *fit, tier)
            else:
                keys = (table.lower_name_rank[rows], -weight, *fit, tier)
        order = np.lexsort(keys)
        ranking.rows, ranking.scores, ranking.distances = rows[order], ranking.scores[order], distance[order]
