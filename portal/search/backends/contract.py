"""What every text backend gives the search engine, and takes from it: the one contract the Whoosh
index, PostgreSQL full-text search and the database fallback share. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from portal.search.documents import ServiceDocument

# The best this many matches are kept: far enough down any list that nobody reads on, and it spares
# scoring every service that shares one common word with the search.
TEXT_MATCH_LIMIT = 1000


@dataclass
class TextMatch:
    """Scores by service id; a "did you mean" suggestion; the backend's own form of the query,
    handed back to it for highlighting; and the words typos were looked for in (the search's cost)."""

    scores: dict[str, float] = field(default_factory=dict)
    suggestion: str | None = None
    query: Any = None
    typo_words: tuple[str, ...] = ()


class TextBackend(Protocol):
    """Full-text matching over the services (Whoosh, or PostgreSQL full-text search)."""

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch: ...

    def highlights(self, query: Any, documents: list[ServiceDocument]) -> dict[str, str]:
        """Snippets of these services' descriptions with the matched words marked, by service id."""
        ...
