"""gunicorn's settings file, read by gunicorn when it starts in this folder (`gunicorn wsgi:app`, as
`make run` and the deployment guide run it). Command-line options still win.

At start, once the workers are running, it logs how rate limits are counted: a warning when there are
several workers and no shared storage (REDIS_URL), because each worker then keeps its own counts.
"""

import os


def when_ready(server):
    from portal.config import ConfigError, load_config
    from portal.operations.workers import report_rate_limit_storage

    try:
        storage_uri = str(load_config(dict(os.environ))["RATELIMIT_STORAGE_URI"])
    except ConfigError:
        return  # the workers say why they cannot start
    report_rate_limit_storage(int(server.cfg.workers), storage_uri, server.log.error_log)
