"""What the questionnaire pages show: the answers in words, the form values, and matched services.
Routes stay thin; the words go through gettext here and in the templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from portal.questionnaire.journey import Journey, route
from portal.questionnaire.model import Answer, Block, Questionnaire
from portal.questionnaire.router import Raw
from portal.questionnaire.rules import AnswerValue
from portal.search.pages import run_search

SHOWN_SERVICES = 5
# Libraries and GP practices shown after them, as places that can also help.
SHOWN_GENERAL = 3


def the_questionnaire() -> Questionnaire:
    questionnaire: Questionnaire = current_app.extensions["questionnaire"]
    return questionnaire


def block_url(block: Block, **args: Any) -> str:
    if block.is_outcome:
        return url_for("questionnaire.outcome", outcome_id=block.id)
    return url_for("questionnaire.block", block_id=block.id, **args)


def form_values(block: Block, form: MultiDict[str, str]) -> dict[str, Raw]:
    """What was posted for each answer on `block`: a list for checkboxes, else one string."""
    return {
        answer.id: form.getlist(answer.id) if answer.type == "checkbox" else form.get(answer.id)
        for answer in block.answers
    }


def saved_values(block: Block, journey: Journey) -> dict[str, Raw]:
    """The saved answers as the form shows them, so going back or changing keeps them."""
    values: dict[str, Raw] = {}
    for answer in block.answers:
        value = journey.answers.get(answer.id)
        if isinstance(value, tuple):
            items = [str(item) for item in value]
            values[answer.id] = items if answer.type == "checkbox" else ", ".join(items)
        elif value is not None:
            values[answer.id] = str(value)
    return values


@dataclass(frozen=True)
class AnswerRow:
    block: Block
    answer: Answer
    text: str


def answer_text(answer: Answer, value: AnswerValue) -> str:
    if value is None or value == ():
        return _("Not answered")
    if answer.options:
        labels = {option.value: option.label for option in answer.options}
        chosen = value if isinstance(value, tuple) else (value,)
        return ", ".join(_(labels[str(item)]) for item in chosen if str(item) in labels)
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def answer_rows(questionnaire: Questionnaire, journey: Journey) -> list[AnswerRow]:
    """Each question answered on the person's way, in order (offers on outcome pages left out)."""
    return [
        AnswerRow(block, answer, answer_text(answer, journey.answers.get(answer.id)))
        for block in route(questionnaire, journey)
        if not block.is_outcome and block.id in journey.completed
        for answer in block.answers
    ]


def search_args(block: Block, journey: Journey) -> MultiDict[str, str]:
    """Search parameters built from the answers: needs, postcode, every child's age (a service for any
    of them may help) and the outcome's levels of need (never more than it intends)."""
    args: MultiDict[str, str] = MultiDict()
    if block.services is None:
        return args
    needs = journey.answers.get(block.services.needs_answer)
    if isinstance(needs, tuple):
        for need in needs:
            args.add("need", str(need))
    postcode = journey.answers.get("postcode")
    if isinstance(postcode, str):
        args.add("postcode", postcode)
    ages = journey.answers.get("ages")
    if isinstance(ages, tuple):
        for age in dict.fromkeys(int(age) for age in ages):
            args.add("age", str(age))
    for level in block.services.levels:
        args.add("level", level)
    return args


def matched_services(block: Block, journey: Journey) -> dict[str, Any] | None:
    """Up to SHOWN_SERVICES matching services and a link to all of them, or None if nothing to match."""
    if block.services is None:
        return None
    args = search_args(block, journey)
    if not args:
        return {"results": [], "all_url": url_for("search.results")}
    found = run_search(args)
    if found["params"].errors and "postcode" in args:  # a postcode outside the area: search without it
        args.pop("postcode")
        found = run_search(args) if args else {"outcome": None, "params": found["params"]}
    outcome = found["outcome"]
    matches = outcome.matches if outcome is not None else []
    # The search ranks services by how well they fit the needs and ages; places that serve everyone
    # (libraries, GP practices) are listed apart, after the services for the needs.
    results = [result for result in matches if not result.document.general][:SHOWN_SERVICES]
    general = [result for result in matches if result.document.general][:SHOWN_GENERAL]
    all_url = url_for("search.results", **found["params"].query_args()) if outcome is not None else url_for(
        "search.results")
    return {"results": results, "general": general, "total": outcome.total if outcome is not None else 0,
            "all_url": all_url, "nothing_local": outcome is not None and outcome.nothing_local,
            "helplines": outcome.helplines if outcome is not None else []}
