"""A per-process snapshot of every public service's search document, with a latitude-sorted list
of places so that "near a point" looks only at a bounding box, not at the whole directory."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

from portal.geo.distance import BoundingBox
from portal.search.documents import ServiceDocument


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, ServiceDocument] = {}
        self._latitudes: list[float] = []
        self._place_owners: list[tuple[float, float, str]] = []
        self._borough_wide: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self.loaded = False
        self.version = 0  # changes whenever any document does

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
