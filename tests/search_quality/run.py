"""`make search-quality`: the search quality set asked of the real directory, figures per group.

Builds a throwaway database and index from directory_data/ (SQLite and Whoosh; with
SEARCH_QUALITY_DATABASE_URL set to an empty PostgreSQL database, also PostgreSQL with Whoosh and with
PostgreSQL full-text search), asks every query through the search page, and prints hit@5 and mean
reciprocal rank per group, then the queries with no good answer in their top five.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from portal.search.quality import measure, misses, table  # noqa: E402
from tests.search_quality.harness import build_app, quality_set, top_results  # noqa: E402


def main() -> int:
    logging.disable(logging.INFO)  # the figures only: not the migrations' or each request's log lines
    setups = [("sqlite", "whoosh", None)]
    postgres = os.environ.get("SEARCH_QUALITY_DATABASE_URL")
    if postgres:
        setups += [("postgresql", "whoosh", postgres), ("postgresql", "postgresql", postgres)]
    else:
        print("PostgreSQL skipped: set SEARCH_QUALITY_DATABASE_URL to an empty database to include it.\n")
    for database, backend, url in setups:
        with tempfile.TemporaryDirectory() as folder:
            app = build_app(Path(folder), backend, url)
            queries = quality_set(app)
            groups = measure(queries, lambda query: top_results(app, query))
            print(f"## {database} database, {backend} search ({len(queries)} queries)\n")
            print(table(groups))
            missed = misses(groups)
            print(f"\nNo good answer in the top five ({len(missed)}):")
            for line in missed:
                print(f"- {line}")
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
