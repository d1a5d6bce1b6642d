"""The Whoosh index on its own: atomic rebuilds, several processes writing at once, escaping."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import shutil
import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import TEXT

from portal.search.analysis import plain_analyzer
from portal.search.backends.whoosh import INDEX_NAME, WhooshIndex, make_schema
from portal.search.documents import Place, ServiceDocument

NEED_WORDS = {"money-debt-and-food": "Money, debt and food skint food bank"}


def document(number: int, name: str = "", description: str = "Family support") -> ServiceDocument:
    return ServiceDocument(
        id=f"00000000-0000-4000-8000-{number:012d}",
        name=name or f"Service {number}",
        organisation="Test organisation",
        description=description,
        eligibility="",
        need_slugs=("money-debt-and-food",),
        level_slugs=("universal",),
        minimum_age=None,
        maximum_age=None,
        free=None,
        self_referral=True,
        needs_referral=False,
        temporarily_closed=False,
        languages=(),
        accessibility=(),
        all_of_tameside=False,
        places=(Place(53.48, -2.09, "Ashton", "north"),),
        open_days=frozenset(),
        neighbourhoods=frozenset({"north"}),
        last_modified=dt.datetime(2026, 1, 1),
    )


def ids(index: WhooshIndex, words: str) -> set[str]:
    return set(index.match(words, []).scores)


def test_rebuild_swaps_in_a_complete_index_and_keeps_one_older(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(1, "Walrus hall")])
    first = os.readlink(tmp_path / "current")
    index.rebuild([document(2, "Otter hall")])
    second = os.readlink(tmp_path / "current")
    assert first != second
    assert ids(index, "otter") == {document(2).id}
    assert ids(index, "walrus") == set(), "the new generation holds only what the rebuild wrote"
    index.rebuild([document(3)])
    generations = sorted(p.name for p in (tmp_path / "generations").iterdir())
    assert len(generations) == 2 and Path(os.readlink(tmp_path / "current")).name in generations


def test_searches_keep_working_while_a_rebuild_runs(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(n, description="parenting course") for n in range(200)])
    failures: list[BaseException] = []
    counts: list[int] = []
    stop = threading.Event()

    def keep_searching() -> None:
        reader = WhooshIndex(tmp_path, NEED_WORDS)
        while not stop.is_set():
            try:
                counts.append(len(ids(reader, "parenting")))
            except BaseException as error:  # noqa: B902 - any failure is what this test looks for
                failures.append(error)
                return

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    for _ in range(3):
        index.rebuild([document(n, description="parenting course") for n in range(200)])
    stop.set()
    searcher.join(timeout=30)
    assert not failures
    assert counts and set(counts) == {200}, "every search saw a whole index"


def _write_many(root: str, start: int, count: int) -> None:
    index = WhooshIndex(Path(root), NEED_WORDS)
    for number in range(start, start + count):
        index.write([document(number, f"Writer service {number}")], [])


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    WhooshIndex(tmp_path, NEED_WORDS).rebuild([])
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_many, args=(str(tmp_path), start, 40)) for start in (1000, 2000)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0, "a writer failed (a lock error would end it with an exception)"
    found = ids(WhooshIndex(tmp_path, NEED_WORDS), "writer")
    assert len(found) == 80


def test_an_edit_replaces_the_old_words(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(1, "Walrus club")])
    assert ids(index, "walrus") == {document(1).id}
    index.write([document(1, "Otter club")], [])
    assert ids(index, "walrus") == set()
    assert ids(index, "otter") == {document(1).id}
    index.write([], [document(1).id])
    assert ids(index, "otter") == set()


def test_matches_come_with_their_numbers_in_the_index_and_new_numbers_after_an_edit(tmp_path: Path) -> None:
    """The engine finds a match's row by its number in the index (DocumentTable.rows_in): each number
    must name the match's service, and an edit (a new segment) must give a new numbering."""
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(n, f"Walrus club {n}") for n in range(5)])
    first = index.match("walrus", [])
    assert first.numbering is not None and first.numbers is not None
    assert first.numbering[first.numbers].tolist() == list(first.ids) and len(first.ids) == 5
    assert index.match("walrus", []).numbering is first.numbering  # the same until the index changes
    index.write([document(2, "Otter club")], [])
    after = index.match("walrus", [])
    assert after.numbering is not first.numbering
    assert after.numbering[after.numbers].tolist() == list(after.ids)
    assert set(after.ids) == {document(n).id for n in (0, 1, 3, 4)}


def test_snippets_escape_what_organisations_write(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    club = document(1, "Club", description="Parenting <script>alert(1)</script> course & more")
    index.rebuild([club])
    matched = index.match("parenting", [])
    snippet = index.highlights(matched.query, [club])[club.id]
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert '<mark class="portal-match' in snippet


def test_everyday_need_words_find_a_service(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(1, "Community pantry", description="Groceries at low cost")])
    assert ids(index, "skint") == {document(1).id}


def marked(snippet: str) -> list[str]:
    return re.findall(r'<mark class="portal-match[^"]*">([^<]*)</mark>', snippet)


