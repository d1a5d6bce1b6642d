"""What the service accepts from a visitor (no Flask here: search and importers use it too).

- Numbers are ASCII digits only (0 to 9), never other Unicode digits such as "²" or "٣".
- Text holds no control characters: NUL and the other C0 controls, DEL, the C1 controls and lone
  surrogates are refused (tab, newline and carriage return only in multi-line text areas).

`whole_number` parses every number taken from a request or a form; portal/forms.py applies the text
rule to every form and every query or path parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The longest number the service ever reads from a request: nine digits is well beyond every page,
# age, radius or position, and small enough that parsing it costs nothing.
MAX_DIGITS = 9
_ASCII_DIGITS = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)
# C0 controls, DEL, C1 controls and lone surrogates; tab, newline and carriage return are listed apart.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_CONTROL = re.compile("[\t\n\r]")


def whole_number(text: Any, maximum: int, minimum: int = 0) -> int | None:
    """The number in `text` when it is ASCII digits only and from `minimum` to `maximum`; else None."""
    if not isinstance(text, str) or not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


MAX_PAGE_NUMBER = 10_000


def page_number(text: Any) -> int:
    """A page of a list (`?page=`): ASCII digits from 1 to MAX_PAGE_NUMBER, else the first page."""
    return whole_number(text.strip() if isinstance(text, str) else text, MAX_PAGE_NUMBER, 1) or 1


def has_control_characters(text: str, multiline: bool = False) -> bool:
    """True when `text` holds a character no one types: NUL, the other controls, a lone surrogate."""
    return bool(_CONTROL.search(text) or (not multiline and _LINE_CONTROL.search(text)))


def without_control_characters(text: str, multiline: bool = False) -> str:
    """`text` with those characters taken out, to show back to the person what they typed."""
    text = _CONTROL.sub("", text)
    return text if multiline else _LINE_CONTROL.sub("", text)


def any_control_characters(values: Iterable[str]) -> bool:
    return any(has_control_characters(value) for value in values)
