"""The Whoosh index in search_index/: derived from the database, rebuilt atomically, safe with
several processes.

Layout: `search_index/current` is a symbolic link to one generation in `search_index/generations/`.
A rebuild writes a fresh generation and swaps the link in one rename, so searches never see a
half-built index. Every write takes an exclusive lock on `search_index/write.lock` (blocking, so
concurrent writers queue instead of failing), and each process keeps one searcher, replaced only
when the index has changed.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from whoosh import index as whoosh_index
from whoosh.fields import BOOLEAN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.highlight import FIRST, BasicFragmentScorer, ContextFragmenter, HtmlFormatter, top_fragments
from whoosh.query import FuzzyTerm, Or, Phrase, Query, Term
from whoosh.searching import Searcher
from whoosh.system import pack_uint
from whoosh.writing import IndexWriter

from portal.search.analysis import (
    MAX_TYPO_EXPANSIONS,
    HighlightTokens,
    TypoBudget,
    family_stem,
    plain_analyzer,
    query_words,
    stemming_analyzer,
)
from portal.search.backends.contract import TEXT_MATCH_LIMIT, TextMatch
from portal.search.backends.whoosh_scoring import FieldLengths, SegmentPostings, score
from portal.search.documents import ServiceDocument

KEEP_GENERATIONS = 2
# A snippet: up to two passages of the description around the words matched, 220 characters at most.
SNIPPET_FRAGMENTER = ContextFragmenter(maxchars=220, surround=60)
INDEX_NAME = "services"
# In a generation being built: the builder's process id, so a start-up check can tell a build in
# progress from one whose process was killed (portal.search.backends.whoosh_repair).
BUILDER_FILE = "building.pid"
# Memory for sorting postings during a rebuild. Beyond it Whoosh spills sorted runs to temporary
# files and merges them, which made a 10,000-service rebuild take 60% longer; 512 MB holds about
# 10,000 services' postings (the rebuilding process peaks at about 600 MB).
REBUILD_POOL_MB = 512
# A rebuild indexes in this many processes (Whoosh's multiprocessing writer): twice as fast on two cores.
REBUILD_PROCS = min(2, os.cpu_count() or 1)


class RepeatedText(TEXT):  # type: ignore[misc]
    """A TEXT field whose values repeat word for word from one service to the next: the words of a
    service's needs (about a hundred, the same for every service with the same needs). Each distinct
    value is analysed once per process and its terms reused, which spares most of a rebuild's analysis."""

    KEEP = 2048  # distinct values kept (a few hundred combinations of needs in practice)

    def index(self, value: object, **kwargs: object) -> list[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, str):
            return list(super().index(value, **kwargs))
        return self._terms_of(value)

    def _terms_of(self, value: str) -> list[tuple[bytes, int, float, bytes]]:
        analysed: dict[str, list[tuple[bytes, int, float, bytes]]] = self.__dict__.setdefault("_analysed", {})
        terms = analysed.get(value)
        if terms is None:
            terms = list(super().index(value))
            if len(analysed) >= self.KEEP:
                analysed.clear()
            analysed[value] = terms
        return terms

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_analysed", None)  # (the schema is pickled into the rebuild's processes)
        return state


class PartlyRepeatedText(RepeatedText):
    """A field of words without positions given as two parts, (repeated, own): the first repeats word
    for word from service to service (its needs' words) and is analysed once per process, as in
    RepeatedText; the second is the service's own. Its terms are those of the two parts joined by a
    space (the analyser reads word by word, so no word spans the join): each word's frequency and weight
    are the sums of the parts'. A plain string is analysed as TEXT does."""

    def index(self, value: object, **kwargs: object) -> list[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, tuple):
            return list(TEXT.index(self, value, **kwargs))
        if self.format.supports("positions"):
            raise TypeError("a field given in parts has no word positions")
        repeated, own = value
        counts: dict[bytes, int] = {}
        weights: dict[bytes, float] = {}
        for part in (self._terms_of(repeated), TEXT.index(self, own)):
            for text, frequency, weight, _ in part:
                counts[text] = counts.get(text, 0) + frequency
                weights[text] = weights.get(text, 0.0) + weight
        return [(text, frequency, weights[text], pack_uint(frequency)) for text, frequency in counts.items()]


