"""A per-process snapshot of every public service's search document, with a latitude-sorted list
of places so that "near a point" looks only at a bounding box, not at the whole directory, and every
place in arrays (`PlaceTable`) to find each service's nearest place to a point in one pass."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from portal.geo.distance import BoundingBox, Point, chord_squared, miles_of_chord_squared, unit_vectors
from portal.search.documents import ServiceDocument


@dataclass(frozen=True)
class PlaceTable:
    """Every place of the documents that have one, grouped by document, as points on the unit sphere:
    one numpy pass gives each document's nearest place to a point, by the straight line through the
    sphere (the chord), which grows with the great-circle distance; the distance itself is then worked
    out only for the services kept, instead of the haversine in a Python loop over each search's
    candidates (about a thousand)."""

    rows: dict[str, int]  # service id -> its row in what `nearest_chords` returns
    x: NDArray[np.float64]  # each place's point (x, y, z), one array per axis
    y: NDArray[np.float64]
    z: NDArray[np.float64]
    starts: NDArray[np.intp] | None  # each row's first place; None when every row has one place

    @classmethod
    def of(cls, documents: Iterable[ServiceDocument]) -> PlaceTable:
        rows: dict[str, int] = {}
        latitudes: list[float] = []
        longitudes: list[float] = []
        starts: list[int] = []
        for document in documents:
            if document.places:
                rows[document.id] = len(starts)
                starts.append(len(latitudes))
                latitudes.extend(place.latitude for place in document.places)
                longitudes.extend(place.longitude for place in document.places)
        x, y, z = unit_vectors(np.array(latitudes, dtype=np.float64), np.array(longitudes, dtype=np.float64))
        return cls(rows, x, y, z, None if len(starts) == len(latitudes) else np.array(starts, dtype=np.intp))

    def nearest_chords(self, centre: Point) -> NDArray[np.float64]:
        """For each row, the squared chord from `centre` to the document's nearest place, and one
        more row, infinite, for documents without a place."""
        if not self.rows:
            return np.array([np.inf])
        x0, y0, z0 = unit_vectors(np.array([centre.latitude]), np.array([centre.longitude]))
        squared = self.x - x0
        squared *= squared
        for axis, origin in ((self.y, y0), (self.z, z0)):
            offset = axis - origin
            offset *= offset
            squared += offset
        nearest = squared if self.starts is None else np.minimum.reduceat(squared, self.starts)
        return np.append(nearest, np.inf)

    def nearest_within(self, centre: Point, miles: float, service_ids: Iterable[str]) -> dict[str, float]:
        """Of `service_ids`, those with a place within `miles` of `centre`, with the nearest one's
        great-circle distance in miles (haversine_miles's figure)."""
        ids = list(service_ids)
        rows = self.rows
        chords = self.nearest_chords(centre)[[rows.get(service_id, -1) for service_id in ids]].tolist()
        limit = chord_squared(miles)
        return {service_id: miles_of_chord_squared(chord)
                for service_id, chord in zip(ids, chords) if chord <= limit}


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, ServiceDocument] = {}
        self._latitudes: list[float] = []
        self._place_owners: list[tuple[float, float, str]] = []
        self._borough_wide: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self.loaded = False
        self.version = 0  # changes whenever any document does
        self._table: tuple[int, PlaceTable] | None = None

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, service_id: str) -> ServiceDocument | None:
        return self._documents.get(service_id)

    def all(self) -> Iterable[ServiceDocument]:
        return self._documents.values()

    def borough_wide_ids(self) -> frozenset[str]:
        """Services that cover all of Tameside, wherever their places are."""
        return self._borough_wide

    def replace_all(self, documents: Iterable[ServiceDocument]) -> None:
        fresh = {document.id: document for document in documents}
        with self._lock:
            self._documents = fresh
            self._rebuild_places()
            self.loaded = True
            self.version += 1

    def apply(self, changed: Iterable[ServiceDocument], removed: Iterable[str]) -> None:
        """Replace or remove a few documents; the sorted place list is edited, not rebuilt."""
        changed = list(changed)
        with self._lock:
            documents = self._documents
            owners, latitudes = list(self._place_owners), list(self._latitudes)
            for service_id in [*removed, *(document.id for document in changed)]:
                old = documents.get(service_id)
                for place in old.places if old else ():
                    entry = (place.latitude, place.longitude, service_id)
                    position = bisect.bisect_left(owners, entry)
                    if position < len(owners) and owners[position] == entry:
                        del owners[position]
                        del latitudes[position]
            documents = dict(documents)
            borough_wide = set(self._borough_wide)
            for service_id in removed:
                documents.pop(service_id, None)
                borough_wide.discard(service_id)
            for document in changed:
                documents[document.id] = document
                if document.all_of_tameside:
                    borough_wide.add(document.id)
                else:
                    borough_wide.discard(document.id)
                for place in document.places:
                    entry = (place.latitude, place.longitude, document.id)
                    position = bisect.bisect_left(owners, entry)
                    owners.insert(position, entry)
                    latitudes.insert(position, place.latitude)
            self._documents, self._place_owners, self._latitudes = documents, owners, latitudes
            self._borough_wide = frozenset(borough_wide)
            self.version += 1

    def _rebuild_places(self) -> None:
        owners = sorted(
            (place.latitude, place.longitude, document.id)
            for document in self._documents.values()
            for place in document.places
        )
        self._place_owners = owners
        self._latitudes = [owner[0] for owner in owners]
        self._borough_wide = frozenset(
            service_id for service_id, document in self._documents.items() if document.all_of_tameside)

    def place_table(self) -> PlaceTable:
        """Every place in arrays (PlaceTable), made again on first use after any change."""
        with self._lock:
            table, version, documents = self._table, self.version, self._documents
        if table is not None and table[0] == version:
            return table[1]
        made = PlaceTable.of(documents.values())
        with self._lock:
            if self.version == version:
                self._table = (version, made)
        return made

    def ids_within(self, box: BoundingBox) -> set[str]:
        """Services with a place inside the box: a bisect on latitude, then a longitude check."""
        owners, latitudes = self._place_owners, self._latitudes
        start = bisect.bisect_left(latitudes, box.min_latitude)
        end = bisect.bisect_right(latitudes, box.max_latitude)
        return {
            service_id
            for _, longitude, service_id in owners[start:end]
            if box.min_longitude <= longitude <= box.max_longitude
        }
