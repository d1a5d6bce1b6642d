"""Plain English measures for the family-facing pages: shared by tests/functional/test_plain_english.py and
tests/benchmarks/plain_english_report.py.

What is measured is the portal's own words: the visible text of <main>, without the words organisations
wrote (marked `data-organisation-content` in the templates) and without wording whose exact form is
required by law or by a licence (marked `data-required-wording`). Every heading, list item, label, table
cell and paragraph counts as the end of a sentence, as a reader meets it.
"""

from __future__ import annotations

import importlib.resources
import re
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString
from flask import Flask
from flask.testing import FlaskClient

WORDS_TO_AVOID_FILE = Path(__file__).parent / "fixtures" / "plain_english_words_to_avoid.txt"

# Thresholds, per page (see the test module for why these figures).
MINIMUM_READING_EASE = 70.0
# Flesch's formula means little on a few dozen words (a page of labels and links): below this many words
# only the sentence lengths and the words to avoid are checked.
MINIMUM_WORDS_FOR_READING_EASE = 100
MAXIMUM_AVERAGE_SENTENCE_WORDS = 15.0
MAXIMUM_SENTENCE_WORDS = 25

# Regions that are not the portal's own words.
EXCLUDED = ", ".join([
    "script", "style", "noscript", "template", "svg",
    "[data-organisation-content]", "[data-required-wording]",
    # The robot trap on forms: hidden from everyone.
    "[aria-hidden=true]",
])
BLOCKS = {
    "address", "article", "aside", "blockquote", "button", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "legend",
    "label", "li", "ol", "p", "section", "summary", "table", "td", "th", "tr", "ul", "br", "option", "nav",
}
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)]*\s+")
# Web and email addresses are not words to read: they are left out of every measure.
ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@[^\s@]+\.\w+")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def _textstat():  # type: ignore[no-untyped-def]
    """textstat 0.7.4 imports pkg_resources only to find its word lists (for Dale-Chall, not used here);
    setuptools 81 and later no longer ship pkg_resources, so stand in for the one function it calls."""
    if "pkg_resources" not in sys.modules:
        try:
            import pkg_resources  # noqa: F401
        except ImportError:
            shim = types.ModuleType("pkg_resources")
            shim.resource_stream = lambda package, name: (  # type: ignore[attr-defined]
                importlib.resources.files(package).joinpath(name).open("rb"))
            sys.modules["pkg_resources"] = shim
    import textstat

    textstat.set_lang("en_GB")
    return textstat


def visible_blocks(html: str | BeautifulSoup) -> list[str]:
    """The text of <main>, one string per block a reader meets (paragraph, heading, list item...)."""
    page = BeautifulSoup(str(html), "html.parser")
    main = page.find("main") or page
    for element in main.select(EXCLUDED):
        element.decompose()
    for element in main.find_all(True):
        if element.name in BLOCKS:
            element.insert_before(NavigableString("\n"))
            element.insert_after(NavigableString("\n"))
    text = ADDRESS.sub("", main.get_text(""))
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def sentences(blocks: list[str]) -> list[str]:
    """Sentences, each with its closing full stop (a block without one ends anyway)."""
    found: list[str] = []
    for block in blocks:
        for sentence in SENTENCE_END.split(block):
            sentence = sentence.strip()
            if not WORD.search(sentence):
                continue
            found.append(sentence if sentence[-1] in ".!?:" else sentence + ".")
    return found


def words(text: str) -> list[str]:
    return WORD.findall(text)


