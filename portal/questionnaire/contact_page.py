"""What the contact page needs from the questionnaire answers: who is filling in the form, whether to
ask for a safe way to get in touch, the form to show, what to store, and the answers to show with it.

Routes stay thin: portal/questionnaire/routes.py calls these, and portal/contact/services.py stores.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.contact.form_variants import consent_wording_version, contact_form_class
from portal.contact.forms import ContactForm
from portal.geo.postcodes import normalise_postcode
from portal.questionnaire.model import Answer, Questionnaire
from portal.questionnaire.rules import AnswerValue

# The answer to "Who are you looking for help for?" -> who filled in the form (portal/models REQUESTERS).
REQUESTER_OF_WHO = {"me": "young_person", "child": "parent_or_carer", "practitioner": "practitioner"}
DEFAULT_REQUESTER = "parent_or_carer"
# The worry that makes the form ask for the safest way and time to get in touch.
DOMESTIC_ABUSE = "domestic-abuse"
# Answers shown (read only) on the form and sent with the request; the children's ages only when asked.
SHOWN_ANSWERS = ("ages", "worries", "situation")


def requester_of(answers: Mapping[str, AnswerValue]) -> str:
    who = answers.get("who")
    return REQUESTER_OF_WHO.get(who, DEFAULT_REQUESTER) if isinstance(who, str) else DEFAULT_REQUESTER


def needs_safe_contact(answers: Mapping[str, AnswerValue]) -> bool:
    worries = answers.get("worries")
    return isinstance(worries, tuple) and DOMESTIC_ABUSE in worries


def contact_form(answers: Mapping[str, AnswerValue]) -> ContactForm:
    """The form for this person, bound to the request's form data (Flask-WTF)."""
    return contact_form_class(requester_of(answers), needs_safe_contact(answers))()


def consent_version(answers: Mapping[str, AnswerValue]) -> str:
    return consent_wording_version(requester_of(answers))


def _text(form: ContactForm, name: str) -> str:
    field = getattr(form, name, None)
    return str(field.data or "") if field is not None else ""


def contact_payload(form: ContactForm, answers: Mapping[str, AnswerValue]) -> dict[str, object]:
    """What is stored, encrypted: the details typed in, and the answers the request is about."""
    ages = answers.get("ages")
    worries = answers.get("worries")
    situation = answers.get("situation")
    payload: dict[str, object] = {
        "name": form.name.data,
        "phone": form.phone.data or "",
        "email": form.email.data or "",
        "safe_times": form.safe_times.data or "",
        "message_allowed": form.message_allowed.data == "yes",
        "postcode": normalise_postcode(form.postcode.data or "") or "",
        "children_ages": [int(age) for age in ages] if isinstance(ages, tuple) else [],
        "worries": [str(worry) for worry in worries] if isinstance(worries, tuple) else [],
        "situation": situation if isinstance(situation, str) else "",
        "note": form.note.data or "",
    }
    if hasattr(form, "age"):
        payload["age"] = int(form.age.data)
    if hasattr(form, "safe_way"):
        payload["safe_way"] = _text(form, "safe_way")
    if hasattr(form, "practitioner_name"):
        for name in ("practitioner_name", "practitioner_role", "practitioner_organisation", "practitioner_phone",
                     "practitioner_email"):
            payload[name] = _text(form, name)
    return payload


def shown_answers(questionnaire: Questionnaire,
                  answers: Mapping[str, AnswerValue]) -> list[tuple[Answer, AnswerValue]]:
    """The answers to show with the form; a young person is not asked the children's ages."""
    young_person = requester_of(answers) == "young_person"
    return [(questionnaire.answer(answer_id), answers.get(answer_id)) for answer_id in SHOWN_ANSWERS
            if not (young_person and answer_id == "ages")]
