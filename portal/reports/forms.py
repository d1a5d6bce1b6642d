"""The public "report a problem" form. It asks for no personal data: what is wrong, and (optionally) how."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from portal.forms import PortalForm
from portal.models.listing import PROBLEM_KINDS

DETAILS_MAX = 500
KIND_NAMES = {
    "wrong_details": _l("Some details are wrong (for example times, address or phone number)"),
    "closed": _l("The service has closed or stopped"),
    "other": _l("Something else"),
}
# Shorter names for staff lists.
KIND_SHORT_NAMES = {"wrong_details": _l("Wrong details"), "closed": _l("Closed"), "other": _l("Other")}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class ProblemReportForm(PortalForm):
    kind = RadioField(
        _l("What is the problem?"), widget=GovRadioInput(),
        choices=[SelectChoice(kind, KIND_NAMES[kind]) for kind in PROBLEM_KINDS], validate_choice=False,
        validators=[InputRequired(_l("Select what the problem is")),
                    AnyOf(list(PROBLEM_KINDS), message=_l("Select what the problem is"))])
    details = TextAreaField(
        _l("Tell us more"), widget=GovCharacterCount(), filters=[_strip],
        validators=[Length(max=DETAILS_MAX, message=_l(
            "What you tell us must be %(max)d characters or less", max=DETAILS_MAX))])
    # A trap for robots: hidden from people, so anything in it means the form was not filled in by a person.
    website = StringField(_l("Leave this empty"))

    def validate_details(self, field: TextAreaField) -> None:
        if self.kind.data == "other" and not field.data:
            raise ValidationError(_l("Tell us what the problem is"))
