"""Forms for organisations' editors and for moderators. Messages say plainly what to do (GOV.UK style)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from portal.contact.forms import valid_email
from portal.forms import PortalForm
from portal.geo.postcodes import normalise_postcode
from portal.inputs import whole_number
from portal.models.schedule import WEEKDAYS

NAME_MAX = 255
DESCRIPTION_MAX = 5000
NOTE_MAX = 1000
MAX_AGE = 120
SLOTS_PER_DAY = 2
DAY_LABELS = {"MO": _l("Monday"), "TU": _l("Tuesday"), "WE": _l("Wednesday"), "TH": _l("Thursday"),
              "FR": _l("Friday"), "SA": _l("Saturday"), "SU": _l("Sunday")}
# Languages most often asked for in Tameside, by their codes; names are written in English for staff.
LANGUAGE_CODES = ("en", "ar", "bn", "fa", "gu", "ku", "pa", "pl", "ro", "so", "ti", "tr", "uk", "ur", "bfi")
_TIME = re.compile(r"^([0-9]{1,2})(?:[:.]([0-9]{2}))?\s*(am|pm)?$", re.IGNORECASE)
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
_PHONE = re.compile(r"^(\+44\s?|0)[0-9 ]{9,13}$")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def parse_time(text: str) -> dt.time | None:
    """"9", "09:00", "9.30", "5pm", "5:30 pm" -> a time; None when it is not one."""
    match = _TIME.match((text or "").strip())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class EmailCheck:
    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data and not valid_email(field.data):
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.org"))


class UrlCheck:
    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data and not _URL.match(field.data):
            raise ValidationError(_l("Enter a website address in the correct format, like https://www.example.org"))


class PolicyDateField(DateField):
    """A GOV.UK date input (day, month, year) with a plain message when the date is not real."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Always day, month and year, so the widget can show what was typed (or nothing).
        self.raw_data = (list(valuelist) + ["", "", ""])[:3]
        parts = [part.strip() for part in self.raw_data if isinstance(part, str)]
        if not any(parts):
            self.data = None
            return
        try:
            self.data = dt.datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter the date of the safeguarding policy as a real date, like 27 3 2025"))


class OrganisationForm(PortalForm):
    name = StringField(_l("Organisation name"), widget=GovTextInput(), filters=[_strip],
                       validators=[DataRequired(_l("Enter the organisation's name")),
                                   Length(max=NAME_MAX, message=_l("The name must be 255 characters or fewer"))])
    description = TextAreaField(_l("About the organisation"), widget=GovTextArea(), filters=[_strip],
                                validators=[Length(max=DESCRIPTION_MAX, message=_l(
                                    "The description must be 5000 characters or fewer"))])
    website = StringField(_l("Website (optional)"), widget=GovTextInput(), filters=[_strip],
                          validators=[Length(max=500, message=_l("The website address is too long")), UrlCheck()])
    email = StringField(_l("Email address (optional)"), widget=GovTextInput(), filters=[_strip],
                        validators=[EmailCheck()])
    works_with_children = BooleanField(_l("We work with children or young people"), widget=GovCheckboxInput())
    safeguarding_lead = StringField(_l("Name of your safeguarding lead"), widget=GovTextInput(), filters=[_strip],
                                    validators=[Length(max=100, message=_l(
                                        "The safeguarding lead's name must be 100 characters or fewer"))])
    safeguarding_policy_date = PolicyDateField(_l("Date of your safeguarding policy"), widget=GovDateInput(),
                                               format="%d %m %Y")
    note = TextAreaField(_l("A note for the directory team (optional)"), widget=GovTextArea(), filters=[_strip],
                         validators=[Length(max=NOTE_MAX, message=_l("The note must be 1000 characters or fewer"))])

    def validate_safeguarding_lead(self, field: StringField) -> None:
        if self.works_with_children.data and not field.data:
            raise ValidationError(_l("Enter the name of your safeguarding lead, as you work with children"))

    def validate_safeguarding_policy_date(self, field: DateField) -> None:
        if self.works_with_children.data and not field.data and not field.errors:
            raise ValidationError(_l("Enter the date of your safeguarding policy, as you work with children"))
        if field.data and field.data > dt.date.today():
            raise ValidationError(_l("The date of the safeguarding policy must be today or in the past"))


class NewServiceForm(PortalForm):
    name = StringField(_l("Name of the service"), widget=GovTextInput(), filters=[_strip],
                       validators=[DataRequired(_l("Enter the name of the service")),
                                   Length(max=NAME_MAX, message=_l("The name must be 255 characters or fewer"))])
    description = TextAreaField(_l("What the service offers"), widget=GovTextArea(), filters=[_strip],
                                validators=[DataRequired(_l("Describe what the service offers")),
                                            Length(max=DESCRIPTION_MAX, message=_l(
                                                "The description must be 5000 characters or fewer"))])


