"""The safety matcher (portal/safety/matching.py) prepares a visitor's text once for every phrase: its
answers must be the rule's, written out here word by word as it reads in the module's docstring, for
every phrase of directory_data/search/safety.yaml and texts made from them with slips of one letter."""

from __future__ import annotations

import random

from flask import Flask

from portal.lexicon import edit_distance, is_english_word
from portal.safety.matching import MIN_FUZZY_LENGTH, Alternative, allowed_slips, is_latin, words


def by_the_rule(alternative: Alternative, typed: list[str], joined: str) -> bool:
    if not is_latin(alternative.text):
        return alternative.text in joined
    for word in typed:
        if word == alternative.text or (alternative.prefix and word.startswith(alternative.text)):
            return True
    if not alternative.prefix:
        slips = allowed_slips(alternative.text)
        return slips > 0 and any(
            len(word) >= MIN_FUZZY_LENGTH and is_latin(word) and not is_english_word(word)
            and edit_distance(word, alternative.text, slips) <= slips for word in typed)
    return False


def intent_by_the_rule(intents, text: str) -> str | None:  # type: ignore[no-untyped-def]
    typed = words(text)
    joined = " ".join(typed)
    for intent in intents.intents:
        if any(all(any(by_the_rule(alternative, typed, joined) for alternative in slot) for slot in phrase.slots)
               for phrases in intent.phrases.values() for phrase in phrases):
            return str(intent.id)
    return None


def slipped(word: str, rng: random.Random) -> str:
    """The word with one letter dropped, changed, doubled or swapped with the next."""
    if len(word) < 2:
        return word
    at = rng.randrange(len(word) - 1)
    kind = rng.choice(("drop", "change", "double", "swap"))
    if kind == "drop":
        return word[:at] + word[at + 1:]
    if kind == "change":
        return word[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[at + 1:]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    return word[:at] + word[at + 1] + word[at] + word[at + 2:]


def test_every_phrase_and_its_slips_match_as_the_rule_says(app: Flask) -> None:
    intents = app.extensions["safety_intents"]
    rng = random.Random(19)
    texts = ["", "   ", "warm coats for winter", "my dad hits me", "help with money and debt"]
    for intent in intents.intents:
        for phrases in intent.phrases.values():
            for phrase in phrases:
                options = [[alternative.text for alternative in slot] for slot in phrase.slots]
                plain = " ".join(rng.choice(option) for option in options)
                texts += [plain, plain.upper(), "please " + plain + " now",
                          " ".join(slipped(word, rng) for word in plain.split()),
                          " ".join(reversed(plain.split())), plain.split()[0]]
                texts += [" ".join(slipped(rng.choice(option), rng) + rng.choice(("", "ing", "s"))
                                   for option in options) for _ in range(3)]
    # Two phrases' words in one text, often in two scripts (a Latin word before Urdu, say).
    texts += [rng.choice(texts) + " " + rng.choice(texts) for _ in range(500)]
    assert len(texts) > 1000
    found = 0
    for text in texts:
        expected = intent_by_the_rule(intents, text)
        got = intents.for_text(text)
        assert (got.id if got else None) == expected, text
        found += expected is not None
    assert found > len(texts) // 3  # many of the texts made from phrases match, as they should


def test_only_phrases_a_word_could_be_a_slip_of_are_checked(app: Flask) -> None:
    """A word that is no English word is checked, for slips, against the phrases whose first word it
    could be a slip of (a string made by deleting letters in common), not against every phrase that
    forgives slips: a number or a name in a search costs no edit distances."""
    from portal.safety.matching import prepared

    intents = app.extensions["safety_intents"]
    for text in ("123456 789012", "warm coats 2024", "zzzzzzzzzzzz", "x" * 400):
        typed = prepared(text)
        assert typed.slip_words, text
        assert all(intent.first_words.candidates(typed) == [] for intent in intents.intents), text
    # A slip is still a candidate, the longest alternative's with as many letters added as it forgives too.
    typed = prepared("suicdie")
    assert any(intent.first_words.candidates(typed) for intent in intents.intents)
    for intent in intents.intents:
        words = intent.first_words
        longest = max((alternative for phrase in words.phrases for alternative in phrase.slots[0]
                       if alternative.latin and alternative.slips), key=lambda alternative: len(alternative.text))
        typed = prepared(longest.text + "q" * longest.slips)
        if typed.slip_words:
            assert words.candidates(typed), longest.text
