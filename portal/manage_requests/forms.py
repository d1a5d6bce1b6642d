"""The public request to manage a listing, and the moderator's reason for saying no."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.contact.forms import valid_email
from portal.forms import PortalForm

NAME_MAX = 100
EMAIL_MAX = 254
ROLE_MAX = 100
MESSAGE_MAX = 500
REASON_MAX = 500


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ManageRequestForm(PortalForm):
    name = StringField(
        _l("Your name"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your name")),
                    Length(max=NAME_MAX, message=_l("Your name must be %(max)d characters or less", max=NAME_MAX))])
    email = StringField(
        _l("Your work email address"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your work email address")),
                    Length(max=EMAIL_MAX, message=_l("Email addresses are %(max)d characters or fewer",
                                                     max=EMAIL_MAX))])
    role = StringField(
        _l("Your role at the organisation"), widget=GovTextInput(), filters=[_strip],
        validators=[DataRequired(_l("Enter your role at the organisation")),
                    Length(max=ROLE_MAX, message=_l("Your role must be %(max)d characters or less", max=ROLE_MAX))])
    message = TextAreaField(
        _l("Anything else the directory team should know? (optional)"), widget=GovCharacterCount(),
        filters=[_strip],
        validators=[Length(max=MESSAGE_MAX,
                           message=_l("Your message must be %(max)d characters or less", max=MESSAGE_MAX))])
    # A trap for robots: hidden from people, so anything in it means the form was not filled in by a person.
    website = StringField(_l("Leave this empty"))

    def validate_email(self, field: StringField) -> None:
        if field.data and not valid_email(field.data):
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.org"))


class RejectForm(PortalForm):
    reason = TextAreaField(
        _l("Why are you saying no?"), widget=GovCharacterCount(), filters=[_strip],
        validators=[DataRequired(_l("Enter the reason: it is emailed to the person who asked")),
                    Length(max=REASON_MAX, message=_l("The reason must be %(max)d characters or less",
                                                      max=REASON_MAX))])


class ApproveForm(PortalForm):
    """Only the CSRF token."""
