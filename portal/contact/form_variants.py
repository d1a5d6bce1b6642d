"""The contact form for each person who fills it in, built on ContactForm (portal/contact/forms.py).

- A young person asking for themselves also gives their age.
- A practitioner fills it in with the family: the family's details (labelled for the family), their own
  name, role, organisation and work contact details, and a statement that the family has agreed.
- When the family's worries include domestic abuse, the form also asks for the safest way and a safe
  time to get in touch (required), besides whether a message may be left (always asked).

No routes here: `contact_form_class` picks the class; the questionnaire's contact page shows it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovTextInput
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from portal.contact.forms import (
    CONSENT_WORDING_VERSION,
    NAME_MAX,
    SAFE_TIMES_MAX,
    ContactForm,
    normalise_phone,
    valid_email,
)
from portal.inputs import whole_number

# The questionnaire offers "me" to young people aged 11 to 25; a younger child who finds it is not turned away.
YOUNG_PERSON_MIN_AGE = 8
YOUNG_PERSON_MAX_AGE = 25
ROLE_MAX = 100
ORGANISATION_MAX = 150
SAFE_WAYS = ("phone", "text", "email")
# A practitioner confirms the family's agreement: its own statement, with its own version.
FAMILY_CONSENT_WORDING_VERSION = "2026-12-family-v1"
FAMILY_CONSENT_STATEMENT = _l(
    "I confirm the family agrees to Tameside Council's Early Help team using these details and answers to "
    "contact them.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _length(max_length: int, message: str) -> Length:
    return Length(max=max_length, message=message)


class YoungPersonForm(ContactForm):
    age = StringField(_l("How old are you?"), widget=GovTextInput(), filters=[_strip],
                      validators=[DataRequired(_l("Enter your age"))])

    def validate_age(self, field: StringField) -> None:
        if whole_number(field.data, YOUNG_PERSON_MAX_AGE, minimum=YOUNG_PERSON_MIN_AGE) is not None:
            return
        if whole_number(field.data, 999) is None:
            raise ValidationError(_l("Enter your age as a number, like 15"))
        raise ValidationError(_l("Enter an age from %(low)d to %(high)d", low=YOUNG_PERSON_MIN_AGE,
                                 high=YOUNG_PERSON_MAX_AGE))


class PractitionerForm(ContactForm):
    """The family's details (the base fields, relabelled), then the practitioner's own."""

    name = StringField(
        _l("The name of the parent, carer or young person to contact"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter the name of the person to contact")),
                    _length(NAME_MAX, _l("The name must be %(max)d characters or less", max=NAME_MAX))])
    phone = StringField(_l("The family's phone number"), widget=GovTextInput(), filters=[_strip])
    email = StringField(_l("The family's email address"), widget=GovTextInput(), filters=[_strip])
    safe_times = StringField(
        _l("When is it safe to contact the family? (optional)"), widget=GovTextInput(), filters=[_strip],
        validators=[Optional(), _length(SAFE_TIMES_MAX, _l(
            "Safe times must be %(max)d characters or less", max=SAFE_TIMES_MAX))])
    message_allowed = RadioField(
        _l("Can we leave a message for the family?"), widget=GovRadioInput(),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], validate_choice=False,
        validators=[InputRequired(_l("Select yes if we can leave a message for the family")),
                    AnyOf(["yes", "no"], message=_l("Select yes if we can leave a message for the family"))])
    postcode = StringField(_l("The family's postcode (optional)"), widget=GovTextInput(), filters=[_strip])
    practitioner_name = StringField(
        _l("Your name"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your name")),
                    _length(NAME_MAX, _l("Your name must be %(max)d characters or less", max=NAME_MAX))])
    practitioner_role = StringField(
        _l("Your role"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your role, like school nurse or family support worker")),
                    _length(ROLE_MAX, _l("Your role must be %(max)d characters or less", max=ROLE_MAX))])
    practitioner_organisation = StringField(
        _l("Your organisation"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter the name of your organisation")),
                    _length(ORGANISATION_MAX, _l("Your organisation must be %(max)d characters or less",
                                                 max=ORGANISATION_MAX))])
    practitioner_phone = StringField(_l("Your work phone number"), widget=GovTextInput(), filters=[_strip])
    practitioner_email = StringField(_l("Your work email address"), widget=GovTextInput(), filters=[_strip])
    consent = BooleanField(
        FAMILY_CONSENT_STATEMENT, widget=GovCheckboxInput(),
        validators=[DataRequired(_l("Tick the box to confirm that the family has agreed"))])

    def validate_phone(self, field: StringField) -> None:
        if field.data and normalise_phone(field.data) is None:
            raise ValidationError(_l("Enter a phone number, like 07700 900 982"))
        if not field.data and not self.email.data:
            raise ValidationError(_l("Give the family's phone number or email address, or both"))

    def validate_practitioner_phone(self, field: StringField) -> None:
        if field.data and normalise_phone(field.data) is None:
            raise ValidationError(_l("Enter your work phone number, like 07700 900 982"))
        if not field.data and not self.practitioner_email.data:
            raise ValidationError(_l("Give your work phone number or email address, or both"))

    def validate_practitioner_email(self, field: StringField) -> None:
        if field.data and not valid_email(field.data):
            raise ValidationError(_l("Enter your work email address in the correct format, like name@example.com"))


def _safe_way_field(label: str, message: str) -> RadioField:
    return RadioField(
        label, widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice("phone", _l("A phone call")), SelectChoice("text", _l("A text message")),
                 SelectChoice("email", _l("An email"))],
        validators=[InputRequired(message), AnyOf(SAFE_WAYS, message=message)])


def _safe_times_field(label: str, message: str) -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[_strip], validators=[
        DataRequired(message),
        Length(max=SAFE_TIMES_MAX, message=_l("Safe times must be %(max)d characters or less", max=SAFE_TIMES_MAX))])


class _SafeContact:
    """Asked when the worries include domestic abuse; the way chosen must have its detail given."""

    phone: StringField
    email: StringField
    safe_way: RadioField

    def validate_safe_way(self, field: RadioField) -> None:
        if field.data in ("phone", "text") and not self.phone.data:
            raise ValidationError(_l("Give a phone number, or choose another safe way to get in touch"))
        if field.data == "email" and not self.email.data:
            raise ValidationError(_l("Give an email address, or choose another safe way to get in touch"))


class SafeContactForm(_SafeContact, ContactForm):
    safe_way = _safe_way_field(_l("What is the safest way for us to contact you?"),
                               _l("Select the safest way for us to contact you"))
    safe_times = _safe_times_field(_l("When is it safe to contact you?"), _l("Tell us when it is safe to contact you"))


class YoungPersonSafeContactForm(_SafeContact, YoungPersonForm):
    safe_way = SafeContactForm.safe_way
    safe_times = SafeContactForm.safe_times


class PractitionerSafeContactForm(_SafeContact, PractitionerForm):
    safe_way = _safe_way_field(_l("What is the safest way to contact the family?"),
                               _l("Select the safest way to contact the family"))
    safe_times = _safe_times_field(_l("When is it safe to contact the family?"),
                                   _l("Tell us when it is safe to contact the family"))


_FORMS: dict[tuple[str, bool], type[ContactForm]] = {
    ("young_person", False): YoungPersonForm,
    ("young_person", True): YoungPersonSafeContactForm,
    ("parent_or_carer", False): ContactForm,
    ("parent_or_carer", True): SafeContactForm,
    ("practitioner", False): PractitionerForm,
    ("practitioner", True): PractitionerSafeContactForm,
}


def contact_form_class(requester: str, safe_contact: bool) -> type[ContactForm]:
    """The form for who is filling it in (one of REQUESTERS), with the safe-contact questions or not."""
    return _FORMS[(requester, safe_contact)]


def consent_wording_version(requester: str) -> str:
    return FAMILY_CONSENT_WORDING_VERSION if requester == "practitioner" else CONSENT_WORDING_VERSION
