"""`make loadtest`: how much mixed traffic can the portal take, and can it hold it? Prints figures; not a test.

It builds a database of its own under .bench/loadtest/ (migrated, reference data loaded, 10,000
synthetic services generated: never the real directory), serves the portal with gunicorn on loopback
(2 sync workers, as `make run` does) and, in the same run, a bare Flask route served the same way.

1. Capacity: a mixed scenario (searches with a postcode and filters, keyword searches, service pages,
   questionnaire steps with their session cookie and CSRF token, static files, the home page) is sent
   by a separate load process at rising concurrency, each step for a fixed time and a bounded number
   of requests. The capacity is the most requests per second of any step whose p95 stayed under
   200 ms with no errors. The bare route is measured the same way.
2. Hold: 70% of that capacity, paced at a constant arrival rate (latency counted from when each request
   was due, so a server that falls behind cannot hide it), for LOADTEST_HOLD_SECONDS (default 600),
   while the resident memory of every gunicorn worker is sampled.

    make loadtest                           the full run (about 15 minutes)
    LOADTEST_HOLD_SECONDS=120 make loadtest a shorter hold
    LOADTEST_STEP_SECONDS=10                seconds per capacity step (default 12)
    LOADTEST_COUNT=2000                     another number of synthetic services
    LOADTEST_REUSE=1                        reuse the services built by the last run

Run it on an otherwise idle machine: the load process shares the CPU with the servers it drives.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import random
import re
import shutil
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT))
from tests.benchmarks.bench_search import (  # noqa: E402
    KEYWORD_NEEDS,
    KEYWORDS,
    WORKERS,
    Server,
    exchange,
    flask,
    gunicorn,
    percentile,
    portal_env,
    synthetic_ids,
    tameside_postcodes,
)

FOLDER = PROJECT / ".bench" / "loadtest"
COUNT = int(os.environ.get("LOADTEST_COUNT", "10000"))
STEP_SECONDS = float(os.environ.get("LOADTEST_STEP_SECONDS", "12"))
HOLD_SECONDS = float(os.environ.get("LOADTEST_HOLD_SECONDS", "600"))
CONCURRENCY_STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24)
MAX_REQUESTS_PER_STEP = 50_000
HOLD_SHARE = 0.7
P95_LIMIT_MS = 200.0
RSS_SAMPLE_SECONDS = 5.0
TIMEOUT = 30.0
SEED = 11
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
COOKIE = re.compile(rb"\r\nSet-Cookie: (session=[^;]*)", re.IGNORECASE)


# -- one request ----------------------------------------------------------------------------------


class Visitor:
    """One simulated person: their own session cookie and CSRF token for the questionnaire."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.token = ""
        self.answered = False

    def _remember(self, response: bytes) -> None:
        found = COOKIE.search(response)
        if found:
            self.cookie = found.group(1).decode()

    def request(self, item: tuple[str, str]) -> tuple[bool, str]:
        """(ok, what) for one item of the plan. A questionnaire answer is a POST expecting 303."""
        kind, path = item
        if path.startswith("/questionnaire/") and kind == "get" and not self.answered:
            # A later question is only shown once the first is answered: this visitor answers it first.
            ok, what = self.request(("answer", "child"))
            if not ok:
                return ok, what
        if kind == "answer":
            if not self.token:
                status, response = exchange(self.port, "GET", "/questionnaire/who", self.cookie, timeout=TIMEOUT)
                self._remember(response)
                found = CSRF.search(response)
                if status != 200 or not found:
                    return False, f"HTTP {status} GET /questionnaire/who (no form)"
                self.token = (found.group(1) or found.group(2)).decode()
            body = urlencode({"csrf_token": self.token, "who": path})
            status, response = exchange(self.port, "POST", "/questionnaire/who", self.cookie, body, TIMEOUT)
            self._remember(response)
            self.answered = self.answered or status == 303
            return status == 303, f"HTTP {status} POST /questionnaire/who"
        status, response = exchange(self.port, "GET", path, self.cookie if path.startswith("/questionnaire") else "",
                                    timeout=TIMEOUT)
        return status == 200, f"HTTP {status} GET {path}"

    def attempt(self, item: tuple[str, str]) -> tuple[bool, str]:
        """`request`, with a connection that fails counted as a failed request."""
        try:
            return self.request(item)
        except OSError as exc:
            return False, f"{type(exc).__name__} {item[1]}"


# -- the load process -----------------------------------------------------------------------------


