"""On a phone-sized screen: search in your own words with a typo, narrow by age, need and postcode,
see distances, switch to the map and open a service."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_a_parent_finds_help_near_home_on_a_phone(page, portal_url: str) -> None:
    page.goto(portal_url + "/")
    page.get_by_label("What do you need help with?").fill("libary for my kids")
    page.get_by_role("button", name="Search").click()
    assert "Search results for" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name=re.compile(r"^library")).is_visible(), "did you mean"
    assert page.locator(".portal-card-list > li").count() >= 5

    # Narrow by postcode, then by age and need in the filters (a details element, open it first).
    page.get_by_label("Postcode or town (optional)").fill("ol6 6bh")
    page.get_by_role("button", name="Search").click()
    assert "near OL6 6BH" in page.locator("#results-heading").inner_text()
    page.get_by_text("Filter results").click()
    page.get_by_label("Age of the child or young person").fill("4")
    page.get_by_label("Early years and child development", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    assert "age=4" in page.url and "need=early-years-and-child-development" in page.url
    # The library is at that postcode. Its details date from April 2025, so it "may be out of date" and
    # ranks below fresher listings; it is still on the first page, with its distance.
    library = page.locator(".portal-card-list > li", has_text="Ashton Library").first
    assert "less than 0.1 miles" in library.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The map of the same results, drawn locally with no errors, then back to a service.
    page.get_by_role("link", name="Show these services on a map").click()
    assert page.locator("h1").inner_text() == "Map of search results"
    page.wait_for_selector("img.leaflet-marker-icon, .marker-cluster")
    assert page.console_errors == [], page.console_errors
    page.go_back()
    page.locator(".portal-card-list > li h3 a", has_text="Ashton Library").first.click()
    assert page.locator("h1").inner_text() == "Ashton Library"
    assert page.get_by_role("table", name="Opening times").is_visible()


def test_search_works_without_javascript(browser, portal_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(portal_url + "/search?q=skint&postcode=Hyde")
    assert "Money, debt and food" in tab.locator("main").inner_text()
    tab.get_by_text("Filter results").click()
    tab.get_by_label("Free", exact=False).first.check()
    tab.get_by_role("button", name="Apply filters").click()
    assert "free=1" in tab.url
    context.close()


def test_a_bad_postcode_is_explained_in_the_browser(page, portal_url: str) -> None:
    page.goto(portal_url + "/search?q=library&postcode=XYZ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a real postcode, like OL6 6BH" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "postcode"
