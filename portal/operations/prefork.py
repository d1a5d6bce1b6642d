"""Work every gunicorn worker would otherwise repeat on its first requests, done once in gunicorn's master
after it has created the app and before it forks the workers (gunicorn.conf.py: `preload_app`), so that
the workers share the result, page for page, until one of them changes it:

- every template compiled (Jinja compiles a template on its first use, in each process);
- the search documents of every public service, loaded; and the Whoosh index's searcher opened, with
  each document's service id and field lengths read (Whoosh reads a compound segment into memory
  whole, so the workers share that memory and no file position);
- everything then in memory frozen out of the garbage collector's reach (`gc.freeze`), and the
  collector's youngest generation made to wait for more new objects before a pass (YOUNG_OBJECTS).

The database connections used here are the master's; each worker drops them (`post_fork`). A worker
opens a searcher of its own when the index changes.
"""

from __future__ import annotations

import gc
import logging

from flask import Flask
from jinja2 import TemplateError
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger("portal.workers")

# New objects (not yet collected) that start a pass of the garbage collector; Python's default is 700.
# A search page makes tens of thousands, nearly all freed at once when the request ends, so the default
# ran the collector dozens of times a request for 4% of a worker's time (the load test's requests, A/B in
# one process). Ten thousand objects wait at most a few megabytes; older generations keep their defaults.
YOUNG_OBJECTS = 10_000


def prepare_for_workers(app: Flask) -> None:
    compiled = 0
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        try:
            app.jinja_env.get_template(name)
        except TemplateError as error:  # a template that cannot compile fails in the worker that uses it
            logger.warning("template %s not compiled before the workers start: %s", name, error)
            continue
        compiled += 1
    documents = 0
    with app.app_context():
        search = app.extensions["search"]
        try:
            search.load_documents()
            documents = len(search.store)
            if search.index.exists():  # (a missing index is built by the workers, as on any first search)
                search.index.warm()
                search.warm()
        except (SQLAlchemyError, OSError) as error:
            # A database not reachable or not migrated yet: each worker loads for itself when it can,
            # answering "service unavailable" until then, as without this step.
            logger.warning("search documents not loaded before the workers start: %s", type(error).__name__)
    # What is in memory now is kept out of the garbage collector's passes, which would otherwise write
    # to every object's header in each worker and so copy every shared page (Python's gc.freeze).
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    logger.info("before forking the workers: %d templates compiled, %d search documents loaded", compiled, documents)
