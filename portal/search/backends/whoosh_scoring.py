"""Scoring a search term by term over Whoosh's postings, with numpy: every matching service is found
and scored without walking Whoosh's matcher tree document by document.

Whoosh's collector moves a tree of matchers (one per term and field) forward one document at a time
and asks each for its score: about 2,000 matches of a two-word search cost over 50 ms in Python.
Here each term's postings are read a block at a time into arrays, and the same BM25F formula Whoosh
uses (same parameters, same per-field lengths, same idf) is applied to the whole array at once; the
coordination bonus of `Or(..., scale=)` (Whoosh's `CoordMatcher`) is added the same way. The only
difference from Whoosh's own figures is that bonus's term count: Whoosh's collector shrinks it as
terms run out of documents, so the same document scores differently depending on where it lies in
the index, while here it is counted once for the whole query (per segment, as Whoosh does).

The query is the Or of Term, Phrase and fuzzy (`FuzzyTerm`) clauses that `WhooshIndex.build_query`
makes. A phrase clause is matched from the words' positions, in the documents holding every word
(where those are many, the best PHRASE_CANDIDATES of them), and scored as Whoosh scores a phrase. A
fuzzy clause stands for the terms of the words it reaches, as in Whoosh.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from numpy.typing import NDArray
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import FuzzyTerm, Or, Phrase, Query, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

# Whoosh's BM25F defaults (whoosh.scoring.BM25F), which the index has always been searched with.
BM25_B = 0.75
BM25_K1 = 1.2

# Documents whose word positions are checked for one phrase, at most (see _Tally.phrase): well beyond
# the twenty a page shows.
PHRASE_CANDIDATES = 50

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass
class Scored:
    """The matching documents (by document number in the searcher) and their scores."""

    docnums: Ints
    scores: Floats

    def best(self, limit: int) -> tuple[Ints, Floats]:
        """The `limit` best, in no particular order (a partial sort: only the cut is found)."""
        if len(self.docnums) <= limit:
            return self.docnums, self.scores
        keep = np.argpartition(-self.scores, limit - 1)[:limit]
        return self.docnums[keep], self.scores[keep]


class FieldLengths:
    """Each document's length in each scored field, by segment. A segment never changes once written
    (an edit adds a new one), so its lengths are read once (about 70 ms for 10,000 services)."""

    def __init__(self) -> None:
        self._by_segment: dict[tuple[str, str], NDArray[np.float32]] = {}

    def of(self, leaf: Searcher, field: str) -> NDArray[np.float32]:
        reader = leaf.reader()
        segment = reader.segment()
        key = (segment.segment_id() if segment is not None else str(id(reader)), field)
        lengths = self._by_segment.get(key)
        if lengths is None:
            count = reader.doc_count_all()
            lengths = np.fromiter((reader.doc_field_length(docnum, field, 0) or 0 for docnum in range(count)),
                                  dtype=np.float32, count=count)
            self._by_segment[key] = lengths
        return lengths

    def keep_only(self, leaves: Iterable[Searcher]) -> None:
        """Forget segments no longer in the index."""
        current = set()
        for leaf in leaves:
            segment = leaf.reader().segment()
            if segment is not None:
                current.add(segment.segment_id())
        self._by_segment = {key: value for key, value in self._by_segment.items() if key[0] in current}


# A term held by at least this many documents of a segment has its postings decoded once, when the
# segment is first opened (SegmentPostings): Whoosh reads postings by unpickling each block of them
# with its word positions, about a microsecond a document in Python, and the common words are most of
# what a search reads. About 8 MB at 10,000 services, read in gunicorn's master and shared by the
# workers (operations/prefork.py); a rare term is read from the index when it is asked for.
KEEP_POSTINGS_FROM = 16


def _stored_postings(reader: IndexReader, field: str, text: bytes) -> tuple[Ints, NDArray[np.float32]]:
    """A term's document numbers and weights (term frequencies) in one segment, a block at a time; the
    segment's deleted documents are not left out here (see _Tally.postings)."""
    if (field, text) not in reader:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        matcher = matcher.child  # the postings themselves, without Whoosh's filter of deleted documents
    ids: list[NDArray[np.int64]] = []
    weights: list[NDArray[np.float32]] = []
    if isinstance(matcher, W3LeafMatcher):
        # The block's arrays as Whoosh decodes them for its own matcher (id() and weight() read them).
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int64))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:  # another codec: the public, slower way
        found_ids, found_weights = [], []
        while matcher.is_active():
            found_ids.append(matcher.id())
            found_weights.append(matcher.weight())
            matcher.next()
        ids.append(np.asarray(found_ids, dtype=np.int64))
        weights.append(np.asarray(found_weights, dtype=np.float32))
    if not ids:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def _all_positions(reader: IndexReader, field: str, text: bytes) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Every posting's word positions of a term in one segment, in the postings' order, as one array
    (`flat`) with each posting's start in it (`starts`, one more at the end)."""
    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        matcher = matcher.child
    decoded: list[list[int]] = []
    if isinstance(matcher, W3LeafMatcher):
        decode = matcher.format.decoder("positions")
        while matcher.is_active():
            matcher._read_values()
            decoded.extend(map(decode, matcher._values))
            matcher._next_block()
    else:  # another codec: the public, slower way
        while matcher.is_active():
            decoded.append(matcher.value_as("positions"))
            matcher.next()
    starts = np.zeros(len(decoded) + 1, dtype=np.int32)
    np.cumsum([len(positions) for positions in decoded], out=starts[1:])
    flat = np.fromiter(chain.from_iterable(decoded), dtype=np.int32, count=int(starts[-1]))
    return starts, flat


