"""Plain English on the family-facing pages (issue 6, point 8): every page in English, measured.

What is measured is the portal's own words in <main>: text organisations wrote is marked
`data-organisation-content` in the templates (service cards in macros/results.html and macros/services.html
are recognised by their shape) and wording a law or licence fixes is marked `data-required-wording`; both
are left out. See tests/plain_english.py; tests/benchmarks/plain_english_report.py prints the figures.

Thresholds, per page:
- Flesch reading ease at least 70 ("fairly easy"; pages of 100 words or more, as the formula means
  little on fewer). GOV.UK writes for a reading age of about 9, which is roughly 80 and above; 70 leaves
  room for the names a reference page must use (Children's HUB, Open Government Licence, Tameside
  Council) while bureaucratic prose scores 0 to 50 and fails, as the sample below does.
- Sentences of 15 words or fewer on average (GOV.UK: "aim for 15 to 20"; these are short pages for
  families under stress) and none over 25 words.
- None of the words to avoid in tests/fixtures/plain_english_words_to_avoid.txt (GOV.UK style guide),
  as whole words.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.plain_english import (
    MAXIMUM_SENTENCE_WORDS,
    MINIMUM_READING_EASE,
    MINIMUM_WORDS_FOR_READING_EASE,
    family_pages,
    measure,
    visible_blocks,
)

BUREAUCRATIC = [
    "In order to facilitate the timely delivery of a robust and holistic package of interventions, practitioners "
    "are required to ensure that all relevant stakeholders are consulted prior to the commencement of any "
    "multi-agency assessment, thereby enabling the identification of key areas of need.",
    "Service users may subsequently be signposted to appropriate provision in accordance with the overarching "
    "strategic framework.",
    "The partnership remains committed to leveraging its collective resources and capabilities, and will "
    "continue to collaborate with colleagues across the statutory, voluntary and community sectors in respect "
    "of the continuous improvement of outcomes for children, young people and families.",
    "Individuals wishing to obtain further information pertaining to eligibility requirements should "
    "endeavour to liaise with the appropriate designated professional.",
]

EXPECTED_PAGES = {
    "home", "needs", "need", "urgent help", "early help", "search results", "search, no results", "service",
    "organisation", "report a problem", "problem reported", "is this your organisation", "asked to manage",
    "privacy", "accessibility", "data sources", "shortlist, empty", "shortlist", "page not found (404)",
    "questionnaire start", "question: who", "question: safety", "question: self_harm_child",
    "question: self_harm_me", "question: ages", "question: worries",
    "question: postcode", "question: situation", "check your answers", "question: consent",
    "outcome: services for all", "outcome: early help", "outcome: no contact", "outcome: practitioner",
    "outcome: urgent", "outcome: crisis", "outcome: domestic abuse", "contact form", "contact request sent",
    "kiosk offer", "kiosk start", "question: family consent", "outcome: family not agreed",
    "contact form, practitioner",
}


def test_every_family_facing_page_is_plain_english(app: Flask) -> None:
    pages = dict(family_pages(app))
    assert set(pages) == EXPECTED_PAGES
    failures = {}
    for name, html in pages.items():
        blocks = visible_blocks(html)
        assert blocks, f"{name} has no text in <main>"
        problems = measure(blocks).problems()
        if problems:
            failures[name] = problems
    assert not failures, "\n".join(f"{name}: {'; '.join(problems)}" for name, problems in failures.items())


def test_bureaucratic_text_is_rejected() -> None:
    figures = measure(BUREAUCRATIC)
    assert figures.word_count >= MINIMUM_WORDS_FOR_READING_EASE
    problems = figures.problems()
    assert figures.reading_ease < MINIMUM_READING_EASE
    assert figures.longest_sentence_words > MAXIMUM_SENTENCE_WORDS
    assert {"in order to", "facilitate", "robust", "ensure", "prior to", "key", "in accordance with"} <= set(
        figures.avoided)
    assert len(problems) == 4, problems


def test_organisations_words_and_addresses_are_left_out() -> None:
    html = """<main><h1>Parenting help</h1>
      <p data-organisation-content>Utilising evidence-based methodologies to facilitate outcomes.</p>
      <ul><li class="portal-card">
        <h3 data-organisation-content><a href="/services/1">Robust Family Solutions Ltd</a></h3>
        <p data-organisation-content>Leverage synergies.</p><dl><dt>Ages:</dt><dd>0 to 5 years</dd></dl></li></ul>
      <p>Email: someone@example.org or see https://example.org/deliver-support.</p></main>"""
    blocks = visible_blocks(html)
    text = " ".join(blocks)
    assert "Utilising" not in text and "Robust" not in text and "Leverage" not in text
    assert "Ages:" in text and "example" not in text
    assert measure(blocks).avoided == []


@pytest.mark.parametrize(("text", "found"), [
    ("We will ensure you are safe.", ["ensure"]),
    ("Make sure you are safe. Keys are on the table.", []),
    ("This is a key step.", ["key"]),
    ("In order to help, call us.", ["in order to"]),
])
def test_words_to_avoid_match_whole_words(text: str, found: list[str]) -> None:
    assert measure([text]).avoided == found
