"""Help pages a person may carry on from: the proof holds on a safe file, and fails, saying where,
when a route is broken (a "yes" that carries on, a concern sent to the wrong help page, an outcome
before the safety questions). Small files, as the routing tests use."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.datafiles import DataFileError
from portal.questionnaire import Questionnaire, load_questionnaire
from portal.questionnaire.paths import enumerate_paths
from portal.questionnaire.safety import ends_journey, raises_concern, safety_problems

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "questionnaires" / "carry_on.yaml"


def changed(tmp_path: Path, old: str, new: str) -> Questionnaire:
    text = FIXTURE.read_text()
    assert old in text
    path = tmp_path / "carry_on.yaml"
    path.write_text(text.replace(old, new, 1))
    return load_questionnaire(path)


def problems(questionnaire: Questionnaire) -> list[str]:
    return safety_problems(questionnaire, enumerate_paths(questionnaire))


def test_the_safe_file_passes_and_has_paths_that_carry_on() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    assert problems(questionnaire) == []
    paths = {path.blocks for path in enumerate_paths(questionnaire)}
    assert ("safety", "urgent") in paths  # "yes", or "not sure" and leaving there
    assert ("safety", "urgent", "self_harm", "crisis", "services_for_all") in paths
    assert ("safety", "urgent", "self_harm", "crisis") in paths  # leaving after crisis help
    assert not any(path[:2] == ("safety", "urgent") and len(path) > 2 and path[2] != "self_harm" for path in paths)


def test_only_a_concern_without_carry_on_ends_the_journey() -> None:
    questionnaire = load_questionnaire(FIXTURE)
    assert raises_concern(questionnaire, {"danger_now": "not_sure"})
    assert not ends_journey(questionnaire, {"danger_now": "not_sure", "self_harm": "yes"})
    assert ends_journey(questionnaire, {"danger_now": "yes"})


def test_a_yes_that_carries_on_after_urgent_help_fails_the_proof(tmp_path: Path) -> None:
    found = problems(changed(tmp_path, '["not", ["==", {answer: danger_now}, "yes"]]',
                             '["in", {answer: danger_now}, ["yes", "not_sure"]]'))
    assert found and all(problem.startswith("the journey goes on after 'urgent': ") for problem in found)
    assert all("danger_now=yes" in problem for problem in found)


def test_a_self_harm_worry_sent_to_another_help_page_fails_the_proof(tmp_path: Path) -> None:
    found = problems(changed(tmp_path, "help: crisis", "help: urgent"))
    assert "a safety concern at 'self_harm' leads to 'crisis', not to 'urgent': " \
           "safety > self_harm > crisis (danger_now=no, self_harm=yes)" in found
    assert all(problem.startswith("a safety concern at 'self_harm' leads to 'crisis'") for problem in found)


def test_a_not_sure_that_skips_urgent_help_fails_the_proof(tmp_path: Path) -> None:
    found = problems(changed(tmp_path, '["in", {answer: danger_now}, ["yes", "not_sure"]]',
                             '["==", {answer: danger_now}, "yes"]'))
    assert "a safety concern at 'safety' leads to 'self_harm', not to 'urgent': safety > self_harm > " \
           "services_for_all (danger_now=not_sure, self_harm=no)" in found


def test_another_outcome_before_the_help_page_fails_the_proof(tmp_path: Path) -> None:
    between = "  - id: between\n    type: outcome\n    title: Between\n    carry_on: true\n" \
              "    routing_rules:\n      - goto: self_harm\n"
    text = FIXTURE.read_text().replace("      - goto: self_harm\n  - id: self_harm", "      - goto: between\n"
                                       + between + "  - id: self_harm", 1)
    path = tmp_path / "carry_on.yaml"
    path.write_text(text)
    found = problems(load_questionnaire(path))
    assert "'between' is shown before 'crisis': safety > between > self_harm > crisis (danger_now=no, " \
           "self_harm=yes)" in found


def test_an_outcome_before_the_safety_questions_fails_the_proof(tmp_path: Path) -> None:
    text = FIXTURE.read_text()
    start = "  - id: welcome\n    type: outcome\n    title: Welcome\n    carry_on: true\n" \
            "    routing_rules:\n      - goto: safety\n"
    path = tmp_path / "carry_on.yaml"
    path.write_text(text.replace("blocks:\n", "blocks:\n  - id: first\n    type: question\n    title: First\n"
                                 "    answers:\n      - id: first\n        type: radio\n        label: First\n"
                                 "        options: [{value: go, label: Go}]\n    routing_rules:\n"
                                 "      - goto: welcome\n" + start, 1))
    found = problems(load_questionnaire(path))
    assert any(problem.startswith("an outcome is shown before the safety questions: first > welcome") for problem
               in found)


@pytest.mark.parametrize(("old", "new", "field", "message"), [
    ("help: crisis", "help: nowhere", "answers.0.options.0.help", "help 'nowhere' is not an outcome"),
    ("help: crisis", "help: self_harm", "answers.0.options.0.help", "help 'self_harm' is not an outcome"),
    ("    title: Crisis help\n    carry_on: true\n", "    title: Crisis help\n", "routing_rules",
     "needs an offer"),
    ("  - id: self_harm\n    type: question\n", "  - id: self_harm\n    type: question\n    carry_on: true\n",
     "", "Additional properties are not allowed"),
])
def test_carry_on_mistakes_are_refused(tmp_path: Path, old: str, new: str, field: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message) as error:
        changed(tmp_path, old, new)
    if field:
        assert error.value.field == field