class DetailsForm(NewServiceForm):
    url = StringField(_l("Website (optional)"), widget=GovTextInput(), filters=[_strip],
                      validators=[Length(max=500, message=_l("The website address is too long")), UrlCheck()])
    email = StringField(_l("Email address (optional)"), widget=GovTextInput(), filters=[_strip],
                        validators=[Length(max=255, message=_l("The email address is too long")), EmailCheck()])
    phones = TextAreaField(_l("Phone numbers (optional)"), widget=GovTextArea(), filters=[_strip],
                           validators=[Length(max=1000, message=_l("Too many phone numbers"))])

    def validate_phones(self, field: TextAreaField) -> None:
        for line in (field.data or "").splitlines():
            number = line.split("(")[0].strip()
            if line.strip() and not _PHONE.match(number):
                raise ValidationError(_l("Enter each phone number on its own line, like 0161 342 8355, "
                                         "with an optional note in brackets"))


def parse_phones(text: str) -> list[dict[str, Any]]:
    phones = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        number, _, rest = line.partition("(")
        phones.append({"number": " ".join(number.split()), "description": rest.rstrip(") ").strip() or None})
    return phones


def phones_text(phones: list[dict[str, Any]]) -> str:
    return "\n".join(p["number"] + (f" ({p['description']})" if p.get("description") else "") for p in phones)


def _age(field: StringField) -> int | None:
    text = (field.data or "").strip()
    if not text:
        return None
    age = whole_number(text, MAX_AGE)
    if age is None:
        raise ValidationError(_l("Enter an age in whole years, from 0 to 120"))
    return age


class WhoForm(PortalForm):
    minimum_age = StringField(_l("Youngest age (optional)"), widget=GovTextInput(), filters=[_strip])
    maximum_age = StringField(_l("Oldest age (optional)"), widget=GovTextInput(), filters=[_strip])
    needs = SelectMultipleField(_l("What it helps with"), widget=GovCheckboxesInput(), choices=[],
                                validate_choice=True)
    levels = SelectMultipleField(_l("Levels of need"), widget=GovCheckboxesInput(), choices=[], validate_choice=True)
    self_referral = BooleanField(_l("Families can contact the service themselves, without a referral"),
                                 widget=GovCheckboxInput())

    def validate_minimum_age(self, field: StringField) -> None:
        _age(field)

    def validate_maximum_age(self, field: StringField) -> None:
        highest = _age(field)
        try:
            lowest = _age(self.minimum_age)
        except ValidationError:
            return
        if highest is not None and lowest is not None and highest < lowest:
            raise ValidationError(_l("The oldest age must be the same as or more than the youngest age"))


class PlaceForm(PortalForm):
    name = StringField(_l("Name of the place (optional)"), widget=GovTextInput(), filters=[_strip],
                       validators=[Length(max=NAME_MAX, message=_l("The name must be 255 characters or fewer"))])
    address_1 = StringField(_l("Address line 1"), widget=GovTextInput(), filters=[_strip],
                            validators=[DataRequired(_l("Enter the first line of the address")),
                                        Length(max=255, message=_l("Address lines must be 255 characters or fewer"))])
    address_2 = StringField(_l("Address line 2 (optional)"), widget=GovTextInput(), filters=[_strip],
                            validators=[Length(max=255, message=_l("Address lines must be 255 characters or fewer"))])
    town = StringField(_l("Town"), widget=GovTextInput(), filters=[_strip],
                       validators=[DataRequired(_l("Enter the town")),
                                   Length(max=100, message=_l("The town must be 100 characters or fewer"))])
    postcode = StringField(_l("Postcode"), widget=GovTextInput(), filters=[_strip],
                           validators=[DataRequired(_l("Enter the postcode"))])
    hide_exact_address = BooleanField(_l("Hide the exact address from the public"), widget=GovCheckboxInput())
    accessibility = TextAreaField(_l("Accessibility (optional)"), widget=GovTextArea(), filters=[_strip],
                                  validators=[Length(max=2000, message=_l(
                                      "Accessibility must be 2000 characters or fewer"))])

    def validate_postcode(self, field: StringField) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(_l("Enter a full postcode, like OL6 6BH"))


class LanguagesForm(PortalForm):
    languages = SelectMultipleField(_l("Languages the service can be used in"), widget=GovCheckboxesInput(),
                                    choices=[], validate_choice=True)


