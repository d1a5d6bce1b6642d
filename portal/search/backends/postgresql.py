"""The text index in PostgreSQL (SEARCH_BACKEND=postgresql): full-text search with tsvector, and
typo correction with pg_trgm. One index in the database, shared by every app server, so a change
saved through one server is found through all of them at once.

Tables (migration 0002): `search_document`, one row per public service with a weighted tsvector
(name A, need words B, organisation C, description and eligibility D); and `search_word`, the
distinct unstemmed words of the directory, for correcting slips of the keyboard and "did you mean".

A rebuild replaces both tables in one transaction, so a search never sees half an index; writes
upsert and delete in their own short transactions. Searching and highlighting are one statement
each. Words are mapped into their families (analysis.word_families) on both sides, as the Whoosh
index does, so "counsellor" finds "counselling".
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import ProgrammingError

from portal.search.analysis import (
    MAX_TYPO_WORDS,
    TYPO_MAX_CHARACTERS,
    may_correct,
    plain_analyzer,
    query_words,
    typed_pairs,
    word_families,
)
from portal.search.backends.contract import TEXT_MATCH_LIMIT, TextMatch
from portal.search.documents import ServiceDocument

# ts_rank_cd weights for D, C, B, A: description, organisation, need words, name.
WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Added to the score of a service with the needs understood from the words, in proportion to the
# share of its needs they are (as Whoosh's field-length normalisation does for its need_slugs field):
# a service for that need alone is a better answer than one that lists it among many.
NEED_BOOST = 0.3
# Added for each two words typed side by side ("food bank", "stay and play") that a service's text
# holds as a phrase.
PHRASE_BOOST = 0.5
# Only words this long are corrected, and only to a directory word at least this similar.
MIN_CORRECTED_LENGTH = 5
MIN_SIMILARITY = 0.3
# pg_advisory_xact_lock key: rebuilds take it alone, writes share it.
LOCK_KEY = 7_301_845_126
HEADLINE_OPTIONS = 'StartSel=\x01, StopSel=\x02, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
_MARKERS = str.maketrans("", "", "\x01\x02")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

# The (corrected) words of a search as one OR tsquery. Each word goes through plainto_tsquery, so
# nothing typed can break the query; the parts' text forms are joined with | and cast back.
_QUERY_FROM_TERMS = """
    SELECT CAST(string_agg('(' || CAST(part AS text) || ')', ' | ') AS tsquery) AS query
    FROM (SELECT plainto_tsquery('english', term) AS part FROM {terms}) AS parts
    WHERE numnode(part) > 0
"""

_MATCH = text(f"""
WITH typed AS (
    SELECT t.word, t.ord, COALESCE(CAST(:families AS jsonb) ->> t.word, t.word) AS family
    FROM unnest(CAST(:words AS text[])) WITH ORDINALITY AS t(word, ord)
),
checked AS (
    SELECT typed.*,
           typed.ord > :typed_count
           OR length(typed.word) < :min_length
           OR length(typed.word) > :max_length
           OR typed.word = ANY(CAST(:understood AS text[]))
           OR numnode(plainto_tsquery('english', typed.family)) = 0
           OR EXISTS (SELECT 1 FROM search_word AS s WHERE s.word IN (typed.word, typed.family))
           OR EXISTS (SELECT 1 FROM search_document AS d
                      WHERE d.document @@ plainto_tsquery('english', typed.family)) AS known
    FROM typed
),
counted AS (
    SELECT checked.*,
           NOT checked.known AND count(*) FILTER (WHERE NOT checked.known) OVER (ORDER BY checked.ord)
                                 <= :max_typo_words AS attempted
    FROM checked
),
corrected AS (
    SELECT counted.*,
           CASE WHEN NOT counted.attempted THEN NULL ELSE (
               SELECT s.word FROM search_word AS s
               WHERE s.word % counted.word AND similarity(s.word, counted.word) >= :min_similarity
               -- Trigrams alone favour a shorter word ("speach": "speak" over "speech"): a word of
               -- another length counts a little less.
               ORDER BY similarity(s.word, counted.word)
                        - 0.05 * abs(length(s.word) - length(counted.word)) DESC, s.word
               LIMIT 1
           ) END AS correction
    FROM counted
),
terms AS (
    SELECT corrected.*, COALESCE(CAST(:families AS jsonb) ->> corrected.correction, corrected.correction,
                                 corrected.family) AS term
    FROM corrected
),
search AS ({_QUERY_FROM_TERMS.format(terms="terms")}),
ranked AS (
    SELECT d.service_id,
           COALESCE(ts_rank_cd(CAST(:weights AS float4[]), d.document, search.query, 32), 0)
           + CASE WHEN d.need_slugs && CAST(:needs AS text[])
                  THEN :need_boost * (SELECT count(*) FROM unnest(d.need_slugs) AS n(slug)
                                      WHERE n.slug = ANY(CAST(:needs AS text[]))) / cardinality(d.need_slugs)
                  ELSE 0 END
           + :phrase_boost * (SELECT count(*) FROM unnest(CAST(:pairs AS text[])) AS p(pair)
                              WHERE d.document @@ phraseto_tsquery('english', p.pair)) AS score
    FROM search_document AS d CROSS JOIN search
    WHERE d.document @@ search.query OR d.need_slugs && CAST(:needs AS text[])
),
best AS (SELECT service_id, score FROM ranked ORDER BY score DESC, service_id LIMIT {TEXT_MATCH_LIMIT})
SELECT (SELECT json_agg(json_build_array(word, correction, term, attempted) ORDER BY ord) FROM terms) AS words,
       (SELECT json_object_agg(service_id, score) FROM best) AS scores
