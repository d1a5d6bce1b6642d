"""Plain English figures for every family-facing page in English. Prints figures; not a test.

    .venv/bin/python tests/benchmarks/plain_english_report.py

It builds a throwaway SQLite database with the seed data (as the tests do), fetches each page through the
real app and measures the portal's own words (tests/plain_english.py explains what is left out). The
test that holds the pages to the thresholds is tests/functional/test_plain_english.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))
os.environ["PORTAL_ENV"] = "test"

from tests.conftest import make_app, migrate_and_load  # noqa: E402
from tests.plain_english import (  # noqa: E402
    MAXIMUM_AVERAGE_SENTENCE_WORDS,
    MAXIMUM_SENTENCE_WORDS,
    MINIMUM_READING_EASE,
    MINIMUM_WORDS_FOR_READING_EASE,
    family_pages,
    measure,
    visible_blocks,
)


def main() -> int:
    import logging

    logging.disable(logging.INFO)
    from portal.i18n.catalogues import compile_all

    compile_all()
    with tempfile.TemporaryDirectory(prefix="plain-english-") as folder:
        app = make_app("sqlite", Path(folder), SEARCH_BACKEND="whoosh")
        migrate_and_load(app)
        print(f"Thresholds: reading ease >= {MINIMUM_READING_EASE} (pages of {MINIMUM_WORDS_FOR_READING_EASE} words or "
              f"more), average sentence <= {MAXIMUM_AVERAGE_SENTENCE_WORDS} words, longest sentence <= "
              f"{MAXIMUM_SENTENCE_WORDS} words")
        print("ease: Flesch reading ease; grade: Flesch-Kincaid grade; avg, max: words a sentence")
        print(f"{'page':<28} {'words':>5} {'ease':>6} {'grade':>6} {'avg':>5} {'max':>4}  outside the thresholds")
        failing = 0
        rows = []
        for name, html in family_pages(app):
            figures = measure(visible_blocks(html))
            rows.append(figures)
            problems = figures.problems()
            failing += bool(problems)
            flags = "; ".join(problem.split(":")[0] if "sentence of" in problem else problem for problem in problems)
            print(f"{name:<28} {figures.word_count:5d} {figures.reading_ease:6.1f} {figures.grade:6.1f} "
                  f"{figures.average_sentence_words:5.1f} {figures.longest_sentence_words:4d}  {flags}")
        print()
        print("Longest sentence on each page:")
        for (name, _html), figures in zip(family_pages(app), rows):
            print(f"  {name}: ({figures.longest_sentence_words}) {figures.longest_sentence}")
        print(f"\n{len(rows)} pages, {failing} outside the thresholds")
        from portal.extensions import db

        with app.app_context():
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
