"""A per-process snapshot of every public service's search document, and the same documents as
columns (`DocumentTable`: filters, counts, order and distances for many services at once), made
again on first use after any change."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from portal.search.documents import ServiceDocument
from portal.search.table import DocumentTable


class DocumentStore:
    def __init__(self) -> None:
        self._documents: dict[str, ServiceDocument] = {}
        self._lock = threading.Lock()
        self.loaded = False
        self.version = 0  # changes whenever any document does
        self._table: tuple[int, DocumentTable] | None = None

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

    def table(self) -> DocumentTable:
        """Every document as columns (DocumentTable), made again on first use after any change."""
        with self._lock:
            table, version, documents = self._table, self.version, self._documents
        if table is not None and table[0] == version:
            return table[1]
        made = DocumentTable.of(documents.values())
        with self._lock:
            if self.version == version:
                self._table = (version, made)
        return made
