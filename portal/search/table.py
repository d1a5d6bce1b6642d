"""Every search document as columns: one row a service, one numpy array a fact (its ages, whether it
covers all of Tameside, when it was last checked, the rank of its name, the filter options it counts
under, the row of its nearest place). Made once per change of the documents (DocumentStore.table), so
that a search's filters, filter counts and order are worked out for its thousand or so candidates at
once, not one document at a time in Python."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
from numpy.typing import NDArray

from portal.geo.distance import Point, chord_squared, miles_of_chords_squared, unit_vectors
from portal.models.service import AREA_GREATER_MANCHESTER, AREA_NATIONAL
from portal.search.documents import NO_MAXIMUM_AGE, ServiceDocument, facet_token

# Where a service works, nearest first: its own places or all of Tameside, then Greater Manchester,
# then national services (by phone, text or online). Its position in `order` below.
AREA_RANK = {AREA_GREATER_MANCHESTER: 1, AREA_NATIONAL: 2}

Rows = NDArray[np.intp]
Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class PlaceTable:
    """Every place of the documents that have one, grouped by document, as points on the unit sphere:
    one numpy pass gives each document's nearest place to a point, by the straight line through the
    sphere (the chord), which grows with the great-circle distance; the distance itself is then worked
    out only for the services kept, instead of the haversine in a Python loop over each search's
    candidates (about a thousand)."""

    document_rows: Rows  # each document's row in what `nearest_chords` returns; -1: no place
    x: NDArray[np.float64]  # each place's point (x, y, z), one array per axis
    y: NDArray[np.float64]
    z: NDArray[np.float64]
    starts: NDArray[np.intp]  # each row's first place, and one more: where the last row's end

    @classmethod
    def of(cls, documents: Sequence[ServiceDocument]) -> PlaceTable:
        document_rows = np.full(len(documents), -1, dtype=np.intp)
        latitudes: list[float] = []
        longitudes: list[float] = []
        starts: list[int] = []
        for number, document in enumerate(documents):
            if document.places:
                document_rows[number] = len(starts)
                starts.append(len(latitudes))
                latitudes.extend(place.latitude for place in document.places)
                longitudes.extend(place.longitude for place in document.places)
        starts.append(len(latitudes))
        x, y, z = unit_vectors(np.array(latitudes, dtype=np.float64), np.array(longitudes, dtype=np.float64))
        return cls(document_rows, x, y, z, np.array(starts, dtype=np.intp))

    def joined(self, other: PlaceTable, rows: Rows) -> PlaceTable:
        """The places of some of this table's rows and some of `other`'s, for documents in a new
        order: `rows` holds each document's row, this table's as they are and `other`'s numbered on
        after them, or -1 for a document without a place. The points are copied, not worked out again."""
        starts = np.concatenate([self.starts[:-1], other.starts[:-1] + len(self.x)])
        ends = np.concatenate([self.starts[1:], other.starts[1:] + len(self.x)])
        placed = rows[rows >= 0]
        lengths = ends[placed] - starts[placed]
        first = np.zeros(len(placed) + 1, dtype=np.intp)
        np.cumsum(lengths, out=first[1:])
        taken = np.repeat(starts[placed] - first[:-1], lengths) + np.arange(first[-1], dtype=np.intp)
        document_rows = np.full(len(rows), -1, dtype=np.intp)
        document_rows[rows >= 0] = np.arange(len(placed), dtype=np.intp)
        x, y, z = (np.concatenate([mine, theirs])[taken]
                   for mine, theirs in ((self.x, other.x), (self.y, other.y), (self.z, other.z)))
        return PlaceTable(document_rows, x, y, z, first)

    def nearest_chords(self, centre: Point) -> NDArray[np.float64]:
        """For each row, the squared chord from `centre` to the document's nearest place, and one
        more row, infinite, for documents without a place."""
        if len(self.starts) == 1:
            return np.array([np.inf])
        x0, y0, z0 = unit_vectors(np.array([centre.latitude]), np.array([centre.longitude]))
        squared = self.x - x0
        squared *= squared
        for axis, origin in ((self.y, y0), (self.z, z0)):
            offset = axis - origin
            offset *= offset
            squared += offset
        nearest = squared if len(self.starts) == len(squared) + 1 else np.minimum.reduceat(squared, self.starts[:-1])
        return np.append(nearest, np.inf)


def _ranks(values: Sequence[str]) -> tuple[list[str], NDArray[np.intp]]:
    """The values sorted without repeats (Python's own string order), and each value's place there."""
    ordered = sorted(set(values))
    rank = {value: position for position, value in enumerate(ordered)}
    return ordered, np.fromiter((rank[value] for value in values), dtype=np.intp, count=len(values))


def _reranked(ordered: list[str], ranks: NDArray[np.intp], values: Sequence[str]
              ) -> tuple[list[str], NDArray[np.intp], NDArray[np.intp]]:
    """`ordered` (sorted, without repeats) with `values` added; `ranks` (places in `ordered`) moved to
    their places in the new list; and each of `values`' place in it. Places only grow apart, so the
    order of the ranks is the order of their values, as _ranks would give."""
    added = sorted({value for value in values if not _holds(ordered, value)})
    if added:
        inserted = np.fromiter((bisect_left(ordered, value) for value in added), dtype=np.intp, count=len(added))
        ranks = ranks + np.searchsorted(inserted, ranks, side="right")
        ordered = list(ordered)
        for value in added:
            insort(ordered, value)
    return ordered, ranks, np.fromiter((bisect_left(ordered, value) for value in values), dtype=np.intp,
                                       count=len(values))


def _holds(ordered: list[str], value: str) -> bool:
    at = bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value


@dataclass(frozen=True, eq=False)
class DocumentTable:
    documents: tuple[ServiceDocument, ...]  # each row's document
    rows: dict[str, int]  # service id -> row
    places: PlaceTable
    place_rows: Rows  # each row's row in places.nearest_chords (its last row, infinite: no place)
    columns: dict[str, int]  # facet_token(facet, value) -> its column in `options`
    options: NDArray[np.bool_]  # row x column: the filter options each service counts under
    minimum_age: NDArray[np.int32]
    maximum_age: NDArray[np.int32]
    own_age_range: Mask  # the service gives an age range of its own
    all_of_tameside: Mask
    beyond_tameside: Mask  # a national or Greater Manchester service
    general: Mask
    area_rank: NDArray[np.int8]
    assured: NDArray[np.int64]  # the date last checked, as an ordinal; 0: never
    name_rank: Rows  # each row's name's place in `names`
    lower_name_rank: Rows  # the same for the names in lower case, in `lower_names`
    kind_words: dict[str, Mask]  # a word asking for a kind of general place -> the rows of that kind
    # Every name ranked, sorted without repeats (a name no longer used may stay: its place is unused).
    names: list[str]
    lower_names: list[str]
    # rows_in's last answer: a backend's numbering of its ids and the row of each (see rows_in).
    _numbered: list[tuple[NDArray[np.object_], Rows]] = field(default_factory=list, repr=False)

    @classmethod
    def of(cls, documents: Iterable[ServiceDocument]) -> DocumentTable:
        documents = tuple(documents)
        count = len(documents)
        places = PlaceTable.of(documents)
        columns: dict[str, int] = {}
        cells: list[tuple[int, int]] = []
        kinds: dict[str, list[int]] = {}
        for row, document in enumerate(documents):
            for token in document.facet_tokens:
                cells.append((row, columns.setdefault(token, len(columns))))
            for word in document.kind_words:
                kinds.setdefault(word, []).append(row)
        options = np.zeros((count, len(columns)), dtype=np.bool_)
        if cells:
            at = np.array(cells, dtype=np.intp)
            options[at[:, 0], at[:, 1]] = True

        def mask(rows: list[int]) -> Mask:
            found = np.zeros(count, dtype=np.bool_)
            found[rows] = True
            return found

        def column(values: Iterable[object], dtype: type) -> NDArray:  # type: ignore[type-arg]
            return np.fromiter(values, dtype=dtype, count=count)

        names = [document.name for document in documents]
        ordered, name_rank = _ranks(names)
        lower_ordered, lower_name_rank = _ranks([name.lower() for name in names])
        return cls(
            documents=documents,
            rows={document.id: row for row, document in enumerate(documents)},
            places=places,
            place_rows=places.document_rows,
            columns=columns,
            options=options,
            minimum_age=column((d.minimum_age if d.minimum_age is not None else 0 for d in documents), np.int32),
            maximum_age=column((d.maximum_age if d.maximum_age is not None else NO_MAXIMUM_AGE
                                for d in documents), np.int32),
            own_age_range=column((d.minimum_age is not None or d.maximum_age is not None for d in documents),
                                 np.bool_),
            all_of_tameside=column((d.all_of_tameside for d in documents), np.bool_),
            beyond_tameside=column((d.beyond_tameside for d in documents), np.bool_),
            general=column((d.general for d in documents), np.bool_),
            area_rank=column((AREA_RANK.get(d.area or "", 0) for d in documents), np.int8),
            assured=column((d.assured_date.toordinal() if d.assured_date else 0 for d in documents), np.int64),
            name_rank=name_rank,
            lower_name_rank=lower_name_rank,
            kind_words={word: mask(rows) for word, rows in kinds.items()},
            names=ordered,
            lower_names=lower_ordered,
        )

    def edited(self, documents: Iterable[ServiceDocument], changed: Collection[str]) -> DocumentTable:
        """The table of `documents` (every document, in order), made from this one: the rows of
        documents neither new nor in `changed` are taken from it, and only the others are read, so an
        edit costs a copy of the arrays, not every document read again (0.74 s at 100,000 services)."""
        documents = tuple(documents)
        count, get = len(documents), self.rows.get
        before = np.fromiter((-1 if document.id in changed else get(document.id, -1) for document in documents),
                             dtype=np.intp, count=count)
        kept, fresh = np.flatnonzero(before >= 0), np.flatnonzero(before < 0)
        source = before[kept]
        new = DocumentTable.of([documents[row] for row in fresh.tolist()])

        def joined(old: NDArray, made: NDArray) -> NDArray:  # type: ignore[type-arg]
            found = np.empty(count, dtype=old.dtype)
            found[kept], found[fresh] = old[source], made
            return found

        columns = dict(self.columns)
        for token in new.columns:
            columns.setdefault(token, len(columns))
        options = np.zeros((count, len(columns)), dtype=np.bool_)
        options[kept, :len(self.columns)] = self.options[source]
        if new.columns:
            options[np.ix_(fresh, np.array([columns[token] for token in new.columns], dtype=np.intp))] = new.options
        kinds = {}
        for word in self.kind_words.keys() | new.kind_words.keys():
            kinds[word] = joined(self.kind_words.get(word, np.zeros(len(self), dtype=np.bool_)),
                                 new.kind_words.get(word, np.zeros(len(fresh), dtype=np.bool_)))
        names, moved, placed = _reranked(self.names, self.name_rank[source], [d.name for d in new.documents])
        lower_names, lower_moved, lower_placed = _reranked(
            self.lower_names, self.lower_name_rank[source], [d.name.lower() for d in new.documents])
        joined_rows = np.empty(count, dtype=np.intp)
        joined_rows[kept] = self.place_rows[source]
        joined_rows[fresh] = np.where(new.place_rows >= 0, new.place_rows + len(self.places.starts) - 1, -1)
        places = self.places.joined(new.places, joined_rows)
        name_rank, lower_name_rank = np.empty(count, dtype=np.intp), np.empty(count, dtype=np.intp)
        name_rank[kept], name_rank[fresh] = moved, placed
        lower_name_rank[kept], lower_name_rank[fresh] = lower_moved, lower_placed
        same_rows = count == len(self) and all(self.rows.get(documents[row].id) == row for row in fresh.tolist()) \
            and np.array_equal(source, kept)
        return DocumentTable(
            documents=documents,
            rows=self.rows if same_rows else {document.id: row for row, document in enumerate(documents)},
            places=places,
            place_rows=places.document_rows,
            columns=columns,
            options=options,
            minimum_age=joined(self.minimum_age, new.minimum_age),
            maximum_age=joined(self.maximum_age, new.maximum_age),
            own_age_range=joined(self.own_age_range, new.own_age_range),
            all_of_tameside=joined(self.all_of_tameside, new.all_of_tameside),
            beyond_tameside=joined(self.beyond_tameside, new.beyond_tameside),
            general=joined(self.general, new.general),
            area_rank=joined(self.area_rank, new.area_rank),
            assured=joined(self.assured, new.assured),
            name_rank=name_rank,
            lower_name_rank=lower_name_rank,
            kind_words=kinds,
            names=names,
            lower_names=lower_names,
        )

    def __len__(self) -> int:
        return len(self.documents)

    def rows_of(self, service_ids: Iterable[str], count: int) -> Rows:
        """Each service's row, in order; -1 for one not in the table (no longer public)."""
        return np.fromiter(map(self.rows.get, service_ids, repeat(-1)), dtype=np.intp, count=count)

    def rows_in(self, numbering: NDArray[np.object_]) -> Rows:
        """rows_of for every id of a text backend's `numbering` (its service ids by its own document
        numbers, None where a number has none), worked out once for each numbering and kept: a search
        then finds its matches' rows by their numbers in one step, rather than looking up a thousand
        ids one by one (0.4 ms a search, in memory no other part of the request has just read)."""
        kept = self._numbered
        if kept and kept[0][0] is numbering:
            return kept[0][1]
        rows = self.rows_of(numbering.tolist(), len(numbering))
        kept[:] = [(numbering, rows)]
        return rows

    def having(self, rows: Rows, facet: str, values: Iterable[str]) -> Mask:
        """Which of `rows` count under any of the facet's `values`."""
        wanted = [self.columns[token] for value in values if (token := facet_token(facet, value)) in self.columns]
        if not wanted:
            return np.zeros(len(rows), dtype=np.bool_)
        if len(wanted) == 1:
            return self.options[rows, wanted[0]]
        return np.asarray(self.options[np.ix_(rows, np.array(wanted, dtype=np.intp))].any(axis=1))

    def how_many(self, rows: Rows, facet: str, values: Iterable[str]) -> NDArray[np.intp]:
        """For each of `rows`, how many of the facet's `values` it counts under."""
        wanted = [self.columns[token] for value in values if (token := facet_token(facet, value)) in self.columns]
        if not wanted:
            return np.zeros(len(rows), dtype=np.intp)
        return self.options[np.ix_(rows, np.array(wanted, dtype=np.intp))].sum(axis=1, dtype=np.intp)

    def serving_any_age(self, rows: Rows, ages: Iterable[int]) -> Mask:
        """ServiceDocument.serves_age for any of `ages`, for each of `rows`."""
        low, high = self.minimum_age[rows], self.maximum_age[rows]
        served = np.zeros(len(rows), dtype=np.bool_)
        for age in ages:
            served |= (low <= age) & (age <= high)
        return served

    def counts(self, rows: Rows) -> dict[str, int]:
        """How many of `rows` count under each filter option (by facet_token)."""
        totals = np.count_nonzero(self.options[rows], axis=0).tolist() if len(rows) else [0] * len(self.columns)
        return dict(zip(self.columns, totals))

    def near(self, rows: Rows, centre: Point, miles: float) -> tuple[Mask, NDArray[np.float64]]:
        """Which of `rows` have a place within `miles` of `centre`, and each one's distance in miles
        to its nearest place (infinite for those without a place)."""
        chords = self.places.nearest_chords(centre)[self.place_rows[rows]]
        return chords <= chord_squared(miles), miles_of_chords_squared(chords)

    def kind_asked(self, rows: Rows, words: Iterable[str]) -> Mask:
        """Which of `rows` are a general place of a kind the words ask for ("gp", "library")."""
        asked = np.zeros(len(self.documents), dtype=np.bool_)
        for word in words:
            found = self.kind_words.get(word)
            if found is not None:
                asked |= found
        return asked[rows] & self.general[rows]

    def out_of_date(self, rows: Rows, cutoff: dt.date) -> Mask:
        """Which of `rows` were last checked on or before `cutoff` (never checked: not out of date)."""
        assured = self.assured[rows]
        return (assured != 0) & (assured <= cutoff.toordinal())
