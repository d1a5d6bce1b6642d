"""Search that keeps working when the Whoosh index is missing or cannot be read.

`DatabaseTextSearch` matches the words of a search in the database itself (service name and
description, case-insensitive), with no stemming, typo correction or highlights: plainer, but never
empty-handed. `ResilientTextIndex` answers from the Whoosh index while it is healthy; when reading it
fails, or it is missing, it answers from the database and has a fresh index built in the background,
then goes back to the index once that is in place.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from portal.models import Organization, Service
from portal.search.analysis import query_words
from portal.search.backends.contract import TEXT_MATCH_LIMIT, TextMatch
from portal.search.backends.whoosh import WhooshIndex
from portal.search.documents import ServiceDocument

logger = logging.getLogger("portal.search")
NAME_WEIGHT = 4.0
ORGANISATION_WEIGHT = 1.5
DESCRIPTION_WEIGHT = 1.0
NEED_WEIGHT = 3.0
# After a failed background rebuild, the next is tried no sooner than this (no rebuild storm).
RETRY_SECONDS = 60.0


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class DatabaseTextSearch:
    """Word matching in the database, for when the index cannot answer."""

    def __init__(self, engine: Engine, need_slugs_of: Callable[[str], Iterable[str]]) -> None:
        self.engine = engine
        self.need_slugs_of = need_slugs_of

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch:
        words = list(dict.fromkeys(query_words(text) + [w for w in (extra_words or []) if w]))
        scores: dict[str, float] = {}
        if words:
            conditions = []
            for word in words:
                pattern = _like(word)
                conditions += [Service.name.ilike(pattern, escape="\\"),
                               Service.description.ilike(pattern, escape="\\"),
                               Organization.name.ilike(pattern, escape="\\")]
            query = (select(Service.id, Service.name, Service.description, Organization.name)
                     .join(Organization, Service.organization_id == Organization.id)
                     .where(Service.is_public, or_(*conditions))
                     .limit(TEXT_MATCH_LIMIT))
            with Session(self.engine) as session:
                for service_id, name, description, organisation in session.execute(query):
                    score = 0.0
                    for word in words:
                        score += NAME_WEIGHT * (word in (name or "").lower())
                        score += ORGANISATION_WEIGHT * (word in (organisation or "").lower())
                        score += DESCRIPTION_WEIGHT * (word in (description or "").lower())
                    scores[service_id] = score
        if need_slugs:
            for service_id in list(scores):
                if set(self.need_slugs_of(service_id)) & set(need_slugs):
                    scores[service_id] += NEED_WEIGHT
        return TextMatch.from_scores(scores, suggestion=None, query=None)

    def highlights(self, query: Any, documents: list[ServiceDocument]) -> dict[str, str]:
        return {}


class ResilientTextIndex:
    """The Whoosh index, with the database to fall back on and a rebuild in the background."""

    def __init__(self, index: WhooshIndex, fallback: DatabaseTextSearch,
                 documents: Callable[[], list[ServiceDocument]],
                 after_rebuild: Callable[[], None] | None = None) -> None:
        self.index = index
        self.fallback = fallback
        self.documents = documents
        self.after_rebuild = after_rebuild
        self._rebuilding: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failures = 0
        self._failed_at: float | None = None

    @property
    def degraded(self) -> bool:
        """True while searches are answered from the database. (A stat of the link, not an open of the
        index: this is asked on every search; an index that exists but cannot be read is found out by
        the failure of the search itself.)"""
        return self.rebuilding or not self.index.current_link.exists()

    @property
    def rebuilding(self) -> bool:
        thread = self._rebuilding
        return thread is not None and thread.is_alive()

    def rebuild_in_background(self) -> None:
        """Start a rebuild unless one is running in this process already."""
        with self._lock:
            if self.rebuilding or (self._failed_at is not None
                                   and time.monotonic() - self._failed_at < RETRY_SECONDS):
                return
            self._rebuilding = threading.Thread(target=self._rebuild, name="search-index-rebuild", daemon=True)
            self._rebuilding.start()

    def _rebuild(self) -> None:
        try:
            count = self.index.rebuild(self.documents())
            if self.after_rebuild is not None:
                self.after_rebuild()
            self._failed_at = None
            logger.warning("search index rebuilt in the background: %d services", count)
        except Exception:  # a failed rebuild leaves the database search answering; retried after a while
            self._failed_at = time.monotonic()
            logger.exception("search index rebuild failed; searches go on from the database")

    def wait(self, seconds: float) -> bool:
        """Wait for a background rebuild (tests and commands); True when none is running afterwards."""
        thread = self._rebuilding
        if thread is not None:
            thread.join(seconds)
        return not self.rebuilding

    def _broken(self, error: BaseException) -> None:
        self.failures += 1
        logger.error("search index unreadable (%s): answering from the database and rebuilding",
                     type(error).__name__)
        self.index.close()
        self.rebuild_in_background()

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch:
        if self.degraded:
            if not self.rebuilding:
                self.rebuild_in_background()
            return self.fallback.match(text, need_slugs, extra_words, understood)
        try:
            return self.index.match(text, need_slugs, extra_words, understood)
        except Exception as error:  # any failure to read the index: Whoosh raises many kinds
            self._broken(error)
            return self.fallback.match(text, need_slugs, extra_words, understood)

    def highlights(self, query: Any, documents: list[ServiceDocument]) -> dict[str, str]:
        if query is None or self.degraded:
            return {}
        try:
            return self.index.highlights(query, documents)
        except Exception as error:  # highlights are a nicety: the results are shown without them
            self._broken(error)
            return {}
