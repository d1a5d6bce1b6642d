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
OUTCOMES = {"urgent", "crisis", "domestic_abuse", "services_for_all", "early_help", "practitioner", "contact",
            "no_contact", "family_not_agreed"}
JOINT_MEETING = "You meet with the services and agree a plan together."
# Numbers an outcome may show: portal/urgent.py and the vetted support services file.
SUPPORT_SERVICES = Path(__file__).resolve().parents[2] / "directory_data" / "sources" / "support_services.csv"
PHONE = re.compile(r"\b(?:999|116 123|0[0-9]{3,4}(?: [0-9]{2,4}){1,3})\b")


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
    assert "to talk your worry through" in text  # for someone not sure (seed 000, Figure 2)
    assert urgent.answers == ()  # nothing is offered instead of it
    # Carrying on is possible only when no answer was "yes" (the proof below holds this for every path).
    assert urgent.carry_on
    assert goes_to(what_help, "urgent", {"who": "child", "danger_now": "not_sure", "child_harmed": "no"}) == \
        "self_harm_child"
    assert goes_to(what_help, "urgent", {"who": "me", "danger_now": "not_sure", "child_harmed": "not_sure"}) == \
        "self_harm_me"
    for answers in ({"danger_now": "yes", "child_harmed": "no"}, {"danger_now": "not_sure", "child_harmed": "yes"}):
        assert goes_to(what_help, "urgent", {"who": "child", **answers}) is None


def test_has_a_child_been_hurt_means_harm_by_someone_not_accidents(what_help: Questionnaire) -> None:
    child_harmed = what_help.answer("child_harmed")
    assert "hurt" not in child_harmed.label.split()[:2]
    assert "someone" in child_harmed.label and "not an accident" in (child_harmed.hint or "")


def test_the_me_option_gives_no_age_band_the_seeds_do_not_give(what_help: Questionnaire) -> None:
    labels = {option.value: option.label for option in what_help.answer("who").options}
    assert labels["me"] == "Me. I am a young person."
    assert not re.search(r"[0-9]", labels["me"])


def test_every_phone_number_shown_is_one_we_hold(what_help: Questionnaire) -> None:
    known = {contact.number for contact in URGENT_CONTACTS.values()}
    known |= set(PHONE.findall(SUPPORT_SERVICES.read_text()))
    for block in what_help.blocks:
        for line in (line for section in block.sections for line in section.lines):
            for number in PHONE.findall(line):
                assert number in known, (block.id, line)


def test_crisis_help_names_the_crisis_lines_with_their_numbers(what_help: Questionnaire) -> None:
    crisis = what_help.block("crisis")
    text = " ".join(line for section in crisis.sections for line in section.lines)
    for name, number in (("999", "999"), ("NHS 24/7 mental health crisis line for Tameside", "0800 014 9995"),
                         ("Samaritans", "116 123"), ("Childline", "0800 1111"), ("PAPYRUS", "0800 068 41 41")):
        assert name in text and number in text
    assert crisis.carry_on and crisis.answers == ()
    assert goes_to(what_help, "crisis", {"who": "me", "self_harm_me": "yes"}) == "worries"
    assert goes_to(what_help, "crisis", {"who": "child", "self_harm_child": "yes"}) == "ages"


def test_domestic_abuse_help_is_safe_and_has_no_joint_meeting(what_help: Questionnaire) -> None:
    page = what_help.block("domestic_abuse")
    text = " ".join([page.title, page.hint or ""] + [line for section in page.sections for line in section.lines])
    for needed in ("999", "0800 328 0967", "0808 2000 247", "alone and it is safe", "phone", "browser history",
                   "Leave this site quickly"):
        assert needed in text
    assert "meet" not in text.lower() and "plan together" not in text
    assert JOINT_MEETING in " ".join(line for section in what_help.block("early_help").sections
                                     for line in section.lines)
    assert goes_to(what_help, "domestic_abuse", {"ask_contact_safely": "yes"}) == "consent"
    assert goes_to(what_help, "domestic_abuse", {"ask_contact_safely": "no"}) is None


def test_the_practitioners_step_4_follows_figure_2(what_help: Questionnaire) -> None:
    step_4 = next(section for section in what_help.block("practitioner").sections if "Step 4" in section.title)
    text = " ".join(step_4.lines)
    assert "review the CAF and the plan" in text
    assert "other agencies" in text
    assert "agree things are getting worse" in text and "Children's HUB" in text


def test_the_consent_answer_is_explicit(what_help: Questionnaire) -> None:
    labels = {option.value: option.label for option in what_help.answer("consent").options}
    assert labels == {"yes": "Yes, I agree to the Early Help team contacting me", "no": "No"}
    assert what_help.answer("consent").mandatory


