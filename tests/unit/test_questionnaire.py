"""The questionnaire is data: these tests load it, walk every path through it and prove it safe,
and show that the same proof fails when a route in the YAML is broken."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import LEVEL_SLUGS, REQUIRED_NEED_SLUGS
from portal.questionnaire import WHAT_HELP, Questionnaire, load_questionnaire
from portal.questionnaire.paths import CYCLE, enumerate_paths
from portal.questionnaire.router import (
    ERROR_MESSAGES,
    Invalid,
    Valid,
    next_block,
    step,
    validate_answer,
    validate_block,
)
from portal.questionnaire.rules import Answers, RuleError, parse_rule
from portal.questionnaire.safety import safety_problems
from portal.urgent import URGENT_CONTACTS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires"
OUTCOMES = {"urgent", "services_for_all", "early_help", "practitioner", "contact", "no_contact", "family_not_agreed"}


def fixture(name: str) -> Questionnaire:
    return load_questionnaire(FIXTURES / f"{name}.yaml")


def goes_to(questionnaire: Questionnaire, block_id: str, answers: Answers) -> str | None:
    following = next_block(questionnaire, block_id, answers)
    return following.id if following else None


def proof_problems(questionnaire: Questionnaire) -> list[str]:
    """The safety proof used on the real questionnaire and on the broken fixtures alike."""
    return safety_problems(questionnaire, enumerate_paths(questionnaire))


@pytest.fixture(scope="module")
def what_help() -> Questionnaire:
    return load_questionnaire(WHAT_HELP)


# (a) The real questionnaire loads, and says what the issue asks for.


def test_the_real_questionnaire_loads(what_help: Questionnaire) -> None:
    assert [block.id for block in what_help.blocks[:2]] == ["who", "safety"]
    assert {block.id for block in what_help.outcomes} == OUTCOMES
    assert what_help.answer("who").values == ("me", "child", "practitioner")
    assert what_help.answer("worries").values == REQUIRED_NEED_SLUGS
    assert what_help.answer("worries").type == "checkbox"
    ages = what_help.answer("ages")
    assert (ages.type, ages.max_items, ages.minimum, ages.maximum) == ("number_list", 6, 0, 25)
    assert what_help.answer("postcode").mandatory is False


def test_the_safety_screen_marks_every_yes_and_not_sure_as_a_concern(what_help: Questionnaire) -> None:
    for answer in what_help.block("safety").answers:
        assert {option.value for option in answer.options if option.concern} == {"yes", "not_sure"}
        assert [option.value for option in answer.options if not option.concern] == ["no"]


def test_the_urgent_page_gives_999_the_hub_and_out_of_hours(what_help: Questionnaire) -> None:
    urgent = what_help.block("urgent")
    assert urgent.contacts == ("emergency", "hub", "out_of_hours")
    assert all(contact in URGENT_CONTACTS for contact in urgent.contacts)
    text = " ".join(line for section in urgent.sections for line in section.lines)
    assert "999" in text and "0161 342 4101" in text and "0161 342 2222" in text
    assert urgent.answers == () and urgent.routing_rules == ()  # nothing is offered instead of it


def test_the_consent_answer_is_explicit(what_help: Questionnaire) -> None:
    labels = {option.value: option.label for option in what_help.answer("consent").options}
    assert labels == {"yes": "Yes, I agree to the Early Help team contacting me", "no": "No"}
    assert what_help.answer("consent").mandatory


def test_outcomes_list_services_at_known_levels(what_help: Questionnaire) -> None:
    for block in what_help.outcomes:
        if block.services:
            assert block.services.needs_answer == "worries"
            assert set(block.services.levels) <= set(LEVEL_SLUGS)
    assert what_help.block("services_for_all").services.levels == ("universal",)  # type: ignore[union-attr]


def test_everything_a_person_reads_is_short(what_help: Questionnaire) -> None:
    texts = [what_help.title]
    for block in what_help.blocks:
        texts += [block.title, block.hint or ""]
        texts += [section.title for section in block.sections]
        texts += [line for section in block.sections for line in section.lines]
        for answer in block.answers:
            texts += [answer.label, answer.hint or ""]
            texts += [text for option in answer.options for text in (option.label, option.hint or "")]
    assert all(len(text) <= 100 for text in texts), [text for text in texts if len(text) > 100]


# (b) The exhaustive safety proof on the real questionnaire.


def test_every_path_through_the_real_questionnaire_is_safe(what_help: Questionnaire) -> None:
    paths = enumerate_paths(what_help)
    assert len(paths) > 1000
    assert proof_problems(what_help) == []
    assert all(what_help.block(path.last).is_outcome for path in paths)
    assert {path.last for path in paths} == OUTCOMES


def test_every_concern_goes_straight_from_the_safety_screen_to_urgent(what_help: Questionnaire) -> None:
    concerns = [
        path
        for path in enumerate_paths(what_help)
        if path.answers["danger_now"] != "no" or path.answers["child_harmed"] != "no"
    ]
    assert len(concerns) == 3 * 8  # who (3) x every safety answer pair except no/no (8)
    assert {path.blocks for path in concerns} == {("who", "safety", "urgent")}


def test_no_path_reaches_the_contact_form_without_consent(what_help: Questionnaire) -> None:
    to_contact = [path for path in enumerate_paths(what_help) if "contact" in path.blocks]
    by_families = [path for path in to_contact if path.answers["who"] != "practitioner"]
    by_practitioners = [path for path in to_contact if path.answers["who"] == "practitioner"]
    assert by_families and by_practitioners
    assert all(path.answers["consent"] == "yes" and path.blocks[-3:] == ("early_help", "consent", "contact")
               for path in by_families)
    # A practitioner reaches the form only by confirming that the family has agreed.
    assert all(path.answers["family_consent"] == "yes"
               and path.blocks[-3:] == ("practitioner", "family_consent", "contact") for path in by_practitioners)


def test_a_practitioner_is_offered_contact_for_the_family(what_help: Questionnaire) -> None:
    offer = what_help.block("practitioner").answers
    assert [answer.id for answer in offer] == ["ask_family_contact"]
    assert offer[0].label == "Would you like to ask the Early Help team to contact the family?"
    labels = {option.value: option.label for option in what_help.answer("family_consent").options}
    assert labels["yes"] == "Yes, the family agrees to the Early Help team contacting them"
    assert goes_to(what_help, "family_consent", {"family_consent": "no"}) == "family_not_agreed"


def test_young_people_skip_the_ages_question(what_help: Questionnaire) -> None:
    for path in enumerate_paths(what_help):
        assert ("ages" in path.blocks) == (path.answers["who"] != "me" and path.last != "urgent")


def test_the_needs_question_is_tried_with_every_kind_of_selection(what_help: Questionnaire) -> None:
    selections = {path.answers["worries"] for path in enumerate_paths(what_help) if "worries" in path.answers}
    # Empty, each need alone, and one selection mixing a need from the rules' list with one outside it.
    assert len(selections) == 1 + 16 + 1
    assert ("parenting-and-family-relationships", "domestic-abuse") in selections


def test_breaking_the_real_safety_route_fails_the_proof(what_help: Questionnaire, tmp_path: Path) -> None:
    broken = tmp_path / "what_help.yaml"
    rule = '["in", {answer: child_harmed}, ["yes", "not_sure"]]'
    assert rule in WHAT_HELP.read_text()
    broken.write_text(WHAT_HELP.read_text().replace(rule, '["==", {answer: child_harmed}, "yes"]'))
    problems = proof_problems(load_questionnaire(broken))
    assert problems
    for problem in problems:
        assert re.match(r"a safety concern at 'safety' leads to '(ages|worries)', not urgent help: ", problem)
        assert "danger_now=no, child_harmed=not_sure" in problem
    # Every journey past the safety screen can now also be taken by someone "not sure" a child is safe.
    assert len(problems) == len([path for path in enumerate_paths(what_help) if path.last != "urgent"])


def test_breaking_the_real_consent_route_fails_the_proof(tmp_path: Path) -> None:
    broken = tmp_path / "what_help.yaml"
    rule = '["==", {answer: consent}, "yes"]'
    broken.write_text(WHAT_HELP.read_text().replace(rule, '["in", {answer: consent}, ["yes", "no"]]'))
    problems = proof_problems(load_questionnaire(broken))
    assert any(problem.startswith("the contact form is reached without consent") for problem in problems)
    assert "no path reaches the outcome 'no_contact'" in problems


def test_breaking_the_practitioner_consent_route_fails_the_proof(tmp_path: Path) -> None:
    broken = tmp_path / "what_help.yaml"
    rule = '["==", {answer: family_consent}, "yes"]'
    assert rule in WHAT_HELP.read_text()
    broken.write_text(WHAT_HELP.read_text().replace(rule, '["answered", {answer: family_consent}]'))
    problems = proof_problems(load_questionnaire(broken))
    assert any(problem.startswith("the contact form is reached without consent") and "family_consent=no" in problem
               for problem in problems)


# (c) The same proof fails on broken fixtures; malformed files are refused when loaded.


def test_a_concern_routed_to_services_for_all_fails_the_proof() -> None:
    problems = proof_problems(fixture("broken_safety_route"))
    assert problems == [
        "a safety concern at 'safety' leads to 'services_for_all', not urgent help: "
        "safety > services_for_all (danger_now=no, child_harmed=yes)"
    ]


def test_no_consent_reaching_the_contact_form_fails_the_proof() -> None:
    problems = proof_problems(fixture("broken_consent"))
    assert problems == [
        "the contact form is reached without consent: "
        "safety > early_help > consent > contact (danger_now=no, ask_contact=yes, consent=no)"
    ]


def test_skipping_the_safety_screen_fails_the_proof() -> None:
    assert proof_problems(fixture("broken_safety_skipped")) == [
        "path never asks the safety questions: who > services_for_all (who=practitioner)"
    ]


def test_a_loop_is_caught_and_fails_the_proof() -> None:
    questionnaire = fixture("broken_cycle")
    assert [path.blocks for path in enumerate_paths(questionnaire) if path.end == CYCLE] == [
        ("safety", "coping", "more", "coping")
    ]
    assert proof_problems(questionnaire) == [
        "path does not end on an outcome (cycle): safety > coping > more > coping (danger_now=no, coping=no, more=no)"
    ]


@pytest.mark.parametrize(
    ("name", "field", "message"),
    [
        ("unknown_goto", "routing_rules.0.goto", "goto 'urgnet' is not a block"),
        ("unknown_answer_value", "routing_rules.0.when", "does not offer the value 'maybe'"),
        ("missing_default_rule", "routing_rules.1", "the last rule must have no 'when'"),
        ("unknown_operator", "routing_rules.0.when.2.0", "unknown operator 'equals'"),
    ],
)
def test_a_malformed_questionnaire_is_refused(name: str, field: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message) as error:
        fixture(name)
    assert (error.value.row, error.value.field) == (1, field)
    assert error.value.path.name == f"{name}.yaml"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ('goto: usual\n', "goto: usual\n  - {id: lost, type: outcome, title: Lost}\n", "id", "no route leads"),
        ("goto: usual", "goto: special", "id", "no route leads"),
        ("id: usual", "id: special", "id", "the block id 'special' is used twice"),
        ('{answer: special}, "yes"]', '{answer: wish}, "yes"]', "routing_rules.0.when", "answer 'wish', which no"),
        (
            '["==", {answer: special}, "yes"]',
            '["any-in", {answer: special}, ["yes"]]',
            "routing_rules.0.when",
            "'any-in' cannot test a radio answer",
        ),
        ('["==", {answer: special}, "yes"]', '["xor", {answer: special}, "yes"]', "routing_rules.0.when.0", "xor"),
        ("      - goto: usual", "      - goto: usual\n      - goto: special", "routing_rules.1", "only the last"),
    ],
)
def test_other_mistakes_are_refused_with_the_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    path = tmp_path / "routing_default.yaml"
    text = (FIXTURES / "routing_default.yaml").read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataFileError, match=message) as error:
        load_questionnaire(path)
    assert error.value.field == field


def test_unquoted_yes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "routing_default.yaml"
    shutil.copy(FIXTURES / "routing_default.yaml", path)
    path.write_text(path.read_text().replace('{value: "yes"', "{value: yes"))
    with pytest.raises(DataFileError, match="True is not of type 'string'"):
        load_questionnaire(path)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("==", "a rule is a list"),
        (["==", "who", "me"], "the first operand must be"),
        (["not"], "'not' takes exactly one rule"),
        (["and", ["answered", {"answer": "a"}]], "'and' takes at least two rules"),
        (["in", {"answer": "who"}, "me"], "'in' needs a list of values"),
    ],
)
def test_malformed_rules_are_refused(raw: object, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        parse_rule(raw)


# (d) One tiny questionnaire per routing feature.


def test_the_first_rule_that_holds_wins() -> None:
    questionnaire = fixture("routing_first_match")
    assert goes_to(questionnaire, "colour", {"colour": "red"}) == "first"
    assert goes_to(questionnaire, "colour", {"colour": "green"}) == "second"
    assert goes_to(questionnaire, "colour", {"colour": "blue"}) == "third"


def test_the_default_rule_is_used_when_no_other_holds() -> None:
    questionnaire = fixture("routing_default")
    assert goes_to(questionnaire, "question", {"special": "yes"}) == "special"
    assert goes_to(questionnaire, "question", {"special": "no"}) == "usual"
    assert goes_to(questionnaire, "question", {}) == "usual"
    assert next_block(questionnaire, "usual", {}) is None  # an outcome ends the journey


def test_a_skipped_block_is_routed_past_as_if_unanswered() -> None:
    questionnaire = fixture("routing_skip")
    assert goes_to(questionnaire, "who", {"who": "child"}) == "ages"
    # A stale answer to the skipped question does not count.
    route = step(questionnaire, questionnaire.block("who"), {"who": "me", "ages": (4,)})
    assert route.target is not None and route.target.id == "without_ages"
    assert route.skipped == ("ages",)
    assert {path.blocks for path in enumerate_paths(questionnaire)} == {
        ("who", "without_ages"),
        ("who", "ages", "with_ages"),
        ("who", "ages", "without_ages"),
    }


@pytest.mark.parametrize(
    ("first", "second", "outcome"),
    [("yes", "yes", "both"), ("yes", "no", "one"), ("no", "yes", "one"), ("no", "no", "neither")],
)
def test_and_or_not(first: str, second: str, outcome: str) -> None:
    questionnaire = fixture("routing_and_or_not")
    assert goes_to(questionnaire, "two", {"first": first, "second": second}) == outcome


@pytest.mark.parametrize(
    ("ticked", "outcome"),
    [
        (("school", "money"), "money_and_home"),
        (("housing",), "money_and_home"),
        (("school",), "general"),
        ((), "general"),
    ],
)
def test_any_in_holds_when_any_ticked_value_is_listed(ticked: tuple[str, ...], outcome: str) -> None:
    questionnaire = fixture("routing_any_in")
    assert goes_to(questionnaire, "worries", {"worries": ticked}) == outcome


def test_paths_try_a_selection_hitting_and_missing_each_any_in_list() -> None:
    selections = [path.answers["worries"] for path in enumerate_paths(fixture("routing_any_in"))]
    assert selections == [(), ("housing",), ("money",), ("school",), ("health",), ("housing", "school")]


# (e) Checking what someone entered.


@pytest.mark.parametrize(
    ("answer_id", "raw", "expected"),
    [
        ("who", None, Invalid("choose_one")),
        ("who", "", Invalid("choose_one")),
        ("who", ["me", "child"], Invalid("choose_one")),
        ("who", "someone", Invalid("unknown_option")),
        ("who", "me", Valid("me")),
        ("worries", [], Valid(())),
        ("worries", ["housing", "domestic-abuse"], Valid(("domestic-abuse", "housing"))),
        ("worries", ["housing", "cats"], Invalid("unknown_option")),
        ("ages", None, Valid(None)),
        ("ages", "3, 7 12", Valid((3, 7, 12))),
        ("ages", ["4", "", " 9 "], Valid((4, 9))),
        ("ages", "3.5", Invalid("age_whole_number")),
        ("ages", "two", Invalid("age_whole_number")),
        ("ages", "-1", Invalid("age_whole_number")),
        ("ages", "26", Invalid("age_range")),
        ("ages", "1 2 3 4 5 6 7", Invalid("too_many_ages")),
        ("postcode", "", Valid(None)),
        ("postcode", " ol66bh ", Valid("OL6 6BH")),
        ("postcode", "Hyde", Invalid("postcode_format")),
        ("consent", None, Invalid("choose_one")),
    ],
)
def test_answers_are_cleaned_or_refused(
    what_help: Questionnaire, answer_id: str, raw: object, expected: object
) -> None:
    assert validate_answer(what_help.answer(answer_id), raw) == expected  # type: ignore[arg-type]


def test_a_mandatory_checkbox_needs_a_tick() -> None:
    answer = fixture("routing_any_in").answer("worries")
    assert validate_answer(answer, []) == Valid(())
    assert validate_answer(replace(answer, mandatory=True), []) == Invalid("choose_at_least_one")


def test_a_page_is_checked_answer_by_answer(what_help: Questionnaire) -> None:
    cleaned, errors = validate_block(what_help.block("safety"), {"danger_now": "no"})
    assert cleaned == {"danger_now": "no"}
    assert errors == {"child_harmed": Invalid("choose_one")}
    assert errors["child_harmed"].message == "Choose one answer."


def test_error_messages_are_short_plain_sentences() -> None:
    assert {"choose_one", "choose_at_least_one", "age_whole_number", "age_range"} <= set(ERROR_MESSAGES)
    for message in ERROR_MESSAGES.values():
        assert message.endswith(".") and len(message) <= 60
