"""A per-process snapshot of every public service's search document, and the same documents as
columns (`DocumentTable`: filters, counts, order and distances for many services at once), made
again on first use after any change."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from portal.search.documents import ServiceDocument
from portal.search.table import DocumentTable

# Past this many edits since the table was last brought up to date, it is made afresh instead.
MOST_EDITS_KEPT = 1000


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, ServiceDocument] = {}
        self._lock = threading.Lock()
        self.loaded = False
        self.version = 0  # changes whenever any document does
        self._table: tuple[int, DocumentTable] | None = None
        # The services each edit changed, by the version it made: the table is edited, not made again.
        self._edits: list[tuple[int, frozenset[str]]] = []

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, service_id: str) -> ServiceDocument | None:
        return self._documents.get(service_id)

    def all(self) -> Iterable[ServiceDocument]:
        return self._documents.values()

    def replace_all(self, documents: Iterable[ServiceDocument]) -> None:
        fresh = {document.id: document for document in documents}
        with self._lock:
            self._documents = fresh
            self.loaded = True
            self.version += 1
            self._table, self._edits = None, []

    def apply(self, changed: Iterable[ServiceDocument], removed: Iterable[str]) -> None:
        """Replace or remove a few documents."""
        with self._lock:
            documents = dict(self._documents)
            for service_id in removed:
                documents.pop(service_id, None)
            for document in changed:
                documents[document.id] = document
            self._documents = documents
            self.version += 1
            self._edits.append((self.version, frozenset(document.id for document in changed)))
            if len(self._edits) > MOST_EDITS_KEPT:  # many edits and no search (an import): made afresh
                self._table, self._edits = None, []

    def table(self) -> DocumentTable:
        """Every document as columns (DocumentTable), brought up to date on first use after any change:
        edited where only some documents changed since it was made, made afresh after replace_all."""
        with self._lock:
            table, version, documents, edits = self._table, self.version, self._documents, list(self._edits)
        if table is not None and table[0] == version:
            return table[1]
        if table is None:
            made = DocumentTable.of(documents.values())
        else:
            changed = frozenset().union(*(ids for made_by, ids in edits if made_by > table[0]))
            made = table[1].edited(documents.values(), changed)
        with self._lock:
            if self.version == version:
                self._table = (version, made)
                self._edits = [edit for edit in self._edits if edit[0] > version]
        return made
