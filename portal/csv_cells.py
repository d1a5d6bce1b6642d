"""CSV files that are safe to open in a spreadsheet, and read back as they were written. No Flask here.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before
one) as a formula: `=HYPERLINK(...)` in a service's name would be a link in the council's copy of the
export. Following OWASP's guidance on CSV injection, every text cell that starts with one of those is
written with a single quote in front, which spreadsheets show as text. Numbers are written as they are
(a longitude of -2.1 is a number, not a formula).

So that our own files read back exactly, `as_written` takes one quote off a cell that starts with
quotes and then one of those characters, and `spreadsheet_safe` adds one to any such cell, however
many quotes it already has: the two undo each other for every text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell with a quote in front if a spreadsheet would take it as a formula; other values as given."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def as_written(cell: str) -> str:
    """A cell read from a file `spreadsheet_safe` wrote, as it was before: the one quote taken off."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


class SafeWriter:
    """csv.writer whose text cells are made spreadsheet safe: every CSV the portal writes uses this."""

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
