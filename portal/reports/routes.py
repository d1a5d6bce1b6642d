"""Report a problem (public) and the open reports (editors: their organisations; moderators: all)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import public, roles
from portal.extensions import limiter
from portal.reports import services
from portal.reports.forms import KIND_SHORT_NAMES, ProblemReportForm

blueprint = Blueprint("reports", __name__, template_folder="templates")


def problem_report_rate_limit() -> str:
    return str(current_app.config.get("PROBLEM_REPORT_RATE_LIMIT") or "10 per hour")


@blueprint.route("/services/<service_id>/report-a-problem", methods=["GET", "POST"])
@public
@limiter.limit(problem_report_rate_limit, methods=["POST"])
def report_problem(service_id: str):  # type: ignore[no-untyped-def]
    try:
        service = services.public_service(service_id)
    except services.NotFound:
        abort(404)
    form = ProblemReportForm()
    if form.is_submitted() and form.website.data:
        # Filled in by a robot: record nothing, and say only thank you.
        return redirect(url_for("reports.problem_reported", service_id=service.id), code=303)
    if form.validate_on_submit():
        services.report_problem(service.id, form.kind.data, form.details.data or "")
        return redirect(url_for("reports.problem_reported", service_id=service.id), code=303)
    return render_template("reports/report_problem.html", service=service, form=form)


@blueprint.get("/services/<service_id>/report-a-problem/sent")
@public
def problem_reported(service_id: str):  # type: ignore[no-untyped-def]
    try:
        service = services.public_service(service_id)
    except services.NotFound:
        abort(404)
    return render_template("reports/problem_reported.html", service=service)


@blueprint.get("/problem-reports")
@roles("editor", "moderator")
def open_reports():  # type: ignore[no-untyped-def]
    return render_template("reports/open_reports.html", reports=services.open_reports(current_user),
                           kind_names=KIND_SHORT_NAMES)


@blueprint.post("/problem-reports/<report_id>/resolve")
@roles("editor", "moderator")
def resolve(report_id: str) -> Response:
    """CSRFProtect has checked the form's token before this runs."""
    try:
        resolved = services.resolve(report_id, current_user)
    except services.NotFound:
        abort(404)
    flash(_("The problem with “%(name)s” is marked as resolved.", name=resolved.service.name), "saved")
    return redirect(url_for("reports.open_reports"), code=303)
