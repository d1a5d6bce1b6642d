"""What a safety intent is: its words, and the panel that answers them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.safety.matching import FirstWords, Phrase, Typed, prepared

LANGUAGES = ("en", "ur", "bn", "pl", "ar")


@dataclass(frozen=True)
class Helpline:
    """A number to call from the support services file, as its README allows it to be shown."""
    name: str
    phone: str | None      # None when no source showed one, or it is not confirmed
    phone_note: str | None  # words beside the number in the source ("select option 2")
    text: str | None        # an SMS number
    hours: str | None       # the source's words; None when the source says to check them
    website: str | None
    confirmed: bool


@dataclass(frozen=True)
class PanelContact:
    """One line of a panel: one of the urgent numbers (`urgent`), or a helpline."""
    urgent: str | None = None
    helpline: Helpline | None = None


@dataclass(frozen=True)
class Intent:
    id: str
    title: str
    now: str
    needs: tuple[str, ...]
    contacts: tuple[PanelContact, ...]
    phrases: dict[str, tuple[Phrase, ...]] = field(hash=False, compare=False)
    first_words: FirstWords = field(init=False, hash=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        every = (phrase for phrases in self.phrases.values() for phrase in phrases)
        object.__setattr__(self, "first_words", FirstWords(every))

    def matches(self, typed: Typed) -> bool:
        """Whether any of the intent's phrases, in any language, matches the text."""
        return self.first_words.match(typed)


@dataclass(frozen=True)
class SafetyIntents:
    intents: tuple[Intent, ...]
    quick_exit_needs: frozenset[str] = frozenset()

    def for_text(self, text: str | None) -> Intent | None:
        """The first intent (in the file's order) whose phrases the text matches, in any language."""
        if not text or not text.strip():
            return None
        typed = prepared(text)
        return next((intent for intent in self.intents if intent.matches(typed)), None)

    def for_needs(self, needs: Iterable[str]) -> Intent | None:
        wanted = set(needs)
        return next((intent for intent in self.intents if wanted & set(intent.needs)), None)

    def by_id(self, intent_id: str) -> Intent:
        return next(intent for intent in self.intents if intent.id == intent_id)