def closed_loop(port: int, plan: list[tuple[str, str]], concurrency: int, seconds: float,
                max_requests: int) -> dict[str, Any]:
    """`concurrency` visitors, each sending its next request as soon as the last is answered."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(max_requests))
    started = time.perf_counter()
    deadline = started + seconds

    def visitor() -> None:
        person = Visitor(port)
        while True:
            with lock:
                index = next(counter, None)
            if index is None or time.perf_counter() >= deadline:
                return
            begun = time.perf_counter()
            ok, what = person.attempt(plan[index % len(plan)])
            ended = time.perf_counter()
            with lock:
                if ok:
                    latencies.append(ended - begun)
                else:
                    errors.append(what)

    threads = [threading.Thread(target=visitor) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started}


def open_loop(port: int, plan: list[tuple[str, str]], rate: float, seconds: float,
              threads_count: int) -> dict[str, Any]:
    """Requests due at a constant rate; each latency is counted from when its request was due."""
    latencies: list[float] = []
    errors: list[str] = []
    late: list[float] = []
    lock = threading.Lock()
    total = int(rate * seconds)
    counter = iter(range(total))
    started = time.perf_counter()

    def visitor() -> None:
        person = Visitor(port)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            due = started + index / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            ok, what = person.attempt(plan[index % len(plan)])
            ended = time.perf_counter()
            with lock:
                if ok:
                    latencies.append(ended - due)
                else:
                    errors.append(what)
                if wait < -0.05:
                    late.append(-wait)

    workers = [threading.Thread(target=visitor) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"latencies": latencies, "errors": errors, "elapsed": time.perf_counter() - started,
            "late": len(late)}


def _run_into(queue: Any, function_name: str, *args: Any) -> None:
    queue.put(globals()[function_name](*args))


def in_load_process(function_name: str, *args: Any, limit: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run_into, args=(queue, function_name, *args))
    process.start()
    result: dict[str, Any] = queue.get(timeout=limit + 300)
    process.join()
    return result


# -- figures --------------------------------------------------------------------------------------


@dataclass
class Step:
    concurrency: int
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    first_errors: list[str] = field(default_factory=list)

    @property
    def within_limit(self) -> bool:
        return self.errors == 0 and self.p95_ms < P95_LIMIT_MS


def figures(concurrency: int, result: dict[str, Any]) -> Step:
    latencies = result["latencies"]
    return Step(concurrency, len(latencies) + len(result["errors"]), len(result["errors"]),
                len(latencies) / result["elapsed"] if result["elapsed"] else 0.0,
                percentile(latencies, 0.50) * 1000, percentile(latencies, 0.95) * 1000,
                percentile(latencies, 0.99) * 1000, result["errors"][:3])


def find_capacity(name: str, server: Server, plan: list[tuple[str, str]]) -> tuple[list[Step], Step | None, int]:
    """The steps, the best within the limit, and how far into the plan they went: each step goes on where
    the last stopped, so no step is answered from pages an earlier step made the portal keep."""
    steps: list[Step] = []
    offset = 0
    for concurrency in CONCURRENCY_STEPS:
        step = figures(concurrency, in_load_process("closed_loop", server.port, rotated(plan, offset), concurrency,
                                                    STEP_SECONDS, MAX_REQUESTS_PER_STEP, limit=STEP_SECONDS))
        offset += step.requests
        steps.append(step)
        print(f"  {name}: {concurrency:>2} concurrent: {step.rps:7.1f} req/s, p95 {step.p95_ms:7.1f} ms, "
              f"{step.errors} errors (machine load average {os.getloadavg()[0]:.1f})", flush=True)
        if step.p95_ms >= 5 * P95_LIMIT_MS or step.errors:
            break  # far past the limit: more clients would only queue
    passing = [step for step in steps if step.within_limit]
    return steps, max(passing, key=lambda step: step.rps) if passing else None, offset


def rotated(plan: list[tuple[str, str]], offset: int) -> list[tuple[str, str]]:
    offset %= len(plan)
    return plan[offset:] + plan[:offset]


def print_steps(name: str, steps: list[Step], best: Step | None) -> None:
    header = f"{'concurrent':>10}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(f"\n{name}")
    print(header)
    print("-" * len(header))
    for step in steps:
        mark = "  <- capacity" if step is best else ""
        print(f"{step.concurrency:>10}{step.requests:>10}{step.errors:>8}{step.rps:>9.1f}{step.p50_ms:>9.1f}"
              f"{step.p95_ms:>9.1f}{step.p99_ms:>9.1f}{mark}")
        for problem in step.first_errors:
            print(f"    error: {problem}")


# -- memory ---------------------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler(threading.Thread):
    """The total resident memory of the gunicorn workers, every few seconds."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.samples: list[tuple[float, float, int]] = []  # (seconds, MB, workers)
        self.stopping = threading.Event()
        self.pids_seen: set[int] = set()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopping.is_set():
            pids = worker_pids(self.master)
            self.pids_seen.update(pids)
            sizes = [size for size in (rss_mb(pid) for pid in pids) if size is not None]
            self.samples.append((time.monotonic() - started, sum(sizes), len(sizes)))
            self.stopping.wait(RSS_SAMPLE_SECONDS)


