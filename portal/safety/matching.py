"""Does a visitor's text match a safety phrase? Tolerant of case, accents typed or not, Arabic and
Urdu letter variants, attached prefixes in Arabic script, and one-letter slips in longer Latin words
that are not themselves English words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
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


MOST_SLIPS = 2


def allowed_slips(word: str) -> int:
    return 0 if len(word) < MIN_FUZZY_LENGTH else 1 if len(word) < 9 else MOST_SLIPS


def deletions(word: str, most: int) -> set[str]:
    """The word and every string made from it by deleting up to `most` of its letters."""
    found, made = {word}, {word}
    for _ in range(most):
        made = {text[:at] + text[at + 1:] for text in made for at in range(len(text))}
        found |= made
    return found


@dataclass(frozen=True)
class Typed:
    """A visitor's text made ready once for every phrase of every intent (a few hundred a search)."""
    words: tuple[str, ...]
    joined: str
    exact: frozenset[str]
    # Where a one-letter slip may be forgiven: Latin words long enough that are not English words.
    slip_words: tuple[str, ...]
    made_by_deleting: dict[str, set[str]] = field(default_factory=dict, compare=False, repr=False)

    def deletions(self, word: str) -> set[str]:
        """deletions(word, MOST_SLIPS), made once for every intent's phrases."""
        made = self.made_by_deleting.get(word)
        if made is None:
            made = self.made_by_deleting[word] = deletions(word, MOST_SLIPS)
        return made


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


class FirstWords:
    """The phrases of an intent found by their first slot: a phrase matches only when each of its slots
    does, so only the phrases whose first slot can match the text are checked in full, not the hundred
    or more of every language at every search. A first slot can match when one of its alternatives
    does: a word typed is an exact alternative, or begins with a prefix (`care*`); a slip word may be
    a slip of an alternative that forgives slips only when the two share a string made by deleting as
    many letters from each as the slips forgiven (a swap of two letters, a changed, a missing or an
    extra one each cost one deletion a side), so the alternatives are found by those strings and
    checked in full by the rule; an alternative in another script is found inside the text, so it is
    a candidate whenever the text is not all ASCII."""

    def __init__(self, phrases: Iterable[Phrase]) -> None:
        self.phrases = tuple(phrases)
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[int]] = {}
        self.slips: dict[str, set[int]] = {}  # a string made by deleting letters -> phrases
        other_script = set()
        self.longest_slipping = 0
        for number, phrase in enumerate(self.phrases):
            for alternative in phrase.slots[0]:
                if not alternative.latin:
                    other_script.add(number)
                elif alternative.prefix:
                    self.prefixes.setdefault(alternative.text, []).append(number)
                else:
                    self.exact.setdefault(alternative.text, []).append(number)
                    if alternative.slips:
                        for made in deletions(alternative.text, alternative.slips):
                            self.slips.setdefault(made, set()).add(number)
                        self.longest_slipping = max(self.longest_slipping, len(alternative.text))
        self.prefix_lengths = sorted({len(text) for text in self.prefixes})
        self.other_script = frozenset(other_script)

    def candidates(self, typed: Typed) -> list[Phrase]:
        found: set[int] = set()
        for word in typed.exact:
            found.update(self.exact.get(word, ()))
            for length in self.prefix_lengths:
                if length > len(word):
                    break
                found.update(self.prefixes.get(word[:length], ()))
        for word in typed.slip_words:
            # Longer than any such alternative by more than the slips forgiven: a slip of none of them.
            if len(word) <= self.longest_slipping + MOST_SLIPS:
                for made in typed.deletions(word):
                    found.update(self.slips.get(made, ()))
        if not typed.joined.isascii():
            found |= self.other_script
        return [self.phrases[number] for number in sorted(found)]

    def match(self, typed: Typed) -> bool:
        """Whether any of the phrases matches the text (as checking each of them would say)."""
        return any(phrase.matches(typed) for phrase in self.candidates(typed))