def test_snippets_mark_the_description_words_matched_even_through_a_typo(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    every = [
        document(1, "Counselling club", description="Free counselling for teenagers, and counsellors to talk to."),
        document(2, "Talking space", description="A counsellor visits weekly; breastfeeding support too."),
        document(3, "Counselling drop-in", description="Somewhere warm to sit."),
        document(4, "Other", description="Nothing about that here."),
    ]
    index.rebuild(every)
    # As typed, then with a slip in each word ("conselling" and "brestfeeding" are in no description).
    for words in ("counselling breastfeeding", "conselling brestfeeding"):
        matched = index.match(words, [])
        snippets = index.highlights(matched.query, every)
        assert marked(snippets[document(1).id]) == ["counselling", "counsellors"], words
        assert marked(snippets[document(2).id]) == ["counsellor", "breastfeeding"], words
        # Matched by its name only: no passage of the description to show.
        assert document(3).id not in snippets and document(4).id not in snippets, words


def test_snippets_follow_an_edit(tmp_path: Path) -> None:
    index = WhooshIndex(tmp_path, NEED_WORDS)
    before = document(1, "Club", description="Parenting course on Mondays.")
    index.rebuild([before])
    matched = index.match("parenting", [])
    assert marked(index.highlights(matched.query, [before])[before.id]) == ["Parenting"]
    after = document(1, "Club", description="A new parenting group, and parenting advice.")
    index.write([after], [])
    matched = index.match("parenting", [])
    assert marked(index.highlights(matched.query, [after])[after.id]) == ["parenting", "parenting"]


def test_a_snippet_is_made_from_the_description_field_as_the_index_holds_it(tmp_path: Path) -> None:
    """The text marked is the document's description then its eligibility, as written to the index's
    description field (not read back from the index): the same words, the same fragments."""
    from dataclasses import replace

    from portal.search.backends.whoosh import description_text

    index = WhooshIndex(tmp_path, NEED_WORDS)
    club = replace(document(1, "Club", description="Parenting course on Mondays."),
                   eligibility="For parents of children under five; parenting help by phone.")
    index.rebuild([club])
    searcher = index.searcher()
    assert searcher is not None
    stored = searcher.stored_fields(index._ids_by_docnum(searcher).index(club.id))["description"]
    assert description_text(club) == stored
    snippet = index.highlights(index.match("parenting", []).query, [club])[club.id]
    assert marked(snippet) == ["Parenting", "parents", "parenting"]


def test_did_you_mean_keeps_the_first_letter_as_typed(tmp_path: Path) -> None:
    """A suggestion is looked for among the directory's words with the word's own first letter, as a
    slip-tolerant match is: Whoosh then measures a few hundred words, not every word of the directory
    (150 ms a word at 10,000 services, and a search may hold four unknown words)."""
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([document(1, "Parenting course", description="Weekly parenting course.")])
    searcher = index.searcher()
    assert searcher is not None
    assert index.suggest("parrenting course", searcher) == "parenting course"
    assert index.suggest("xarenting course", searcher) is None, "a slip in the first letter is not looked for"
    index.close()


WORDISH = st.text(alphabet=st.sampled_from("abcAB'’ -.ąż1é"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(repeated=WORDISH, own=WORDISH)
def test_a_field_given_in_parts_holds_the_terms_of_the_parts_joined(repeated: str, own: str) -> None:
    """The spelling field is given as (the needs' words, the service's own words), the first analysed
    once per process: its terms, frequencies and weights are those of the two joined by a space."""
    parts = make_schema()["spelling"]
    plain = TEXT(analyzer=plain_analyzer(), phrase=False)
    for _ in range(2):  # the second time, the repeated part's terms as kept
        assert sorted(parts.index((repeated, own))) == sorted(plain.index(f"{repeated} {own}"))
    assert sorted(parts.index(f"{repeated} {own}")) == sorted(plain.index(f"{repeated} {own}"))


def test_an_index_built_before_the_spelling_field_came_in_parts_takes_edits_as_it_did(tmp_path: Path) -> None:
    """An index keeps the schema it was built with until it is rebuilt: an edit to one built when the
    spelling field was plain TEXT gives that field one string, analysed word by word, not two parts
    (which plain TEXT would take as two ready-made terms)."""
    old_schema = make_schema()
    old_schema.remove("spelling")
    old_schema.add("spelling", TEXT(analyzer=plain_analyzer(), spelling=True, phrase=False))
    index = WhooshIndex(tmp_path, NEED_WORDS)
    index.rebuild([])
    generation = index.current_link.resolve()
    shutil.rmtree(generation)
    generation.mkdir()
    whoosh_index.create_in(generation, old_schema, indexname=INDEX_NAME)
    index.write([document(1, "Walrus club", "Swimming lessons")], [])
    reader = index.searcher().reader()  # type: ignore[union-attr]
    assert type(reader.schema["spelling"]) is TEXT
    for word in ("walrus", "club", "swimming", "skint", "bank"):
        assert reader.frequency("spelling", word) == 1, word
    assert index.suggest("walrs", index.searcher()) == "walrus"  # type: ignore[arg-type]
