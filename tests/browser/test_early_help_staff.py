"""In Chromium, end to end: a family reaches the Early Help outcome and asks to be contacted; a member
of the Early Help team, made with the create-account command, signs in, sets up the second factor,
finds the request in the queue, reads the family's details, and sees that read in the audit trail."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

from portal.config import PROJECT_DIR
from tests.browser.test_questionnaire_journey import answer_rest, begin, safe

pytestmark = pytest.mark.browser

FAMILY_NAME = "Rosalind Okonkwo-Threlfall"
STAFF_NAME = "Priya Early Help"
STAFF_PASSWORD = "a long staff passphrase 7391"


def ask_for_contact(page, portal_url: str) -> str:  # type: ignore[no-untyped-def]
    """The family's side: the questionnaire to the Early Help outcome, then the contact form. The reference."""
    begin(page, portal_url, "child")
    safe(page)
    answer_rest(page, "several_problems")
    expect(page).to_have_url(re.compile(r"/questionnaire/outcome/early_help$"))
    page.locator("input[name=ask_contact][value=yes]").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/questionnaire/consent$"))
    page.locator("input[name=consent][value=yes]").check()
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/questionnaire/outcome/contact$"))
    page.get_by_label("Your name").fill(FAMILY_NAME)
    page.get_by_label("Phone number").fill("07700 900 321")
    page.locator("input[name=message_allowed][value=no]").check()
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/questionnaire/contact/sent$"))
    reference = page.locator(".govuk-panel strong").inner_text().strip()
    assert reference.startswith("EH-")
    return reference


def create_staff_account(environment: dict[str, str], email: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "portal", "create-account", "--email", email,
         "--name", STAFF_NAME, "--role", "early_help"],
        cwd=PROJECT_DIR, env=dict(environment, PORTAL_ACCOUNT_PASSWORD=STAFF_PASSWORD),
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def sign_in_with_a_new_second_factor(page, portal_url: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(portal_url + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.locator("input#password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/set-up-two-factor$"))
    page.get_by_text("I cannot scan the QR code").click()
    secret = "".join(page.locator("code.portal-secret").inner_text().split())
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You are signed in")


def test_a_familys_request_is_read_by_early_help_staff_and_the_read_is_audited(
        browser, page, portal_url: str, portal_environment: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    reference = ask_for_contact(page, portal_url)
    assert page.console_errors == [], page.console_errors

    email = f"early-help-{uuid.uuid4().hex[:8]}@example.org"
    create_staff_account(portal_environment, email)
    staff = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    try:
        sign_in_with_a_new_second_factor(staff, portal_url, email)
        staff.get_by_role("link", name="Contact requests").click()
        expect(staff).to_have_url(re.compile(r"/early-help/requests$"))
        expect(staff.locator("main h1")).to_have_text("Contact requests")
        queue = staff.locator("main").inner_text()
        assert reference in queue and FAMILY_NAME not in queue, "the queue shows no personal data"

        staff.get_by_role("link", name=reference).click()
        expect(staff).to_have_url(re.compile(f"/early-help/requests/{reference}$"))
        expect(staff.locator("main h1")).to_have_text(reference)
        details = staff.locator("main").inner_text()
        assert FAMILY_NAME in details and "07700 900 321" in details

        trail = staff.locator("table.portal-audit-trail tbody tr")
        rows = [trail.nth(index).inner_text() for index in range(trail.count())]
        assert "Sent the request" in rows[0]
        assert STAFF_NAME in rows[-1] and "Read the request" in rows[-1], rows
    finally:
        staff.context.close()
