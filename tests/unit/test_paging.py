"""Pagination's page numbers (portal/paging.py) against the rule written out number by number."""

from __future__ import annotations

import pytest

from portal.paging import pages_shown


def by_the_rule(page: int, pages: int) -> list[int | None]:
    """The rule as the template used to apply it: every number from 1 to `pages` looked at in turn."""
    shown: list[int | None] = []
    for number in range(1, pages + 1):
        if number in (1, pages) or abs(number - page) <= 2:
            shown.append(number)
        elif abs(number - page) == 3:
            shown.append(None)
    return shown


@pytest.mark.parametrize("pages", [1, 2, 3, 5, 6, 7, 8, 9, 12, 40])
def test_every_page_of_lists_of_up_to_forty_pages_shows_the_numbers_the_rule_gives(pages: int) -> None:
    for page in range(1, pages + 1):
        assert pages_shown(page, pages) == by_the_rule(page, pages)


def test_a_list_of_thousands_of_pages_shows_a_few_numbers_and_two_gaps() -> None:
    assert pages_shown(500, 10_000) == [1, None, 498, 499, 500, 501, 502, None, 10_000]
    assert pages_shown(1, 10_000) == [1, 2, 3, None, 10_000]
    assert pages_shown(10_000, 10_000) == [1, None, 9_998, 9_999, 10_000]
