"""Term-at-a-time scoring (backends/whoosh_scoring.py) gives Whoosh's own scores, for every match."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh.matching.wrappers import CoordMatcher
from whoosh.query import Query
from whoosh.searching import Searcher

from portal.search.analysis import query_words
from portal.search.backends import whoosh_scoring
from portal.search.backends.whoosh import BOOSTS, PHRASE_FIELDS, WhooshIndex
from portal.search.backends.whoosh_scoring import FieldLengths, SegmentPostings, score
from tests.unit.test_search_index import NEED_WORDS, document

WORDS = ("family", "food", "bank", "parent", "support", "young", "carers", "money", "advice", "group", "stay",
         "play", "debt", "housing", "club", "counselling", "midwife", "breastfeeding", "walrus", "otter", "parents")


def whoosh_scores(searcher: Searcher, query: Query) -> dict[int, float | None]:
    """Whoosh's score of each match, asking its matcher tree one document at a time (`skip_to`). Its
    collector instead lets the coordination bonus's term count shrink as terms run out, so its figures
    depend on where a document lies in the index; this asks the same tree without that.

    None where the document's segment holds one term of the query only: Whoosh's bonus then scores
    every document 0 (it multiplies by (terms - 1) / terms), which would lose the order; the scorer
    keeps the plain score there."""
    found = {docnum for docnum, _ in searcher.search(query, limit=None).items()}
    scores = {}
    for leaf, offset in searcher.leaf_searchers():
        for docnum in sorted(d - offset for d in found if offset <= d < offset + leaf.doc_count_all()):
            matcher = query.matcher(leaf, searcher.context())
            matcher.skip_to(docnum)
            assert matcher.id() == docnum
            alone = isinstance(matcher, CoordMatcher) and matcher._termcount == 1
            scores[docnum + offset] = None if alone else matcher.score()
    return scores


@pytest.fixture()
def index(tmp_path: Path) -> WhooshIndex:
    rng = random.Random(5)
    built = WhooshIndex(tmp_path, NEED_WORDS)
    documents = [document(n, name=" ".join(rng.sample(WORDS, 2)),
                          description=" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 30))))
                 for n in range(1, 400)]
    built.rebuild(documents)
    # Later edits: a segment of their own, and deleted documents (the old versions) in the first ones.
    built.write([document(n, name="Walrus food bank", description="food bank walrus food bank") for n in range(1, 30)],
                [document(n).id for n in range(30, 40)])
    return built


@pytest.mark.parametrize("kept", [False, True], ids=["postings read", "common postings kept"])
@pytest.mark.parametrize("text", ["food bank", "walrus", "young carers money", "parent support group stay play",
                                  "counceling", "midwiffe food", "parentt", "xylophone", "bank"])
def test_every_match_gets_whooshs_own_score(index: WhooshIndex, text: str, kept: bool,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Every document holding a phrase's words is looked at here (in use, only the best PHRASE_CANDIDATES).
    monkeypatch.setattr(whoosh_scoring, "PHRASE_CANDIDATES", 10_000)
    searcher = index.searcher()
    assert searcher is not None and len(searcher.leaf_searchers()) > 1, "the index has several segments"
    words = query_words(text)
    query = index.build_query(words, ["money-debt-and-food"] if "money" in words else [], searcher,
                              typed=len(words))
    assert query is not None
    postings = SegmentPostings((*BOOSTS, "need_slugs"), PHRASE_FIELDS) if kept else None
    scored = score(searcher, query, FieldLengths(), postings)
    if postings is not None:  # the common words of the big segments are kept, and they are used
        assert sum(len(postings.of(leaf)) for leaf, _ in searcher.leaf_searchers()) > 10
        # with their word positions where phrases are looked for, as the index holds them
        checked = 0
        for leaf, _ in searcher.leaf_searchers():
            for (field, word), (held, _) in postings.of(leaf).items():
                if field in PHRASE_FIELDS:
                    assert postings.positions(leaf, field, word, held.tolist()) == \
                        whoosh_scoring._positions(leaf.reader(), field, word, held.tolist())
                    checked += 1
        assert checked > 10
    mine = dict(zip(scored.docnums.tolist(), scored.scores.tolist()))
    theirs = whoosh_scores(searcher, query)
    assert set(mine) == set(theirs), "the same documents match"
    for docnum, value in theirs.items():
        if value is None:
            assert mine[docnum] > 0
        else:
            assert mine[docnum] == pytest.approx(value, rel=1e-5, abs=1e-6), docnum
    assert not any(searcher.reader().is_deleted(d) for d in mine), "no deleted document is scored"


def test_the_best_are_kept_without_sorting_them_all(index: WhooshIndex) -> None:
    searcher = index.searcher()
    assert searcher is not None
    query = index.build_query(["food", "bank"], [], searcher)
    assert query is not None
    scored = score(searcher, query, FieldLengths())
    docnums, values = scored.best(10)
    assert len(docnums) == 10
    assert sorted(values.tolist(), reverse=True) == sorted(scored.scores.tolist(), reverse=True)[:10]


def test_a_phrase_is_looked_for_in_the_best_matches_only(index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two common words: the phrase bonus goes to the best PHRASE_CANDIDATES of the documents holding
    both, so the best matches are scored as Whoosh scores them, and the cost stays bounded."""
    monkeypatch.setattr(whoosh_scoring, "PHRASE_CANDIDATES", 5)
    searcher = index.searcher()
    assert searcher is not None
    query = index.build_query(["food", "bank"], [], searcher)
    assert query is not None
    scored = score(searcher, query, FieldLengths())
    mine = dict(zip(scored.docnums.tolist(), scored.scores.tolist()))
    theirs = whoosh_scores(searcher, query)
    best = sorted(theirs, key=lambda docnum: -(theirs[docnum] or 0))[:5]
    for docnum in best:
        assert mine[docnum] == pytest.approx(theirs[docnum], rel=1e-5), docnum
    assert sum(1 for docnum in theirs if mine[docnum] != pytest.approx(theirs[docnum], rel=1e-5)) > 0, \
        "further down, documents holding both words were not looked at for the phrase"