def make_schema() -> Schema:
    # Word positions are stored where two words typed together count as a phrase (PHRASE_FIELDS:
    # "food bank", "young carers"); elsewhere every query is made of single terms, so they are not.
    stemmed = stemming_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=stemmed, stored=True, phrase=True),
        organisation=TEXT(analyzer=stemmed, phrase=False),
        needs=RepeatedText(analyzer=stemmed, phrase=False),
        description=TEXT(analyzer=stemmed, stored=True, phrase=True),
        need_slugs=KEYWORD(commas=True),
        spelling=PartlyRepeatedText(analyzer=plain_analyzer(), spelling=True, phrase=False),
        public=BOOLEAN,
        meta=STORED,
    )


# Field boosts: the name matters most, then the needs (with their everyday words), then the rest.
BOOSTS = {"name": 4.0, "needs": 2.5, "organisation": 1.5, "description": 1.0}
NEED_BOOST = 3.0
# Two words typed next to each other ("food bank", "stay and play") and found next to each other in a
# name or description count this much more than the same words scattered.
PHRASE_FIELDS = ("name", "description")
PHRASE_BOOST = 2.0


def fuzziness(stem: str) -> int:
    """How many slips of the keyboard a word (as stemmed) may carry and still match."""
    if len(stem) >= 8:
        return 2
    if len(stem) >= 5:
        return 1
    return 0


class BoundedFuzzyTerm(FuzzyTerm):
    """A slip-tolerant term that stands for at most MAX_TYPO_EXPANSIONS directory words."""

    def _btexts(self, ixreader):  # type: ignore[no-untyped-def]
        return islice(super()._btexts(ixreader), MAX_TYPO_EXPANSIONS)


def description_text(document: ServiceDocument) -> str:
    """What the description field holds: the description, then who the service is for."""
    return " ".join(part for part in (document.description, document.eligibility) if part)


