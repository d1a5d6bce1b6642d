"""In Chromium: phone numbers are drawn left to right on Urdu and Arabic pages (the first digit group
left of the last, measured on the rendered text), and "Leave this site quickly" leaves by replacing
the page in history (by click and by pressing Shift three times), so Back does not return to it."""

from __future__ import annotations

import pytest

from portal.urgent import URGENT_CONTACTS

pytestmark = pytest.mark.browser

# Every rendered occurrence of `number` in the page: where its first and last digit groups are drawn.
DIGIT_GROUPS = """(number) => {
  const first = number.split(' ')[0], last = number.split(' ').slice(-1)[0];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  const left = (node, start, length) => { const range = document.createRange();
    range.setStart(node, start); range.setEnd(node, start + length);
    const box = range.getBoundingClientRect(); return [box.left, box.top]; };
  while (walker.nextNode()) {
    const node = walker.currentNode;
    let at = node.data.indexOf(number);
    while (at >= 0) {
      if (node.parentElement.getClientRects().length) {
        found.push({first: left(node, at, first.length),
                    last: left(node, at + number.length - last.length, last.length),
                    text: node.parentElement.closest('p, li, dd, div').innerText.slice(0, 80)});
      }
      at = node.data.indexOf(number, at + 1);
    }
  }
  return found;
}"""

WEATHER = "<!doctype html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


@pytest.mark.parametrize("language", ["ur", "ar"])
@pytest.mark.parametrize("path", ["/urgent-help", "/", "/early-help/practitioners", "/search?q=kill+myself"])
def test_numbers_read_left_to_right_in_right_to_left_languages(page, portal_url: str, language: str,
                                                               path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{portal_url}/{language}{path}")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    checked = 0
    for key in ("hub", "out_of_hours"):
        for seen in page.evaluate(DIGIT_GROUPS, URGENT_CONTACTS[key].number):
            (first_left, first_top), (last_left, last_top) = seen["first"], seen["last"]
            assert abs(first_top - last_top) < 2, f"one line: {seen['text']}"
            assert first_left < last_left, f"{URGENT_CONTACTS[key].number} drawn right to left in: {seen['text']}"
            checked += 1
    assert checked >= 2, "the urgent numbers are on the page"


def stub_the_exit_site(page) -> None:  # type: ignore[no-untyped-def]
    """No internet here: the everyday site the exit leads to is answered in the browser. (Playwright
    does not route a redirect's target, so the exit's own address is answered here too; the server's
    side of it, clearing the visit, has its functional test.)"""
    answer = {"status": 200, "content_type": "text/html", "body": WEATHER}
    page.route("https://www.bbc.co.uk/**", lambda route: route.fulfill(**answer))
    page.route("**/questionnaire/leave", lambda route: route.fulfill(**answer))


def test_leaving_replaces_the_page_in_history(page, portal_url: str) -> None:  # type: ignore[no-untyped-def]
    stub_the_exit_site(page)
    page.goto(f"{portal_url}/needs")
    page.goto(f"{portal_url}/urgent-help")
    page.get_by_role("button", name="Leave this site quickly").click()
    page.wait_for_url("**/questionnaire/leave")
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{portal_url}/needs", "Back skips the page that was left"
    assert page.console_errors == []


def test_shift_three_times_leaves_a_search_about_abuse(page, portal_url: str) -> None:  # type: ignore[no-untyped-def]
    stub_the_exit_site(page)
    page.goto(f"{portal_url}/needs")
    page.goto(f"{portal_url}/search?q=partner+hits+me")
    assert page.locator("main [data-safety-intent]").first.is_visible()
    page.locator("body").click(position={"x": 5, "y": 5})
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("**/questionnaire/leave")
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{portal_url}/needs"
