"""The edge of the service: every form and every query or path parameter is checked here.

`PortalForm` is the base of every form (tests/functional/test_security_input_edge.py walks every
form class to hold that rule): a field holding control characters is refused with a clear message.
`init_parameter_guard` refuses query and path parameters holding them with a clear 400 page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from portal.inputs import any_control_characters, has_control_characters, without_control_characters

CONTROL_MESSAGE = _l("Remove the hidden control characters from “%(label)s”: they are not allowed")


class PortalForm(FlaskForm):
    """The base of every form: a field holding control characters is refused with a clear message.

    The check runs before any other validator, so no lookup (a postcode, an email address) ever sees
    such text; the field shows what was typed without those characters.
    """

    def validate(self, extra_validators: Any = None) -> bool:
        refused = False
        for field in self:
            multiline = isinstance(field, TextAreaField)
            raw = [value for value in (field.raw_data or []) if isinstance(value, str)]
            if not any(has_control_characters(value, multiline) for value in raw):
                continue
            refused = True
            field.raw_data = [without_control_characters(value, multiline) for value in raw]
            if isinstance(field.data, str):
                field.data = without_control_characters(field.data, multiline)
            elif isinstance(field.data, list):
                field.data = [without_control_characters(value, multiline) if isinstance(value, str) else value
                              for value in field.data]
            field.errors = [CONTROL_MESSAGE % {"label": field.label.text}]
        if refused:
            return False
        return bool(super().validate(extra_validators))


def init_parameter_guard(app: Flask) -> None:
    """Refuse, with a clear 400 page (JSON under /api/), any request whose query or path parameters
    hold control characters: no search, list or API call ever hands them to the database."""

    @app.before_request
    def refuse_control_characters() -> Response | tuple[str, int] | None:
        values = [*request.args.keys(), *request.args.values()]
        values += [value for value in (request.view_args or {}).values() if isinstance(value, str)]
        if not any_control_characters(values):
            return None
        if request.path.startswith("/api/"):
            from portal.errors import api_error

            return api_error(400, "Parameters must not hold control characters.")
        return render_template("errors/400.html", status=400, control=True), 400