class WhooshIndex:
    """One per process. `need_words` maps a need slug to the words (name, everyday phrases) that
    describe it, so a service is found by the words people use for its needs."""

    def __init__(self, root: Path, need_words: dict[str, str]) -> None:
        self.root = Path(root)
        self.need_words = need_words
        self._searcher: Searcher | None = None
        self._opened: str | None = None
        self._lock = threading.RLock()
        # Service ids by document number, for the current searcher, and by segment.
        self._ids_searcher: Searcher | None = None
        self._ids: list[str | None] = []
        self._segment_ids: dict[str, list[str | None]] = {}
        self._id_arrays_of: list[str | None] | None = None  # the list the two arrays below were made from
        self._id_array: NDArray[np.object_] = np.zeros(0, dtype=object)
        self._has_id: NDArray[np.bool_] = np.zeros(0, dtype=np.bool_)
        self._lengths = FieldLengths()
        self._kept = SegmentPostings((*BOOSTS, "need_slugs"), PHRASE_FIELDS)

    # -- layout -------------------------------------------------------------------------------

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    @property
    def generations(self) -> Path:
        return self.root / "generations"

    def exists(self) -> bool:
        try:
            return self.current_link.exists() and whoosh_index.exists_in(self.current_link, INDEX_NAME)
        except Exception:  # an index that cannot even be opened counts as missing (see whoosh_repair)
            return False

    @contextmanager
    def write_lock(self) -> Iterator[None]:
        """Exclusive across processes; waits rather than failing."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "write.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- writing ------------------------------------------------------------------------------

    def _document_fields(self, document: ServiceDocument, schema: Schema) -> dict[str, object]:
        """The document's fields, as `schema` (the index's own: an index built before a field changed
        keeps its schema until it is rebuilt) takes them."""
        needs_text = " ".join(self.need_words.get(slug, slug.replace("-", " ")) for slug in document.need_slugs)
        body = description_text(document)
        own_words = " ".join((document.name, document.organisation, body))
        return {
            "id": document.id,
            "name": document.name,
            "organisation": document.organisation,
            "needs": needs_text,
            "description": body,
            "need_slugs": ",".join(document.need_slugs),
            # The words as written: the needs' words (the same for many services), then the service's own.
            "spelling": ((needs_text, own_words) if isinstance(schema["spelling"], PartlyRepeatedText)
                         else f"{needs_text} {own_words}"),
            "public": True,
            "meta": {"modified": document.last_modified.isoformat()},
        }

    def rebuild(self, documents: Iterable[ServiceDocument]) -> int:
        """Build a new generation from `documents` and swap it in; returns the number indexed."""
        self.generations.mkdir(parents=True, exist_ok=True)
        target = self.generations / f"g{time.time_ns()}"
        target.mkdir()
        (target / BUILDER_FILE).write_text(str(os.getpid()))
        built = whoosh_index.create_in(target, make_schema(), indexname=INDEX_NAME)
        count, schema = 0, built.schema
        writer = built.writer(limitmb=REBUILD_POOL_MB // REBUILD_PROCS, procs=REBUILD_PROCS,
                              multisegment=REBUILD_PROCS > 1)
        try:
            for document in documents:
                writer.add_document(**self._document_fields(document, schema))
                count += 1
            writer.commit(optimize=True)
        except BaseException:
            writer.cancel()
            shutil.rmtree(target, ignore_errors=True)
            raise
        self._write_marker(target, count)
        (target / BUILDER_FILE).unlink(missing_ok=True)
        with self.write_lock():
            self._swap(target)
        self._prune()
        return count

    def rebuild_if_missing(self, documents: Iterable[ServiceDocument]) -> None:
        """Build the first index, unless another process has just done so."""
        with self.write_lock():
            missing = not self.exists()
        if missing:
            self.rebuild(documents)

    def _write_marker(self, target: Path, count: int) -> None:
        (target / "complete.json").write_text(json.dumps({"documents": count, "built": time.time()}))

    def _swap(self, target: Path) -> None:
        temporary = self.root / f".current-{os.getpid()}"
        if temporary.is_symlink() or temporary.exists():
            temporary.unlink()
        temporary.symlink_to(Path("generations") / target.name)
        os.replace(temporary, self.current_link)

    def _prune(self) -> None:
        keep = {self.current_link.resolve().name}
        olders = sorted((p for p in self.generations.iterdir() if p.is_dir()), key=lambda p: p.name)
        for old in olders[:-KEEP_GENERATIONS]:
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    def write(self, documents: Iterable[ServiceDocument], removed: Iterable[str], only_newer: bool = False) -> None:
        """Add or replace `documents` and delete `removed` ids, under the cross-process lock.
        With `only_newer` (catching up with another process's commit, which has usually written the
        index already), documents the index already holds in this version are skipped."""
        documents, removed = list(documents), list(removed)
        if only_newer:
            documents, removed = self._not_yet_indexed(documents, removed)
        if not documents and not removed:
            return
        with self.write_lock():
            if not self.exists():
                return  # nothing to update yet: the next rebuild will include these
            ix = whoosh_index.open_dir(self.current_link, indexname=INDEX_NAME)
            writer: IndexWriter = ix.writer(timeout=30.0)
            try:
                for service_id in removed:
                    writer.delete_by_term("id", service_id)
                for document in documents:
                    writer.update_document(**self._document_fields(document, writer.schema))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            finally:
                ix.close()

    def _not_yet_indexed(self, documents: list[ServiceDocument],
                         removed: list[str]) -> tuple[list[ServiceDocument], list[str]]:
        searcher = self.searcher()
        if searcher is None:
            return documents, removed
        newer = []
        for document in documents:
            stored = searcher.document(id=document.id)
            if stored is None or stored["meta"].get("modified") != document.last_modified.isoformat():
                newer.append(document)
        present = [service_id for service_id in removed if searcher.document(id=service_id) is not None]
        return newer, present

    # -- searching ----------------------------------------------------------------------------

    def searcher(self) -> Searcher | None:
        """This process's searcher, refreshed to the newest commit; reopened only after a swap."""
        with self._lock:
            try:
                target = os.readlink(self.current_link)
            except OSError:
                return None
            # Whoosh's Searcher.refresh() reuses segment readers and so misses deletions made in
            # an existing segment (an edited service would be found under its old words too), so
            # a new searcher is opened when, and only when, the index has changed.
            if self._searcher is None or self._opened != target or not self._searcher.up_to_date():
                if self._searcher is not None:
                    self._searcher.close()
                ix = whoosh_index.open_dir(self.current_link, indexname=INDEX_NAME)
                self._searcher = ix.searcher()
                leaves = [leaf for leaf, _ in self._searcher.leaf_searchers()]
                self._lengths.keep_only(leaves)
                self._kept.keep_only(leaves)
                for leaf in leaves:  # a new segment's common terms (after a rebuild, every segment's)
                    self._kept.of(leaf)
                self._opened = target
            return self._searcher

    def warm(self) -> None:
        """Open the searcher and read what every search needs from it (each document's service id, its
        field lengths, and the common terms' postings): in gunicorn's master before it forks the
        workers (operations/prefork.py), so that they share it. A compound segment is read into memory
        whole, so no worker reads through a file position another process moves."""
        searcher = self.searcher()
        if searcher is None:
            return
        self._id_arrays(searcher)
        for leaf, _ in searcher.leaf_searchers():
            for field_name in (*BOOSTS, "spelling"):
                self._lengths.of(leaf, field_name)

    def build_query(self, words: list[str], need_slugs: list[str], searcher: Searcher,
                    budget: TypoBudget | None = None, typed: int | None = None) -> Query | None:
        """Each word as its stem in every text field; a word that is neither in the directory nor an
        English word is matched with a slip or two (fuzzy) against the words the directory holds as
        written, so known words stay precise and one real word never stands for another ("council"
        for "councelling"). Slips are looked for only as far as the `budget` allows
        (analysis.TypoBudget). The first `typed` words (all when None) were typed in that order:
        each two side by side also count as a phrase."""
        reader = searcher.reader()
        budget = budget if budget is not None else TypoBudget()
        clauses: list[Query] = []
        stems = []
        for word in words:
            stem = family_stem(word)
            stems.append(stem)
            known = any(reader.frequency(field_name, stem) for field_name in BOOSTS)
            for field_name, boost in BOOSTS.items():
                clauses.append(Term(field_name, stem, boost=boost))
            if not known and fuzziness(word) and budget.take(word):
                # The word as typed against every word in the directory, unstemmed ("midwiferry").
                clauses.append(BoundedFuzzyTerm("spelling", word, boost=1.0, maxdist=fuzziness(word), prefixlength=1))
        typed_stems = stems[:typed] if typed is not None else stems
        for field_name in PHRASE_FIELDS:
            if searcher.schema[field_name].format.supports("positions"):  # an index built before phrases: none
                for first, second in zip(typed_stems, typed_stems[1:]):
                    clauses.append(Phrase(field_name, [first, second], boost=BOOSTS[field_name] * PHRASE_BOOST))
        for slug in need_slugs:
            clauses.append(Term("need_slugs", slug, boost=NEED_BOOST))
        return Or(clauses, scale=0.9) if clauses else None

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch:
        """Score every service matching `text` (and the needs understood from it). `understood`
        holds the words of everyday phrases already recognised, which are never "corrected"."""
        searcher = self.searcher()
        if searcher is None:
            return TextMatch()
        words = list(dict.fromkeys(query_words(text) + [w for w in (extra_words or []) if w]))
        budget = TypoBudget()
        query = self.build_query(words, need_slugs, searcher, budget, typed=len(query_words(text)))
        if query is None:
            return TextMatch()
        # Every match is found and scored at once (whoosh_scoring); the best TEXT_MATCH_LIMIT are kept.
        docnums, values = score(searcher, query, self._lengths, self._kept).best(TEXT_MATCH_LIMIT)
        ids, known = self._id_arrays(searcher)
        found = known[docnums]
        numbers = docnums[found]
        return TextMatch(ids[numbers].tolist(), values[found],
                         suggestion=self.suggest(text, searcher, understood, TypoBudget()),
                         query=query, typo_words=tuple(budget.spent), numbering=ids, numbers=numbers)

    def _id_arrays(self, searcher: Searcher) -> tuple[NDArray[np.object_], NDArray[np.bool_]]:
        """_ids_by_docnum as arrays: each document number's service id, and whether it has one."""
        ids = self._ids_by_docnum(searcher)
        with self._lock:
            if self._id_arrays_of is not ids:
                self._id_array = np.array(ids, dtype=object)
                self._has_id = np.fromiter((known is not None for known in ids), dtype=np.bool_, count=len(ids))
                self._id_arrays_of = ids
            return self._id_array, self._has_id

    def _ids_by_docnum(self, searcher: Searcher) -> list[str | None]:
        """The service id of every document number of `searcher`. Each segment's ids are read from
        its stored fields once and kept (a segment never changes once written: an edit adds a new
        one), instead of reading the stored fields of every hit of every search."""
        with self._lock:
            if self._ids_searcher is searcher:
                return self._ids
            ids: list[str | None] = []
            by_segment: dict[str, list[str | None]] = {}
            for leaf, offset in searcher.reader().leaf_readers():
                segment = leaf.segment()
                if segment is None:
                    continue
                key = segment.segment_id()
                known = self._segment_ids.get(key)
                if known is None:
                    known = [None] * leaf.doc_count_all()
                    for docnum, stored in leaf.iter_docs():
                        known[docnum] = stored["id"]
                by_segment[key] = known
                ids.extend([None] * (offset - len(ids)))
                ids.extend(known)
            self._ids_searcher, self._ids, self._segment_ids = searcher, ids, by_segment
            return ids

    def suggest(self, text: str, searcher: Searcher, understood: set[str] | None = None,
                budget: TypoBudget | None = None) -> str | None:
        """"Did you mean": each unknown word replaced by the closest word in the directory, as far as
        the `budget` allows. Words already understood (everyday phrases) are left alone."""
        budget = budget if budget is not None else TypoBudget()
        corrector = searcher.corrector("spelling")
        reader = searcher.reader()
        words = query_words(text)
        corrected, changed = [], False
        for word in words:
            plain = word.replace("'", "")
            if (len(word) < 4 or word in (understood or set()) or reader.frequency("spelling", word) > 0
                    or reader.frequency("spelling", plain) > 0 or not budget.take(word)):
                corrected.append(word)
                continue
            # The first letter as typed, as for slip-tolerant matching (prefixlength=1): Whoosh then
            # compares the word with the directory's words that start with it, not all of them
            # (0.5 ms a word at 10,000 services instead of 150 ms).
            options = corrector.suggest(word, limit=1, maxdist=2, prefix=1)
            if options and options[0].replace("'", "") != plain:
                corrected.append(options[0])
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    def highlights(self, query: Query | None, documents: list[ServiceDocument]) -> dict[str, str]:
        """Escaped HTML snippets of each service's description (the text its description field holds:
        description_text) with the matched words marked; the text is the document's own, not read back
        from the index's stored fields."""
        searcher = self.searcher()
        if query is None or searcher is None or not documents:
            return {}
        # Each description is marked with the description words of the query that the index holds
        # (typo-tolerant words expanded to the real words they matched): the words Whoosh's own
        # `hit.highlights` marks, found without running the query again for these services.
        words = self._description_words(query, searcher)
        if not words:
            return {}
        # Whoosh's `highlight` with its fragmenter, scorer and formatter; the tokens made, marked and
        # fragmented in one loop (analysis.HighlightTokens.fragments).
        tokens = HighlightTokens(searcher.schema["description"].analyzer)
        formatter = HtmlFormatter(tagname="mark", classname="portal-match", termclass="term", between=" … ")
        scorer, terms = BasicFragmentScorer(), frozenset(words)
        found: dict[str, str] = {}
        for document in documents:
            text = description_text(document)
            fragments = tokens.fragments(text, terms, SNIPPET_FRAGMENTER)
            snippet = formatter(text, top_fragments(fragments, 2, scorer, FIRST))
            if snippet:
                found[document.id] = snippet
        return found

    @staticmethod
    def _description_words(query: Query, searcher: Searcher) -> frozenset[str]:
        # Leaf by leaf: Query.existing_terms would do, but its loop reuses the name of its field
        # argument, so after the first leaf it skips every leaf of another field.
        field_type, reader = searcher.schema["description"], searcher.reader()
        # A slip is matched against the words as written ("spelling"): the real words it matched are
        # marked in the description as it holds them (stemmed).
        words = set()
        for leaf in query.leaves():
            if leaf.field() in ("description", "spelling"):
                for _, text in leaf.expanded_terms(reader, phrases=False):
                    word = field_type.from_bytes(text) if isinstance(text, bytes) else text
                    if leaf.field() == "spelling":
                        word = family_stem(word)
                    if leaf.field() == "description" or reader.frequency("description", word):
                        words.add(word)
        return frozenset(words)

    def __del__(self) -> None:
        # An index dropped without close() (a test's, say) closes its searcher's segment files itself.
        with suppress(Exception):
            self.close()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
                self._opened = None
            self._ids_searcher, self._ids, self._segment_ids = None, [], {}
