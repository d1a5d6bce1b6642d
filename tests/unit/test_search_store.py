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


def test_the_place_table_finds_each_services_nearest_place_as_the_formula_does() -> None:
    """Each service's nearest place within a radius, from the arrays, is what haversine_miles finds
    place by place; services with no place, or none near, are left out; an edit is seen at once."""
    import math

    from portal.geo.distance import haversine_miles

    rng = random.Random(5)
    docs = [placed(n, *[(53.42 + rng.random() / 8, -2.15 + rng.random() / 6) for _ in range(rng.randint(0, 4))])
            for n in range(400)]
    store = DocumentStore()
    store.replace_all(docs)
    ids = [doc.id for doc in docs] + ["no-such-service"]
    for centre, miles in ((Point(53.48, -2.08), 1), (Point(53.45, -2.1), 2), (Point(53.5, -2.05), 5)):
        expected = {}
        for doc in docs:
            nearest = min((haversine_miles(centre, place.latitude, place.longitude) for place in doc.places),
                          default=math.inf)
            if nearest <= miles:
                expected[doc.id] = nearest
        found = store.place_table().nearest_within(centre, miles, ids)
        assert found.keys() == expected.keys() and 0 < len(found) < len(docs)
        assert all(math.isclose(found[key], expected[key], rel_tol=1e-9, abs_tol=1e-9) for key in found)
    centre = Point(53.3, -2.4)  # far from every place
    assert store.place_table().nearest_within(centre, 1, ids) == {}
    store.apply([placed(7, (53.3, -2.4))], [docs[8].id])
    assert store.place_table().nearest_within(centre, 1, ids) == {docs[7].id: 0.0}
    assert docs[8].id not in store.place_table().rows
    assert DocumentStore().place_table().nearest_within(centre, 1, ids) == {}
