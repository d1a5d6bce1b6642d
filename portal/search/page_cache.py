"""Rendered results pages, kept per process for visitors who have nothing of their own on the page.

Most searches are the same few words ("food bank", "counselling"): rendering their GOV.UK results page
costs far more than finding the results. A page is kept only when nothing on it belongs to one visitor
(see portal.search.pages.shared_page_key): the only per-request parts left are the CSP nonce and the
form token: the kept page is cut where they were, and each time it is served this request's own are
put in the gaps. Any change to any service changes the key, so a kept page is never out of date.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

PAGES = 512
SECONDS = 300.0


@dataclass(frozen=True)
class KeptPage:
    # The page as UTF-8, split where each request's own nonce or form token goes: (text, what follows).
    parts: tuple[tuple[bytes, str | None], ...]
    expires: float
    has_token: bool  # whether a form token goes in: if not, none is made (nor a session for it)


class PageCache:
    def __init__(self, size: int = PAGES, seconds: float = SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.seconds = seconds
        self.clock = clock
        self.hits = 0
        self.misses = 0
        self._pages: OrderedDict[Hashable, KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, nonce: Callable[[], str], token: Callable[[], str]) -> bytes | None:
        """The kept page for `key` with this request's nonce and form token, or None."""
        now = self.clock()
        with self._lock:
            page = self._pages.get(key)
            if page is None or page.expires <= now:
                if page is not None:
                    del self._pages[key]
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
        fresh = {NONCE: nonce().encode(), TOKEN: token().encode() if page.has_token else b""}
        return b"".join(text + fresh[gap] if gap else text for text, gap in page.parts)

    def put(self, key: Hashable, html: str, nonce: str | None, token: str | None) -> None:
        """Keep a page rendered for this request, whose nonce and form token (if it used them) are given."""
        parts = split(html, {value: name for name, value in ((NONCE, nonce), (TOKEN, token)) if value})
        kept = KeptPage(parts, self.clock() + self.seconds, any(gap == TOKEN for _, gap in parts))
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


NONCE = "nonce"
TOKEN = "token"  # nosec B105  # the name of a gap in a kept page, not a secret


def split(html: str, gaps: dict[str, str]) -> tuple[tuple[bytes, str | None], ...]:
    """`html` cut at every occurrence of each value in `gaps` (value: the name of what goes there)."""
    parts: list[tuple[bytes, str | None]] = []
    if not gaps:
        return ((html.encode(), None),)
    pattern = re.compile("|".join(re.escape(value) for value in sorted(gaps, key=len, reverse=True)))
    start = 0
    for match in pattern.finditer(html):
        parts.append((html[start:match.start()].encode(), gaps[match.group()]))
        start = match.end()
    parts.append((html[start:].encode(), None))
    return tuple(parts)
