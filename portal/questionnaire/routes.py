"""The "what help is right for me?" pages. Thin: the journey, router and pages modules do the work.

Answers are kept only in the session cookie until someone asks to be contacted.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from portal.access import public
from portal.contact.services import create_request
from portal.extensions import limiter
from portal.geo.postcodes import normalise_postcode
from portal.questionnaire.contact_page import (
    consent_version,
    contact_form,
    contact_payload,
    needs_safe_contact,
    requester_of,
    shown_answers,
)
from portal.questionnaire.journey import (
    SESSION_KEY,
    Journey,
    load_journey,
    previous_block,
    route,
    save_journey,
)
from portal.questionnaire.model import Block
from portal.questionnaire.pages import (
    answer_rows,
    answer_text,
    block_url,
    form_values,
    matched_services,
    saved_values,
    the_questionnaire,
)
from portal.questionnaire.router import Invalid, step, validate_block
from portal.questionnaire.safety import ends_journey
from portal.safety.web import safety_context

blueprint = Blueprint("questionnaire", __name__, template_folder="templates", url_prefix="/questionnaire")

RESTARTED = "questionnaire-restarted"
# The contact form: a random token per form (its hash is the request's idempotency key), and the
# reference kept after the answers are cleared, for the confirmation page.
CONTACT_TOKEN = "contact_form_token"  # nosec B105  # the name of a session key, not a secret
CONTACT_REFERENCE = "contact_reference"
CONTACT_REQUESTER = "contact_requester"  # who sent it (not personal data), for what the confirmation says
CONTACT_BLOCK = "contact"
URGENT_BLOCK = "urgent"


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
@public
def start():  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    journey = _journey()
    return render_template("questionnaire/start.html", questionnaire=questionnaire, journey=journey,
                           first=questionnaire.first_block)


@blueprint.context_processor
def quick_exit() -> dict[str, bool]:
    """Every questionnaire page, the contact form included, has the quick exit."""
    return {"quick_exit": True}


@blueprint.get("/leave")
@public
def leave():  # type: ignore[no-untyped-def]
    session.clear()
    return _go(current_app.config["QUICK_EXIT_URL"])


@blueprint.get("/check")
@public
def check():  # type: ignore[no-untyped-def]
    questionnaire = the_questionnaire()
    journey = _journey()
    if not journey.started:
        return _go(url_for("questionnaire.start"))
    here = route(questionnaire, journey)[-1]
    return render_template("questionnaire/check.html", rows=answer_rows(questionnaire, journey), here=here,
                           next_url=block_url(here))


@blueprint.route("/<block_id>", methods=["GET", "POST"])
@public
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
        cleaned, errors = validate_block(block, values, questionnaire.places)
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
@public
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
    carry_on = block.carry_on and step(questionnaire, block, journey.answers).target is not None
    services = matched_services(block, journey)
    if request.method == "POST" and (block.answers or carry_on):
        cleaned, errors = validate_block(block, form_values(block, request.form), questionnaire.places)
        if not errors:
            journey.record(block, cleaned)
            save_journey(journey, session)
            target = step(questionnaire, block, journey.answers).target
            if target is None and services is not None:  # "No, thank you": the services that match
                return _go(services["all_url"])
            return _go(block_url(target or block))
    back = previous_block(questionnaire, journey, block.id)
    return render_template(
        "questionnaire/outcome.html", block=block, rows=answer_rows(questionnaire, journey),
        services=services, values=saved_values(block, journey), errors=errors, carry_on=carry_on,
        form_errors=bool(errors), back_url=block_url(back) if back else None,
        **safety_context(needs=_worries(journey)),
    )


def _worries(journey: Journey) -> list[str]:
    worries = journey.answers.get("worries")
    return [str(worry) for worry in worries] if isinstance(worries, (list, tuple)) else []


def contact_rate_limit() -> str:
    return str(current_app.config.get("CONTACT_RATE_LIMIT") or "5 per hour")


@blueprint.route("/outcome/contact", methods=["GET", "POST"])
@public
@limiter.limit(contact_rate_limit, methods=["POST"])
def contact():  # type: ignore[no-untyped-def]
    """The contact form, reached only after consent "yes", and never with a safety concern that ends
    the journey (someone "not sure" may carry on and ask for contact)."""
    questionnaire = the_questionnaire()
    journey = _journey()
    if ends_journey(questionnaire, journey.answers):
        return _go(url_for("questionnaire.outcome", outcome_id=URGENT_BLOCK))
    block = questionnaire.block(CONTACT_BLOCK)
    blocks = route(questionnaire, journey)
    if block not in blocks:
        return _go(block_url(blocks[-1]))
    token = session.get(CONTACT_TOKEN)
    if not isinstance(token, str) or not token:
        token = session[CONTACT_TOKEN] = secrets.token_urlsafe(32)
    form = contact_form(journey.answers)
    requester = requester_of(journey.answers)
    stale = False
    if request.method == "POST":
        if form.website.data:
            # Filled in by a robot: record nothing, and say only thank you.
            session.pop(CONTACT_REFERENCE, None)
            return _go(url_for("questionnaire.contact_sent"))
        stale = form.form_token.data != token
        if form.validate_on_submit() and not stale:
            contact_request = create_request(
                contact_payload(form, journey.answers), consent_version(journey.answers),
                hashlib.sha256(token.encode()).hexdigest(), requester=requester)
            session.pop(SESSION_KEY, None)
            session.pop(CONTACT_TOKEN, None)
            session[CONTACT_REFERENCE] = contact_request.reference
            session[CONTACT_REQUESTER] = requester
            return _go(url_for("questionnaire.contact_sent"))
    else:
        postcode = journey.answers.get("postcode")
        # A town given at the postcode question is not a postcode the form can keep.
        form.postcode.data = (normalise_postcode(postcode) or "") if isinstance(postcode, str) else ""
    form.form_token.data = token
    back = previous_block(questionnaire, journey, block.id)
    return render_template(
        "questionnaire/contact.html", block=block, form=form, stale=stale, requester=requester,
        safe_contact=needs_safe_contact(journey.answers),
        shown=[(answer, answer_text(answer, value)) for answer, value in shown_answers(questionnaire, journey.answers)],
        back_url=block_url(back) if back else None,
    )


@blueprint.get("/contact/sent")
@public
def contact_sent():  # type: ignore[no-untyped-def]
    reference = session.get(CONTACT_REFERENCE)
    return render_template("questionnaire/contact_sent.html", reference=reference,
                           requester=session.get(CONTACT_REQUESTER) if reference else None,
                           working_days=current_app.config.get("CONTACT_RESPONSE_WORKING_DAYS"))
