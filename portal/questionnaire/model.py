"""The questionnaire as data: blocks (questions and outcomes), answers, options and routing rules,
read from YAML in directory_data/questionnaires/ and checked before use.

`load_questionnaire` first checks the file against questionnaire.schema.json, then parses every
rule and runs the checks in `checks.py` (ids, goto targets, answer values, defaults, reachability).
Any problem raises DataFileError naming the file, the block (as the row) and the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from portal.datafiles import DataFileError, read_yaml
from portal.questionnaire.checks import check_questionnaire
from portal.questionnaire.rules import Rule, RuleError, parse_rule

QUESTION = "question"
OUTCOME = "outcome"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str | None = None
    concern: bool = False  # choosing it is a safety concern: straight to its help page
    help: str | None = None  # the outcome that answers the concern (None: the urgent-help page)
    carry_on: bool = False  # after that help page, the person may carry on with the questions


@dataclass(frozen=True)
class Answer:
    id: str
    type: str  # radio, checkbox, number_list or postcode
    label: str
    hint: str | None = None
    mandatory: bool = True
    options: tuple[Option, ...] = ()
    max_items: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


@dataclass(frozen=True)
class RoutingRule:
    goto: str
    when: Rule | None = None  # None: the default rule


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ServiceMatch:
    needs_answer: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    id: str
    type: str  # question or outcome
    title: str
    hint: str | None = None
    answers: tuple[Answer, ...] = ()
    routing_rules: tuple[RoutingRule, ...] = ()
    skip_conditions: tuple[Rule, ...] = ()
    sections: tuple[Section, ...] = ()
    contacts: tuple[str, ...] = ()
    services: ServiceMatch | None = None
    # An outcome the person may leave, or carry on from (a button) to where its routing rules lead.
    carry_on: bool = False

    @property
    def is_outcome(self) -> bool:
        return self.type == OUTCOME


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    blocks: tuple[Block, ...]
    path: Path
    # A stamp of the file this was loaded from: sessions saved against another version start again.
    version: str = ""
    # Place names accepted at a postcode question: what people type (lower case) -> the town's name.
    # Given by the app from the towns vocabulary (see `with_places`); empty: postcodes only.
    places: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def first_block(self) -> Block:
        return self.blocks[0]

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)

    def answer(self, answer_id: str) -> Answer:
        for block in self.blocks:
            for answer in block.answers:
                if answer.id == answer_id:
                    return answer
        raise KeyError(answer_id)

    def block_of_answer(self, answer_id: str) -> Block:
        for block in self.blocks:
            if any(answer.id == answer_id for answer in block.answers):
                return block
        raise KeyError(answer_id)

    @property
    def outcomes(self) -> tuple[Block, ...]:
        return tuple(block for block in self.blocks if block.is_outcome)

    def with_places(self, places: Mapping[str, str]) -> Questionnaire:
        return replace(self, places=dict(places))


def load_questionnaire(path: Path) -> Questionnaire:
    """Read, validate and check a questionnaire file; raise DataFileError if anything is wrong."""
    data = read_yaml(path, "questionnaire")
    blocks = tuple(_block(path, row, raw) for row, raw in enumerate(data["blocks"], start=1))
    version = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    questionnaire = Questionnaire(id=data["id"], title=data["title"], blocks=blocks, path=path, version=version)
    check_questionnaire(questionnaire)
    return questionnaire


def _block(path: Path, row: int, raw: dict[str, Any]) -> Block:
    def rule(value: object, field: str) -> Rule:
        try:
            return parse_rule(value)
        except RuleError as error:
            where = f"{field}.{error.where}" if error.where else field
            raise DataFileError(path, f"block '{raw['id']}': {error}", row=row, field=where) from None

    routing = tuple(
        RoutingRule(
            goto=item["goto"],
            when=rule(item["when"], f"routing_rules.{index}.when") if "when" in item else None,
        )
        for index, item in enumerate(raw.get("routing_rules", []))
    )
    skips = tuple(rule(item, f"skip_conditions.{index}") for index, item in enumerate(raw.get("skip_conditions", [])))
    services = raw.get("services")
    return Block(
        id=raw["id"],
        type=raw["type"],
        title=raw["title"],
        hint=raw.get("hint"),
        answers=tuple(_answer(item, outcome=raw["type"] == OUTCOME) for item in raw.get("answers", [])),
        routing_rules=routing,
        skip_conditions=skips,
        sections=tuple(Section(item["title"], tuple(item["lines"])) for item in raw.get("sections", [])),
        contacts=tuple(raw.get("contacts", [])),
        services=ServiceMatch(services["needs_answer"], tuple(services["levels"])) if services else None,
        carry_on=raw.get("carry_on", False),
    )


def _answer(raw: dict[str, Any], outcome: bool) -> Answer:
    return Answer(
        id=raw["id"],
        type=raw["type"],
        label=raw["label"],
        hint=raw.get("hint"),
        # An offer on an outcome page is never required: leaving the page ends the journey.
        mandatory=False if outcome else raw.get("mandatory", True),
        options=tuple(
            Option(item["value"], item["label"], item.get("hint"), item.get("concern", False), item.get("help"),
                   item.get("carry_on", False))
            for item in raw.get("options", [])
        ),
        max_items=raw.get("max_items"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
    )
