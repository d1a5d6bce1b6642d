"""Does a visitor's text match a safety phrase? Tolerant of case, accents typed or not, Arabic and
Urdu letter variants, attached prefixes in Arabic script, and one-letter slips in longer Latin words
that are not themselves English words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from portal.lexicon import edit_distance, fold_letters, is_english_word

_APOSTROPHES = re.compile(r"['\u2019\u02bc`]")
MIN_FUZZY_LENGTH = 5
MAX_TEXT_CHARACTERS = 500


def normalise(text: str) -> str:
    """Lower case, compatibility forms folded, Latin accents dropped ("żyć" is "zyc"), Arabic-script
    variants folded, apostrophes removed ("don't" is "dont")."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARACTERS]).casefold()
    return fold_letters(_APOSTROPHES.sub("", text))


def _in_word(char: str) -> bool:
    # Letters and digits, and the vowel signs and other marks Bengali and Arabic write inside words.
    return char.isalnum() or unicodedata.category(char).startswith("M")


def words(text: str) -> list[str]:
    found, current = [], []
    for char in normalise(text):
        if _in_word(char):
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def is_latin(word: str) -> bool:
    return all(char.isascii() for char in word)


def allowed_slips(word: str) -> int:
    return 0 if len(word) < MIN_FUZZY_LENGTH else 1 if len(word) < 9 else 2


@dataclass(frozen=True)
class Alternative:
    text: str
    prefix: bool

    def matches(self, typed: list[str], joined: str) -> bool:
        if not is_latin(self.text):
            return self.text in joined  # attached prefixes and suffixes in Arabic, Urdu and Bengali script
        for word in typed:
            if word == self.text or (self.prefix and word.startswith(self.text)):
                return True
        if not self.prefix:
            slips = allowed_slips(self.text)
            return slips > 0 and any(
                len(word) >= MIN_FUZZY_LENGTH and is_latin(word) and not is_english_word(word)
                and edit_distance(word, self.text, slips) <= slips for word in typed)
        return False


@dataclass(frozen=True)
class Phrase:
    """Every slot must be matched by some word of the text, in any order."""
    source: str
    slots: tuple[tuple[Alternative, ...], ...]

    def matches(self, typed: list[str], joined: str) -> bool:
        return all(any(alternative.matches(typed, joined) for alternative in slot) for slot in self.slots)


def compile_phrase(source: str) -> Phrase:
    """`"partner|husband hits|beats"`: words separated by spaces, alternatives by `|`, a trailing `*`
    for any ending. Raises ValueError when a word is empty once normalised."""
    slots = []
    for slot in source.split():
        alternatives = []
        for option in slot.split("|"):
            prefix = option.endswith("*")
            text = "".join(words(option.rstrip("*")))
            if not text:
                raise ValueError(f"the phrase {source!r} has an empty word")
            alternatives.append(Alternative(text, prefix))
        slots.append(tuple(alternatives))
    if not slots:
        raise ValueError("a phrase is empty")
    return Phrase(source, tuple(slots))


def prepared(text: str) -> tuple[list[str], str]:
    typed = words(text)
    return typed, " ".join(typed)
