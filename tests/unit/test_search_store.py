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


def same_table(edited: DocumentTable, rebuilt: DocumentTable) -> None:
    """Two tables say the same of every document: the same rows and columns (an option's column may be
    elsewhere, or left empty, in an edited table), and names in the same order."""
    assert edited.documents == rebuilt.documents and edited.rows == rebuilt.rows
    for name in ("place_rows", "minimum_age", "maximum_age", "own_age_range", "all_of_tameside",
                 "beyond_tameside", "general", "area_rank", "assured"):
        assert np.array_equal(getattr(edited, name), getattr(rebuilt, name)), name
    for token in edited.columns.keys() | rebuilt.columns.keys():
        mine = edited.options[:, edited.columns[token]] if token in edited.columns else None
        theirs = rebuilt.options[:, rebuilt.columns[token]] if token in rebuilt.columns else None
        assert np.array_equal(mine if mine is not None else np.zeros(len(rebuilt), bool),
                              theirs if theirs is not None else np.zeros(len(rebuilt), bool)), token
    for word in edited.kind_words.keys() | rebuilt.kind_words.keys():
        nowhere = np.zeros(len(rebuilt), dtype=bool)
        assert np.array_equal(edited.kind_words.get(word, nowhere), rebuilt.kind_words.get(word, nowhere)), word
    for ranks in ("name_rank", "lower_name_rank"):
        mine, theirs = getattr(edited, ranks), getattr(rebuilt, ranks)
        order = np.argsort(theirs, kind="stable")
        assert np.array_equal(np.argsort(mine, kind="stable"), order), ranks
        assert np.array_equal(np.diff(mine[order]) == 0, np.diff(theirs[order]) == 0), ranks
    for name in ("document_rows", "x", "y", "z", "starts"):
        assert np.array_equal(getattr(edited.places, name), getattr(rebuilt.places, name)), name


def test_rows_in_a_backends_numbering_are_the_rows_of_its_ids_worked_out_once_per_numbering() -> None:
    docs = [document(n) for n in range(6)]
    table = DocumentTable.of(docs)
    numbering = np.array([docs[4].id, None, docs[0].id, "no-such-service", docs[5].id], dtype=object)
    rows = table.rows_in(numbering)
    assert rows.tolist() == [4, -1, 0, -1, 5]
    assert rows.tolist() == table.rows_of(numbering.tolist(), len(numbering)).tolist()
    assert table.rows_in(numbering) is rows  # kept for the same numbering
    renumbered = np.array([docs[1].id, docs[4].id], dtype=object)  # the index changed: new numbers
    assert table.rows_in(renumbered).tolist() == [1, 4]
    assert table.rows_in(numbering) is not rows and table.rows_in(numbering).tolist() == [4, -1, 0, -1, 5]
    edited = DocumentTable.of(docs[::-1])  # another table: its own rows for the same numbering
    assert edited.rows_in(numbering).tolist() == [1, -1, 5, -1, 0]


def test_an_edited_table_says_what_a_rebuilt_one_does_and_edits_are_seen_at_once() -> None:
    rng = random.Random(3)
    docs = {n: drawn(rng, n) for n in range(300)}
    store = DocumentStore()
    store.replace_all(docs.values())
    first = store.table()
    for step in range(200):
        n = rng.randrange(400)
        version = store.version
        if n in docs and rng.random() < 0.3:
            del docs[n]
            store.apply([], [document(n).id])
        else:  # often a name not seen before, to be ranked among the others
            docs[n] = replace(drawn(rng, n), name=rng.choice(["Hub", "hub", "Zebra", "aardvark", "Ápple"])
                              + str(rng.randint(0, 99)))
            store.apply([docs[n]], [])
        assert store.version == version + 1
        if step % 37 == 0:  # searched now and then: the table is edited from where it was
            fresh = DocumentStore()
            fresh.replace_all(docs.values())
            same_table(store.table(), fresh.table())
    fresh = DocumentStore()
    fresh.replace_all(docs.values())
    edited = store.table()
    assert edited is not first and len(store) == len(docs)
    same_table(edited, fresh.table())

    far = Point(53.3, -2.4)  # far from every place
    assert not store.table().near(np.arange(len(store), dtype=np.intp), far, 1)[0].any()
    store.apply([placed(7, (53.3, -2.4))], [])
    table = store.table()
    assert table.near(np.array([table.rows[document(7).id]]), far, 1)[0].tolist() == [True]


def test_many_edits_without_a_search_make_the_table_afresh() -> None:
    from portal.search import store as store_module

    store = DocumentStore()
    store.replace_all([drawn(random.Random(1), n) for n in range(20)])
    store.table()
    for n in range(store_module.MOST_EDITS_KEPT + 1):
        store.apply([replace(document(n % 20), name=f"Renamed {n}")], [])
    assert store._table is None and store._edits == []
    assert store.table().documents == tuple(store.all())
