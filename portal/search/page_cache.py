"""Rendered results pages, kept per process for visitors who have nothing of their own on the page.

Most searches are the same few words ("food bank", "counselling"): rendering their GOV.UK results page
costs far more than finding the results. A page is kept only when nothing on it belongs to one visitor
(see portal.search.pages.shared_page_key): the only per-request parts left are the CSP nonce and the
form token: the kept page is cut where they were, and each time it is served this request's own are
put in the gaps. Any change to any service changes the key, so a kept page is never out of date.

For browsers that accept gzip, a kept page is also kept compressed, a piece per gap: each piece is
deflated with the compressor's history reset at its end (a full flush), so nothing after a gap refers
back past it. Each request's nonce and token go in the gaps as stored (uncompressed) deflate blocks,
so the gzip stream is assembled without compressing the page again, and the secrets are never
compressed alongside what the visitor typed (the BREACH attack needs exactly that).
"""

from __future__ import annotations

import re
import struct
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

# Rendered results pages kept per process (about 70 KB each with their compressed copy).
PAGES = 128
SECONDS = 300.0


GZIP_LEVEL = 6
# A gzip member's header: deflate, no flags, no time, no extra flags, unknown operating system (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


@dataclass(frozen=True)
class KeptPage:
    # The page as UTF-8, split where each request's own nonce or form token goes: (text, what follows).
    parts: tuple[tuple[bytes, str | None], ...]
    expires: float
    has_token: bool  # whether a form token goes in: if not, none is made (nor a session for it)
    deflated: tuple[bytes, ...]  # each part's text, raw deflate ending in a full flush
    size: int  # the length of the texts, without the gaps


def deflate_parts(parts: tuple[tuple[bytes, str | None], ...]) -> tuple[bytes, ...]:
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return tuple(compressor.compress(text) + compressor.flush(zlib.Z_FULL_FLUSH) for text, _ in parts)


STORED_MAX = 0xFFFF  # the most a stored block holds


def stored(value: bytes, final: bool = False) -> bytes:
    """`value` as stored (not compressed) deflate blocks, for a stream at a byte boundary, as every
    piece here ends on one (RFC 1951, 3.2.4): each block is a header byte (BFINAL, then BTYPE 00, then
    padding), its length and the length's complement, then the bytes themselves. Written out rather than
    asked of zlib, whose compressor costs tens of microseconds to set up for a few bytes."""
    blocks = []
    for start in range(0, max(len(value), 1), STORED_MAX):
        chunk = value[start:start + STORED_MAX]
        last = final and start + STORED_MAX >= len(value)
        blocks.append(bytes([last]) + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


FINAL_BLOCK = stored(b"", final=True)  # an empty last block


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

    def get(self, key: Hashable, nonce: Callable[[], str], token: Callable[[], str],
            gzip: bool = False) -> bytes | None:
        """The kept page for `key` with this request's nonce and form token (gzip-compressed if asked),
        or None."""
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
        return serve(page, nonce, token, gzip)

    def put(self, key: Hashable, html: str, nonce: str | None, token: str | None) -> KeptPage:
        """Keep a page rendered for this request, whose nonce and form token (if it used them) are given."""
        parts = split(html, {value: name for name, value in ((NONCE, nonce), (TOKEN, token)) if value})
        kept = KeptPage(parts, self.clock() + self.seconds, any(gap == TOKEN for _, gap in parts),
                        deflate_parts(parts), sum(len(text) for text, _ in parts))
        with self._lock:
            self._pages[key] = kept
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return kept

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def serve(page: KeptPage, nonce: Callable[[], str], token: Callable[[], str], gzip: bool = False) -> bytes:
    """`page` with this request's nonce and form token in its gaps: as it is, or as a gzip stream."""
    fresh = {NONCE: nonce().encode(), TOKEN: token().encode() if page.has_token else b""}
    if not gzip:
        return b"".join(text + fresh[gap] if gap else text for text, gap in page.parts)
    blocks = {name: stored(value) for name, value in fresh.items() if value}
    pieces, crc, size = [GZIP_HEADER], 0, page.size
    for (text, gap), deflated in zip(page.parts, page.deflated):
        pieces.append(deflated)
        crc = zlib.crc32(text, crc)
        if gap and fresh[gap]:
            pieces.append(blocks[gap])
            crc = zlib.crc32(fresh[gap], crc)
            size += len(fresh[gap])
    pieces += [FINAL_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
    return b"".join(pieces)


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
