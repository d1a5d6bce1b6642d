"""In Chromium: a new visitor switches to Urdu on the home page, searches, opens a service and goes
through the questionnaire to an outcome, every page in Urdu and laid out right to left."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

URDU = "اردو"


def in_urdu(page, heading: str = "main h1") -> None:  # type: ignore[no-untyped-def]
    """The page is Urdu, right to left, and its `heading` is in Urdu."""
    assert "/ur/" in page.url, page.url
    html = page.locator("html")
    assert html.get_attribute("lang") == "ur" and html.get_attribute("dir") == "rtl", page.url
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    text = page.locator(heading).first.inner_text()
    assert any("\u0600" <= character <= "\u06ff" for character in text), f"{page.url}: {text!r}"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def press_main_button(page, selector: str = "main form .govuk-button") -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.locator(selector).first.click()


def test_a_visitor_switches_to_urdu_and_uses_the_whole_service(page, portal_url: str) -> None:
    page.goto(portal_url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name=URDU).click()
    in_urdu(page)

    # Search, then open a service.
    page.locator("main input[name=q]").fill("food bank")
    with page.expect_navigation():
        page.locator("main input[name=q]").press("Enter")
    in_urdu(page)
    assert "/ur/search" in page.url
    with page.expect_navigation():
        page.locator("main a[href*='/services/']").first.click()
    # The service's name is the organisation's own words (kept in English); what is around it is Urdu.
    in_urdu(page, heading="main h2")

    # The questionnaire, in Urdu, to the "services for all" outcome.
    page.goto(portal_url + "/ur/questionnaire")
    in_urdu(page)
    press_main_button(page, "main .govuk-button--start, main .govuk-button")
    page.locator("input[name=who][value=child]").check()
    press_main_button(page)
    in_urdu(page)
    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=child_harmed][value=no]").check()
    press_main_button(page)
    page.locator("input[name=self_harm_child][value=no]").check()
    press_main_button(page)
    page.locator("main input.govuk-input").first.fill("6")
    press_main_button(page)
    in_urdu(page)
    page.locator("input[value=money-debt-and-food]").check()
    press_main_button(page)
    press_main_button(page)  # no postcode: it is optional
    page.locator("input[name=situation][value=managing]").check()
    press_main_button(page)
    assert page.url.endswith("/ur/questionnaire/outcome/services_for_all"), page.url
    in_urdu(page)
    assert page.console_errors == [], page.console_errors
