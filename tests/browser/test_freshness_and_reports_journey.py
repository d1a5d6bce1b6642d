"""In Chromium, end to end: a member of the public reports a problem with an old listing and asks to
manage its organisation's listing; a moderator (with TOTP) approves the request, so the person is invited as
an editor; the editor resolves the report; the reminder command reminds the editor once; the moderator
confirms the listing "still correct" from the overdue dashboard and the public page shows today's date."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import uuid

import pyotp
import pytest

from portal.config import PROJECT_DIR
from tests.browser.mail import emailed_path, latest_email

pytestmark = pytest.mark.browser

PASSWORD = "a long freshness passphrase 7304"


def served_database(environment: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(environment["DATABASE_URL"].removeprefix("sqlite:///"))


def flask(environment: dict[str, str], *arguments: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "portal", *arguments],
                            cwd=PROJECT_DIR, env=dict(environment, PORTAL_ACCOUNT_PASSWORD=PASSWORD),
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def sign_in(page, portal_url: str, email: str, second_factor: bool) -> None:  # type: ignore[no-untyped-def]
    page.goto(portal_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.locator("input#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if second_factor:
        assert page.url.endswith("/sign-in/set-up-two-factor"), page.url
        page.get_by_text("I cannot scan the QR code").click()
        secret = "".join(page.locator("code.portal-secret").inner_text().split())
        page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Continue").click()
    assert "You are signed in" in page.locator(".govuk-notification-banner").inner_text()


def test_reports_requests_reminders_and_still_correct(
        browser, page, portal_url: str, portal_environment: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with served_database(portal_environment) as connection:
        service_id, service_name, organisation_id, organisation_name = connection.execute(
            "SELECT s.id, s.name, o.id, o.name FROM service s JOIN organization o ON o.id = s.organization_id"
            " WHERE s.status = 'active' AND s.assured_date IS NOT NULL AND s.assured_date < ?"
            " ORDER BY s.name LIMIT 1", ((dt.date.today() - dt.timedelta(days=400)).isoformat(),)).fetchone()
    tag = uuid.uuid4().hex[:8]
    requester_email, moderator_email = f"volunteer-{tag}@example.org", f"moderator-{tag}@example.org"
    flask(portal_environment, "create-account", "--email", moderator_email, "--name", "Journey Moderator",
          "--role", "moderator")
    contexts = []

    def new_page():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1024, "height": 800})
        contexts.append(context)
        return context.new_page()

    try:
        # The public: an old listing says so, and a problem is reported.
        page.goto(f"{portal_url}/services/{service_id}")
        assert "This listing may be out of date" in page.locator(".govuk-warning-text").first.inner_text()
        page.get_by_role("link", name="Report a problem with this listing").click()
        page.get_by_role("radio", name="Something else").check()
        page.get_by_role("button", name="Send report").click()
        assert "Tell us what the problem is" in page.locator(".govuk-error-summary").inner_text()
        page.locator("textarea#details").fill("The Saturday opening hours have changed.")
        page.get_by_role("button", name="Send report").click()
        assert page.locator("h1").inner_text() == "Thank you for your report"

        # The public: "Is this your organisation?"
        page.goto(f"{portal_url}/organisations/{organisation_id}")
        page.get_by_role("link", name="Ask to manage this listing").click()
        page.get_by_label("Your name").fill("Journey Volunteer")
        page.get_by_label("Your work email address").fill(requester_email)
        page.get_by_label("Your role at the organisation").fill("Volunteer coordinator")
        page.get_by_role("button", name="Send request").click()
        assert page.locator("h1").inner_text() == "Request sent"
        assert page.console_errors == []

        # The moderator approves: the requester is invited as an editor of the organisation.
        moderator = new_page()
        sign_in(moderator, portal_url, moderator_email, second_factor=True)
        moderator.get_by_role("link", name="Requests to manage listings").click()
        moderator.get_by_role("link", name=organisation_name).first.click()
        assert "Journey Volunteer" in moderator.locator("main").inner_text()
        moderator.get_by_role("button", name="Approve and invite").click()
        assert f"has been sent to {requester_email}" in moderator.locator(".govuk-notification-banner").inner_text()
        invitation = emailed_path(portal_environment, requester_email, "/invitation/")

        # The new editor accepts, signs in and resolves the report.
        editor = new_page()
        editor.goto(portal_url + invitation)
        editor.get_by_label("Your name").fill("Journey Volunteer")
        editor.locator("input#password").fill(PASSWORD)
        editor.locator("input#confirm").fill(PASSWORD)
        editor.get_by_role("button", name="Create account").click()
        sign_in(editor, portal_url, requester_email, second_factor=False)
        editor.get_by_role("link", name="Problem reports").click()
        row = editor.locator("tr", has_text="The Saturday opening hours have changed.")
        assert service_name in row.inner_text()
        row.get_by_role("button", name="Mark as resolved").click()
        assert "marked as resolved" in editor.locator(".govuk-notification-banner").inner_text()
        assert "The Saturday opening hours" not in editor.locator("main").inner_text()

        # The reminder command reminds the new editor once.
        output = flask(portal_environment, "send-freshness-reminders")
        assert f"Reminded 1 editor(s) of {organisation_name} about" in output, output
        subject, body = latest_email(portal_environment, requester_email)
        assert subject == "Please check your listings on Tameside Family Help" and service_name in body
        assert organisation_name not in flask(portal_environment, "send-freshness-reminders")

        # The moderator sees it overdue and reminded, and confirms it is still correct.
        moderator.get_by_role("link", name="Overdue listings").click()
        confirm = moderator.locator(f"form[action$='/manage/services/{service_id}/still-correct']")
        row = moderator.locator("tr", has=confirm)
        assert "Reminded on" in row.inner_text() and "May be out of date" in row.inner_text()
        row.get_by_role("button", name="Still correct").click()
        assert "is marked as checked today" in moderator.locator(".govuk-notification-banner").inner_text()

        today = dt.date.today()
        page.goto(f"{portal_url}/services/{service_id}")
        assert page.locator("#last-checked").inner_text() == f"Last checked: {today.day} {today:%B %Y}"
        assert "may be out of date" not in page.locator("main").inner_text()
        assert page.console_errors == []
    finally:
        for context in contexts:
            context.close()
