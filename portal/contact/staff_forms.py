"""Forms on the Early Help staff pages: the queue's status filter, assign, record the outcome, close."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSelect
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from portal.contact.queue import ALL, STATUS_FILTERS
from portal.contact.services import OUTCOME_MAX
from portal.forms import PortalForm

STATUS_NAMES = {
    "new": _l("New"),
    "assigned": _l("Assigned"),
    "closed": _l("Closed"),
    ALL: _l("All requests"),
}

# Who filled in the form (ContactRequest.requester), as the staff pages name them.
REQUESTER_NAMES = {
    "young_person": _l("A young person, for themselves"),
    "parent_or_carer": _l("A parent or carer"),
    "practitioner": _l("A practitioner, with the family's agreement"),
}
SAFE_WAY_NAMES = {"phone": _l("A phone call"), "text": _l("A text message"), "email": _l("An email")}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class QueueFilterForm(PortalForm):
    """Read from the query string (a GET form), so a filtered queue is a link; no CSRF token needed."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"), widget=GovSelect(), default=ALL, validate_choice=False,
        choices=[SelectChoice(status, STATUS_NAMES[status]) for status in STATUS_FILTERS],
        validators=[AnyOf(STATUS_FILTERS, message=_l("Choose a status from the list"))])


class AssignForm(PortalForm):
    """The choices are the Early Help team, set by the route; "Assign to me" posts the person's own id."""

    assignee = SelectField(_l("Assign to"), widget=GovSelect(), choices=[], validate_choice=False,
                           validators=[DataRequired(_l("Choose who will handle this request"))])

    def validate_assignee(self, field: SelectField) -> None:
        if field.data not in {choice.value for choice in field.choices or []}:
            raise ValidationError(_l("Choose someone from the Early Help team"))


class OutcomeForm(PortalForm):
    outcome = TextAreaField(
        _l("Outcome"), widget=GovCharacterCount(), filters=[_strip],
        validators=[DataRequired(_l("Enter the outcome")),
                    Length(max=OUTCOME_MAX, message=_l("The outcome must be %(max)d characters or less",
                                                       max=OUTCOME_MAX))])


class CloseForm(PortalForm):
    """Only the CSRF token: closing needs no other input."""
