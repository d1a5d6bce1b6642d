"""The search service of one process: the document store, the text index and the engine, kept in
step with the database."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from portal.datafiles.vocabularies import Vocabularies
from portal.geo.distance import Point
from portal.models import Service
from portal.search.backends.database import DatabaseTextSearch, ResilientTextIndex
from portal.search.backends.whoosh import WhooshIndex
from portal.search.backends.whoosh_repair import check_and_repair
from portal.search.documents import ServiceDocument
from portal.search.engine import FacetDimensions, SearchEngine, SearchOutcome, TextBackend
from portal.search.params import SearchParams
from portal.search.reading import load_documents
from portal.search.store import DocumentStore
from portal.search.synonyms import Synonyms

logger = logging.getLogger("portal.search")
FULL_CHECK_SECONDS = 60.0
# A missing Whoosh index is built before the first search answers when the directory is this small
# (a second or two); a larger one is built in the background while the database answers searches.
SYNC_REBUILD_LIMIT = 2000


@dataclass
class RebuildReport:
    documents: int
    seconds: float


def need_words(vocab: Vocabularies, synonyms: Synonyms) -> dict[str, str]:
    """The words that describe each need: its name and the everyday English phrases that mean it (the
    services write in English; phrases in other languages are found by the synonyms themselves)."""
    words: dict[str, list[str]] = {slug: [need.name] for slug, need in vocab.needs.items()}
    for slug, phrases in synonyms.phrases_by_need().items():
        words.setdefault(slug, []).extend(phrases)
    return {slug: " ".join(parts) for slug, parts in words.items()}


class TextIndex(TextBackend, Protocol):
    """A text backend the service keeps in step with the database."""

    def exists(self) -> bool: ...

    def rebuild_if_missing(self, documents: Iterable[ServiceDocument]) -> None: ...

    def rebuild(self, documents: Iterable[ServiceDocument]) -> int: ...

    def write(self, documents: Iterable[ServiceDocument], removed: Iterable[str],
              only_newer: bool = False) -> None: ...

    def warm(self) -> None: ...

    def close(self) -> None: ...


def make_text_index(backend: str, engine: Engine, index_dir: Path, words: dict[str, str]) -> TextIndex:
    """The index SEARCH_BACKEND names: Whoosh files in `index_dir` (one per server), or PostgreSQL
    full-text search in the database (shared by every server)."""
    if backend == "postgresql":
        from portal.search.backends.postgresql import PostgresIndex

        return PostgresIndex(engine, words)
    return WhooshIndex(index_dir, words)


class SearchService:
    def __init__(self, engine: Engine, index_dir: Path, vocab: Vocabularies, synonyms: Synonyms,
                 sync_seconds: float = 2.0, backend: str = "whoosh", stale_months: int = 12) -> None:
        self.database = engine
        self.vocab = vocab
        self.synonyms = synonyms
        self.index = make_text_index(backend, engine, index_dir, need_words(vocab, synonyms))
        self.store = DocumentStore()
        self.sync_seconds = sync_seconds
        self._watermark: dt.datetime | None = None
        self._checked = 0.0
        self._full_checked = 0.0
        self._index_checked = 0.0
        self._by_need: tuple[tuple[int, dt.date], dict[str, tuple[list[str], list[str]]]] | None = None
        self._lock = threading.RLock()
        self._unwritten: set[str] = set()  # services whose index write failed, written again at each sync
        self.sync_rebuild_limit = SYNC_REBUILD_LIMIT
        self.resilient: ResilientTextIndex | None = None
        text: TextBackend = self.index
        if isinstance(self.index, WhooshIndex):
            check_and_repair(self.index)
            self.resilient = ResilientTextIndex(
                self.index, DatabaseTextSearch(engine, self._need_slugs_of), self._documents_after_rebuild,
                self.reconcile)
            text = self.resilient
        self.engine = SearchEngine(self.store, text, synonyms, self._dimensions(), stale_months)

    def _need_slugs_of(self, service_id: str) -> Iterable[str]:
        document = self.store.get(service_id)
        return document.need_slugs if document is not None else ()

    def _documents_after_rebuild(self) -> list[ServiceDocument]:
        """For a background rebuild: this process's documents (kept in step with the database)."""
        return list(self.store.all())

    def reconcile(self) -> None:
        """After a background rebuild: write into the index any change made while it was being built."""
        with self._lock:
            documents = list(self.store.all())
        self.index.write(documents, [], only_newer=True)

    def _dimensions(self) -> FacetDimensions:
        return FacetDimensions(
            needs=tuple(self.vocab.needs),
            levels=tuple(self.vocab.levels),
            neighbourhoods=tuple(self.vocab.neighbourhoods),
            languages=("ar", "bn", "pl", "ur", "en"),
            accessibility=(),
        )

    # -- keeping in step --------------------------------------------------------------------

    def _session(self) -> Session:
        return Session(self.database, expire_on_commit=False)

    def ensure_ready(self) -> None:
        """Load this process's documents on first use, and build the index if there is none."""
        now = time.monotonic()
        if self.store.loaded and now - self._index_checked < self.sync_seconds:
            return
        with self._lock:
            self.load_documents()
            # Looking for the index opens its files: done as often as looking for changes, not per search.
            self._index_checked = now
            if not self.index.exists():
                if self.resilient is not None and len(self.store) > self.sync_rebuild_limit:
                    self.resilient.rebuild_in_background()
                else:
                    self.index.rebuild_if_missing(self.store.all())

    def load_documents(self) -> None:
        """This process's documents, from the database, unless they are loaded already."""
        with self._lock:
            if not self.store.loaded:
                with self._session() as session:
                    self._watermark = self._newest_change(session)
                    self.store.replace_all(load_documents(session))
                self._checked = self._full_checked = time.monotonic()

    @staticmethod
    def _newest_change(session: Session) -> dt.datetime | None:
        newest: dt.datetime | None = session.execute(
            select(Service.last_modified).order_by(Service.last_modified.desc()).limit(1)).scalar()
        return newest

    def catch_up(self, force: bool = False) -> None:
        """Pick up changes committed by any process since we last looked (cheap, rate-limited)."""
        now = time.monotonic()
        if not force and now - self._checked < self.sync_seconds:
            return
        with self._lock:
            self._checked = now
            with self._session() as session:
                self._retry_failed_writes(session)
                query = select(Service.id, Service.last_modified)
                if self._watermark is not None:
                    query = query.where(Service.last_modified > self._watermark)
                changed = session.execute(query).all()
                if changed:
                    self._watermark = max(row.last_modified for row in changed)
                    self._refresh(session, [row.id for row in changed], elsewhere=True)
                if force or now - self._full_checked > FULL_CHECK_SECONDS:
                    self._full_checked = now
                    public = set(session.execute(select(Service.id).where(
                        Service.is_public)).scalars())
                    gone = [service_id for service_id in list(self._known_ids()) if service_id not in public]
                    if gone:
                        self._apply([], gone, elsewhere=True)

    def _known_ids(self) -> Iterable[str]:
        return [document.id for document in self.store.all()]

    def refresh_services(self, service_ids: Iterable[str]) -> None:
        """Reindex these services now (after a commit in this process)."""
        ids = list(dict.fromkeys(service_ids))
        if not ids:
            return
        with self._lock, self._session() as session:
            self._refresh(session, ids)

    def _refresh(self, session: Session, ids: list[str], elsewhere: bool = False) -> None:
        documents = list(load_documents(session, ids))
        found = {document.id for document in documents}
        self._apply(documents, [service_id for service_id in ids if service_id not in found], elsewhere)

    def _apply(self, documents: list[ServiceDocument], removed: list[str], elsewhere: bool = False) -> None:
        """Into this process's documents, and into the index (which, for a change committed
        `elsewhere`, usually holds it already and is then left alone).

        The change is already committed when this runs, so a failure to write the index (a full disk,
        a folder that cannot be written) is not the change's failure: it is logged, and the services
        are written again at each sync until the index takes them (`_retry_failed_writes`)."""
        self.store.apply(documents, removed)
        try:
            self.index.write(documents, removed, only_newer=elsewhere)
        except Exception as error:  # noqa: BLE001  # any failure: the database has the change
            self._unwritten.update(document.id for document in documents)
            self._unwritten.update(removed)
            logger.error("search index not updated for %d changed services (%s: %s); retrying at each sync",
                         len(documents) + len(removed), type(error).__name__, error)

    def _retry_failed_writes(self, session: Session) -> None:
        """Write again the services whose index write failed; they stay listed until it works."""
        if not self._unwritten:
            return
        ids, self._unwritten = sorted(self._unwritten), set()
        self._refresh(session, ids)
        if not self._unwritten:
            logger.info("search index caught up with %d changed services", len(ids))

    def rebuild(self) -> RebuildReport:
        """Build a fresh index from the database and swap it in; searches go on meanwhile."""
        started = time.perf_counter()
        with self._lock:
            with self._session() as session:
                # The newest change the rebuild includes: catch_up below then applies only what is
                # newer, instead of (in a process that had not searched yet) every service again.
                self._watermark = self._newest_change(session)
                documents: list[ServiceDocument] = []

                def loading() -> Iterator[ServiceDocument]:
                    # Read as the index takes them: the index's processes analyse one batch while
                    # the next is read from the database.
                    for document in load_documents(session):
                        documents.append(document)
                        yield document

                count = self.index.rebuild(loading())
            self.store.replace_all(documents)
        # Anything committed while the new index was being built is applied to it now.
        self.catch_up(force=True)
        return RebuildReport(count, time.perf_counter() - started)

    # -- searching ------------------------------------------------------------------------------

    def services_by_need(self) -> dict[str, tuple[list[str], list[str]]]:
        """For each need, its services' ids: Tameside's own, then the national and Greater Manchester ones,
        each by name. Worked out from this process's documents once per change (for the need pages)."""
        version = self.current_version()
        with self._lock:
            if self._by_need is None or self._by_need[0] != version:
                grouped: dict[str, tuple[list[str], list[str]]] = {}
                for document in sorted(self.store.all(), key=lambda d: (d.name, d.id)):
                    for slug in dict.fromkeys(document.need_slugs):
                        local, wider = grouped.setdefault(slug, ([], []))
                        (wider if document.beyond_tameside else local).append(document.id)
                self._by_need = (version, grouped)
            return self._by_need[1]

    def warm(self) -> None:
        """Work out now what the first searches and pages would (each document's filter options, the
        need pages' lists, the documents' columns), for gunicorn's master to share with the workers it forks."""
        for document in self.store.all():
            document.facet_tokens  # noqa: B018  # computed once and kept on the document
        self.services_by_need()
        self.store.table()

    def documents(self, service_ids: Iterable[str]) -> list[ServiceDocument]:
        """These services' search documents, in this order (those no longer public left out)."""
        found = (self.store.get(service_id) for service_id in service_ids)
        return [document for document in found if document is not None]

    def need_counts(self) -> dict[str, int]:
        """How many public services each need has (from `services_by_need`, worked out once per change)."""
        return {slug: len(local) + len(wider) for slug, (local, wider) in self.services_by_need().items()}

    def current_version(self) -> tuple[int, dt.date]:
        """What every search answer depends on besides its own words: the documents (after picking up
        changes from other processes) and the date (which services may be out of date)."""
        self.ensure_ready()
        self.catch_up()
        return self.store.version, self.engine.today()

    def search(self, params: SearchParams, centre: Point | None = None) -> SearchOutcome:
        """Run a search, against the documents as they are now."""
        self.ensure_ready()
        self.catch_up()
        return self.engine.search(params, centre)
