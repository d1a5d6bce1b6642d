"""The note printed with a shortlist. (Add, remove and move are one-button forms read in the routes.)"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from portal.forms import PortalForm

NOTE_MAX_CHARACTERS = 1000


class NoteForm(PortalForm):
    """A note for the printed summary. It is printed, never kept: not in the database, not in the session."""

    note = TextAreaField(
        _l("Add a note to the printed list (optional)"),
        description=_l("For example, who to call first. The note is only printed: it is not saved anywhere."),
        validators=[Length(max=NOTE_MAX_CHARACTERS,
                           message=_l("Your note must be %(max)d characters or fewer", max=NOTE_MAX_CHARACTERS))],
        widget=GovTextArea(),
    )
