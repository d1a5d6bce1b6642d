"""The phrases every list of services shows for a listing (portal/listing_words.py): each age rule, the
days of the week, and a filter option's count, in the language in force."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask

from portal.listing_words import age_range, day_name, option_count


@pytest.mark.parametrize(("minimum", "maximum", "english", "polish"), [
    (0, 25, "0 to 25 years", "0–25 lat"),
    (None, 5, "Up to 5 years", "Do 5 lat"),
    (11, None, "11 years and over", "11 lat i więcej"),
    (0, None, "All ages", "Każdy wiek"),
    (None, None, "Not known: ask the service", "Nieznany: zapytaj usługę"),
])
def test_ages_read_as_each_rule_says_in_the_language_in_force(
        app: Flask, minimum: int | None, maximum: int | None, english: str, polish: str) -> None:
    from flask_babel import force_locale, refresh

    listing = SimpleNamespace(minimum_age=minimum, maximum_age=maximum)
    with app.test_request_context("/"):
        refresh()
        assert age_range(listing) == english
        with force_locale("pl"):
            assert age_range(listing) == polish
        assert age_range(listing) == english


def test_days_are_named_and_an_unknown_code_is_shown_as_it_is(app: Flask) -> None:
    from flask_babel import force_locale, refresh

    with app.test_request_context("/"):
        refresh()
        assert [day_name(code) for code in ("MO", "SU", "XX")] == ["Monday", "Sunday", "XX"]
        with force_locale("pl"):
            assert day_name("MO") == "Poniedziałek"


def test_a_filter_option_shows_its_count_only_when_it_was_counted() -> None:
    counts = {"need": {"money": 12, "housing": 0}}
    assert option_count(counts, "need", "money") == " (12)"
    assert option_count(counts, "need", "housing") == " (0)"
    assert option_count(counts, "need", "food") == ""
    assert option_count(counts, "free", "1") == ""
