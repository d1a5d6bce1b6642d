"""`make profile`: where a request's time goes, at 10,000 synthetic services. Prints figures; not a test.

Builds (or reuses, with PROFILE_REUSE=1) the benchmark's database of synthetic services under .bench/,
starts the app in this process, and runs each kind of request never seen before (a service page, a
keyword search, a keyword search with a postcode and filters): first timed (p50 and p95, in-process), then others of
the same kinds under cProfile, with the functions that took the most time, cumulative.

    make profile                 10,000 services
    PROFILE_COUNT=2000           another size
    PROFILE_REQUESTS=200         requests of each kind (default 100)
    PROFILE_REUSE=1              the database and index already built by an earlier run
"""

from __future__ import annotations

import cProfile
import io
import logging
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))

from portal.seed.synthetic import GENERAL_WORDS  # noqa: E402
from tests.benchmarks.bench_search import (  # noqa: E402
    BENCH_DIR,
    KEYWORD_NEEDS,
    SEED,
    build,
    draw_page_parts,
    portal_env,
    synthetic_ids,
    tameside_postcodes,
)

COUNT = int(os.environ.get("PROFILE_COUNT", "10000"))
REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "100"))
TOP = 25


def requests(folder: Path, rng: random.Random) -> dict[str, list[str]]:
    """Each kind of request, none asked twice."""
    postcodes = tameside_postcodes()
    sampled = rng.sample(synthetic_ids(folder), REQUESTS)
    draw_page_parts(portal_env(folder), sampled, base_url="http://localhost")  # the test client's address
    pages = [f"/services/{service_id}" for service_id in sampled]
    keyword = ["/search?" + urlencode({"q": f"{rng.choice(GENERAL_WORDS)} {rng.choice(GENERAL_WORDS)} {n}"})
               for n in range(REQUESTS)]
    filtered = []
    for _ in range(REQUESTS):
        words, need = rng.choice(KEYWORD_NEEDS)
        query = {"q": words, "postcode": rng.choice(postcodes), "radius": 2, "age": 7, "need": need, "free": 1}
        filtered.append("/search?" + urlencode(query))
    needs = [f"/needs/{need}" for _, need in KEYWORD_NEEDS]
    return {"service page": pages, "keyword search, never asked": keyword, "keyword + postcode + filters": filtered,
            "home page": ["/"] * REQUESTS, "need page": [needs[n % len(needs)] for n in range(REQUESTS)]}


def main() -> None:
    logging.disable(logging.INFO)
    rng = random.Random(SEED)
    folder = BENCH_DIR / f"services-{COUNT}"
    if not (os.environ.get("PROFILE_REUSE") and (folder / "portal.db").exists()):
        folder, _, _, _, _ = build(COUNT)
    os.environ.update(portal_env(folder))
    from portal import create_app

    app = create_app()
    client = app.test_client()
    client.get("/search?q=warm")  # the first search loads every document: not a visitor's request
    client.get("/")
    timed = requests(folder, rng)
    for name, paths in timed.items():  # first without the profiler: what a visitor waits
        times = []
        for path in paths:
            started = time.perf_counter()
            client.get(path)
            times.append(1000 * (time.perf_counter() - started))
        times.sort()
        print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms "
              f"({len(times)} requests never seen before, in-process, no profiler)")
    for name, paths in requests(folder, rng).items():
        profile = cProfile.Profile()
        started = time.perf_counter()
        profile.enable()
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path} answered {response.status_code}")
        profile.disable()
        mean_ms = 1000 * (time.perf_counter() - started) / len(paths)
        print(f"\n== {name}: {len(paths)} requests, {mean_ms:.1f} ms each under the profiler ==")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative").print_stats(TOP)
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


if __name__ == "__main__":
    main()
