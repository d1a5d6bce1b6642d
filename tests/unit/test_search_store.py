"""The per-process document store: edits keep its place list exactly as a rebuild would."""

from __future__ import annotations

import random

from portal.geo.distance import Point, bounding_box
from portal.search.documents import Place
from portal.search.store import DocumentStore
from tests.unit.test_search_index import document


def placed(number: int, *points: tuple[float, float], borough_wide: bool = False):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(document(number), places=tuple(Place(lat, lon, "Town", None) for lat, lon in points),
                   all_of_tameside=borough_wide)


def test_edits_leave_the_same_place_index_as_a_rebuild() -> None:
    rng = random.Random(3)
    docs = {n: placed(n, *[(53.4 + rng.random() / 5, -2.2 + rng.random() / 4) for _ in range(rng.randint(0, 3))])
            for n in range(300)}
    store = DocumentStore()
    store.replace_all(docs.values())
    for _ in range(200):
        n = rng.randrange(400)
        if n in docs and rng.random() < 0.3:
            del docs[n]
            store.apply([], [document(n).id])
        else:
            docs[n] = placed(n, *[(53.4 + rng.random() / 5, -2.2 + rng.random() / 4) for _ in range(rng.randint(0, 2))],
                             borough_wide=rng.random() < 0.3)
            store.apply([docs[n]], [])
    fresh = DocumentStore()
    fresh.replace_all(docs.values())
    box = bounding_box(Point(53.5, -2.1), 3)
    assert store.ids_within(box) == fresh.ids_within(box)
    assert len(store) == len(docs)
    assert store._place_owners == fresh._place_owners and store._latitudes == fresh._latitudes
    assert store.borough_wide_ids() == fresh.borough_wide_ids() != frozenset()


def test_the_version_changes_with_every_edit() -> None:
    store = DocumentStore()
    store.replace_all([placed(1, (53.5, -2.1))])
    before = store.version
    store.apply([placed(1, (53.4, -2.0))], [])
    assert store.version == before + 1
    assert store.ids_within(bounding_box(Point(53.4, -2.0), 0.1)) == {document(1).id}
    assert store.ids_within(bounding_box(Point(53.5, -2.1), 0.1)) == set()
