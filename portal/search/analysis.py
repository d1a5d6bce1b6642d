"""Text analysis shared by indexing and querying: tokens, word families and English stemming."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, cast

from whoosh.analysis import STOP_WORDS, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter, Token
from whoosh.analysis.analyzers import Analyzer
from whoosh.highlight import ContextFragmenter, Fragment, mkfrag
from whoosh.lang.porter import stem as porter_stem

from portal.config import PROJECT_DIR
from portal.datafiles import read_yaml
from portal.lexicon import edit_distance, is_english_word

FAMILIES_FILE = PROJECT_DIR / "directory_data" / "search" / "word_families.yaml"
# The cost of one search is bounded here, for every way in (the search page, the API's search=, the
# kiosk, need pages, the questionnaire's outcomes) and every backend: at most this many characters and
# words; each word cut to MAX_WORD_CHARACTERS (no word in the directory is near that long). Typos are
# tolerated only in words of TYPO_MIN_CHARACTERS to TYPO_MAX_CHARACTERS (a slip-tolerant match costs
# far more for a long word, a long random string is no misspelling, and a short word has too many
# neighbours), and only in words that are not English words (a real word is never taken for another:
# "house" is not "hose", "cope" not "code"), in at most MAX_TYPO_WORDS words
# of a search, each expanded into at most MAX_TYPO_EXPANSIONS directory words per field.
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 12
MAX_WORD_CHARACTERS = 30
TYPO_MIN_CHARACTERS = 5
TYPO_MAX_CHARACTERS = 20
MAX_TYPO_WORDS = 4
MAX_TYPO_EXPANSIONS = 8
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


# Words whose token text is kept (a directory's descriptions use far fewer); past it, they start again.
TOKEN_TEXTS_LIMIT = 100_000


@cache
def _token_texts(stemfn: Callable[[str], str], stops: frozenset[str], shortest: int, longest: int | None,
                 unstemmed: frozenset[str]) -> dict[str, str]:
    """The token texts of words, shared by every HighlightTokens with these settings."""
    return {}


@cache
def _splitter(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(f"({pattern})", flags)


@cache
def _stem_cache(stemfn: Callable[[str], str], size: int) -> Callable[[str], str]:
    return lru_cache(maxsize=size if isinstance(size, int) and size > 0 else None)(stemfn)


class HighlightTokens:
    """The stemming analyser's tokens (as `stemming_analyzer` makes them, stop words kept and marked),
    made in one loop for highlighting snippets: the same pattern, stop words and cached stems as the
    analyser it is made from, without a generator per filter for every word of every description
    (about half of a results page's snippets). Whoosh's `highlight` calls it as it would the analyser."""

    def __init__(self, analyzer: Analyzer) -> None:
        tokenizer, lowercase, stop, stem = analyzer.items
        if not (isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps and isinstance(lowercase, LowercaseFilter)
                and isinstance(stop, StopFilter) and isinstance(stem, StemFilter)):
            raise TypeError(f"not the stemming analyser: {analyzer!r}")
        self.expression = tokenizer.expression
        self.stops, self.shortest, self.longest = stop.stops, stop.min, stop.max
        # The stemmer's own cache is written in Python; the same function behind functools' cache, kept
        # across searches, gives the same stems faster.
        self.stem, self.unstemmed = _stem_cache(stem.stemfn, stem.cachesize), stem.ignore
        # The pattern as one group: re.split then gives the gaps and the words in turn.
        self.splitter = _splitter(self.expression.pattern, self.expression.flags)
        # Each lower-case word's token text, kept across searches (one dict lookup a word).
        self.texts = _token_texts(stem.stemfn, frozenset(self.stops), self.shortest, self.longest,
                                  frozenset(self.unstemmed))

    def __call__(self, value: str, chars: bool = True, mode: str = "", removestops: bool = False,
                 **_: Any) -> Iterator[Token]:
        if removestops or not chars:
            raise TypeError("highlighting keeps stop words and needs character offsets")
        token = Token(positions=False, chars=True, removestops=False, mode=mode)
        for match in self.expression.finditer(value):
            text = match.group(0).lower()
            token.boost = 1.0
            token.startchar, token.endchar = match.start(), match.end()
            if len(text) >= self.shortest and (self.longest is None or len(text) <= self.longest) \
                    and text not in self.stops:
                token.stopped = False
                token.text = text if text in self.unstemmed else self.stem(text)
            else:
                token.stopped = True
                token.text = text
            yield token

    def token_text(self, word: str) -> str:
        """A lower-case word's token text: its stem, or the word itself where it is stopped or not stemmed."""
        if len(word) >= self.shortest and (self.longest is None or len(word) <= self.longest) \
                and word not in self.stops:
            return word if word in self.unstemmed else self.stem(word)
        return word

    def fragments(self, text: str, terms: frozenset[str], fragmenter: ContextFragmenter) -> Iterator[Fragment]:
        """The fragments Whoosh's `highlight` finds with `fragmenter` in `text`, for the terms given:
        these tokens, `set_matched_filter` and `ContextFragmenter.fragment_tokens` in one loop.

        The words are split out, lower-cased and looked up at C speed (`re.split`, `map`); the
        fragmenter's loop then runs only from each matched word to the end of its fragment, jumping
        over the words between fragments: they only tell where a fragment starts, which a bisect
        finds. As Whoosh's fragmenter, it stops at the first word ending past its character limit,
        and a fragment still open ends there."""
        parts = self.splitter.split(text)
        ends = list(accumulate(map(len, parts)))
        starts, ends = ends[0::2], ends[1::2]
        count = bisect_right(ends, fragmenter.charlimit) if fragmenter.charlimit else len(ends)
        words = parts[1:2 * count:2]
        if not words:
            return
        last_end = ends[count] if count < len(ends) else ends[-1]
        texts = self.texts
        known = list(map(texts.get, map(str.lower, words)))
        found: list[str] = [text_of if text_of is not None else self._remember(word.lower())
                            for text_of, word in zip(known, words)] if None in known else cast(list[str], known)
        hits = [index for index, text_of in enumerate(found) if text_of in terms]
        if not hits:
            return
        maxchars, surround = fragmenter.maxchars, fragmenter.surround
        countdown, first, length, matches = -1, None, 0, []
        opening: int | None = None  # the fragmenter's first kept start before a match (its `firsts[0]`)
        index, hit = 0, 0
        while index < count:
            if countdown < 0:
                # Between fragments: the words up to the next match only move where a fragment would
                # start (the first word starting within `surround` of the last one's end).
                while hit < len(hits) and hits[hit] < index:
                    hit += 1
                if hit == len(hits):
                    break
                matched_at = hits[hit]
                if matched_at > index:
                    kept = bisect_left(starts, ends[matched_at - 1] - surround, index, matched_at)
                    opening = starts[kept] if kept < matched_at else None
                index = matched_at
            startchar, endchar = starts[index], ends[index]
            size = endchar - startchar
            matched = found[index] in terms
            if countdown >= 0 or matched:
                if length + size > maxchars:
                    countdown = 0
                elif matched:
                    countdown = surround
                    if first is None:
                        if opening is not None:
                            first = opening
                        else:
                            first = startchar
                            countdown += surround
                    matches.append(Match(found[index], startchar, endchar))
            if countdown >= 0:
                length += size
                countdown -= size
                if countdown <= 0:
                    yield mkfrag(text, matches, startchar=first, endchar=endchar)
                    matches, opening, first, length = [], None, None, 0
            index += 1
        if matches:
            yield mkfrag(text, matches, startchar=first, endchar=last_end)

    def _remember(self, word: str) -> str:
        texts = self.texts
        if len(texts) >= TOKEN_TEXTS_LIMIT:
            texts.clear()
        found = texts[word] = self.token_text(word)
        return found


class Match:
    """A matched word in a snippet's fragment, as Whoosh's fragment scorer and formatter read it."""
    __slots__ = ("text", "startchar", "endchar", "boost")

    def __init__(self, text: str, startchar: int, endchar: int) -> None:
        self.text, self.startchar, self.endchar, self.boost = text, startchar, endchar, 1.0


def plain_analyzer() -> Analyzer:
    return RegexTokenizer(r"\w+(?:['’]\w+)*") | LowercaseFilter() | StopFilter()


def _all_query_words(text: str) -> list[str]:
    analyzer = plain_analyzer()
    ignored = ignored_words()
    words = [token.text.replace("’", "'")[:MAX_WORD_CHARACTERS] for token in analyzer(text[:MAX_QUERY_CHARACTERS])]
    return [word for word in dict.fromkeys(words) if word not in ignored]


def query_words(text: str) -> list[str]:
    """The words of a search, lower-cased, without stop words, at most MAX_QUERY_WORDS of them, each
    at most MAX_WORD_CHARACTERS long."""
    return _all_query_words(text)[:MAX_QUERY_WORDS]


def typed_pairs(text: str) -> list[str]:
    """Each two search words typed side by side, with any stop words typed between them ("stay and
    play", "food bank"): the phrases a search's words make, for the backends to count as phrases."""
    tokens = [token.text.replace("’", "'") for token in RegexTokenizer(r"\w+(?:['’]\w+)*")(
        text[:MAX_QUERY_CHARACTERS].lower())]
    content = [i for i, token in enumerate(tokens) if token not in STOP_WORDS]
    pairs = [" ".join(tokens[first:second + 1]) for first, second in zip(content, content[1:])]
    return list(dict.fromkeys(pairs))[:MAX_QUERY_WORDS - 1]


COMPOUND_MIN_LENGTH = 7
COMPOUND_PART_MIN_LENGTH = 3


def split_compounds(text: str) -> str:
    """The text with each word run together from two English words followed by the two ("homestart":
    "homestart home start"), so it matches the names that write them apart as well as one that writes
    it as typed ("childline"). English words, and words not in Latin letters, are left alone."""
    def split(match: re.Match[str]) -> str:
        word = match.group()
        lower = word.lower()
        if len(lower) < COMPOUND_MIN_LENGTH or not lower.isascii() or not lower.isalpha() or is_english_word(lower):
            return word
        splits = [(min(i, len(lower) - i), i) for i in range(COMPOUND_PART_MIN_LENGTH, len(lower) - 2)
                  if is_english_word(lower[:i]) and is_english_word(lower[i:])]
        if not splits:
            return word
        _, at = max(splits)
        return f"{word} {word[:at]} {word[at:]}"

    return _WORD.sub(split, text[:MAX_QUERY_CHARACTERS])


def shortened(text: str) -> bool:
    """Whether query_words left out or cut any word of `text` (so the visitor can be told)."""
    words = [token.text for token in plain_analyzer()(text)]
    return (len(_all_query_words(text)) > MAX_QUERY_WORDS or len(text) > MAX_QUERY_CHARACTERS
            or any(len(word) > MAX_WORD_CHARACTERS for word in words))


def may_correct(word: str) -> bool:
    """Whether slips of the keyboard may be looked for in a word: long enough, short enough, and
    not an English word as it stands."""
    return TYPO_MIN_CHARACTERS <= len(word) <= TYPO_MAX_CHARACTERS and not is_english_word(word)


class TypoBudget:
    """The typo tolerance one search may still spend: MAX_TYPO_WORDS words, each of a length
    may_correct() allows. `spent` lists the words it was spent on."""

    def __init__(self, words: int = MAX_TYPO_WORDS) -> None:
        self.left = words
        self.spent: list[str] = []

    def take(self, word: str) -> bool:
        if self.left <= 0 or not may_correct(word):
            return False
        self.left -= 1
        self.spent.append(word)
        return True


def meaning_kept(text: str, suggestion: str | None) -> str | None:
    """A "did you mean" only when it changes nothing but misspellings: each word it swaps must be in
    Latin letters and not an English word, so "kill myself" never becomes "call self", "start for life"
    never "start die", and a search with any word in another script (or with letters English does not
    use: "żywności") never gets an English suggestion."""
    if not suggestion:
        return None
    typed, suggested = query_words(text), suggestion.split()
    if len(typed) != len(suggested) or not all(word.isascii() for word in typed):
        return None  # a search with words in another script or language is not English to correct
    changes = {old: new for old, new in zip(typed, suggested) if old != new and _a_slip(old, new)}
    if not changes:
        return None
    # The search as typed, with only the slips mended ("my son wont go to school", "to" kept).
    return _WORD.sub(lambda found: changes.get(found.group().lower().replace("’", "'"), found.group()),
                     text[:MAX_QUERY_CHARACTERS])


def _a_slip(typed: str, suggested: str) -> bool:
    """Whether `suggested` may replace `typed`: not a word, in Latin letters, and near enough (one
    letter in a short word, two in a longer one)."""
    if not typed.isascii() or not typed.isalpha() or is_english_word(typed):
        return False
    most = 1 if len(typed) < 6 else 2
    return edit_distance(typed, suggested, most) <= most
