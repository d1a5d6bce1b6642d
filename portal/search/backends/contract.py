"""What every text backend gives the search engine, and takes from it: the one contract the Whoosh
index, PostgreSQL full-text search and the database fallback share. No Flask here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from portal.search.documents import ServiceDocument

# The best this many matches are kept: far enough down any list that nobody reads on, and it spares
# scoring every service that shares one common word with the search.
TEXT_MATCH_LIMIT = 1000


@dataclass
class TextMatch:
    """The services matched (`ids`) and their scores (`values`, in the same order); a "did you mean"
    suggestion; the backend's own form of the query, handed back to it for highlighting; and the words
    typos were looked for in (the search's cost). Kept as two sequences, not a dictionary, so that a
    backend can hand over a thousand matches without hashing each id.

    A backend that numbers its documents may also give that numbering (`numbering`: each number's
    service id, None where it has none; the same array until its documents change) and each match's
    number in it (`numbers`): ids[i] == numbering[numbers[i]]. The engine then finds the matches'
    rows by number (DocumentTable.rows_in)."""

    ids: Sequence[str] = ()
    values: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    suggestion: str | None = None
    query: Any = None
    typo_words: tuple[str, ...] = ()
    numbering: NDArray[np.object_] | None = None
    numbers: NDArray[np.intp] | None = None

    @classmethod
    def from_scores(cls, scores: dict[str, float], **others: Any) -> TextMatch:
        return cls(list(scores), np.fromiter(scores.values(), dtype=np.float64, count=len(scores)), **others)

    @property
    def scores(self) -> dict[str, float]:
        """Each match's score by service id."""
        return dict(zip(self.ids, self.values.tolist()))


class TextBackend(Protocol):
    """Full-text matching over the services (Whoosh, or PostgreSQL full-text search)."""

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch: ...

    def highlights(self, query: Any, documents: list[ServiceDocument]) -> dict[str, str]:
        """Snippets of these services' descriptions with the matched words marked, by service id."""
        ...
