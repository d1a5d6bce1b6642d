"""The everyday-language synonyms search uses to understand what a parent types."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import PROJECT_DIR
from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import REQUIRED_NEED_SLUGS, load_vocabularies
from portal.search.synonyms import Synonyms, load_synonyms, normalise

SYNONYMS_FILE = PROJECT_DIR / "directory_data" / "search" / "synonyms.yaml"


@pytest.fixture(scope="module")
def synonyms() -> Synonyms:
    needs = load_vocabularies(PROJECT_DIR / "directory_data").needs
    return load_synonyms(SYNONYMS_FILE, needs)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_covers_every_need(synonyms: Synonyms) -> None:
    by_need = synonyms.phrases_by_need()
    assert set(by_need) == set(REQUIRED_NEED_SLUGS)
    for need in REQUIRED_NEED_SLUGS:
        assert len(set(by_need[need])) >= 10, need


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("skint, need food bank", "money-debt-and-food"),
        ("I can't afford the gas", "money-debt-and-food"),
        ("my son won't go to school", "school-attendance-and-education"),
        ("my son wont go to school", "school-attendance-and-education"),
        ("he hits me", "domestic-abuse"),
        ("She hits me when she's drunk", "domestic-abuse"),
        ("self-harm", "emotional-wellbeing-and-mental-health"),
        ("self harm", "emotional-wellbeing-and-mental-health"),
        ("my daughter is autistic", "send-and-disability"),
        ("dad's drinking again", "drugs-and-alcohol"),
        ("we've been evicted", "housing"),
        ("he's being bullied", "school-attendance-and-education"),
        ("he's being bullied", "youth-activities-and-support"),
        ("I'm pregnant", "pregnancy-and-new-baby"),
        ("worried about county lines", "youth-crime-and-exploitation"),
    ],
)
def test_everyday_words_point_to_needs(synonyms: Synonyms, text: str, need: str) -> None:
    assert need in synonyms.needs_for(text)


def test_the_brief_examples_mean_exactly_their_needs(synonyms: Synonyms) -> None:
    assert synonyms.needs_for("skint, need food bank") == ["money-debt-and-food"]
    assert synonyms.needs_for("He HITS me") == ["domestic-abuse"]
    assert synonyms.needs_for("evicted") == ["housing"]


def test_matches_give_the_phrase_and_where_it_is(synonyms: Synonyms) -> None:
    text = "Skint,   need FOOD BANK!"
    matches = synonyms.match(text)
    assert [(m.phrase, m.start, m.end) for m in matches] == [("skint", 0, 5), ("food bank", 11, 20)]
    normal = normalise(text)
    assert [normal[m.start:m.end] for m in matches] == ["skint", "food bank"]
    assert "money" in matches[0].terms


def test_extra_terms_are_added_once(synonyms: Synonyms) -> None:
    terms = synonyms.extra_terms("skint and broke, need a food bank")
    assert "money" in terms and "food" in terms
    assert len(terms) == len(set(terms))
    assert synonyms.extra_terms("the quick brown fox") == []


def test_needs_are_in_the_order_mentioned_without_repeats(synonyms: Synonyms) -> None:
    assert synonyms.needs_for("evicted, skint, evicted again and skint") == ["housing", "money-debt-and-food"]


def test_phrases_match_whole_words_only(synonyms: Synonyms) -> None:
    assert synonyms.match("Billsworth Road") == []
    assert synonyms.needs_for("unbroken") == []
    assert synonyms.needs_for("pay the bills") == ["money-debt-and-food"]


def test_the_longest_overlapping_phrase_wins(synonyms: Synonyms) -> None:
    matches = synonyms.match("he got kicked out of school")
    assert [m.phrase for m in matches] == ["kicked out of school"]
    assert synonyms.needs_for("kicked out of school") == ["school-attendance-and-education"]
    assert [m.phrase for m in synonyms.match("he hits me")] == ["he hits me"]


@pytest.mark.parametrize("text", ["I can’t afford food", "I can't afford food", "I cant afford food", "CAN’T AFFORD"])
def test_apostrophes_are_optional_and_may_be_curly(synonyms: Synonyms, text: str) -> None:
    assert "money-debt-and-food" in synonyms.needs_for(text)


def test_a_word_is_not_found_inside_its_negation(tmp_path: Path) -> None:
    synonyms = load_synonyms(write(tmp_path, "entries:\n  - phrases: [can]\n    needs: [housing]\n"), ["housing"])
    assert synonyms.needs_for("I can't") == []
    assert synonyms.needs_for("I can move") == ["housing"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "(.*+?[]{}|\\^$",
        "skint" * 2000,
        "skint, " * 1500 + "(((",
        "🙂🙂 help 🏠 evicted 👨‍👩‍👧",
        "میرا بیٹا اسکول نہیں جاتا",
        "\x00\u200b\ufeff'''---",
        "x" * 10_000,
    ],
)
def test_any_text_is_safe(synonyms: Synonyms, text: str) -> None:
    matches = synonyms.match(text)
    assert isinstance(synonyms.needs_for(text), list)
    assert isinstance(synonyms.extra_terms(text), list)
    normal = normalise(text)
    for found in matches:
        assert 0 <= found.start < found.end <= len(normal)


def test_long_input_is_still_understood(synonyms: Synonyms) -> None:
    text = "blah " * 2000 + "we are skint"
    assert synonyms.needs_for(text) == ["money-debt-and-food"]


def test_normalise() -> None:
    assert normalise("  I CAN’T   afford\tit!! ") == "i can't afford it"
    assert normalise("self-harm, 'quoted' - dash --") == "self-harm quoted dash"
    assert normalise("what?!(.*)") == "what"


def test_an_unknown_need_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "entries:\n"
        "  - phrases: [skint]\n    needs: [money-debt-and-food]\n"
        "  - phrases: [lonely]\n    needs: [loneliness]\n",
    )
    with pytest.raises(DataFileError, match="loneliness") as error:
        load_synonyms(path, REQUIRED_NEED_SLUGS)
    assert error.value.path == path
    assert error.value.row == 2 and error.value.field == "needs"


def test_a_duplicate_phrase_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "entries:\n"
        "  - phrases: [skint, broke]\n    needs: [money-debt-and-food]\n"
        "  - phrases: [evicted]\n    needs: [housing]\n"
        "  - phrases: [Skint]\n    needs: [housing]\n",
    )
    with pytest.raises(DataFileError, match="'skint' is already in row 1") as error:
        load_synonyms(path, REQUIRED_NEED_SLUGS)
    assert error.value.row == 3 and error.value.field == "phrases"


def test_a_malformed_entry_is_refused_by_the_schema(tmp_path: Path) -> None:
    path = write(tmp_path, "entries:\n  - phrases: []\n    needs: [housing]\n")
    with pytest.raises(DataFileError) as error:
        load_synonyms(path, REQUIRED_NEED_SLUGS)
    assert error.value.row == 1 and error.value.field == "phrases"


def test_similar_spellings_in_different_entries_share_their_needs(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "entries:\n"
        "  - phrases: [\"can't pay\"]\n    needs: [money-debt-and-food]\n    terms: [money]\n"
        "  - phrases: [cant pay]\n    needs: [housing]\n    terms: [rent]\n",
    )
    synonyms = load_synonyms(path, REQUIRED_NEED_SLUGS)
    assert synonyms.needs_for("I cant pay") == ["money-debt-and-food", "housing"]
    assert synonyms.extra_terms("I can't pay") == ["money", "rent"]


@pytest.mark.parametrize("typed, meant", [
    ("scool", "school"), ("anxeity", "anxiety"), ("councelling", "counselling"), ("homless", "homeless"),
])
def test_a_misspelt_word_stands_for_the_phrase_word_it_is_a_slip_of(synonyms: Synonyms, typed: str,
                                                                    meant: str) -> None:
    assert synonyms.corrected(typed) == meant


@pytest.mark.parametrize("word", ["house", "council", "cope", "sone", "hose", "ab"])
def test_real_words_and_short_words_are_never_taken_for_others(synonyms: Synonyms, word: str) -> None:
    assert synonyms.corrected(word) is None


def test_phrases_are_found_through_a_misspelt_word(synonyms: Synonyms) -> None:
    assert synonyms.needs_for("domestik abuse") == ["domestic-abuse"]
    assert synonyms.needs_for("my sone wont go to scool") == ["school-attendance-and-education"]
