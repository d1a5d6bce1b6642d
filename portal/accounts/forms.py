"""Forms for signing in, second factors, new passwords and invitations. Messages in the GOV.UK style."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovPasswordInput, GovTextInput
from wtforms import BooleanField, PasswordField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from portal.contact.forms import valid_email
from portal.forms import PortalForm
from portal.models.account import ROLES

PASSWORD_MESSAGES = {
    "too_short": _l("Your password must be at least 12 characters long"),
    "too_long": _l("Your password must be 128 characters or fewer"),
    "common": _l("This password is too common or too easy to guess. Choose a different password"),
    "contains_email": _l("Your password must not contain your email address"),
    "weak": _l("This password would be easy to guess. Use three or four unrelated words, for example "
               "\"violet tractor harbour lantern\""),
}
ROLE_NAMES = {
    "editor": _l("Organisation editor: keeps their organisations' listings up to date"),
    "moderator": _l("Moderator: the directory team, reviews changes"),
    "early_help": _l("Early Help staff: handles families' contact requests"),
    "admin": _l("Administrator: manages people and their roles"),
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _email_field(label: Any) -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[_strip],
                       validators=[DataRequired(_l("Enter your email address")),
                                   Length(max=254, message=_l("Email addresses are 254 characters or fewer"))])


class EmailCheck:
    def __call__(self, form: FlaskForm, field: StringField) -> None:
        from wtforms.validators import ValidationError

        if field.data and not valid_email(field.data):
            raise ValidationError(_l("Enter an email address in the correct format, like name@example.com"))


class SignInForm(PortalForm):
    email = _email_field(_l("Email address"))
    password = PasswordField(_l("Password"), widget=GovPasswordInput(),
                             validators=[DataRequired(_l("Enter your password")), Length(max=1000)])


class CodeForm(PortalForm):
    code = StringField(
        _l("Security code"), widget=GovTextInput(), filters=[lambda v: "".join(v.split()) if isinstance(v, str) else v],
        validators=[DataRequired(_l("Enter the 6-digit security code from your authenticator app")),
                    Regexp(r"^[0-9]{6}$", message=_l("The security code is 6 digits, like 123456"))])


class EmailForm(PortalForm):
    email = StringField(_l("Email address"), widget=GovTextInput(), filters=[_strip],
                        validators=[DataRequired(_l("Enter your email address")), EmailCheck()])


class NewPasswordForm(PortalForm):
    password = PasswordField(_l("New password"), widget=GovPasswordInput(),
                             validators=[DataRequired(_l("Enter a new password"))])
    confirm = PasswordField(_l("Confirm new password"), widget=GovPasswordInput(),
                            validators=[DataRequired(_l("Enter the new password again")),
                                        EqualTo("password", message=_l("The passwords do not match"))])


class AcceptInvitationForm(NewPasswordForm):
    display_name = StringField(_l("Your name"), widget=GovTextInput(), filters=[_strip],
                               validators=[DataRequired(_l("Enter your name")),
                                           Length(max=100, message=_l("Your name must be 100 characters or fewer"))])


class InviteForm(PortalForm):
    email = StringField(_l("Their email address"), widget=GovTextInput(), filters=[_strip],
                        validators=[DataRequired(_l("Enter their email address")), EmailCheck()])
    roles = SelectMultipleField(_l("Roles"), widget=GovCheckboxesInput(),
                                choices=[SelectChoice(role, ROLE_NAMES[role]) for role in ROLES],
                                validators=[DataRequired(_l("Select at least one role"))])
    organisations = SelectMultipleField(_l("Organisations they look after"), widget=GovCheckboxesInput(),
                                        choices=[], validate_choice=True)


class AccessForm(PortalForm):
    roles = SelectMultipleField(_l("Roles"), widget=GovCheckboxesInput(),
                                choices=[SelectChoice(role, ROLE_NAMES[role]) for role in ROLES])
    organisations = SelectMultipleField(_l("Organisations they look after"), widget=GovCheckboxesInput(),
                                        choices=[], validate_choice=True)
    active = BooleanField(_l("This account can sign in"), widget=GovCheckboxInput())