def test_outcomes_list_services_at_known_levels(what_help: Questionnaire) -> None:
    for block in what_help.outcomes:
        if block.services:
            assert block.services.needs_answer == "worries"
            assert set(block.services.levels) <= set(LEVEL_SLUGS)
            # Complex and specialist services (Children's Social Care, the HUB) are never listed to choose.
            assert set(block.services.levels) <= {"universal", "additional-needs"}
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


def test_a_yes_on_the_safety_screen_ends_on_urgent_help(what_help: Questionnaire) -> None:
    yes = [path for path in enumerate_paths(what_help)
           if "yes" in (path.answers["danger_now"], path.answers["child_harmed"])]
    assert len(yes) == 3 * 5  # who (3) x every safety answer pair with a "yes" (5)
    assert {path.blocks for path in yes} == {("who", "safety", "urgent")}


def test_not_sure_shows_urgent_help_first_then_may_carry_on(what_help: Questionnaire) -> None:
    not_sure = [path for path in enumerate_paths(what_help)
                if "not_sure" in (path.answers["danger_now"], path.answers["child_harmed"])
                and "yes" not in (path.answers["danger_now"], path.answers["child_harmed"])]
    assert all(path.blocks[:3] == ("who", "safety", "urgent") for path in not_sure)
    assert {path.blocks for path in not_sure if path.last == "urgent"} == {("who", "safety", "urgent")}
    carried_on = {path.last for path in not_sure if len(path.blocks) > 3}
    assert carried_on == OUTCOMES - {"urgent"}
    assert all(path.blocks[3] in ("self_harm_me", "self_harm_child") for path in not_sure if len(path.blocks) > 3)


def test_on_a_path_with_a_concern_the_help_page_comes_before_any_other_outcome(what_help: Questionnaire) -> None:
    helps = {"danger_now": "urgent", "child_harmed": "urgent", "self_harm_me": "crisis", "self_harm_child": "crisis"}
    for path in enumerate_paths(what_help):
        outcomes = [block_id for block_id in path.blocks if what_help.block(block_id).is_outcome]
        first = next((helps[answer_id] for answer_id in helps if path.answers.get(answer_id) in ("yes", "not_sure")),
                     None)
        if first is not None:
            assert outcomes[0] == first, path.describe()


def test_thoughts_of_self_harm_lead_to_crisis_help_first(what_help: Questionnaire) -> None:
    for path in enumerate_paths(what_help):
        for answer_id in ("self_harm_me", "self_harm_child"):
            if path.answers.get(answer_id) in ("yes", "not_sure"):
                assert path.blocks[path.blocks.index(answer_id) + 1] == "crisis", path.describe()
        asked = [answer_id for answer_id in ("self_harm_me", "self_harm_child") if answer_id in path.blocks]
        if path.last != "urgent":
            # A young person is asked about themselves; a parent or practitioner about a child.
            assert asked == (["self_harm_me"] if path.answers["who"] == "me" else ["self_harm_child"])
    to_crisis = [path for path in enumerate_paths(what_help) if "crisis" in path.blocks]
    assert {path.last for path in to_crisis} == OUTCOMES - {"urgent"}  # leave there, or carry on anywhere


def test_a_worry_about_domestic_abuse_has_its_own_page(what_help: Questionnaire) -> None:
    for path in enumerate_paths(what_help):
        worries = path.answers.get("worries") or ()
        if "domestic-abuse" in worries and path.answers["who"] != "practitioner":
            assert "domestic_abuse" in path.blocks and "early_help" not in path.blocks, path.describe()
            assert "situation" not in path.blocks
        else:
            assert "domestic_abuse" not in path.blocks, path.describe()


def test_no_path_reaches_the_contact_form_without_consent(what_help: Questionnaire) -> None:
    to_contact = [path for path in enumerate_paths(what_help) if "contact" in path.blocks]
    by_families = [path for path in to_contact if path.answers["who"] != "practitioner"]
    by_practitioners = [path for path in to_contact if path.answers["who"] == "practitioner"]
    assert by_families and by_practitioners
    assert all(path.answers["consent"] == "yes" and path.blocks[-2:] == ("consent", "contact")
               and path.blocks[-3] in ("early_help", "domestic_abuse") for path in by_families)
    assert {path.blocks[-3] for path in by_families} == {"early_help", "domestic_abuse"}
    # A practitioner reaches the form only by confirming that the family has agreed.
    assert all(path.answers["family_consent"] == "yes"
               and path.blocks[-3:] == ("practitioner", "family_consent", "contact") for path in by_practitioners)
    # "Not sure" and thoughts of self-harm may carry on to ask for contact; a "yes" on the safety screen never.
    assert any(path.answers["danger_now"] == "not_sure" for path in to_contact)
    assert not any("yes" in (path.answers["danger_now"], path.answers["child_harmed"]) for path in to_contact)


