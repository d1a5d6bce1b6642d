"""Text analysis shared by indexing and querying: tokens, word families and English stemming."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import Analyzer
from whoosh.lang.porter import stem as porter_stem

from portal.config import PROJECT_DIR
from portal.datafiles import read_yaml

FAMILIES_FILE = PROJECT_DIR / "directory_data" / "search" / "word_families.yaml"
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 12
# Words and apostrophes inside words ("won't"), in any script.
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


@cache
def _word_data(path: Path = FAMILIES_FILE) -> dict[str, object]:
    data: dict[str, object] = read_yaml(path, "word_families")
    return data


def word_families() -> dict[str, str]:
    families: dict[str, str] = _word_data()["families"]  # type: ignore[assignment]
    return families


@cache
def ignored_words() -> frozenset[str]:
    ignored: list[str] = _word_data().get("ignore", [])  # type: ignore[assignment]
    return frozenset(ignored)


def family_stem(word: str) -> str:
    """Stem a word after mapping it into its family (counsellor -> counselling -> counsel)."""
    return porter_stem(word_families().get(word, word))


def stemming_analyzer() -> Analyzer:
    # A module-level stem function, so the analyser can be stored in the index's schema.
    return (RegexTokenizer(r"\w+(?:['’]\w+)*") | LowercaseFilter() | StopFilter()
            | StemFilter(stemfn=family_stem, cachesize=50000))


def plain_analyzer() -> Analyzer:
    return RegexTokenizer(r"\w+(?:['’]\w+)*") | LowercaseFilter() | StopFilter()


def query_words(text: str) -> list[str]:
    """The words of a search, lower-cased, without stop words, at most MAX_QUERY_WORDS of them."""
    analyzer = plain_analyzer()
    ignored = ignored_words()
    words = [token.text.replace("’", "'") for token in analyzer(text[:MAX_QUERY_CHARACTERS])]
    return [word for word in dict.fromkeys(words) if word not in ignored][:MAX_QUERY_WORDS]
