"""Does a visitor's text match a safety phrase? Tolerant of case, accents typed or not, Arabic and
Urdu letter variants, attached prefixes in Arabic script, and one-letter slips in longer Latin words
that are not themselves English words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

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
class Typed:
    """A visitor's text made ready once for every phrase of every intent (a few hundred a search)."""
    words: tuple[str, ...]
    joined: str
    exact: frozenset[str]
    # Where a one-letter slip may be forgiven: Latin words long enough that are not English words.
    slip_words: tuple[str, ...]


@dataclass(frozen=True)
class Alternative:
    text: str
    prefix: bool
    latin: bool = field(init=False)
    slips: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "latin", is_latin(self.text))
        object.__setattr__(self, "slips", 0 if self.prefix else allowed_slips(self.text))

    def matches(self, typed: Typed) -> bool:
        if not self.latin:
            return self.text in typed.joined  # attached prefixes and suffixes in Arabic, Urdu and Bengali script
        if self.prefix:
            return any(word.startswith(self.text) for word in typed.words)
        if self.text in typed.exact:
            return True
        return self.slips > 0 and any(
            edit_distance(word, self.text, self.slips) <= self.slips for word in typed.slip_words)


@dataclass(frozen=True)
class Phrase:
    """Every slot must be matched by some word of the text, in any order."""
    source: str
    slots: tuple[tuple[Alternative, ...], ...]

    def matches(self, typed: Typed) -> bool:
        return all(any(alternative.matches(typed) for alternative in slot) for slot in self.slots)


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


def prepared(text: str) -> Typed:
    typed = words(text)
    return Typed(
        words=tuple(typed),
        joined=" ".join(typed),
        exact=frozenset(typed),
        slip_words=tuple(word for word in typed
                         if len(word) >= MIN_FUZZY_LENGTH and is_latin(word) and not is_english_word(word)),
    )
