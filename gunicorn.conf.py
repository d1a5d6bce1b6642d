"""gunicorn's settings file, read by gunicorn when it starts in this folder (`gunicorn wsgi:app`, as
`make run` and the deployment guide run it). Command-line options still win.

The app is created once, in the master, and what every worker would otherwise do on its first requests
is done there too (portal/operations/prefork.py), before the workers are forked: they share it. At
start it logs how rate limits are counted: a warning when there are several workers and no shared
storage (REDIS_URL), because each worker then keeps its own counts.
"""

import os


def when_ready(server):
    from portal.config import ConfigError, load_config
    from portal.operations.workers import report_rate_limit_storage

    app = server.app.wsgi()
    if "search" in getattr(app, "extensions", {}):  # the portal (the benchmark's bare route uses these settings too)
        from portal.operations.prefork import prepare_for_workers

        prepare_for_workers(app)

    try:
        storage_uri = str(load_config(dict(os.environ))["RATELIMIT_STORAGE_URI"])
    except ConfigError:
        return  # the workers say why they cannot start
    report_rate_limit_storage(int(server.cfg.workers), storage_uri, server.log.error_log)


# The app is created once, in the master, before the workers are forked: the code, the vocabularies,
# the synonyms and the questionnaire's proof are then shared by every worker (copy-on-write) instead
# of each worker holding its own copy. Each worker opens its own database connections, search index
# and Redis connections on its first request.
preload_app = True


def post_fork(server, worker):
    """A worker must not use the database connections the master opened while creating the app (two
    processes on one connection): they are dropped here, unclosed, for the master to keep."""
    app = worker.app.wsgi()
    if "sqlalchemy" not in getattr(app, "extensions", {}):
        return  # not the portal (the benchmark's bare Flask route is served with these settings too)
    from portal.extensions import db

    with app.app_context():
        db.engine.dispose(close=False)
