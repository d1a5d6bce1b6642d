"""Accessibility in Chromium: axe-core (from npm) over every public page template, in English and in
Urdu, at WCAG 2.2 AA; a keyboard-only journey with visible focus; no horizontal scrolling at 320 px.

axe is added to each page with an init script (Chrome DevTools, so the pages' CSP still applies to
everything else)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.config import PROJECT_DIR

pytestmark = pytest.mark.browser

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["", "/ur"]

PAGES = [
    "/", "/search?q=food+bank", "/search?q=qqzzxxvv", "/search?q=parenting&age=200&postcode=ZZ99+9ZZ&radius=7",
    "/search/map?q=library", "/needs", "/needs/housing", "/early-help", "/early-help/practitioners",
    "/urgent-help", "/accessibility", "/privacy", "/data-sources", "/questionnaire", "/sign-in",
    "/sign-in/forgotten-password", "/no-such-page", "/kiosk", "/kiosk/where", "/shortlist",
    "/search?q=kill+myself", "/needs/domestic-abuse",
    "/ur/search?q=%DA%AF%DA%BE%D8%B1%DB%8C%D9%84%D9%88+%D8%AA%D8%B4%D8%AF%D8%AF",
]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} at ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def axe_page(browser) -> Iterator:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (it is in package.json's devDependencies)")
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate(RUN_AXE, TAGS))


def continue_button(page, field: str = "csrf_token"):  # type: ignore[no-untyped-def]
    """The submit button of the form holding `field` (outcome pages have other forms too)."""
    return page.locator(f"main form:has([name={field}]) button.govuk-button").first


@pytest.mark.parametrize("language", LANGUAGES, ids=["en", "ur"])
@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_has_no_wcag_violations(axe_page, portal_url: str, language: str, path: str) -> None:
    response = axe_page.goto(portal_url + language + path)
    assert response is not None and response.status in (200, 404)
    assert violations(axe_page) == []


@pytest.mark.parametrize("language", LANGUAGES, ids=["en", "ur"])
def test_service_organisation_and_form_errors_have_no_wcag_violations(axe_page, portal_url: str,
                                                                      language: str) -> None:
    page = axe_page
    page.goto(portal_url + language + "/search?q=food+bank")
    page.locator("main a[href*='/services/']").first.click()
    assert "/services/" in page.url
    found = {"service": violations(page)}
    page.locator("main a[href*='/organisations/']").first.click()
    found["organisation"] = violations(page)
    page.goto(portal_url + language + "/sign-in")
    continue_button(page).click()
    found["sign-in with errors"] = violations(page)
    assert found == {name: [] for name in found}


@pytest.mark.parametrize("language", LANGUAGES, ids=["en", "ur"])
def test_every_questionnaire_step_and_outcome_has_no_wcag_violations(axe_page, portal_url: str,
                                                                     language: str) -> None:
    page, base = axe_page, portal_url + language + "/questionnaire"
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)

    def start(who: str) -> None:
        page.context.clear_cookies()  # a new journey
        page.goto(base)
        check("start")
        page.locator("main a.govuk-button--start").click()
        continue_button(page).click()
        check("radio question with an error")
        page.locator(f"input[name=who][value={who}]").check()
        continue_button(page).click()

    start("child")
    check("safety questions")
    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=child_harmed][value=no]").check()
    continue_button(page).click()
    check("self-harm question")
    page.locator("input[name=self_harm_child][value=no]").check()
    continue_button(page).click()
    page.locator("main input.govuk-input").first.fill("200")
    continue_button(page).click()
    check("ages with an error")
    page.locator("main input.govuk-input").first.fill("4")
    continue_button(page).click()
    check("checkboxes")
    page.locator("input[value=early-years-and-child-development]").check()
    continue_button(page).click()
    check("postcode")
    page.locator("main input.govuk-input").first.fill("OL6 6BH")
    continue_button(page).click()
    page.locator("input[name=situation][value=several_problems]").check()
    continue_button(page).click()
    assert page.url.endswith("/outcome/early_help")
    check("outcome: early help")
    page.goto(base + "/check")
    check("check answers")
    page.goto(base + "/outcome/early_help")
    page.locator("input[name=ask_contact][value=yes]").check()
    continue_button(page, "ask_contact").click()
    check("consent")
    page.locator("input[name=consent][value=no]").check()
    continue_button(page).click()
    check("outcome: no contact")
    page.go_back()
    page.locator("input[name=consent][value=yes]").check()
    continue_button(page).click()
    assert page.url.endswith("/outcome/contact")
    check("contact form")
    continue_button(page).click()
    check("contact form with errors")

    start("practitioner")
    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=child_harmed][value=yes]").check()
    continue_button(page).click()
    assert page.url.endswith("/outcome/urgent")
    check("outcome: urgent")

    start("me")
    page.locator("input[name=danger_now][value=not_sure]").check()
    page.locator("input[name=child_harmed][value=no]").check()
    continue_button(page).click()
    assert page.url.endswith("/outcome/urgent")
    check("outcome: urgent, not sure, with carry on")
    continue_button(page).click()
    page.locator("input[name=self_harm_me][value=yes]").check()
    continue_button(page).click()
    assert page.url.endswith("/outcome/crisis")
    check("outcome: crisis help")
    assert found == {name: [] for name in found}


def focus_is_visible(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("""() => {
      const element = document.activeElement;
      if (!element) return false;
      const style = getComputedStyle(element);
      return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 221, 0)';
    }"""))


def tab_to(page, selector: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element matches `selector`; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            continue  # focus between the page and the browser's own controls: nothing on the page to show
        assert focus_is_visible(page), page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the keyboard")


@pytest.mark.parametrize("language", LANGUAGES, ids=["en", "ur"])
def test_a_keyboard_only_journey_from_search_to_a_service(page, portal_url: str, language: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(portal_url + language + "/")
    tab_to(page, "a.govuk-skip-link")
    tab_to(page, "main input[name=q]")
    page.keyboard.type("food bank")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    tab_to(page, "main a[href*='/services/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/services/**")
    assert page.locator("main h1").count() == 1


@pytest.mark.parametrize("language", LANGUAGES, ids=["en", "ur"])
def test_a_keyboard_only_journey_through_the_questionnaire_to_an_outcome(
        page, portal_url: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(portal_url + language + "/questionnaire")
    tab_to(page, "main .govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/questionnaire/who")

    def choose(name: str, value: str) -> None:
        """Tab into the group; radios then move (and select) with the arrow keys, checkboxes tick with Space."""
        tab_to(page, f"input[name={name}]")
        target = f"input[name={name}][value={value}]"
        for _ in range(20):
            if page.evaluate("(target) => document.activeElement.matches(target)", target):
                break
            page.keyboard.press("ArrowDown" if page.evaluate("() => document.activeElement.type") == "radio" else "Tab")
        if not page.evaluate("() => document.activeElement.checked"):
            page.keyboard.press("Space")
        assert page.locator(target).is_checked()

    def submit() -> None:
        tab_to(page, "main form button.govuk-button")
        with page.expect_navigation():
            page.keyboard.press("Enter")

    choose("who", "child")
    submit()
    choose("danger_now", "no")
    choose("child_harmed", "no")
    submit()
    choose("self_harm_child", "no")
    submit()
    tab_to(page, "main input.govuk-input")
    page.keyboard.type("6")
    submit()
    choose("worries", "money-debt-and-food")
    submit()
    submit()  # no postcode: it is optional
    choose("situation", "managing")
    submit()
    assert page.url.endswith("/outcome/services_for_all"), page.url


@pytest.mark.parametrize("width", [320, 640])
@pytest.mark.parametrize("path", ["/", "/search?q=food+bank", "/questionnaire/who", "/ur/", "/ur/search?q=food+bank",
                                  "/early-help/practitioners", "/ur/early-help/practitioners"])
def test_pages_reflow_without_horizontal_scrolling(page, portal_url: str, path: str, width: int) -> None:
    """320 px is 1280 px at 400% zoom; 640 px is 1280 px at 200%."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal_url + path)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"


def test_the_axe_run_does_find_violations(axe_page, portal_url: str) -> None:
    """A guard against a silent axe: an image without alt text on a real page is reported."""
    axe_page.goto(portal_url + "/")
    axe_page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert any(found.startswith("image-alt") for found in violations(axe_page))
