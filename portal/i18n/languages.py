"""The languages the portal is offered in. No Flask imports: the middleware and the checks share it."""

from __future__ import annotations

DEFAULT = "en"
# English first, then the languages most spoken at home in Tameside after English.
LANGUAGES = ("en", "ur", "bn", "pl", "ar")
TRANSLATED = tuple(code for code in LANGUAGES if code != DEFAULT)
RIGHT_TO_LEFT = frozenset({"ur", "ar"})
# Each language named in itself, so its readers recognise it in the switcher.
NATIVE_NAMES = {"en": "English", "ur": "اردو", "bn": "বাংলা", "pl": "Polski", "ar": "العربية"}
COOKIE = "language"
COOKIE_MAX_AGE = 365 * 24 * 3600


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def best_match(accept_language: str | None) -> str | None:
    """The first language in an Accept-Language header that the portal offers ("ur-PK" counts as "ur")."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and quality > 0:
            choices.append((-quality, position, code))
    return min(choices)[2] if choices else None
