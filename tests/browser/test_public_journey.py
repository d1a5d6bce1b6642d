"""A new visitor in a phone-sized Chromium window: the home page works, styles and scripts load under
the CSP, and they can browse a need, open a service and read a library's opening hours."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_home_page_loads_its_assets_under_the_content_security_policy(page, portal_url: str) -> None:
    response = page.goto(portal_url + "/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Find help for your family in Tameside"
    # GOV.UK Frontend's script ran (it marks the body), and our stylesheet applied (Arial, not GDS Transport).
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower() and "GDS Transport" not in font
    assert page.console_errors == [], page.console_errors


def test_a_visitor_browses_a_need_and_opens_a_service(page, portal_url: str) -> None:
    page.goto(portal_url + "/")
    page.get_by_role("link", name="Emotional wellbeing and mental health").click()
    assert page.locator("h1").inner_text() == "Emotional wellbeing and mental health"
    page.get_by_role("link", name="Healthy Young Minds", exact=True).click()
    assert page.locator("h1").inner_text() == "Healthy Young Minds"
    assert page.console_errors == [], page.console_errors


def test_a_library_shows_its_opening_hours(page, portal_url: str) -> None:
    page.goto(portal_url + "/needs/early-years-and-child-development")
    page.get_by_role("link", name="Stalybridge Library").click()
    table = page.get_by_role("table", name="Opening times")
    assert re.search(r"Friday\s+09:00 to 16:00", table.inner_text())


@pytest.mark.parametrize("path", ["/", "/early-help", "/needs/money-debt-and-food", "/urgent-help"])
def test_no_horizontal_scrolling_at_320_pixels(browser, portal_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    tab = context.new_page()
    tab.goto(portal_url + path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_urgent_help_is_a_tap_away_without_javascript(browser, portal_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(portal_url + "/needs")
    link = tab.get_by_role("link", name="Urgent help").first
    link.click()
    assert tab.locator("h1").inner_text()
    assert tab.locator("a[href='tel:01613424101']").count() >= 1
    context.close()
