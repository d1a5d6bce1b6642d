"""The rule language used by routing rules and skip conditions: a tiny prefix language.

    ["==", {"answer": "who"}, "me"]                      the answer is this value
    ["in", {"answer": "who"}, ["me", "child"]]           the answer is one of these values
    ["any-in", {"answer": "worries"}, ["housing"]]       any value ticked is one of these
    ["answered", {"answer": "postcode"}]                 the question was answered
    ["and", rule, rule, ...]   ["or", rule, rule, ...]   ["not", rule]

Rules are parsed once, when the questionnaire is loaded, so a malformed rule (an unknown operator,
a missing operand) is a load-time error and evaluating a parsed rule can never fail. An answer
that was not given makes "==", "in", "any-in" and "answered" false.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Union

# A cleaned answer: one option value (radio), several (checkbox), whole numbers (ages), text.
AnswerValue = Union[str, tuple[str, ...], tuple[int, ...], None]
Answers = Mapping[str, AnswerValue]

VALUE_OPERATORS = ("==", "in", "any-in")
OPERATORS = (*VALUE_OPERATORS, "answered", "and", "or", "not")


class RuleError(ValueError):
    """A rule is malformed. `where` is the position inside the rule, e.g. "1.2" (0-based)."""

    def __init__(self, message: str, where: str = ""):
        self.where = where
        super().__init__(message)


@dataclass(frozen=True)
class Condition:
    """A test of one answer: `operator` is "==", "in", "any-in" or "answered"."""

    operator: str
    answer_id: str
    values: tuple[str, ...] = ()

    def holds(self, answers: Answers) -> bool:
        given = answers.get(self.answer_id)
        if given is None:
            return False
        if self.operator == "answered":
            return given != () and given != ""
        if self.operator == "any-in":
            return isinstance(given, tuple) and any(value in self.values for value in given)
        # "==" and "in": one chosen value.
        return isinstance(given, str) and given in self.values


@dataclass(frozen=True)
class Combination:
    """"and", "or" or "not" of other rules."""

    operator: str
    rules: tuple[Rule, ...]

    def holds(self, answers: Answers) -> bool:
        if self.operator == "and":
            return all(rule.holds(answers) for rule in self.rules)
        if self.operator == "or":
            return any(rule.holds(answers) for rule in self.rules)
        return not self.rules[0].holds(answers)


Rule = Union[Condition, Combination]


def conditions(rule: Rule) -> Iterator[Condition]:
    """Every answer test inside a rule, for load-time checks and path enumeration."""
    if isinstance(rule, Condition):
        yield rule
    else:
        for inner in rule.rules:
            yield from conditions(inner)


def parse_rule(raw: object, where: str = "") -> Rule:
    """Turn the YAML form of a rule into a Rule, or raise RuleError saying where it is wrong."""
    if not isinstance(raw, list) or not raw or not isinstance(raw[0], str):
        raise RuleError("a rule is a list that starts with an operator, like [\"==\", {answer: who}, me]", where)
    operator, operands = raw[0], raw[1:]
    here = f"{where}.0" if where else "0"
    if operator not in OPERATORS:
        raise RuleError(f"unknown operator '{operator}' (use one of: {', '.join(OPERATORS)})", here)
    if operator in ("and", "or", "not"):
        return _parse_combination(operator, operands, where)
    return _parse_condition(operator, operands, where)


def _parse_combination(operator: str, operands: Sequence[object], where: str) -> Combination:
    wanted = "exactly one rule" if operator == "not" else "at least two rules"
    if (operator == "not" and len(operands) != 1) or (operator != "not" and len(operands) < 2):
        raise RuleError(f"'{operator}' takes {wanted}", where)
    rules = tuple(parse_rule(inner, _at(where, position)) for position, inner in enumerate(operands, start=1))
    return Combination(operator, rules)


def _parse_condition(operator: str, operands: Sequence[object], where: str) -> Condition:
    expected = 1 if operator == "answered" else 2
    if len(operands) != expected:
        raise RuleError(f"'{operator}' takes {expected} operand(s)", where)
    reference = operands[0]
    if not (isinstance(reference, dict) and list(reference) == ["answer"] and isinstance(reference["answer"], str)):
        raise RuleError("the first operand must be {answer: <answer id>}", _at(where, 1))
    answer_id = reference["answer"]
    if operator == "answered":
        return Condition(operator, answer_id)
    value = operands[1]
    if operator == "==":
        if not isinstance(value, str):
            raise RuleError("'==' compares with one value in quotes", _at(where, 2))
        return Condition(operator, answer_id, (value,))
    if not (isinstance(value, list) and value and all(isinstance(item, str) for item in value)):
        raise RuleError(f"'{operator}' needs a list of values", _at(where, 2))
    return Condition(operator, answer_id, tuple(value))


def _at(where: str, position: int) -> str:
    return f"{where}.{position}" if where else str(position)