""")  # nosec B608  # built from constant fragments only; every value is a bound parameter

_HIGHLIGHTS = text(f"""
WITH search AS ({_QUERY_FROM_TERMS.format(terms="unnest(CAST(:terms AS text[])) AS t(term)")})
SELECT d.service_id, ts_headline('english', d.body, search.query, :options) AS snippet
FROM search_document AS d CROSS JOIN search
WHERE d.service_id = ANY(CAST(:ids AS text[])) AND d.document @@ search.query
""")  # nosec B608  # built from constant fragments only; every value is a bound parameter

# Rows built from parallel arrays: one statement for any number of documents. Only services that
# still exist are written (a service deleted meanwhile has nothing to index).
_ROWS = """
    SELECT r.id, r.name, r.organisation, r.needs, r.body, string_to_array(r.slugs, ','),
           setweight(to_tsvector('english', r.family_name), 'A')
           || setweight(to_tsvector('english', r.family_needs), 'B')
           || setweight(to_tsvector('english', r.family_organisation), 'C')
           || setweight(to_tsvector('english', r.family_body), 'D'),
           r.modified
    FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:organisations AS text[]),
                CAST(:needs AS text[]), CAST(:bodies AS text[]), CAST(:slugs AS text[]),
                CAST(:family_names AS text[]), CAST(:family_needs AS text[]),
                CAST(:family_organisations AS text[]), CAST(:family_bodies AS text[]),
                CAST(:modified AS timestamp[]))
         AS r(id, name, organisation, needs, body, slugs, family_name, family_needs, family_organisation,
              family_body, modified)
    JOIN service ON service.id = r.id
"""
_COLUMNS = "service_id, name, organisation, needs, body, need_slugs, document, modified"
_INSERT = text(f"INSERT INTO search_document ({_COLUMNS}) {_ROWS}")
_UPSERT = text(f"""
    INSERT INTO search_document ({_COLUMNS}) {_ROWS}
    ON CONFLICT (service_id) DO UPDATE SET
        name = EXCLUDED.name, organisation = EXCLUDED.organisation, needs = EXCLUDED.needs,
        body = EXCLUDED.body, need_slugs = EXCLUDED.need_slugs, document = EXCLUDED.document,
        modified = EXCLUDED.modified
    WHERE search_document.modified IS DISTINCT FROM EXCLUDED.modified
""")  # nosec B608  # built from constant fragments only; every value is a bound parameter
_ADD_WORDS = text("""
    INSERT INTO search_word (word) SELECT DISTINCT unnest(CAST(:words AS text[])) ON CONFLICT DO NOTHING
