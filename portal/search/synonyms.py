"""Everyday words and phrases -> the needs they mean (directory_data/search/synonyms.yaml).

Search uses this to understand what a parent types ("son won't go to school", "skint, need food bank",
"he hits me"): which needs the words point to, and extra search terms for services that never use
the slang. All phrases are matched by one regular expression compiled at load time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from portal.datafiles import DataFileError, read_yaml
from portal.lexicon import edit_distance, fold_letters, is_english_word

# Apostrophe look-alikes that phones and word processors put in place of "'".
_APOSTROPHES = str.maketrans({ch: "'" for ch in "\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032\uff07"})
_NOT_WORD = re.compile(r"[^\w\s'-]|_")
_JOINERS = re.compile(r"['-]+")
_SPACES = re.compile(r"\s+")
# Around a phrase: not inside a longer word, and not "can" out of "can't".
_BEFORE = r"(?<![\w'])"
_AFTER = r"(?!\w)(?!'t(?!\w))"
# A typed word of SLIP_MIN_LENGTH letters or more that is not an English word and not a word of any
# phrase stands for the phrase word one slip away ("scool": "school", "anxeity": "anxiety"), or two
# slips for words of SLIP_TWO_LENGTH letters or more ("councelling": "counselling"). Found through
# each word's deletions (a word and its misspelling share one), so a search costs a few set lookups.
SLIP_MIN_LENGTH = 5
SLIP_TWO_LENGTH = 8
SLIP_MAX_LENGTH = 20
SLIP_MAX_WORDS = 4


@dataclass(frozen=True)
class SynonymEntry:
    """One entry of the file: phrases (normalised) that all mean the same needs."""

    phrases: tuple[str, ...]
    needs: tuple[str, ...]
    terms: tuple[str, ...] = ()
    language: str = "en"


@dataclass(frozen=True)
class SynonymMatch:
    """A phrase found in the normalised text, at text[start:end]."""

    phrase: str
    needs: tuple[str, ...]
    terms: tuple[str, ...]
    start: int
    end: int


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def normalise(text: str) -> str:
    """Lower-case, straight apostrophes, accents and letter variants folded (lexicon.fold_letters: "bank
    żywności" is "bank zywnosci"), punctuation gone (bar apostrophes and hyphens inside words),
    whitespace collapsed to single spaces."""
    text = fold_letters(unicodedata.normalize("NFC", text).lower().translate(_APOSTROPHES))

    def not_word(match: re.Match[str]) -> str:
        # Combining marks (Urdu, Bengali vowel signs...) belong to the word they follow.
        i = match.start()
        if unicodedata.category(match.group()).startswith("M") and i > 0 and _is_word_char(text[i - 1]):
            return match.group()
        return " "

    text = _NOT_WORD.sub(not_word, text)

    def joiner(match: re.Match[str]) -> str:
        start, end = match.span()
        inside = 0 < start and end < len(text) and _is_word_char(text[start - 1]) and _is_word_char(text[end])
        return match.group()[0] if inside else " "

    text = _JOINERS.sub(joiner, text)
    return _SPACES.sub(" ", text).strip()


def _key(phrase: str) -> str:
    """What a normalised phrase is looked up by: apostrophes optional, hyphens the same as spaces."""
    return phrase.replace("'", "").replace("-", " ")


def _pattern(phrase: str) -> str:
    """A normalised phrase as a regular expression that matches its _key() variants."""
    parts = []
    for ch in phrase:
        if ch == "'":
            parts.append("'?")
        elif ch in " -":
            parts.append("[ -]")
        else:
            parts.append(re.escape(ch))
    return "".join(parts)


def _deletions(word: str, slips: int) -> set[str]:
    """The word with up to `slips` letters taken out (the word itself included)."""
    found = {word}
    for _ in range(slips):
        found |= {variant[:i] + variant[i + 1:] for variant in found for i in range(len(variant))}
    return found


def _slips(word: str) -> int:
    return 2 if len(word) >= SLIP_TWO_LENGTH else 1


def _may_be_slip(word: str) -> bool:
    return (SLIP_MIN_LENGTH <= len(word) <= SLIP_MAX_LENGTH and word.isascii() and word.isalpha()
            and not is_english_word(word))


def _merged(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(first + second))


class Synonyms:
    """Everyday phrases and the needs they mean, ready to find in what someone types."""

    def __init__(self, entries: Iterable[SynonymEntry]):
        self.entries = tuple(entries)
        # key -> (phrase as written first, needs, terms); "can't" and "cant" share a key.
        self._meanings: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        patterns: dict[str, int] = {}  # regular expression -> length of its phrase
        for entry in self.entries:
            for phrase in entry.phrases:
                key = _key(phrase)
                if key in self._meanings:
                    written, needs, terms = self._meanings[key]
                    self._meanings[key] = (written, _merged(needs, entry.needs), _merged(terms, entry.terms))
                else:
                    self._meanings[key] = (phrase, entry.needs, entry.terms)
                patterns[_pattern(phrase)] = len(phrase)
        # The words of the phrases, by each of their deletions: for finding what a slip stands for.
        self._words = {word for key in self._meanings for word in key.split()}
        self._by_deletion: dict[str, set[str]] = {}
        for word in self._words:
            if len(word) >= SLIP_MIN_LENGTH - 1 and word.isascii() and word.isalpha():
                for variant in _deletions(word, _slips(word)):
                    self._by_deletion.setdefault(variant, set()).add(word)
        self._regex: re.Pattern[str] | None = None
        if patterns:
            ordered = sorted(patterns, key=lambda pattern: (-patterns[pattern], pattern))
            # A lookahead finds the longest phrase starting at every word, overlapping or not.
            alternation = "|".join(ordered)
            self._regex = re.compile(f"{_BEFORE}(?=((?:{alternation})){_AFTER})")

    @property
    def phrase_count(self) -> int:
        return sum(len(entry.phrases) for entry in self.entries)

    def phrases_by_need(self, language: str = "en") -> dict[str, list[str]]:
        """Each need with the phrases in `language` that mean it, in file order."""
        found: dict[str, list[str]] = {}
        for entry in self.entries:
            if entry.language != language:
                continue
            for need in entry.needs:
                found.setdefault(need, []).extend(entry.phrases)
        return found

    def corrected(self, word: str) -> str | None:
        """The phrase word a misspelt `word` stands for, or None (see SLIP_MIN_LENGTH)."""
        if word in self._words or not _may_be_slip(word):
            return None
        most = _slips(word)
        candidates = set().union(*(self._by_deletion.get(variant, set()) for variant in _deletions(word, most)))
        scored = sorted((edit_distance(word, candidate, most), candidate) for candidate in candidates)
        best = [candidate for distance, candidate in scored if distance <= most and distance == scored[0][0]]
        return best[0] if len(best) == 1 else None

    def _with_slips_mended(self, normal: str) -> str:
        words = normal.split(" ")
        budget = SLIP_MAX_WORDS
        for i, word in enumerate(words):
            if budget and _may_be_slip(word) and word not in self._words:
                budget -= 1
                words[i] = self.corrected(word) or word
        return " ".join(words)

    def match(self, text: str) -> list[SynonymMatch]:
        """The phrases in normalise(text), in order; where two overlap, the longer wins. Misspelt words
        are read as the phrase words they stand for (`corrected`)."""
        if self._regex is None or not isinstance(text, str) or not text:
            return []
        normal = self._with_slips_mended(normalise(text))
        candidates = [(found.start(1), found.end(1)) for found in self._regex.finditer(normal)]
        taken = bytearray(len(normal))
        chosen = []
        for start, end in sorted(candidates, key=lambda span: (span[0] - span[1], span[0])):
            if taken.find(1, start, end) == -1:
                taken[start:end] = b"\x01" * (end - start)
                chosen.append((start, end))
        matches = []
        for start, end in sorted(chosen):
            meaning = self._meanings.get(_key(normal[start:end]))
            if meaning is not None:
                phrase, needs, terms = meaning
                matches.append(SynonymMatch(phrase, needs, terms, start, end))
        return matches

    def needs_for(self, text: str) -> list[str]:
        """The needs the text points to, in the order they are first mentioned."""
        return list(dict.fromkeys(need for found in self.match(text) for need in found.needs))

    def extra_terms(self, text: str) -> list[str]:
        """Search words to add for the everyday phrases in the text, without repeats."""
        return list(dict.fromkeys(term for found in self.match(text) for term in found.terms))


def _entries(path: Path, known: set[str], language: str = "en") -> list[SynonymEntry]:
    seen: dict[str, int] = {}
    entries = []
    for row, item in enumerate(read_yaml(path, "synonyms")["entries"], start=1):
        for need in item["needs"]:
            if need not in known:
                raise DataFileError(path, f"{need!r} is not one of the needs", row=row, field="needs")
        phrases = []
        for written in item["phrases"]:
            phrase = normalise(written)
            if not phrase:
                raise DataFileError(path, f"the phrase {written!r} has no words in it", row=row, field="phrases")
            if phrase in seen:
                where = "this entry" if seen[phrase] == row else f"row {seen[phrase]}"
                raise DataFileError(path, f"the phrase {phrase!r} is already in {where}", row=row, field="phrases")
            seen[phrase] = row
            phrases.append(phrase)
        entries.append(SynonymEntry(tuple(phrases), tuple(item["needs"]), tuple(item.get("terms", ())), language))
    return entries


def load_synonyms(path: Path, need_slugs: Iterable[str]) -> Synonyms:
    """Read and check the synonyms file: every need must be known and no phrase may appear twice."""
    return Synonyms(_entries(path, set(need_slugs)))


def load_all_synonyms(folder: Path, need_slugs: Iterable[str]) -> Synonyms:
    """The English file (synonyms.yaml) and each language's beside it (synonyms.ur.yaml, ...), each
    checked as load_synonyms does. A phrase in two files means the needs of both. Every language's
    phrases are found whatever the page's language: people type in the language they think in."""
    known = set(need_slugs)
    entries = _entries(folder / "synonyms.yaml", known)
    for path in sorted(folder.glob("synonyms.*.yaml")):
        entries += _entries(path, known, language=path.name.split(".")[1])
    return Synonyms(entries)
