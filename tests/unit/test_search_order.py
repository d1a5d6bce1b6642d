"""The engine's matches, filter counts and order, worked out for all candidates at once (numpy, over
the DocumentTable), are those the search rules give when written out one document at a time: each
rule below is the plain Python statement of what README "Search" promises."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from typing import Any

import pytest

from portal.freshness.rules import STALE_SEARCH_WEIGHT, may_be_out_of_date
from portal.geo.distance import Point, haversine_miles
from portal.models.schedule import WEEKDAYS
from portal.models.service import AREA_GREATER_MANCHESTER, AREA_NATIONAL
from portal.search.analysis import query_words
from portal.search.backends.contract import TextMatch
from portal.search.documents import ServiceDocument, facet_token
from portal.search.engine import BOROUGH_WIDE_MILES, FacetDimensions, SearchEngine
from portal.search.params import SearchParams
from portal.search.store import DocumentStore
from tests.unit.test_search_store import KIND_WORDS, NEEDS, drawn

TODAY = dt.date(2026, 12, 4)
DIMENSIONS = FacetDimensions(needs=NEEDS, levels=("universal", "early-help", "targeted"),
                             neighbourhoods=("north", "south", "east"), languages=("ur", "pl", "bn"),
                             accessibility=())


class Scores:
    """A text backend whose scores are given: the engine's part is what follows the text match."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch:
        return TextMatch.from_scores(dict(self.scores))

    def highlights(self, query: Any, ids: list[str]) -> dict[str, str]:
        return {}


class Needs:
    """Words understood as needs: a need's own name, as typed."""

    def needs_for(self, text: str) -> list[str]:
        return [need for need in NEEDS if need in text.split()]

    def extra_terms(self, text: str) -> list[str]:
        return []

    def match(self, text: str) -> list[Any]:
        return []


def rules(documents: list[ServiceDocument], scores: dict[str, float], params: SearchParams,
          centre: Point | None, asked: frozenset[str]) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The ids matched, in order, and the filter counts, by the rules one document at a time."""
    by_id = {document.id: document for document in documents}
    if params.q:
        candidates = [(by_id[key], score) for key, score in scores.items() if key in by_id]
    else:
        candidates = [(document, 0.0) for document in documents]
    distance: dict[str, float | None] = {}
    if centre is not None:
        kept = []
        for document, score in candidates:
            nearest = min((haversine_miles(centre, p.latitude, p.longitude) for p in document.places),
                          default=math.inf)
            if nearest <= params.radius or document.all_of_tameside:
                distance[document.id] = nearest if nearest <= params.radius else None
                kept.append((document, score))
        candidates = kept
    filters: dict[str, Any] = {}
    if params.ages:
        filters["age"] = lambda d: any(d.serves_age(age) for age in params.ages)
    if params.needs:
        filters["need"] = lambda d: not set(params.needs).isdisjoint(d.need_slugs)
    if params.free:
        filters["free"] = lambda d: d.free is True
    if params.day:
        filters["day"] = lambda d: params.day in d.open_days
    if params.language:
        filters["language"] = lambda d: params.language in d.languages
    if params.neighbourhood:
        filters["neighbourhood"] = lambda d: d.all_of_tameside or params.neighbourhood in d.neighbourhoods
    if params.self_referral:
        filters["self_referral"] = lambda d: d.self_referral
    matches = [(d, s) for d, s in candidates if all(test(d) for test in filters.values())]
    counts = {}
    for name in ("need", "level", "free", "day", "language", "neighbourhood", "self_referral"):
        left = [d for d, _ in candidates if all(test(d) for other, test in filters.items() if other != name)]
        counted = Counter(token for d in left for token in d.facet_tokens)
        counts[name] = {token: number for token, number in counted.items() if token.startswith(name + "\x1f")}

    def weight(d: ServiceDocument) -> float:
        return STALE_SEARCH_WEIGHT if may_be_out_of_date(d.assured_date, TODAY, 12) else 1.0

    typed = set(query_words(params.q)) if params.q else set()

    def tier(d: ServiceDocument) -> int:
        if d.general and not typed.isdisjoint(d.kind_words):
            return -1
        if not asked:
            return 0
        serves = not asked.isdisjoint(d.need_slugs) if params.q else True
        return (0 if serves else 2) + (1 if d.general else 0)

    def fit(d: ServiceDocument) -> tuple[int, int, int]:
        own_range = d.minimum_age is not None or d.maximum_age is not None
        for_the_age = own_range and any(d.serves_age(age) for age in params.ages)
        area = {AREA_GREATER_MANCHESTER: 1, AREA_NATIONAL: 2}.get(d.area or "", 0)
        return -len(asked & set(d.need_slugs)), 0 if for_the_age else 1, area

    def far(d: ServiceDocument) -> float:
        miles = distance.get(d.id)
        return math.inf if miles is None else miles

    if params.sort == "distance" and centre is not None:
        matches.sort(key=lambda m: (far(m[0]), -m[1] * weight(m[0]), m[0].name))
    elif params.q and centre is not None:
        matches.sort(key=lambda m: (tier(m[0]), -m[1] * weight(m[0]) / (1.0 + 0.35 * (
            BOROUGH_WIDE_MILES if distance.get(m[0].id) is None else far(m[0]))), m[0].name))
    elif params.q:
        matches.sort(key=lambda m: (tier(m[0]), -m[1] * weight(m[0]), m[0].name))
    elif centre is not None:
        matches.sort(key=lambda m: (tier(m[0]), *fit(m[0]), far(m[0]), -weight(m[0]), m[0].name))
    else:
        matches.sort(key=lambda m: (tier(m[0]), *fit(m[0]), -weight(m[0]), m[0].name.lower()))
    return [d.id for d, _ in matches], counts


@pytest.mark.parametrize("seed", range(6))
def test_the_engine_matches_counts_and_orders_as_the_rules_say(seed: int) -> None:
    rng = random.Random(seed)
    documents = [drawn(rng, n) for n in range(250)]
    store = DocumentStore()
    store.replace_all(documents)
    for _ in range(60):
        words = rng.choice(["", "", "play", "gp swimming", "library", "parenting", "send housing", "help"])
        scores = {document.id: float(rng.choice([1, 2, 3, 2.5])) for document in rng.sample(documents, 120)}
        scores["no-longer-public"] = 9.0
        params = SearchParams(
            q=words, radius=rng.choice([1, 2, 5]), ages=rng.sample([0, 4, 12, 19], rng.choice([0, 0, 1, 2])),
            needs=rng.sample(NEEDS, rng.choice([0, 0, 1, 2])), free=rng.random() < 0.3,
            day=rng.choice([None, None, *WEEKDAYS[:3]]), language=rng.choice([None, None, "ur"]),
            neighbourhood=rng.choice([None, None, "north"]), self_referral=rng.random() < 0.2,
            sort=rng.choice(["relevance", "relevance", "distance"]))
        centre = rng.choice([None, Point(53.48, -2.08), Point(53.45, -2.1)])
        engine = SearchEngine(store, Scores(scores), Needs(), DIMENSIONS, stale_months=12, today=lambda: TODAY)
        outcome = engine.search(params, centre)
        asked = frozenset(outcome.understood_needs) | frozenset(params.needs)
        order, counts = rules(documents, scores, params, centre, asked)
        assert [result.document.id for result in outcome.matches] == order, (params, centre)
        assert outcome.total == len(order)
        for name, options in outcome.facets.items():
            found = {facet_token(name, option.value): option.count for option in options if option.count}
            assert found == counts.get(name, {}), (name, params, centre)
    assert KIND_WORDS  # the general places' words were drawn from
