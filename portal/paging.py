"""Which page numbers a list's pagination shows (no Flask here): the first and the last, the two
either side of the current one, and a gap (None) where numbers are left out between them."""

from __future__ import annotations


def pages_shown(page: int, pages: int) -> list[int | None]:
    """Page `page` of `pages`: e.g. 7 of 40 gives [1, None, 5, 6, 7, 8, 9, None, 40]. Worked out from the
    few numbers shown, so a list of thousands of pages costs no more than one of ten."""
    shown: list[int | None] = []
    for number in sorted({1, pages, *range(max(page - 3, 1), min(page + 3, pages) + 1)}):
        if number in (1, pages) or abs(number - page) <= 2:
            shown.append(number)
        elif abs(number - page) == 3:
            shown.append(None)
    return shown
