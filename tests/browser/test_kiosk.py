"""In Chromium, on a kiosk whose idle time is a few seconds: a visitor searches near their town, adds to a
shortlist and walks away; "Are you still there?" appears; then the next visitor sees the start screen and
nothing of the first, in the browser (page, storage, Back) and at the server (session). And a shortlist
prints on one page with a QR code that decodes to a link opening the same list."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.browser.conftest import serve, served_environment

pytestmark = pytest.mark.browser
IDLE_SECONDS = 5
PROMPT_SECONDS = 3


@pytest.fixture(scope="module")
def kiosk_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal served by gunicorn, as portal_url, with a short kiosk idle time."""
    environment = served_environment(tmp_path_factory.mktemp("kiosk"), KIOSK_IDLE_SECONDS=str(IDLE_SECONDS),
                                     KIOSK_PROMPT_SECONDS=str(PROMPT_SECONDS))
    with serve(environment) as address:
        yield address


@pytest.fixture
def screen(browser):  # type: ignore[no-untyped-def]
    """A library's touch screen."""
    context = browser.new_context(viewport={"width": 1280, "height": 1024}, has_touch=True)
    tab = context.new_page()
    tab.console_errors = []  # type: ignore[attr-defined]
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    yield tab
    context.close()


def start_kiosk(tab, kiosk_url: str) -> None:  # type: ignore[no-untyped-def]
    """Open /kiosk and, on a browser that is not a kiosk yet, press "Start the kiosk" as staff do."""
    tab.goto(kiosk_url + "/kiosk")
    button = tab.get_by_role("button", name="Start the kiosk")
    if button.count():
        button.click()
        tab.wait_for_url(kiosk_url + "/kiosk")


def session_cookie(tab) -> str:  # type: ignore[no-untyped-def]
    return next((cookie["value"] for cookie in tab.context.cookies() if cookie["name"] == "session"), "")


def test_the_next_visitor_sees_nothing_of_the_last(screen, kiosk_url: str) -> None:  # type: ignore[no-untyped-def]
    tab = screen
    start_kiosk(tab, kiosk_url)
    assert tab.get_by_role("button", name="Start again").is_visible()
    tab.get_by_role("link", name="Hyde").click()
    assert "services near Hyde" in tab.locator("main").inner_text()
    first = tab.locator(".portal-card-list > li").first
    chosen = first.locator("h3").inner_text()
    first.get_by_role("button", name=re.compile("^Add to shortlist")).click()
    tab.get_by_role("link", name="Your shortlist (1)", exact=True).click()
    assert tab.locator("h1").inner_text() == "Your shortlist"
    assert chosen in tab.locator("main").inner_text()
    tab.goto(tab.url.replace(kiosk_url, kiosk_url + "/pl"))  # the visitor reads in Polish
    assert tab.evaluate("document.documentElement.lang") == "pl"
    assert chosen in tab.locator("main").inner_text()
    tab.evaluate("sessionStorage.setItem('left', 'behind'); localStorage.setItem('left', 'behind')")
    before = session_cookie(tab)

    # The visitor walks away: the prompt (in Polish here), announced as a modal dialog, with the focus on
    # "still here".
    prompt = tab.get_by_role("dialog")
    prompt.wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    assert prompt.get_attribute("aria-labelledby") == "kiosk-idle-title"
    assert tab.evaluate("document.activeElement.matches('[data-kiosk-still-here]')")
    # Nobody answers: the start screen comes back.
    tab.wait_for_url(kiosk_url + "/kiosk", timeout=(PROMPT_SECONDS + 5) * 1000)
    tab.wait_for_load_state()
    assert tab.locator("h1").inner_text() == "Find help for your family"
    assert tab.get_by_role("link", name="Your shortlist (0)", exact=True).is_visible()
    assert tab.evaluate("sessionStorage.length + localStorage.length") == 0
    assert session_cookie(tab) != before
    assert tab.evaluate("document.documentElement.lang") == "en"
    assert "language" not in {cookie["name"] for cookie in tab.context.cookies()}

    # At the server: this browser's session holds no shortlist.
    tab.goto(kiosk_url + "/shortlist")
    assert "Your shortlist is empty" in tab.locator("main").inner_text()
    start_kiosk(tab, kiosk_url)

    # Back, all the way: never the last visitor's search, shortlist or service.
    for _ in range(6):
        if not tab.go_back():
            break
        tab.wait_for_load_state()
        text = tab.locator("body").inner_text()
        assert "near Hyde" not in text and chosen not in text, tab.url
        assert "Hyde" not in tab.url.split("?", 1)[0]
    assert tab.console_errors == [], tab.console_errors


def test_still_here_keeps_the_visit(screen, kiosk_url: str) -> None:  # type: ignore[no-untyped-def]
    tab = screen
    start_kiosk(tab, kiosk_url)
    tab.get_by_role("link", name="Mossley").click()
    tab.locator(".portal-card-list > li").first.get_by_role("button", name=re.compile("^Add to shortlist")).click()
    prompt = tab.get_by_role("dialog", name="Are you still there?")
    prompt.wait_for(state="visible", timeout=(IDLE_SECONDS + 3) * 1000)
    tab.get_by_role("button", name="Yes, I'm still here").click()
    assert not prompt.is_visible()
    tab.get_by_role("link", name="Your shortlist (1)", exact=True).click()
    assert tab.locator(".portal-shortlist > li").count() == 1


def test_start_again_works_without_javascript(browser, kiosk_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    start_kiosk(tab, kiosk_url)
    tab.get_by_role("link", name="Denton").click()
    tab.locator(".portal-card-list > li").first.get_by_role("button", name=re.compile("^Add to shortlist")).click()
    assert tab.get_by_role("link", name="Your shortlist (1)", exact=True).is_visible()
    tab.get_by_role("button", name="Start again").click()
    assert tab.url == kiosk_url + "/kiosk"
    assert tab.get_by_role("link", name="Your shortlist (0)", exact=True).is_visible()
    context.close()


def decode_qr(png: bytes) -> str:
    import cv2
    import numpy

    image = cv2.imdecode(numpy.frombuffer(png, dtype=numpy.uint8), cv2.IMREAD_COLOR)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)


def test_a_shortlist_prints_on_one_page_and_its_qr_code_opens_it(  # type: ignore[no-untyped-def]
        browser, kiosk_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    tab = context.new_page()
    tab.goto(kiosk_url + "/search?q=parenting")
    for _ in range(3):
        tab.locator(".portal-card-list > li").get_by_role("button", name=re.compile("^Add to shortlist")).first.click()
    tab.goto(kiosk_url + "/shortlist")
    names = tab.locator(".portal-shortlist > li h3").all_inner_texts()
    assert len(names) == 3
    tab.get_by_label("Add a note to the printed list (optional)").fill("Call the first one on Monday")
    tab.get_by_role("button", name="Show the printable summary").click()
    assert "Call the first one on Monday" in tab.locator(".portal-print-note").inner_text()

    pdf = tab.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the summary printed on {pages} pages"

    link = decode_qr(tab.locator("[data-share-qr] svg").screenshot())
    assert link == tab.locator("[data-share-link]").inner_text()
    other = browser.new_context()
    phone = other.new_page()
    phone.goto(link)
    assert phone.locator(".portal-shortlist > li h3").all_inner_texts() == names
    other.close()
    context.close()