def _positions(reader: IndexReader, field: str, text: bytes, docnums: list[int]) -> list[list[int]]:
    """A term's word positions in each of `docnums` (sorted, each holding the term) of one segment.
    Whoosh's matcher steps through every posting up to each document in Python; here a block is
    skipped whole when it holds none of them, and found in a block's ids by bisection."""
    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher) and isinstance(matcher.child, W3LeafMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # another codec: the public, slower way
        found = []
        for docnum in docnums:
            matcher.skip_to(docnum)
            found.append(matcher.value_as("positions"))
        return found
    decode = matcher.format.decoder("positions")
    found, wanted = [], 0
    while wanted < len(docnums) and matcher.is_active():
        if matcher.block_max_id() < docnums[wanted]:
            matcher._next_block()
            continue
        matcher._read_ids()
        matcher._read_values()
        ids, values = matcher._ids, matcher._values
        while wanted < len(docnums) and docnums[wanted] <= matcher.block_max_id():
            found.append(decode(values[bisect_left(ids, docnums[wanted])]))
            wanted += 1
        matcher._next_block()
    return found


class SegmentPostings:
    """The postings of each segment's common terms in the scored fields (KEEP_POSTINGS_FROM), decoded
    once per segment: a segment never changes once written (an edit adds a new one, and marks the old
    document deleted, which _Tally.postings leaves out). In the fields phrases are looked for in
    (`positions_in`), the common terms' word positions too: a phrase reads them for up to
    PHRASE_CANDIDATES documents, which from the index means unpickling whole blocks of postings (about
    half of a search's text matching); kept, about 3 MB at 10,000 services."""

    def __init__(self, fields: Iterable[str], positions_in: Iterable[str] = ()) -> None:
        self.fields = tuple(fields)
        self.positions_in = frozenset(positions_in)
        self._by_segment: dict[str, dict[tuple[str, bytes], tuple[NDArray[np.int32], NDArray[np.float32]]]] = {}
        self._positions: dict[str, dict[tuple[str, bytes], tuple[NDArray[np.int32], NDArray[np.int32]]]] = {}

    def of(self, leaf: Searcher) -> dict[tuple[str, bytes], tuple[NDArray[np.int32], NDArray[np.float32]]]:
        reader = leaf.reader()
        segment = reader.segment()
        if segment is None:
            return {}
        key = segment.segment_id()
        kept = self._by_segment.get(key)
        if kept is None:
            kept, positions = {}, {}
            for field in self.fields:
                if field not in reader.schema:
                    continue
                common = [text for text, info in reader.iter_field(field)
                          if info.doc_frequency() >= KEEP_POSTINGS_FROM]
                with_positions = field in self.positions_in and reader.schema[field].format.supports("positions")
                for text in common:
                    ids, weights = _stored_postings(reader, field, text)
                    kept[(field, text)] = (ids.astype(np.int32), weights)
                    if with_positions:
                        positions[(field, text)] = _all_positions(reader, field, text)
            self._by_segment[key], self._positions[key] = kept, positions
        return kept

    def positions(self, leaf: Searcher, field: str, text: bytes, docnums: list[int]) -> list[list[int]] | None:
        """A common term's word positions in each of `docnums` (sorted, each holding the term), or None
        when the term's positions are not kept."""
        segment = leaf.reader().segment()
        if segment is None:
            return None
        self.of(leaf)
        found = self._positions[segment.segment_id()].get((field, text))
        if found is None:
            return None
        starts, flat = found
        ids = self._by_segment[segment.segment_id()][(field, text)][0]
        at = np.searchsorted(ids, docnums)
        return [flat[begin:end].tolist() for begin, end in zip(starts[at].tolist(), starts[at + 1].tolist())]

    def keep_only(self, leaves: Iterable[Searcher]) -> None:
        """Forget segments no longer in the index."""
        current = {leaf.reader().segment().segment_id() for leaf in leaves if leaf.reader().segment() is not None}
        self._by_segment = {key: value for key, value in self._by_segment.items() if key in current}
        self._positions = {key: value for key, value in self._positions.items() if key in current}


class _Tally:
    """Scores being added up over a whole searcher: each document's total, how many of the query's
    terms it holds, and how many of the query's terms its segment holds (for the coordination bonus)."""

    def __init__(self, searcher: Searcher, lengths: FieldLengths, kept: SegmentPostings | None = None) -> None:
        size = searcher.doc_count_all()
        self.searcher = searcher
        self.lengths = lengths
        self.kept = kept
        self.leaves = searcher.leaf_searchers()
        self._read: dict[tuple[int, str, bytes], tuple[Ints, NDArray[np.float32]]] = {}
        self._deleted: dict[int, Ints | None] = {}
        self.total = np.zeros(size, dtype=np.float64)
        self.matched = np.zeros(size, dtype=np.int32)
        self.terms = np.zeros(size, dtype=np.int32)

    def postings(self, leaf: Searcher, field: str, text: bytes) -> tuple[Ints, NDArray[np.float32]]:
        """A term's postings in one segment (kept, or read from the index), without the segment's deleted
        documents; found once for the whole query (a phrase's words again)."""
        key = (id(leaf), field, text)
        found = self._read.get(key)
        if found is None:
            reader = leaf.reader()
            kept = self.kept.of(leaf).get((field, text)) if self.kept is not None else None
            ids, weights = ((kept[0].astype(np.int64), kept[1]) if kept is not None
                            else _stored_postings(reader, field, text))
            deleted = self.deleted(leaf)
            if len(ids) and deleted is not None:
                live = ~np.isin(ids, deleted)
                ids, weights = ids[live], weights[live]
            found = self._read[key] = (ids, weights)
        return found

    def positions(self, leaf: Searcher, field: str, text: bytes, docnums: list[int]) -> list[list[int]]:
        """A term's word positions in each of `docnums` (sorted, each holding it): kept, or read."""
        kept = self.kept.positions(leaf, field, text, docnums) if self.kept is not None else None
        return kept if kept is not None else _positions(leaf.reader(), field, text, docnums)

    def deleted(self, leaf: Searcher) -> Ints | None:
        """The segment's deleted documents (older versions of edited services), once for the query."""
        key = id(leaf)
        if key not in self._deleted:
            reader = leaf.reader()
            found = reader.deleted_docs_set if reader.has_deletions() else frozenset()
            self._deleted[key] = np.fromiter(found, dtype=np.int64, count=len(found)) if found else None
        return self._deleted[key]

    def term(self, field: str, text: bytes, boost: float) -> None:
        """A term in every document holding it."""
        for leaf, offset in self.leaves:
            ids, _ = self.postings(leaf, field, text)
            if not len(ids):
                continue
            self.terms[offset:offset + leaf.doc_count_all()] += 1
            self.total[ids + offset] += self.bm25(leaf, field, text, ids) * boost
            self.matched[ids + offset] += 1

    def fuzzy(self, clause: FuzzyTerm) -> None:
        """Each word the slip may stand for, as a term of its own (as Whoosh's FuzzyTerm asks them)."""
        field = clause.field()
        schema = self.searcher.schema
        for word in clause._btexts(self.searcher.reader()):
            if word:
                self.term(field, schema[field].to_bytes(word) if isinstance(word, str) else word, clause.boost)

    def bm25(self, leaf: Searcher, field: str, text: bytes, docnums: Ints) -> Floats:
        """BM25F of a term in `docnums` (of one segment, each holding the term, in order), as Whoosh's
        BM25FScorer; the plain weight for a field without lengths."""
        ids, weights = self.postings(leaf, field, text)
        found = weights if len(docnums) == len(ids) else weights[np.searchsorted(ids, docnums)]
        if not self.searcher.schema[field].scorable:
            return found.astype(np.float64)
        idf = self.searcher.idf(field, text)
        average = self.searcher.avg_field_length(field) or 1
        lengths = self.lengths.of(leaf, field)[docnums]
        return idf * (found * (BM25_K1 + 1)) / (found + BM25_K1 * ((1 - BM25_B) + BM25_B * lengths / average))

    def phrase(self, clause: Phrase) -> None:
        """The words next to each other, in order (Whoosh's Phrase with its slop of 1), in the documents
        holding every word; scored as Whoosh scores it: the words' own scores, times the boost. Where
        more than PHRASE_CANDIDATES documents hold every word (two common words), only the best of
        them so far are looked at: reading word positions costs Python time per document, and a
        phrase lifts a good match, not one far down the list."""
        field = clause.fieldname
        words = [self.searcher.schema[field].to_bytes(word) for word in clause.words]
        if clause.slop != 1:
            raise TypeError("term-at-a-time scoring matches phrases of adjacent words only")
        for leaf, offset in self.leaves:
            reader = leaf.reader()
            if not all((field, word) in reader for word in words):
                continue
            self.terms[offset:offset + leaf.doc_count_all()] += len(words)
            holding = self.postings(leaf, field, words[0])[0]
            for word in words[1:]:
                holding = np.intersect1d(holding, self.postings(leaf, field, word)[0], assume_unique=True)
            if not len(holding):
                continue
            if len(holding) > PHRASE_CANDIDATES:
                best = np.argpartition(-self.total[holding + offset], PHRASE_CANDIDATES - 1)[:PHRASE_CANDIDATES]
                holding = np.sort(holding[best])
            docnums = holding.tolist()
            positions = [self.positions(leaf, field, word, docnums) for word in words]
            adjacent = np.zeros(len(holding), dtype=bool)
            for index in range(len(docnums)):
                starts: set[int] | None = None
                for place, of_word in enumerate(positions):
                    shifted = {position - place for position in of_word[index]}
                    starts = shifted if starts is None else starts & shifted
                    if not starts:
                        break
                adjacent[index] = bool(starts)
            found = holding[adjacent]
            if not len(found):
                continue
            values = sum(self.bm25(leaf, field, word, found) for word in words)
            self.total[found + offset] += values * clause.boost
            self.matched[found + offset] += len(words)

    def result(self, scale: float | None) -> Scored:
        docnums = np.flatnonzero(self.matched)
        scores = self.total[docnums]
        if scale:
            # Whoosh's CoordMatcher ("SQR"): a bonus for holding more of the query's terms. Where a
            # segment holds one term only, Whoosh's formula scores every document 0; the plain score is kept.
            count = self.terms[docnums].astype(np.float64)
            many = count > 1
            bonus = (scores + (self.matched[docnums] - 1) / np.where(many, count - scale, 1.0) ** 2) * (
                (count - 1) / np.where(many, count, 1.0))
            scores = np.where(many, bonus, scores)
        return Scored(docnums.astype(np.int64), scores)


def score(searcher: Searcher, query: Query, lengths: FieldLengths, kept: SegmentPostings | None = None) -> Scored:
    """Every document matching `query` (an Or of terms, phrases and fuzzy terms), with its score."""
    clauses = list(query.subqueries) if isinstance(query, Or) else [query]
    tally = _Tally(searcher, lengths, kept)
    for clause in clauses:
        if isinstance(clause, FuzzyTerm):
            tally.fuzzy(clause)
        elif isinstance(clause, Term):
            field = clause.field()
            tally.term(field, searcher.schema[field].to_bytes(clause.text), clause.boost)
        elif isinstance(clause, Phrase):
            tally.phrase(clause)
        else:
            raise TypeError(f"no term-at-a-time scoring for {type(clause).__name__}")
    return tally.result(query.scale if isinstance(query, Or) else None)
