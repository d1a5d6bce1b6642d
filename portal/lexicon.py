"""Which words are English words: the word lists zxcvbn ships (English Wikipedia and film and TV
subtitles, about 49,000 words). "Did you mean" and the safety phrases use it to leave real words
alone: a word that is in the language is never "corrected" into another one. And one form for the
letters people type in several ways, for matching in any of the portal's languages."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

COMMON_PASSWORDS = 10_000

# Letters written differently in Arabic and Urdu, or with and without hamza: one form each.
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ك": "ک", "ي": "ی", "ى": "ی",
                              "ۃ": "ہ", "ـ": None})
# Zero-width joiners and the optional Arabic vowel marks (harakat), which change no meaning here.
_SILENT = re.compile("[\u200b-\u200d\u2060\ufeff\u064b-\u065f\u0670]")


def _fold_char(char: str) -> str:
    if char == "ł" or char == "Ł":
        return "l"
    if "LATIN" in unicodedata.name(char, ""):
        return unicodedata.normalize("NFKD", char)[0]
    return char


def fold_letters(text: str) -> str:
    """Text as typed with or without accents and letter variants, in one form: Latin accents dropped
    ("żywności" is "zywnosci"), Arabic and Urdu letter variants folded, vowel marks and zero-width
    joiners removed. For matching what people type, never for showing."""
    return "".join(_fold_char(char) for char in _SILENT.sub("", text).translate(_ARABIC_FOLD))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    # zxcvbn keeps each word in one list only, so common words that are also common passwords ("horse",
    # "kitten", "spirit") are in neither of those two: the letters-only ones among the commonest are words too.
    passwords = (word for word in FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS] if word.isalpha())
    return (frozenset(FREQUENCY_LISTS["english_wikipedia"]) | frozenset(FREQUENCY_LISTS["us_tv_and_film"])
            | frozenset(passwords))


def is_english_word(word: str) -> bool:
    plain = word.lower().replace("'", "").replace("\u2019", "")
    return plain in english_words() or word.lower() in english_words()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters counts once), stopping past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