def test_a_practitioner_is_offered_contact_for_the_family(what_help: Questionnaire) -> None:
    offer = what_help.block("practitioner").answers
    assert [answer.id for answer in offer] == ["ask_family_contact"]
    assert offer[0].label == "Would you like to ask the Early Help team to contact the family?"
    labels = {option.value: option.label for option in what_help.answer("family_consent").options}
    assert labels["yes"] == "Yes, the family agrees to the Early Help team contacting them"
    assert goes_to(what_help, "family_consent", {"family_consent": "no"}) == "family_not_agreed"


def test_young_people_skip_the_ages_question(what_help: Questionnaire) -> None:
    for path in enumerate_paths(what_help):
        # Paths that leave on urgent or crisis help have not reached it yet; carrying on from crisis does.
        left_at_help = path.last in ("urgent", "crisis")
        assert ("ages" in path.blocks) == (path.answers["who"] != "me" and not left_at_help), path.describe()


def test_the_needs_question_is_tried_with_every_kind_of_selection(what_help: Questionnaire) -> None:
    selections = {path.answers["worries"] for path in enumerate_paths(what_help) if "worries" in path.answers}
    # Empty, each need alone, and one selection mixing a need from the rules' list with one outside it.
    # The rules' lists make three classes: domestic abuse, the other two "together" worries, the rest.
    assert len(selections) >= 1 + 16 + 4
    assert ("parenting-and-family-relationships", "domestic-abuse") in selections
    assert ("parenting-and-family-relationships", "domestic-abuse", "drugs-and-alcohol") in selections


def test_breaking_the_real_safety_route_fails_the_proof(what_help: Questionnaire, tmp_path: Path) -> None:
    broken = tmp_path / "what_help.yaml"
    rule = '["in", {answer: child_harmed}, ["yes", "not_sure"]]'
    assert rule in WHAT_HELP.read_text()
    broken.write_text(WHAT_HELP.read_text().replace(rule, '["==", {answer: child_harmed}, "yes"]'))
    problems = proof_problems(load_questionnaire(broken))
    assert problems
    for problem in problems:
        assert re.match(r"a safety concern at 'safety' leads to 'self_harm_(me|child)', not to 'urgent': ",
                        problem), problem
        assert "danger_now=no, child_harmed=not_sure" in problem


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
        "a safety concern at 'safety' leads to 'services_for_all', not to 'urgent': "
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
        ("ages", "7 and 12", Valid((7, 12))),
        ("ages", "7, 12", Valid((7, 12))),
        ("ages", "18 months", Valid((1,))),
        ("ages", "2 years", Valid((2,))),
        ("ages", "6 weeks, 4 years old", Valid((0, 4))),
        ("ages", "7 and", Valid((7,))),
        ("ages", "and", Invalid("age_whole_number")),
        ("ages", "7 or 8", Invalid("age_whole_number")),
        ("ages", "30 months", Valid((2,))),
        # The same in the site's other languages (the hints show these forms).
        ("ages", "7 i 12", Valid((7, 12))),
        ("ages", "18 miesięcy, 3 lata", Valid((1, 3))),
        ("ages", "18 مہینے اور 7 سال", Valid((1, 7))),
        ("ages", "2 বছর ও 6 মাস", Valid((2, 0))),
        ("ages", "7 و12، 18 شهرًا", Valid((7, 12, 1))),
        ("ages", "٧", Invalid("age_whole_number")),  # ASCII digits only
        ("ages", "7 lub 8", Invalid("age_whole_number")),
        ("ages", ["4", "", " 9 "], Valid((4, 9))),
        ("ages", "3.5", Invalid("age_whole_number")),
        ("ages", "two", Invalid("age_whole_number")),
        ("ages", "-1", Invalid("age_whole_number")),
        ("ages", "26", Invalid("age_range")),
        ("ages", "1 2 3 4 5 6 7", Invalid("too_many_ages")),
        ("postcode", "", Valid(None)),
        ("postcode", " ol66bh ", Valid("OL6 6BH")),
        ("postcode", "Hyde", Invalid("postcode_format")),  # no places given: postcodes only
        ("postcode", "OL6", Valid("OL6")),
        ("consent", None, Invalid("choose_one")),
    ],
)
def test_answers_are_cleaned_or_refused(
    what_help: Questionnaire, answer_id: str, raw: object, expected: object
) -> None:
    assert validate_answer(what_help.answer(answer_id), raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Hyde", Valid("Hyde")),
    (" ashton-under-lyne ", Valid("Ashton-under-Lyne")),
    ("ASHTON UNDER LYNE", Valid("Ashton-under-Lyne")),
    ("ol6 6bh", Valid("OL6 6BH")),
    ("Paris", Invalid("postcode_format")),
    ("Hyde Park Corner", Invalid("postcode_format")),
])
def test_a_town_is_accepted_at_the_postcode_question(what_help: Questionnaire, raw: str, expected: object) -> None:
    places = {"hyde": "Hyde", "ashton under lyne": "Ashton-under-Lyne"}
    assert validate_answer(what_help.answer("postcode"), raw, places) == expected


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
