"""Reading search parameters: several ages and several levels (the questionnaire's links use both)."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from portal.search.params import Choices, SearchParams, parse_search_params

CHOICES = Choices(
    needs=frozenset({"housing"}),
    levels=frozenset({"universal", "additional-needs", "complex-needs", "specialist"}),
    neighbourhoods=frozenset(), languages=frozenset(), accessibility=frozenset(),
)


def parse(*pairs: tuple[str, str]) -> SearchParams:
    return parse_search_params(MultiDict(pairs), CHOICES, lambda text, **values: text % values if values else text)


def test_one_age_is_still_one_age() -> None:
    params = parse(("age", "7"))
    assert params.ages == [7] and params.age == 7 and params.query_args()["age"] == [7]


def test_several_ages_in_one_box_or_several_arguments() -> None:
    for pairs in ((("age", "7, 12"),), (("age", "7 and 12"),), (("age", "7"), ("age", "12"))):
        params = parse(*pairs)
        assert params.ages == [7, 12], pairs
        assert params.age is None and params.age_text == "7, 12"
        assert not params.errors


def test_a_wrong_age_among_several_is_an_error() -> None:
    assert "age" in parse(("age", "7, 200")).errors
    assert "age" in parse(("age", "7, seven")).errors


def test_several_levels_are_all_kept_and_unknown_ones_noticed() -> None:
    params = parse(("level", "universal"), ("level", "additional-needs"), ("level", "nonsense"))
    assert params.levels == ["universal", "additional-needs"]
    assert params.query_args()["level"] == ["universal", "additional-needs"]
    assert len(params.notices) == 1
    assert parse(("level", "universal")).levels == ["universal"]
