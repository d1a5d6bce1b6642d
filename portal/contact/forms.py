"""The form a family fills in to ask the Early Help team to contact them.

Children's ages and worries are not on the form: they come from the questionnaire answers and are
only shown. Error messages say plainly what to do, in the GOV.UK style. The forms for a young person,
a practitioner and a family living with domestic abuse build on this one (portal/contact/form_variants.py).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from portal.forms import PortalForm
from portal.geo.postcodes import normalise_postcode

# Change the version whenever the consent statement, or what the form says about it, changes: each request
# stores the version it agreed to. v2 explains that Early Help is voluntary, and the duty to share.
CONSENT_WORDING_VERSION = "2026-12-v2"
CONSENT_STATEMENT = _l(
    "I agree to the Early Help team at Tameside Council using these details and my answers to contact me "
    "about Early Help support.")

NAME_MAX = 100
SAFE_TIMES_MAX = 200
NOTE_MAX = 500
EMAIL_MAX = 254

_PHONE_CHARACTERS = re.compile(r"^(\+44)?[0-9 ]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def normalise_phone(text: str) -> str | None:
    """A UK phone number as digits starting with 0 ("+44 7700 900982" -> "07700900982"), or None."""
    compact = (text or "").strip()
    if not _PHONE_CHARACTERS.match(compact):
        return None
    digits = compact.replace(" ", "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    if not digits.startswith("0") or not 10 <= len(digits) <= 11:
        return None
    return digits


def valid_email(text: str) -> bool:
    text = (text or "").strip()
    return len(text) <= EMAIL_MAX and bool(_EMAIL.match(text))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ContactForm(PortalForm):
    name = StringField(
        _l("Your name"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your name")),
                    Length(max=NAME_MAX, message=_l("Your name must be %(max)d characters or less", max=NAME_MAX))])
    phone = StringField(_l("Phone number"), widget=GovTextInput(), filters=[_strip])
    email = StringField(_l("Email address"), widget=GovTextInput(), filters=[_strip])
    safe_times = StringField(
        _l("When is it safe to contact you? (optional)"), widget=GovTextInput(), filters=[_strip],
        validators=[Optional(), Length(max=SAFE_TIMES_MAX, message=_l(
            "Safe times must be %(max)d characters or less", max=SAFE_TIMES_MAX))])
    message_allowed = RadioField(
        _l("Can we leave a message?"), widget=GovRadioInput(),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], validate_choice=False,
        validators=[InputRequired(_l("Select yes if we can leave a message")),
                    AnyOf(["yes", "no"], message=_l("Select yes if we can leave a message"))])
    postcode = StringField(_l("Postcode (optional)"), widget=GovTextInput(), filters=[_strip])
    note = TextAreaField(
        _l("Anything else you want the Early Help team to know? (optional)"), widget=GovCharacterCount(),
        filters=[_strip],
        validators=[Optional(), Length(max=NOTE_MAX, message=_l(
            "Your note must be %(max)d characters or less", max=NOTE_MAX))])
    consent = BooleanField(
        CONSENT_STATEMENT, widget=GovCheckboxInput(),
        validators=[DataRequired(_l("Tick the box to agree to the Early Help team contacting you"))])
    # A trap for robots: hidden from people, so anything in it means the form was not filled in by a person.
    website = StringField(_l("Leave this empty"))
    form_token = HiddenField()

    def validate_phone(self, field: StringField) -> None:
        if field.data and normalise_phone(field.data) is None:
            raise ValidationError(_l("Enter a phone number, like 07700 900 982"))
        if not field.data and not self.email.data:
            raise ValidationError(_l("Give a phone number or an email address, or both"))

    def validate_email(self, field: StringField) -> None:
        if field.data and not valid_email(field.data):
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.com"))

    def validate_postcode(self, field: StringField) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(_l("Enter a full postcode, like OL6 6BH"))
