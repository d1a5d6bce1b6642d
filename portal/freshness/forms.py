"""The one-click "still correct" form: a CSRF token, and the page to go back to."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class StillCorrectForm(FlaskForm):
    next = HiddenField()
