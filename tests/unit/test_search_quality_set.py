"""The search quality set's rules: what counts as a hit, the figures, and a checked file."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.datafiles import DataFileError
from portal.search.analysis import may_correct, split_compounds, typed_pairs
from portal.search.quality import Found, QualityQuery, judge, load_queries, measure, overall

FOOD = frozenset({"money-debt-and-food"})


def test_a_hit_is_a_good_answer_in_the_top_five_and_its_rank_counts() -> None:
    query = QualityQuery("Parents", "food bank", needs=FOOD)
    other = Found("Youth club", frozenset({"youth-activities-and-support"}))
    food = Found("Foodbank", FOOD)
    assert judge(query, [other, other, food]).rank == 3
    assert judge(query, [other] * 5 + [food]).rank is None
    named = QualityQuery("Practitioners", "CAF", services=frozenset({"CAF advisors"}))
    assert judge(named, [Found("CAF advisors", frozenset())]).rank == 1


def test_figures_per_group_and_overall() -> None:
    food, other = Found("Foodbank", FOOD), Found("Other", frozenset())
    queries = [QualityQuery("A", "one", needs=FOOD), QualityQuery("A", "two", needs=FOOD),
               QualityQuery("B", "three", needs=FOOD)]
    answers = {"one": [food], "two": [other, food], "three": [other]}
    groups = measure(queries, lambda query: answers[query.q])
    assert [(g.group, g.hit_at_5, g.mrr) for g in groups] == [("A", 1.0, 0.75), ("B", 0.0, 0.0)]
    assert overall(groups).hit_at_5 == pytest.approx(2 / 3)


@pytest.mark.parametrize("text, problem", [
    ("group: X\nqueries:\n  - q: help\n    expect: {needs: [no-such-need]}\n", "no-such-need"),
    ("group: X\nqueries:\n  - q: help\n    expect: {services: [Nobody]}\n", "Nobody"),
    ("group: X\nqueries:\n  - q: help\n    lang: xx\n    expect: {needs: [housing]}\n", "xx"),
    ("group: X\nqueries:\n  - q: help\n    expect: {}\n", "expect"),
])
def test_a_wrong_query_is_refused_with_its_file_and_row(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "set.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_queries(tmp_path, ["housing"], ["Somebody"], ["en", "ur"])
    assert "set.yaml" in str(error.value) and problem in str(error.value)


def test_typos_are_looked_for_only_in_long_words_that_are_not_words() -> None:
    assert may_correct("councelling") and may_correct("scool")
    assert not may_correct("council") and not may_correct("house") and not may_correct("sone")


def test_words_typed_together_make_phrases_stop_words_kept_between() -> None:
    assert typed_pairs("Stay and play") == ["stay and play"]
    assert typed_pairs("skint, need food bank") == ["skint need", "need food", "food bank"]


def test_words_run_together_are_also_read_apart() -> None:
    assert split_compounds("homestart") == "homestart home start"
    assert split_compounds("youthclub in Hyde") == "youthclub youth club in Hyde"
    assert split_compounds("breastfeeding") == "breastfeeding"
    assert split_compounds("گھریلو") == "گھریلو"


def test_common_words_that_are_also_common_passwords_are_english_words() -> None:
    # In zxcvbn's password list only, so missing from its word lists: a slip was looked for in them.
    assert not may_correct("horse") and not may_correct("kitten")
