"""The per-process document store and its documents as columns (DocumentTable): every column says
what the document's own rules say, and an edit leaves the same table as a rebuild."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from dataclasses import replace

import numpy as np

from portal.freshness.rules import may_be_out_of_date, months_before
from portal.geo.distance import Point, haversine_miles
from portal.models.schedule import WEEKDAYS
from portal.models.service import AREAS
from portal.search.documents import GENERAL_SOURCES, Place, ServiceDocument
from portal.search.store import DocumentStore
from portal.search.table import DocumentTable
from tests.unit.test_search_index import document

NEEDS = ("money-debt-and-food", "parenting", "send", "health", "housing")
KIND_WORDS = sorted(set().union(*GENERAL_SOURCES.values()))


def placed(number: int, *points: tuple[float, float], borough_wide: bool = False) -> ServiceDocument:
    return replace(document(number), places=tuple(Place(lat, lon, "Town", None) for lat, lon in points),
                   all_of_tameside=borough_wide)


def drawn(rng: random.Random, number: int) -> ServiceDocument:
    """A document with every fact a search filters, counts or orders by drawn at random."""
    general = rng.random() < 0.2
    return replace(
        placed(number, *[(53.42 + rng.random() / 8, -2.15 + rng.random() / 6) for _ in range(rng.randint(0, 3))],
               borough_wide=rng.random() < 0.2),
        name=rng.choice(["Hub", "hub", "Zebra club", "aardvark", "Play", "Hub "]) + str(rng.randint(0, 3)),
        need_slugs=tuple(rng.sample(NEEDS, rng.randint(0, 3))),
        level_slugs=tuple(rng.sample(("universal", "early-help", "targeted"), rng.randint(0, 2))),
        minimum_age=rng.choice([None, 0, 3, 11]), maximum_age=rng.choice([None, 5, 11, 18, 25]),
        free=rng.choice([None, True, False]), self_referral=rng.random() < 0.5,
        languages=tuple(rng.sample(("ur", "pl", "bn"), rng.randint(0, 2))),
        open_days=frozenset(rng.sample(WEEKDAYS, rng.randint(0, 3))),
        neighbourhoods=frozenset(rng.sample(("north", "south", "east"), rng.randint(0, 2))),
        assured_date=rng.choice([None, dt.date(2025, 6, 1), dt.date(2025, 12, 1), dt.date(2026, 6, 1)]),
        general=general, kind_words=frozenset(rng.sample(KIND_WORDS, 2)) if general else frozenset(),
        area=rng.choice([None, *AREAS]),
    )


def test_every_column_says_what_the_documents_own_rules_say() -> None:
    rng = random.Random(11)
    docs = [drawn(rng, n) for n in range(500)]
    table = DocumentTable.of(docs)
    rows = np.array(rng.sample(range(len(docs)), 300), dtype=np.intp)
    chosen = [docs[row] for row in rows.tolist()]
    for ages in ([], [4], [0, 12], [19, 30]):
        assert table.serving_any_age(rows, ages).tolist() == [any(d.serves_age(a) for a in ages) for d in chosen]
    for needs in (["parenting"], ["send", "housing"], ["no-such-need"], []):
        assert table.having(rows, "need", needs).tolist() == [not set(needs).isdisjoint(d.need_slugs) for d in chosen]
        assert table.how_many(rows, "need", needs).tolist() == [len(set(needs) & set(d.need_slugs)) for d in chosen]
    assert table.having(rows, "free", ["1"]).tolist() == [d.free is True for d in chosen]
    assert table.having(rows, "day", ["Tuesday"]).tolist() == [("Tuesday" in d.open_days) for d in chosen]
    assert table.having(rows, "self_referral", ["1"]).tolist() == [d.self_referral for d in chosen]
    counted = Counter(token for d in chosen for token in d.facet_tokens)
    assert {token: count for token, count in table.counts(rows).items() if count} == counted
    assert set(table.counts(rows[:0]).values()) == {0}
    typed = ["gp", "library", "swimming"]
    assert table.kind_asked(rows, typed).tolist() == [d.general and not d.kind_words.isdisjoint(typed) for d in chosen]
    today = dt.date(2026, 12, 4)
    assert table.out_of_date(rows, months_before(today, 12)).tolist() == [
        may_be_out_of_date(d.assured_date, today, 12) for d in chosen]
    assert table.beyond_tameside[rows].tolist() == [d.beyond_tameside for d in chosen]
    # Names in Python's order, equal names equal.
    by_rank = sorted(chosen, key=lambda d: d.name)
    assert [docs[row].name for row in rows[np.argsort(table.name_rank[rows], kind="stable")]] == \
        [d.name for d in by_rank]
    assert table.rows_of([docs[3].id, "no-such-service"], 2).tolist() == [3, -1]


def test_each_services_nearest_place_is_the_one_the_formula_finds() -> None:
    """Each service's nearest place, and whether it is within a radius, from the arrays, is what
    haversine_miles finds place by place; a service with no place is never near."""
    rng = random.Random(5)
    docs = [placed(n, *[(53.42 + rng.random() / 8, -2.15 + rng.random() / 6) for _ in range(rng.randint(0, 4))])
            for n in range(400)]
    table = DocumentTable.of(docs)
    rows = np.arange(len(docs), dtype=np.intp)
    for centre, miles in ((Point(53.48, -2.08), 1), (Point(53.45, -2.1), 2), (Point(53.5, -2.05), 5)):
        near, distances = table.near(rows, centre, miles)
        expected = [min((haversine_miles(centre, p.latitude, p.longitude) for p in d.places), default=math.inf)
                    for d in docs]
        assert near.tolist() == [value <= miles for value in expected] and 0 < near.sum() < len(docs)
        assert all(math.isclose(found, wanted, rel_tol=1e-9, abs_tol=1e-9) or found == wanted == math.inf
                   for found, wanted in zip(distances.tolist(), expected))
    near, distances = DocumentTable.of([]).near(np.zeros(0, dtype=np.intp), Point(53.3, -2.4), 1)
    assert near.tolist() == [] and distances.tolist() == []


def test_edits_leave_the_same_table_as_a_rebuild_and_are_seen_at_once() -> None:
    rng = random.Random(3)
    docs = {n: drawn(rng, n) for n in range(300)}
    store = DocumentStore()
    store.replace_all(docs.values())
    store.table()
    for _ in range(200):
        n = rng.randrange(400)
        version = store.version
        if n in docs and rng.random() < 0.3:
            del docs[n]
            store.apply([], [document(n).id])
        else:
            docs[n] = drawn(rng, n)
            store.apply([docs[n]], [])
        assert store.version == version + 1
    fresh = DocumentStore()
    fresh.replace_all(docs.values())
    edited, rebuilt = store.table(), fresh.table()
    assert edited.documents == rebuilt.documents and len(store) == len(docs)
    for name in ("place_rows", "options", "minimum_age", "maximum_age", "own_age_range", "all_of_tameside",
                 "beyond_tameside", "general", "area_rank", "assured", "name_rank", "lower_name_rank"):
        assert np.array_equal(getattr(edited, name), getattr(rebuilt, name)), name
    assert edited.columns == rebuilt.columns and edited.rows == rebuilt.rows

    far = Point(53.3, -2.4)  # far from every place
    assert not store.table().near(np.arange(len(store), dtype=np.intp), far, 1)[0].any()
    store.apply([placed(7, (53.3, -2.4))], [])
    table = store.table()
    assert table.near(np.array([table.rows[document(7).id]]), far, 1)[0].tolist() == [True]
