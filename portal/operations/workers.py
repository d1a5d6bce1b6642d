"""Checks on how the service is run. No Flask imports.

Rate limits (sign-in, reports, searches) are counted in RATELIMIT_STORAGE_URI: Redis when REDIS_URL
is set, otherwise each process's own memory. With several gunicorn workers and no Redis, every worker
counts on its own, so a client can get up to that many times each limit: say so when the service starts.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("portal.workers")

UNSHARED = ("%d workers and no shared rate-limit storage (REDIS_URL is not set): each worker keeps its own "
            "rate-limit counts, so a client can get up to %d times each limit. Set REDIS_URL, or run one worker.")
SHARED = "Rate limits counted in shared storage for all %d workers."
ONE_PROCESS = "Rate limits counted in this one worker's memory."


def shared_storage(storage_uri: str) -> bool:
    return not storage_uri.strip().lower().startswith("memory://")


def report_rate_limit_storage(workers: int, storage_uri: str, log: logging.Logger = logger) -> bool:
    """Log how rate limits are counted for this many worker processes; True when that is a warning."""
    if workers > 1 and not shared_storage(storage_uri):
        log.warning(UNSHARED, workers, workers)
        return True
    if workers > 1:
        log.info(SHARED, workers)
    else:
        log.info(ONE_PROCESS)
    return False