def load_words_to_avoid(path: Path = WORDS_TO_AVOID_FILE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def avoided_words_in(text: str, avoid: list[str]) -> list[str]:
    """Each word or phrase to avoid that `text` uses, as whole words, ignoring case."""
    return [phrase for phrase in avoid
            if re.search(r"(?<![\w-])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w-])", text, re.I)]


@dataclass
class Measures:
    reading_ease: float
    grade: float
    word_count: int
    sentence_count: int
    average_sentence_words: float
    longest_sentence: str
    longest_sentence_words: int
    avoided: list[str]

    def problems(self) -> list[str]:
        problems = []
        if self.word_count >= MINIMUM_WORDS_FOR_READING_EASE and self.reading_ease < MINIMUM_READING_EASE:
            problems.append(f"Flesch reading ease {self.reading_ease} is below {MINIMUM_READING_EASE}")
        if self.average_sentence_words > MAXIMUM_AVERAGE_SENTENCE_WORDS:
            problems.append(f"average sentence of {self.average_sentence_words:.1f} words is over "
                            f"{MAXIMUM_AVERAGE_SENTENCE_WORDS}")
        if self.longest_sentence_words > MAXIMUM_SENTENCE_WORDS:
            problems.append(f"a sentence of {self.longest_sentence_words} words (over {MAXIMUM_SENTENCE_WORDS}): "
                            f"{self.longest_sentence!r}")
        if self.avoided:
            problems.append(f"words to avoid: {', '.join(self.avoided)}")
        return problems


def measure(blocks: list[str], avoid: list[str] | None = None) -> Measures:
    """Reading ease and sentence lengths of `blocks` (from visible_blocks, or plain paragraphs)."""
    textstat = _textstat()
    found = sentences(blocks)
    text = " ".join(found)
    counted = [len(words(sentence)) for sentence in found]
    # Fragments of one or two words (a heading like "Cost", a button) are not sentences to average over.
    real = [count for count in counted if count > 2] or [0]
    longest = max(range(len(found)), key=lambda index: counted[index]) if found else None
    return Measures(
        reading_ease=float(textstat.flesch_reading_ease(text)) if text else 100.0,
        grade=float(textstat.flesch_kincaid_grade(text)) if text else 0.0,
        word_count=sum(counted),
        sentence_count=len(found),
        average_sentence_words=sum(real) / len(real),
        longest_sentence=found[longest] if longest is not None else "",
        longest_sentence_words=counted[longest] if longest is not None else 0,
        avoided=avoided_words_in(text, avoid if avoid is not None else load_words_to_avoid()),
    )


# The family-facing pages, in English, as (name, URL) fetched through the real app. A name maps to the
# HTML of the page; the questionnaire is walked as a person would, so every step type and outcome shows.
Fetch = Callable[[FlaskClient, str, int], str]


def _get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return str(response.get_data(as_text=True))


def _post_step(client: FlaskClient, url: str, data: dict[str, object]) -> None:
    page = BeautifulSoup(_get(client, url), "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[index]
    response = client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 303, f"{url} answered {response.status_code}"


def _example_ids(app: Flask) -> tuple[str, str, str]:
    """A service with the fullest listing, its organisation and a need with services."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Service

    with app.app_context():
        services = db.session.scalars(select(Service).where(Service.status == "active")).all()
        service = max(services, key=lambda service: (len(service.service_at_locations), len(service.phones),
                                                     service.id))
        return service.id, service.organization.id, "parenting-and-family-relationships"


def family_pages(app: Flask, fetch: Fetch = _get) -> Iterator[tuple[str, str]]:
    """Every family-facing page in English: (name, HTML)."""
    from portal.questionnaire.routes import CONTACT_REFERENCE

    service_id, organisation_id, need = _example_ids(app)
    client = app.test_client()
    for name, url in [
        ("home", "/"),
        ("needs", "/needs"),
        ("need", f"/needs/{need}"),
        ("urgent help", "/urgent-help"),
        ("early help", "/early-help"),
        ("search results", "/search?q=parenting"),
        ("search, no results", "/search?q=zzqxvy"),
        ("service", f"/services/{service_id}"),
        ("organisation", f"/organisations/{organisation_id}"),
        ("report a problem", f"/services/{service_id}/report-a-problem"),
        ("problem reported", f"/services/{service_id}/report-a-problem/sent"),
        ("is this your organisation", f"/organisations/{organisation_id}/ask-to-manage"),
        ("asked to manage", f"/organisations/{organisation_id}/ask-to-manage/sent"),
        ("privacy", "/privacy"),
        ("accessibility", "/accessibility"),
        ("data sources", "/data-sources"),
        ("shortlist, empty", "/shortlist"),
    ]:
        yield name, fetch(client, url, 200)
    yield "page not found (404)", fetch(client, "/no-such-page", 404)

    page = BeautifulSoup(_get(client, f"/services/{service_id}"), "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[index]
    client.post("/shortlist/add", data={"csrf_token": token, "service_id": service_id, "next": "/shortlist"})
    yield "shortlist", fetch(client, "/shortlist", 200)

    # The questionnaire: every question, the check page and every outcome.
    journey = app.test_client()
    yield "questionnaire start", fetch(journey, "/questionnaire", 200)
    steps: list[tuple[str, dict[str, object]]] = [
        ("who", {"who": "child"}), ("safety", {"danger_now": "no", "child_harmed": "no"}),
        ("self_harm_child", {"self_harm_child": "no"}), ("ages", {"ages": "3, 8"}),
        ("worries", {"worries": ["housing"]}), ("postcode", {"postcode": "OL6 6BH"}),
        ("situation", {"situation": "managing"}),
    ]
    for block_id, data in steps:
        yield f"question: {block_id}", fetch(journey, f"/questionnaire/{block_id}", 200)
        _post_step(journey, f"/questionnaire/{block_id}", data)
    yield "check your answers", fetch(journey, "/questionnaire/check", 200)
    yield "outcome: services for all", fetch(journey, "/questionnaire/outcome/services_for_all", 200)
    _post_step(journey, "/questionnaire/situation?change=1", {"situation": "several_problems"})
    yield "outcome: early help", fetch(journey, "/questionnaire/outcome/early_help", 200)
    _post_step(journey, "/questionnaire/outcome/early_help", {"ask_contact": "yes"})
    yield "question: consent", fetch(journey, "/questionnaire/consent", 200)
    _post_step(journey, "/questionnaire/consent", {"consent": "no"})
    yield "outcome: no contact", fetch(journey, "/questionnaire/outcome/no_contact", 200)
    _post_step(journey, "/questionnaire/consent", {"consent": "yes"})
    yield "contact form", fetch(journey, "/questionnaire/outcome/contact", 200)
    with journey.session_transaction() as session:
        session[CONTACT_REFERENCE] = "EH-7K3M-Q9TD"
    yield "contact request sent", fetch(journey, "/questionnaire/contact/sent", 200)

    practitioner = app.test_client()
    practitioner_steps: list[tuple[str, dict[str, object]]] = [
        ("who", {"who": "practitioner"}), ("safety", {"danger_now": "no", "child_harmed": "no"}),
        ("self_harm_child", {"self_harm_child": "no"}), ("ages", {}),
        ("worries", {"worries": ["domestic-abuse"]}), ("postcode", {}), ("situation", {"situation": "managing"}),
    ]
    for block_id, data in practitioner_steps:
        _post_step(practitioner, f"/questionnaire/{block_id}", data)
    yield "outcome: practitioner", fetch(practitioner, "/questionnaire/outcome/practitioner", 200)
    _post_step(practitioner, "/questionnaire/outcome/practitioner", {"ask_family_contact": "yes"})
    yield "question: family consent", fetch(practitioner, "/questionnaire/family_consent", 200)
    _post_step(practitioner, "/questionnaire/family_consent", {"family_consent": "no"})
    yield "outcome: family not agreed", fetch(practitioner, "/questionnaire/outcome/family_not_agreed", 200)
    _post_step(practitioner, "/questionnaire/family_consent", {"family_consent": "yes"})
    yield "contact form, practitioner", fetch(practitioner, "/questionnaire/outcome/contact", 200)

    urgent = app.test_client()
    _post_step(urgent, "/questionnaire/who", {"who": "me"})
    _post_step(urgent, "/questionnaire/safety", {"danger_now": "not_sure", "child_harmed": "no"})
    yield "outcome: urgent", fetch(urgent, "/questionnaire/outcome/urgent", 200)
    _post_step(urgent, "/questionnaire/outcome/urgent", {})  # carry on
    yield "question: self_harm_me", fetch(urgent, "/questionnaire/self_harm_me", 200)
    _post_step(urgent, "/questionnaire/self_harm_me", {"self_harm_me": "yes"})
    yield "outcome: crisis", fetch(urgent, "/questionnaire/outcome/crisis", 200)
    _post_step(urgent, "/questionnaire/outcome/crisis", {})  # carry on
    for block_id, data in (("worries", {"worries": ["domestic-abuse"]}), ("postcode", {})):
        _post_step(urgent, f"/questionnaire/{block_id}", data)
    yield "outcome: domestic abuse", fetch(urgent, "/questionnaire/outcome/domestic_abuse", 200)

    kiosk = app.test_client()
    yield "kiosk offer", fetch(kiosk, "/kiosk", 200)
    _post_step(kiosk, "/kiosk", {})
    yield "kiosk start", fetch(kiosk, "/kiosk", 200)