def memory_verdict(samples: list[tuple[float, float, int]]) -> tuple[float, float, bool]:
    """Median of the samples from the middle of the hold and from its last tenth; flat when the growth
    between them is under 2% (or 5 MB). The first half is left out of the verdict (but printed): what
    a worker keeps by count (stems, distances, QR codes) fills during it, while a leak would go on
    growing to the end."""
    sizes = [size for _, size, _ in samples]
    tenth = max(1, len(sizes) // 10)
    middle = statistics.median(sizes[len(sizes) // 2:len(sizes) // 2 + tenth])
    last = statistics.median(sizes[-tenth:])
    return middle, last, (last - middle) < max(0.02 * middle, 5.0)


# -- the run --------------------------------------------------------------------------------------


def build() -> tuple[dict[str, str], list[str]]:
    if os.environ.get("LOADTEST_REUSE") == "1" and (FOLDER / "portal.db").exists():
        print(f"Reusing the synthetic services in {FOLDER.relative_to(PROJECT)} (LOADTEST_REUSE=1)", flush=True)
        return portal_env(FOLDER), synthetic_ids(FOLDER)
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    env = portal_env(FOLDER)
    print(f"Building {COUNT:,} synthetic services in {FOLDER.relative_to(PROJECT)}", flush=True)
    flask(env, "db", "upgrade")
    flask(env, "portal", "load-data", "--reference-only")
    output, seconds = flask(env, "portal", "generate-synthetic", "--count", str(COUNT), "--seed", str(SEED))
    print(f"  {output.strip().splitlines()[0]} ({seconds:.0f} s with the index)", flush=True)
    # Every service page's map and QR code, drawn ahead of the first visit as `make db` draws them.
    output, seconds = flask(env, "portal", "draw-page-parts", "--locale", "en", "--base-url", "http://127.0.0.1")
    print(f"  {output.strip()}", flush=True)
    return env, synthetic_ids(FOLDER)


def mixed_plan(ids: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """A shuffled mix, in 20s: 6 searches with postcode and filters, 3 keyword searches, 4 service
    pages, 2 questionnaire steps (an answer posted, and the next question), 4 static files, 1 home page."""
    postcodes = tameside_postcodes()
    statics = ["/static/css/app.css", "/static/js/init.js", "/static/govuk/govuk-frontend.min.js",
               "/static/govuk/images/favicon.ico"]
    statics = [path for path in statics if (PROJECT / "portal" / path.lstrip("/")).exists()] or ["/static/css/app.css"]
    plan: list[tuple[str, str]] = []
    # 60,000 requests: the capacity steps together never go round, so a search with a postcode is not
    # asked twice, as a real visitor's rarely is.
    for _ in range(3000):
        block: list[tuple[str, str]] = []
        for _ in range(6):
            words, need = rng.choice(KEYWORD_NEEDS)
            query = {"q": words, "postcode": rng.choice(postcodes), "radius": rng.choice((1, 2, 5)),
                     "age": rng.randint(0, 17), "need": need}
            if rng.random() < 0.5:
                query["free"] = 1
            block.append(("get", "/search?" + urlencode(query)))
        block += [("get", "/search?" + urlencode({"q": rng.choice(KEYWORDS)})) for _ in range(3)]
        block += [("get", f"/services/{rng.choice(ids)}") for _ in range(4)]
        block += [("answer", rng.choice(("me", "child", "practitioner"))), ("get", "/questionnaire/safety")]
        block += [("get", rng.choice(statics)) for _ in range(4)]
        block.append(("get", "/"))
        rng.shuffle(block)
        plan += block
    return plan


def main() -> None:
    began = time.perf_counter()
    print(f"Load test, {dt.datetime.now():%Y-%m-%d %H:%M}: {os.cpu_count()} CPU cores (load average now "
          f"{os.getloadavg()[0]:.1f}), Python "
          f"{platform.python_version()}, {platform.system()} {platform.machine()}; {WORKERS} gunicorn sync workers "
          f"per app; {STEP_SECONDS:g} s per capacity step; hold {HOLD_SECONDS:g} s at {HOLD_SHARE:.0%}", flush=True)
    env, ids = build()
    rng = random.Random(SEED)
    plan = mixed_plan(ids, rng)

    with gunicorn("bare", "tests.benchmarks.bare_app:app", dict(env, PYTHONPATH=str(PROJECT)), FOLDER, "/") as bare:
        bare_steps, bare_best, _ = find_capacity("bare Flask route", bare, [("get", "/")])

    with gunicorn("portal", "wsgi:app", env, FOLDER, "/healthz") as portal:
        # Each worker loads its documents and opens the index on its first search.
        in_load_process("closed_loop", portal.port, plan, WORKERS * 2, 8.0, 2000, limit=8.0)
        portal_steps, portal_best, offset = find_capacity("portal, mixed", portal, plan)
        print_steps("bare Flask route (GET /)", bare_steps, bare_best)
        print_steps("portal, mixed scenario", portal_steps, portal_best)
        if portal_best is None:
            print(f"\nCapacity: NONE MEASURED: no step kept p95 under {P95_LIMIT_MS:.0f} ms with no errors "
                  f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores). The hold below runs "
                  "at 70% of the one-client throughput instead, as a check of errors and memory only.")
            portal_best = portal_steps[0]
        else:
            share = f" ({100 * portal_best.rps / bare_best.rps:.1f}% of the bare route's {bare_best.rps:.0f})" \
                if bare_best else ""
            print(f"\nCapacity (most req/s with p95 < {P95_LIMIT_MS:.0f} ms and no errors): {portal_best.rps:.1f} "
                  f"req/s at {portal_best.concurrency} concurrent clients{share}")
        capacity = portal_best.rps

        rate = HOLD_SHARE * capacity
        threads_count = max(8, portal_best.concurrency * 4)
        print(f"\nHolding {rate:.1f} req/s ({HOLD_SHARE:.0%}) for {HOLD_SECONDS:g} s ...", flush=True)
        sampler = MemorySampler(portal.process.pid)
        sampler.start()
        result = in_load_process("open_loop", portal.port, rotated(plan, offset), rate, HOLD_SECONDS, threads_count,
                                 limit=HOLD_SECONDS)
        sampler.stopping.set()
        sampler.join()
        held = figures(threads_count, result)
        middle, last, flat = memory_verdict(sampler.samples)
        first = sampler.samples[0][1] if sampler.samples else float("nan")
        workers_now = worker_pids(portal.process.pid)
        print(f"\nHold: {held.requests} requests in {result['elapsed']:.0f} s ({held.rps:.1f} req/s answered), "
              f"{held.errors} errors, p50 {held.p50_ms:.1f} ms, p95 {held.p95_ms:.1f} ms, p99 {held.p99_ms:.1f} ms "
              f"(from when each request was due; {result['late']} requests started over 50 ms late)")
        for problem in held.first_errors:
            print(f"    error: {problem}")
        print(f"Worker memory (RSS, {len(workers_now)} workers, {len(sampler.samples)} samples every "
              f"{RSS_SAMPLE_SECONDS:g} s): {first:.1f} MB at the start of the hold, {middle:.1f} MB half-way, "
              f"{last:.1f} MB at the end; second half {last - middle:+.1f} MB: {'flat' if flat else 'GROWING'}")
        per_minute = [f"{size:.0f}" for seconds, size, _ in sampler.samples if int(seconds) % 60 < RSS_SAMPLE_SECONDS]
        print(f"  worker memory each minute (MB): {' '.join(per_minute)}")
        if len(sampler.pids_seen) > WORKERS:
            print(f"  note: {len(sampler.pids_seen)} worker processes seen: a worker was restarted during the hold")
        print(f"Machine load average at the end of the hold: {os.getloadavg()[0]:.1f} (1 min), "
              f"{os.getloadavg()[2]:.1f} (15 min)")
        print(f"Hold verdict: {'zero errors' if held.errors == 0 else 'ERRORS'}, memory "
              f"{'flat' if flat else 'growing'}, p95 {'under' if held.p95_ms < P95_LIMIT_MS else 'OVER'} "
              f"{P95_LIMIT_MS:.0f} ms")
    print(f"\nDone in {(time.perf_counter() - began) / 60:.1f} minutes.")
    if held.errors or not flat:
        sys.exit(1)


if __name__ == "__main__":
    main()
