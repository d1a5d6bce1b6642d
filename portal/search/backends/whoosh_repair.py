"""The Whoosh index folder checked, and repaired, when a process starts.

What a process killed at the wrong moment can leave behind, and what is done about it:
- a rebuild killed half-way: a generation with no `complete.json`. The `current` link never pointed
  at it (the link is swapped only after the marker is written); it is removed once the process that
  was building it is gone.
- a swap killed half-way: a stray `.current-<pid>` link; removed.
- an incremental write killed half-way: Whoosh writes a new segment and then its table of contents
  by renaming, so the index still opens at its last commit; the orphaned segment files are cleared by
  Whoosh's next commit. Our write lock is an flock, released by the kernel when the process dies.
- an index that does not open, or cannot be searched (corrupt files, a `current` link pointing at a
  generation that is gone): the link is removed, so that searches answer from the database while a
  fresh index is built (portal.search.backends.database).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from portal.search.backends.whoosh import BUILDER_FILE, INDEX_NAME, WhooshIndex

logger = logging.getLogger("portal.search")


@dataclass
class RepairReport:
    usable: bool
    removed: list[str] = field(default_factory=list)
    problem: str | None = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _builder_gone(generation: Path) -> bool:
    try:
        pid = int((generation / BUILDER_FILE).read_text().strip())
    except (OSError, ValueError):
        return True
    return not _alive(pid)


def index_problem(index: WhooshIndex) -> str | None:
    """Why the current index cannot be used, or None when it opens and answers a search."""
    link = index.current_link
    if not link.is_symlink() and not link.exists():
        return "missing"
    if not link.exists():
        return "the current link points at a generation that is gone"
    # Whoosh leaves the file of a table of contents it cannot read open: it is closed here (by the
    # collection below) rather than warned about later in some unrelated place.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        problem = _open_problem(link)
        gc.collect()
    return problem


def _open_problem(link: Path) -> str | None:
    try:
        opened = whoosh_index.open_dir(link, indexname=INDEX_NAME)
        try:
            with opened.searcher() as searcher:
                searcher.doc_count()
                for _ in searcher.reader().all_stored_fields():
                    break
        finally:
            opened.close()
    except Exception as error:  # Whoosh and the file system raise many kinds; any of them means unusable
        return f"does not open ({type(error).__name__})"
    return None


def check_and_repair(index: WhooshIndex) -> RepairReport:
    """Tidy what interrupted writes left, and unlink an index that cannot be used."""
    root = index.root
    if not root.exists():
        return RepairReport(usable=False, problem="missing")
    removed: list[str] = []
    with index.write_lock():
        for stray in root.glob(".current-*"):
            if stray.is_symlink() or stray.exists():
                stray.unlink()
                removed.append(stray.name)
        current = os.readlink(index.current_link) if index.current_link.is_symlink() else None
        if index.generations.exists():
            for generation in index.generations.iterdir():
                if (not generation.is_dir() or (generation / "complete.json").exists()
                        or (current and Path(current).name == generation.name)):
                    continue
                if _builder_gone(generation):
                    shutil.rmtree(generation, ignore_errors=True)
                    removed.append(generation.name)
        problem = index_problem(index)
        if problem is not None and problem != "missing":
            index.current_link.unlink(missing_ok=True)
            removed.append("current")
    if removed:
        logger.warning("search index repaired at start: removed %s", ", ".join(removed))
    if problem == "missing":
        logger.info("search index missing: it is built on first use")
    elif problem is not None:
        logger.warning("search index %s: searches answer from the database until it is rebuilt", problem)
    return RepairReport(usable=problem is None, removed=removed, problem=problem)
