"""Phone numbers as every page shows them: isolated left to right, so that in Urdu and
Arabic "0161 342 4101" is never drawn as "4101 342 0161", with one way of making `tel:` links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A UK phone number as text writes it: "999", "0161 342 4101", "0800 068 41 41", "116 123", "07396507213".
NUMBER = re.compile(r"(?<![\w/.])(?:999|0\d{2,4}(?: \d{2,4}){1,3}|0\d{10}|1\d{2} \d{3})(?![\w/])")


_TAG = re.compile(r"(<[^>]*>)")


def tel_uri(number: str) -> str:
    """`tel:01613424101` from "0161 342 4101": digits and a leading + only."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def phone(number: str | None) -> Markup:
    """A number in running text, drawn left to right in every language."""
    if not number:
        return Markup("")
    return Markup('<bdi dir="ltr" class="portal-phone">%s</bdi>') % escape(number)


def phone_link(number: str | None, class_: str = "govuk-link") -> Markup:
    """A number people can tap to call, drawn left to right in every language."""
    if not number:
        return Markup("")
    return Markup('<a class="%s" dir="ltr" href="%s"><bdi dir="ltr">%s</bdi></a>') % (
        class_, tel_uri(number), escape(number))


def with_phones(text: str | None) -> Markup:
    """Text (an organisation's description, a translated line) with each phone number in it isolated
    left to right as `phone` does. Plain text is escaped first; markup keeps its tags as they are."""
    safe = text if isinstance(text, Markup) else escape(text or "")
    parts = _TAG.split(str(safe))
    for index in range(0, len(parts), 2):  # text between tags, never inside one
        parts[index] = NUMBER.sub(lambda found: str(phone(found.group(0))), parts[index])
    return Markup("".join(parts))  # nosec B704  # built from escaped text and phone()'s own markup
