"""What gunicorn's master does once before forking the workers (operations/prefork.py), so that they
share it: every template compiled, every public service's search document loaded. (The two-server
tests run gunicorn with gunicorn.conf.py, so the preloaded app and the workers' own connections are
tested there end to end.)"""

from __future__ import annotations

import gc
from pathlib import Path

from portal.extensions import db
from portal.operations.prefork import YOUNG_OBJECTS, prepare_for_workers
from tests.conftest import make_app, migrate_and_load


def test_the_master_compiles_the_templates_and_loads_the_documents(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)
    migrate_and_load(app)
    search = app.extensions["search"]
    assert not search.store.loaded
    prepare_for_workers(app)
    assert search.store.loaded and len(search.store) > 100
    young, *older = gc.get_threshold()
    gc.set_threshold(700, *older)  # Python's default again, for the other tests
    assert young == YOUNG_OBJECTS > 700, "the workers' collector waits for more new objects than Python's default"
    compiled = {key[1] for key in app.jinja_env.cache.keys()} if app.jinja_env.cache is not None else set()
    for name in ("base.html", "directory/service.html", "search/results.html", "pages/home.html"):
        assert name in compiled, name
    assert gc.get_freeze_count() > 0, "what the workers share is kept out of the collector's passes"
    gc.unfreeze()
    # A worker's first search then finds the documents there and needs no load of its own.
    with app.test_request_context():
        assert search.need_counts()
    with app.app_context():
        db.engine.dispose()


def test_a_database_not_migrated_yet_is_left_to_the_workers(tmp_path: Path) -> None:
    app = make_app("sqlite", tmp_path)  # no tables
    prepare_for_workers(app)
    gc.unfreeze()
    gc.set_threshold(700, *gc.get_threshold()[1:])
    assert not app.extensions["search"].store.loaded
    response = app.test_client().get("/search?q=food")
    assert response.status_code == 503, "a worker answers as it did without the master's step"
    with app.app_context():
        db.engine.dispose()