class CostsForm(PortalForm):
    cost = RadioField(_l("Does it cost anything?"), widget=GovRadioInput(), validate_choice=False,
                      choices=[SelectChoice("free", _l("It is free")), SelectChoice("paid", _l("There is a cost")),
                               SelectChoice("unknown", _l("Not known"))],
                      validators=[InputRequired(_l("Select whether the service costs anything")),
                                  AnyOf(["free", "paid", "unknown"],
                                        message=_l("Select whether the service costs anything"))])
    amount = StringField(_l("Cost in pounds (optional)"), widget=GovTextInput(), filters=[_strip])
    description = StringField(_l("About the cost (optional)"), widget=GovTextInput(), filters=[_strip],
                              validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))])

    def validate_amount(self, field: StringField) -> None:
        if field.data and not re.match(r"^£?[0-9]{1,6}(\.[0-9]{1,2})?$", field.data):
            raise ValidationError(_l("Enter the cost in pounds, like 2.50"))
        if self.cost.data == "paid" and not field.data and not self.description.data:
            raise ValidationError(_l("Enter the cost, or say something about it"))


class StatusForm(PortalForm):
    temporarily_closed = RadioField(
        _l("Is the service temporarily closed?"), widget=GovRadioInput(), validate_choice=False,
        choices=[SelectChoice("no", _l("No, it is open")), SelectChoice("yes", _l("Yes, it is temporarily closed"))],
        validators=[InputRequired(_l("Select whether the service is temporarily closed")),
                    AnyOf(["yes", "no"], message=_l("Select whether the service is temporarily closed"))])
    alert = TextAreaField(_l("A notice for families (optional)"), widget=GovTextArea(), filters=[_strip],
                          validators=[Length(max=500, message=_l("The notice must be 500 characters or fewer"))])


class SubmitForm(PortalForm):
    note = TextAreaField(_l("A note for the directory team (optional)"), widget=GovCharacterCount(),
                         filters=[_strip],
                         validators=[Length(max=NOTE_MAX, message=_l("The note must be 1000 characters or fewer"))])


class ConfirmForm(PortalForm):
    """A button only (CSRF protected)."""


class DecisionForm(PortalForm):
    decision = RadioField(_l("Your decision"), widget=GovRadioInput(), validate_choice=False,
                          choices=[SelectChoice("approve", _l("Approve and publish")),
                                   SelectChoice("reject", _l("Reject"))],
                          validators=[InputRequired(_l("Select approve or reject")),
                                      AnyOf(["approve", "reject"], message=_l("Select approve or reject"))])
    reason = TextAreaField(_l("Reason (the editor will see it)"), widget=GovTextArea(), filters=[_strip],
                           validators=[Length(max=NOTE_MAX, message=_l("The reason must be 1000 characters or fewer"))])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError(_l("Enter the reason for rejecting this change"))


def times_form_class(prefix_days: tuple[str, ...] = WEEKDAYS) -> type[FlaskForm]:
    """A form with an opening and a closing time for each day (two sessions a day)."""

    class TimesForm(PortalForm):
        def validate(self, extra_validators: Any = None) -> bool:
            valid = super().validate(extra_validators)
            for day, slot in self.slots():
                opens, closes = self[f"{day}_{slot}_opens"], self[f"{day}_{slot}_closes"]
                label = DAY_LABELS[day]
                if (not opens.data and not closes.data) or opens.errors or closes.errors:
                    continue  # nothing typed, or already refused (control characters)
                opening, closing = parse_time(opens.data), parse_time(closes.data)
                if opens.data and opening is None:
                    opens.errors = [_l("Enter the time %(day)s opens, like 09:00 or 9am", day=label)]
                elif not opens.data:
                    opens.errors = [_l("Enter the time %(day)s opens, or leave both times empty", day=label)]
                if closes.data and closing is None:
                    closes.errors = [_l("Enter the time %(day)s closes, like 17:00 or 5pm", day=label)]
                elif not closes.data:
                    closes.errors = [_l("Enter the time %(day)s closes, or leave both times empty", day=label)]
                if opening and closing and closing <= opening:
                    closes.errors = [_l("On %(day)s the closing time must be after the opening time", day=label)]
                if opens.errors or closes.errors:
                    valid = False
            return valid

        @staticmethod
        def slots() -> list[tuple[str, int]]:
            return [(day, slot) for day in prefix_days for slot in range(1, SLOTS_PER_DAY + 1)]

    for day in prefix_days:
        for slot in range(1, SLOTS_PER_DAY + 1):
            setattr(TimesForm, f"{day}_{slot}_opens", StringField(_l("Opens"), widget=GovTextInput(),
                                                                  filters=[_strip]))
            setattr(TimesForm, f"{day}_{slot}_closes", StringField(_l("Closes"), widget=GovTextInput(),
                                                                   filters=[_strip]))
    return TimesForm
