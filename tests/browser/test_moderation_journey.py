"""In Chromium, end to end (issue 5, "Done when"): an administrator made with the create-account command
invites an organisation editor and a moderator; the editor accepts the emailed link (read from the
mail drop folder), signs in, changes a service's opening times and submits them; the moderator sets up
the second factor, sees the difference and approves; the public page and search show the new times."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import uuid

import pyotp
import pytest

from portal.config import PROJECT_DIR
from tests.browser.mail import emailed_path

pytestmark = pytest.mark.browser

PASSWORD = "a long journey passphrase 5821"


def served_database(environment: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(environment["DATABASE_URL"].removeprefix("sqlite:///"))


def a_service_closed_on_sundays(environment: dict[str, str]) -> tuple[str, str, str]:
    """(service id, name, organisation id) of a seeded service with weekly times at a place, none on Sunday."""
    with served_database(environment) as connection:
        row = connection.execute(
            "SELECT s.id, s.name, s.organization_id FROM service s"
            " JOIN service_at_location l ON l.service_id = s.id"
            " JOIN schedule t ON t.service_at_location_id = l.id"
            " WHERE s.status = 'active' GROUP BY s.id, s.name, s.organization_id"
            " HAVING SUM(CASE WHEN t.byday = 'SU' THEN 1 ELSE 0 END) = 0"
            "   AND COUNT(DISTINCT l.id) = 1 ORDER BY s.name LIMIT 1").fetchone()
    assert row, "the seed data has a service with opening times"
    return row[0], row[1], row[2]


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


def accept(page, link: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(link)
    assert page.locator("h1").inner_text() == "Create your account"
    page.get_by_label("Your name").fill(name)
    page.locator("input#password").fill(PASSWORD)
    page.locator("input#confirm").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    assert page.url.endswith("/sign-in"), page.url


def test_an_invited_editor_changes_opening_times_and_a_moderator_approves(
        browser, page, portal_url: str, portal_environment: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    service_id, service_name, organisation_id = a_service_closed_on_sundays(portal_environment)
    tag = uuid.uuid4().hex[:8]
    admin_email, editor_email, moderator_email = (f"{who}-{tag}@example.org" for who in
                                                  ("admin", "editor", "moderator"))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "create-account", "--email", admin_email,
         "--name", "Journey Administrator", "--role", "admin"],
        cwd=PROJECT_DIR, env=dict(portal_environment, PORTAL_ACCOUNT_PASSWORD=PASSWORD),
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

    contexts = []

    def new_page():  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": 1024, "height": 800})
        contexts.append(context)
        return context.new_page()

    try:
        # The administrator invites an editor for the service's organisation, and a moderator.
        admin = new_page()
        sign_in(admin, portal_url, admin_email, second_factor=True)
        for email, role in ((editor_email, "editor"), (moderator_email, "moderator")):
            admin.goto(portal_url + "/admin/invitations/new")
            admin.get_by_label("Their email address").fill(email)
            admin.locator(f"input[name=roles][value={role}]").check()
            if role == "editor":
                admin.locator(f"input[name=organisations][value='{organisation_id}']").check()
            admin.get_by_role("button", name="Send invitation").click()
            assert f"An invitation has been sent to {email}" in admin.locator("main").inner_text()

        # The editor accepts, signs in, changes the opening times and submits them.
        editor = new_page()
        accept(editor, portal_url + emailed_path(portal_environment, editor_email, "/invitation/"), "Journey Editor")
        sign_in(editor, portal_url, editor_email, second_factor=False)
        editor.get_by_role("link", name="Your organisations").click()
        editor.locator("main a[href*='/manage/organisations/']").first.click()
        editor.get_by_role("link", name=service_name, exact=True).click()
        assert editor.locator("h1").inner_text() == service_name
        editor.get_by_role("link", name="Change opening times").first.click()
        editor.get_by_label("Sunday, session 1: Opens").fill("10am")
        editor.get_by_label("Sunday, session 1: Closes").fill("9am")
        editor.get_by_role("button", name="Save opening times").click()
        summary = editor.locator(".govuk-error-summary").inner_text()
        assert "On Sunday the closing time must be after the opening time" in summary
        assert editor.get_by_label("Sunday, session 1: Opens").input_value() == "10am"
        editor.get_by_label("Sunday, session 1: Closes").fill("12:30")
        editor.get_by_role("button", name="Save opening times").click()
        assert "saved as a draft" in editor.locator(".govuk-notification-banner").inner_text()
        editor.get_by_label("A note for the directory team (optional)").fill("We now open on Sundays")
        editor.get_by_role("button", name="Submit for review").click()
        assert "Waiting for review" in editor.locator("#listing-status").inner_text()
        assert page.console_errors == []

        # Until it is approved, the public sees the old times.
        page.goto(f"{portal_url}/services/{service_id}")
        assert "Sunday" not in page.locator("main").inner_text()

        # The moderator, with a second factor, sees the difference and approves.
        moderator = new_page()
        invitation = emailed_path(portal_environment, moderator_email, "/invitation/")
        accept(moderator, portal_url + invitation, "Journey Moderator")
        sign_in(moderator, portal_url, moderator_email, second_factor=True)
        moderator.get_by_role("link", name="Changes to review").click()
        moderator.get_by_role("link", name=service_name, exact=True).click()
        differences = moderator.locator("#differences").inner_text()
        assert "Opening times" in differences and "Sunday 10:00 to 12:30" in differences
        assert "We now open on Sundays" in moderator.locator("main").inner_text()
        moderator.get_by_label("Approve and publish").check()
        moderator.get_by_role("button", name="Save decision").click()
        assert "approved and published" in moderator.locator(".govuk-notification-banner").inner_text()

        # The public page and search show the new times at once.
        page.goto(f"{portal_url}/services/{service_id}")
        times = page.locator("main table").first.inner_text()
        assert "Sunday" in times and "10:00 to 12:30" in times
        found = False
        deadline = time.monotonic() + 3  # the other gunicorn worker catches up within SEARCH_SYNC_SECONDS
        while not found and time.monotonic() < deadline:
            page.goto(f"{portal_url}/search?q={service_name}&day=SU")
            found = page.get_by_role("link", name=service_name, exact=True).count() > 0
        assert found, page.locator("main").inner_text()[:1000]
        assert page.console_errors == [], page.console_errors
    finally:
        for context in contexts:
            context.close()
