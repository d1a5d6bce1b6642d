"""Urdu lays out right to left in Chromium: home, search results, a service and a questionnaire page.

Each page is saved as a screenshot under the test run's temporary folder (the path is printed), and
checked: the document's direction is rtl, headings and paragraphs start at the right edge of their
column, the main column sits on the right, radios sit to the right of their labels, and nothing
scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

WIDTHS = [1024, 375]

LAYOUT = """() => {
  const box = (element) => element.getBoundingClientRect();
  const textBox = (element) => { const range = document.createRange(); range.selectNodeContents(element);
                                 return range.getBoundingClientRect(); };
  const h1 = document.querySelector('main h1');
  const paragraph = document.querySelector('main p.govuk-body:not([lang]), main p.govuk-body-l:not([lang])');
  const column = document.querySelector('main [class*="govuk-grid-column"]');
  const row = column && column.closest('.govuk-grid-row');
  return {
    direction: getComputedStyle(document.documentElement).direction,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    h1: [box(h1).left, box(h1).right, textBox(h1).left, textBox(h1).right],
    paragraph: paragraph ? [box(paragraph).right, textBox(paragraph).right] : null,
    column: column ? [box(column).left, box(column).right] : null,
    row: row ? [box(row).left, box(row).right] : null,
  };
}"""


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rtl-screenshots")
    print(f"\nUrdu screenshots: {folder}")
    return folder


def service_path(page, portal_url: str) -> str:  # type: ignore[no-untyped-def]
    page.goto(portal_url + "/ur/search?q=food+bank")
    return str(page.locator("main a[href*='/services/']").first.get_attribute("href"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["home", "search", "service", "questionnaire"])
def test_urdu_pages_lay_out_right_to_left(page, portal_url: str, screenshots: Path, name: str,
                                          width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    path = {"home": "/ur/", "search": "/ur/search?q=food+bank", "questionnaire": "/ur/questionnaire/who",
            "service": None}[name] or service_path(page, portal_url)
    page.goto(portal_url + path)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(screenshots / f"ur-{name}-{width}.png"), full_page=True)
    layout = page.evaluate(LAYOUT)

    assert layout["direction"] == "rtl"
    assert layout["overflow"] <= 0, f"{path} scrolls sideways by {layout['overflow']}px"
    h1_left, h1_right, text_left, text_right = layout["h1"]
    assert abs(h1_right - text_right) <= 2, f"the heading starts at the right: {layout['h1']}"
    assert text_left >= h1_left - 1
    if layout["paragraph"]:
        box_right, paragraph_text_right = layout["paragraph"]
        assert abs(box_right - paragraph_text_right) <= 2, "paragraphs start at the right"
    if width >= 1000 and layout["column"] and layout["row"]:
        (column_left, column_right), (row_left, row_right) = layout["column"], layout["row"]
        assert abs(row_right - column_right) <= 1, "the first column is the rightmost"
        if column_right - column_left < (row_right - row_left) * 0.9:
            assert column_left > row_left + 50, "a two-thirds column leaves its space on the left"
    assert page.console_errors == [], page.console_errors


def test_urdu_radios_sit_to_the_right_of_their_labels(page, portal_url: str, screenshots: Path) -> None:
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(portal_url + "/ur/questionnaire/who")
    page.locator("input[name=who][value=child]").check()
    page.screenshot(path=str(screenshots / "ur-questionnaire-radio-checked.png"))
    radio = page.locator("input[name=who][value=child]").bounding_box()
    label = page.locator("input[name=who][value=child] + label").bounding_box()
    assert radio and label
    assert radio["x"] > label["x"] + label["width"] / 2, (radio, label)
    circle = page.evaluate("""() => {
      const label = document.querySelector('input[name=who][value=child] + label');
      const before = getComputedStyle(label, '::before');
      return [before.right, before.left];
    }""")
    assert circle[0] == "2px", f"the radio circle is placed from the right: {circle}"
