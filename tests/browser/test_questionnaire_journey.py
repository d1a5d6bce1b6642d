"""In Chromium: each of the four outcomes is reachable, an answer can be changed, and an outcome
prints without the site's header, footer and navigation."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def begin(page, portal_url: str, who: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(portal_url + "/questionnaire")
    page.get_by_role("button", name="Start").click()
    page.locator(f"input[name=who][value={who}]").check()
    page.get_by_role("button", name="Continue").click()


def safe(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=child_harmed][value=no]").check()
    page.get_by_role("button", name="Continue").click()
    # Then thoughts of self-harm: asked of a young person about themselves, or about a child.
    question = "self_harm_me" if page.url.endswith("/self_harm_me") else "self_harm_child"
    page.locator(f"input[name={question}][value=no]").check()
    page.get_by_role("button", name="Continue").click()


def answer_rest(page, situation: str) -> None:  # type: ignore[no-untyped-def]
    if "/questionnaire/ages" in page.url:
        page.locator("input.govuk-input").first.fill("4")
        page.get_by_role("button", name="Continue").click()
    page.locator("input[value=early-years-and-child-development]").check()
    page.get_by_role("button", name="Continue").click()
    page.locator("input.govuk-input").first.fill("OL6 6BH")
    page.get_by_role("button", name="Continue").click()
    page.locator(f"input[name=situation][value={situation}]").check()
    page.get_by_role("button", name="Continue").click()


def test_a_worry_about_harm_goes_straight_to_urgent_help(page, portal_url: str) -> None:
    begin(page, portal_url, "child")
    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=child_harmed][value=yes]").check()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/questionnaire/outcome/urgent")
    main = page.locator("main").inner_text()
    for number in ("999", "0161 342 4101", "0161 342 2222"):
        assert number in main
    assert page.locator("main form input[name=name]").count() == 0
    assert page.console_errors == [], page.console_errors


@pytest.mark.parametrize(("who", "situation", "outcome"), [
    ("child", "managing", "services_for_all"),
    ("child", "several_problems", "early_help"),
    ("practitioner", "several_problems", "practitioner"),
])
def test_each_outcome_is_reached_and_prints_cleanly(page, portal_url: str, who: str, situation: str,
                                                    outcome: str) -> None:
    begin(page, portal_url, who)
    safe(page)
    answer_rest(page, situation)
    assert page.url.endswith(f"/questionnaire/outcome/{outcome}")
    assert "0161 342 4101" in page.locator("main").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".portal-header").is_visible()
    assert not page.locator(".govuk-footer").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.console_errors == [], page.console_errors


def test_an_answer_changed_from_check_your_answers_changes_the_outcome(page, portal_url: str) -> None:
    begin(page, portal_url, "child")
    safe(page)
    answer_rest(page, "managing")
    assert page.url.endswith("/questionnaire/outcome/services_for_all")
    page.goto(portal_url + "/questionnaire/check")
    page.locator("a[href*='situation']").first.click()
    assert page.locator("input[name=situation][value=managing]").is_checked(), "the answer is kept"
    page.locator("input[name=situation][value=several_problems]").check()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/questionnaire/check"), "a change returns to check your answers"
    page.get_by_role("button", name="See what help is right for you").click()
    assert page.url.endswith("/questionnaire/outcome/early_help")