""")
_HAS_DOCUMENTS = text("SELECT EXISTS (SELECT 1 FROM search_document)")


@cache
def _family_json() -> str:
    return json.dumps(word_families())


@cache
def _family_members() -> dict[str, tuple[str, ...]]:
    """Each family's word with the words mapped to it: counselling -> counsellor, counselor..."""
    members: dict[str, list[str]] = {}
    for word, family in word_families().items():
        members.setdefault(family, []).append(word)
    return {family: tuple(words) for family, words in members.items()}


def in_families(value: str) -> str:
    """The text with each word replaced by its family's word, as analysis.family_stem does."""
    families = word_families()

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        return families.get(word.lower().replace("’", "'"), word)

    return _WORD.sub(replace, value)


def directory_words(value: str) -> set[str]:
    """The words of a text as search_word holds them: lower case, unstemmed, no stop words."""
    return {token.text.replace("’", "'") for token in plain_analyzer()(value)}


def mark(snippet: str) -> str:
    """ts_headline's output as HTML: escaped, with the matched words in <mark>."""
    return (html.escape(snippet).replace("\x01", '<mark class="portal-match">').replace("\x02", "</mark>"))


class PostgresIndex:
    """One per process; the index itself is in the database. `need_words` maps a need slug to the
    words (name, everyday phrases) that describe it, as for WhooshIndex."""

    def __init__(self, engine: Engine, need_words: dict[str, str]) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("PostgresIndex needs a PostgreSQL database.")
        self.database = engine
        # Searches read in autocommit: one statement, no BEGIN and ROLLBACK around it.
        self.reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.need_words = need_words
        self._built = False  # this process has seen the index built

    # -- writing ------------------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether the index has been built (by any server)."""
        if not self._built:
            try:
                with self.reader.connect() as connection:
                    self._built = bool(connection.execute(_HAS_DOCUMENTS).scalar())
            except ProgrammingError as error:
                if getattr(error.orig, "sqlstate", None) == "42P01":  # undefined_table
                    raise RuntimeError("SEARCH_BACKEND=postgresql needs the search tables: run "
                                       "`flask --app wsgi db upgrade` first.") from error
                raise
        return self._built

    def _rows(self, documents: list[ServiceDocument]) -> tuple[dict[str, Any], set[str]]:
        columns: dict[str, list[Any]] = {name: [] for name in (
            "ids", "names", "organisations", "needs", "bodies", "slugs", "family_names", "family_needs",
            "family_organisations", "family_bodies", "modified")}
        words: set[str] = set()
        for document in documents:
            needs = " ".join(self.need_words.get(slug, slug.replace("-", " ")) for slug in document.need_slugs)
            body = " ".join(part for part in (document.description, document.eligibility) if part)
            # \x01 and \x02 mark matches in snippets, so the text must not contain them.
            name, organisation = document.name.translate(_MARKERS), document.organisation.translate(_MARKERS)
            body = body.translate(_MARKERS)
            columns["ids"].append(document.id)
            columns["names"].append(name)
            columns["organisations"].append(organisation)
            columns["needs"].append(needs)
            columns["bodies"].append(body)
            columns["slugs"].append(",".join(document.need_slugs))
            columns["family_names"].append(in_families(name))
            columns["family_needs"].append(in_families(needs))
            columns["family_organisations"].append(in_families(organisation))
            columns["family_bodies"].append(in_families(body))
            columns["modified"].append(document.last_modified)
            words |= directory_words(" ".join((name, organisation, needs, body)))
        return dict(columns), words

    def _replace_all(self, connection: Connection, documents: Iterable[ServiceDocument]) -> int:
        batch = list(documents)
        rows, words = self._rows(batch)
        connection.execute(text("DELETE FROM search_document"))
        connection.execute(text("DELETE FROM search_word"))
        if batch:
            connection.execute(_INSERT, rows)
        if words:
            connection.execute(_ADD_WORDS, {"words": sorted(words)})
        return len(batch)

    def rebuild(self, documents: Iterable[ServiceDocument]) -> int:
        """Replace the whole index with `documents` in one transaction; returns the number indexed."""
        with self.database.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            count = self._replace_all(connection, documents)
        self._built = True
        return count

    def rebuild_if_missing(self, documents: Iterable[ServiceDocument]) -> None:
        """Build the first index, unless another server has just done so."""
        with self.database.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            if not connection.execute(_HAS_DOCUMENTS).scalar():
                self._replace_all(connection, documents)
        self._built = True

    def write(self, documents: Iterable[ServiceDocument], removed: Iterable[str], only_newer: bool = False) -> None:
        """Add or replace `documents` and delete `removed` ids, in one short transaction. A row that
        already holds a document's version is left as it is (so `only_newer` needs nothing more)."""
        batch = sorted(documents, key=lambda document: document.id)  # the same lock order everywhere
        gone = sorted(set(removed))
        if not batch and not gone:
            return
        with self.database.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": LOCK_KEY})
            if not self._built and not connection.execute(_HAS_DOCUMENTS).scalar():
                return  # nothing to update yet: the first build will include these
            if gone:
                connection.execute(text("DELETE FROM search_document WHERE service_id = ANY(CAST(:ids AS text[]))"),
                                   {"ids": gone})
            if batch:
                rows, words = self._rows(batch)
                connection.execute(_UPSERT, rows)
                # Words no longer used stay until the next rebuild; they only make "known" a word
                # that then finds nothing, as words in Whoosh's spelling field do.
                connection.execute(_ADD_WORDS, {"words": sorted(words)})

    # -- searching ----------------------------------------------------------------------------

    def match(self, text: str, need_slugs: list[str], extra_words: list[str] | None = None,
              understood: set[str] | None = None) -> TextMatch:
        """Score every service matching `text` (and the needs understood from it). A typed word
        the directory does not know is replaced by the most similar word it does know. Never
        corrected: `understood`, the words of everyday phrases already recognised, and
        `extra_words`, the search words added for them (chosen, not typed, so there is no slip to
        correct, and a loose trigram match would only add noise: "pantry" is as near "panel")."""
        typed = query_words(text)
        words = list(dict.fromkeys(typed + [w.lower() for w in (extra_words or []) if w]))
        if not words and not need_slugs:
            return TextMatch()
        parameters = {
            "words": words,
            "typed_count": len(typed),
            # Never corrected: everyday phrases understood, and English words (one real word is
            # never taken for another).
            "understood": sorted(set(understood or ()) | {word for word in typed if not may_correct(word)}),
            "families": _family_json(),
            "min_length": MIN_CORRECTED_LENGTH,
            "max_length": TYPO_MAX_CHARACTERS,
            "max_typo_words": MAX_TYPO_WORDS,
            "min_similarity": MIN_SIMILARITY,
            "weights": WEIGHTS,
            "needs": list(need_slugs),
            "need_boost": NEED_BOOST,
            "pairs": [in_families(pair) for pair in typed_pairs(text)],
            "phrase_boost": PHRASE_BOOST,
        }
        with self.reader.connect() as connection:
            row = connection.execute(_MATCH, parameters).one()
        used: list[list[Any]] = row.words or []
        scores = {service_id: float(score) for service_id, score in (row.scores or {}).items()}
        terms = tuple(dict.fromkeys(term for _, _, term, _ in used))
        return TextMatch.from_scores(scores, suggestion=self._suggestion(used[:len(typed)], understood or set()),
                                     query=terms or None,
                                     typo_words=tuple(word for word, _, _, tried in used if tried))

    @staticmethod
    def _suggestion(typed: list[list[Any]], understood: set[str]) -> str | None:
        """"Did you mean": the words typed, each one corrected in its place."""
        corrected, changed = [], False
        for word, correction, *_ in typed:
            if correction and word not in understood and correction.replace("'", "") != word.replace("'", ""):
                corrected.append(correction)
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else None

    def highlights(self, query: tuple[str, ...] | None, documents: list[ServiceDocument]) -> dict[str, str]:
        """Escaped HTML snippets of each service's description with the matched words marked."""
        if not query or not documents:
            return {}
        ids = [document.id for document in documents]
        members = _family_members()
        terms = list(dict.fromkeys(word for term in query for word in (term, *members.get(term, ()))))
        with self.reader.connect() as connection:
            rows = connection.execute(_HIGHLIGHTS, {"terms": terms, "ids": list(ids), "options": HEADLINE_OPTIONS})
            return {row.service_id: mark(row.snippet) for row in rows if "\x01" in row.snippet}

    def warm(self) -> None:
        """Nothing to read ahead: the index is in the database, and each worker has its own connections."""

    def close(self) -> None:
        """Nothing is held between calls: the connections belong to the app's engine."""
