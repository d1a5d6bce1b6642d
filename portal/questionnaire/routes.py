"""The "what help is right for me?" pages. Thin: the journey, router and pages modules do the work.

Answers are kept only in the session cookie until someone asks to be contacted.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.questionnaire.journey import (
    Journey,
    load_journey,
    previous_block,
    route,
    save_journey,
)
from portal.questionnaire.model import Block
from portal.questionnaire.pages import (
    answer_rows,
    block_url,
    form_values,
    matched_services,
    saved_values,
    the_questionnaire,
)
from portal.questionnaire.router import Invalid, step, validate_block

blueprint = Blueprint("questionnaire", __name__, template_folder="templates", url_prefix="/questionnaire")

LEAVE_TO = "https://www.bbc.co.uk/weather"
RESTARTED = "questionnaire-restarted"


def _journey() -> Journey:
    journey, restarted = load_journey(the_questionnaire(), session)
    if restarted:
        flash(_("Sorry, we could not use your earlier answers, so we have started again."), RESTARTED)
    return journey


def _find(block_id: str) -> Block:
    try:
        return the_questionnaire().block(block_id)
    except KeyError:
        abort(404)


def _go(url: str) -> Response:
    return redirect(url, code=303)


@blueprint.get("")
def start():  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    journey = _journey()
    return render_template("questionnaire/start.html", questionnaire=questionnaire, journey=journey,
                           first=questionnaire.first_block)


@blueprint.get("/leave")
def leave():  # type: ignore[no-untyped-def]
    session.clear()
    return _go(LEAVE_TO)


@blueprint.get("/check")
def check():  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    journey = _journey()
    if not journey.started:
        return _go(url_for("questionnaire.start"))
    here = route(questionnaire, journey)[-1]
    return render_template("questionnaire/check.html", rows=answer_rows(questionnaire, journey), here=here,
                           next_url=block_url(here))


@blueprint.route("/<block_id>", methods=["GET", "POST"])
def block(block_id: str):  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    block = _find(block_id)
    journey = _journey()
    blocks = route(questionnaire, journey)
    if block.is_outcome or block not in blocks:
        return _go(block_url(blocks[-1]))
    changing = request.args.get("change") == "1"
    values = saved_values(block, journey)
    errors: dict[str, Invalid] = {}
    if request.method == "POST":
        values = form_values(block, request.form)
        cleaned, errors = validate_block(block, values)
        if not errors:
            journey.record(block, cleaned)
            save_journey(journey, session)
            here = route(questionnaire, journey)[-1]
            if changing and here.is_outcome:
                return _go(url_for("questionnaire.check"))
            target = step(questionnaire, block, journey.answers).target or here
            return _go(block_url(target, **({"change": "1"} if changing else {})))
    back = previous_block(questionnaire, journey, block.id)
    return render_template(
        "questionnaire/block.html", block=block, values=values, errors=errors, form_errors=bool(errors),
        back_url=url_for("questionnaire.check") if changing else (block_url(back) if back else
                                                                  url_for("questionnaire.start")),
    )


@blueprint.route("/outcome/<outcome_id>", methods=["GET", "POST"])
def outcome(outcome_id: str):  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    block = _find(outcome_id)
    if not block.is_outcome:
        abort(404)
    journey = _journey()
    blocks = route(questionnaire, journey)
    if block not in blocks:
        return _go(block_url(blocks[-1]))
    errors: dict[str, Invalid] = {}
    if request.method == "POST" and block.answers:
        cleaned, errors = validate_block(block, form_values(block, request.form))
        if not errors:
            journey.record(block, cleaned)
            save_journey(journey, session)
            return _go(block_url(step(questionnaire, block, journey.answers).target or block))
    back = previous_block(questionnaire, journey, block.id)
    return render_template(
        "questionnaire/outcome.html", block=block, rows=answer_rows(questionnaire, journey),
        services=matched_services(block, journey), values=saved_values(block, journey), errors=errors,
        form_errors=bool(errors), back_url=block_url(back) if back else None,
    )
