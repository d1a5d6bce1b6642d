"""The one-click "still correct" form: a CSRF token, and the page to go back to."""

from __future__ import annotations

from wtforms import HiddenField

from portal.forms import PortalForm


class StillCorrectForm(PortalForm):
    next = HiddenField()
