"""A fresh build: every view built into a new file with the journal and syncing off, large
batches, and the non-unique indexes created after the load (`Views.rebuild` swaps it in)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from tasking import faults
from tasking.projections.base import Projection
from tasking.projections.registry import PROJECTIONS
from tasking.projections.runner import FRESH_BATCH, Progress, Views
from tasking.projections.tracking import TRACKING
from tasking.projections.views_file import connect, remove_files

FRESH_CACHE_KIB = 8192  # SQLite's page cache while building a fresh file


def deferred_indexes(db: Database, tables: Iterable[str], keep: Iterable[str] = ()) -> list[str]:
    """Drop the non-unique indexes of these tables; return their SQL, to create after the load.

    Unique indexes stay: they are constraints, and handlers look rows up by them (`cases.id`); so do
    the indexes a projection names as its lookups (`Projection.lookup_indexes`).
    """
    kept = set(keep)
    names = ", ".join("?" * len(list(tables)))
    found = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({names})",
        list(tables),
    ).fetchall()
    deferred = []
    for name, sql in found:
        if not sql.upper().startswith("CREATE UNIQUE") and name not in kept:
            db.execute(f"DROP INDEX [{name}]")
            deferred.append(sql)
    return deferred


def build_fresh(
    path: str,
    app: Any,
    progress: Progress | None = None,
    lean: bool = True,
    projections: list[Projection] | None = None,
    batch: int = FRESH_BATCH,
) -> tuple[Views, int]:
    """Build every view into a new file at `path`, fast: no journal, no syncing, large batches, and
    non-unique indexes created after the load. A file left by a killed build is deleted first.
    Returns the open views, caught up and synced, and the number of events applied."""
    remove_files(path)
    conn = connect(path)
    conn.execute("PRAGMA main.journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    # A small page cache, so that a rebuild's memory does not grow with the store: the append-only
    # tables only touch their last pages, and the pages that a larger cache would keep are in the
    # operating system's file cache anyway (measured: no slower at 40,000 cases than 64 MiB).
    conn.execute(f"PRAGMA cache_size=-{FRESH_CACHE_KIB}")
    views = Views.__new__(Views)
    views.path, views.heal, views.moved_aside, views._fresh_build = path, False, None, True
    views.projections = projections if projections is not None else [p() for p in PROJECTIONS]
    views.db = Database(conn)
    views._identity = os.stat(path).st_ino
    views._ensure()
    with views._write():
        deferred = deferred_indexes(
            views.db,
            [t for p in views.projections for t in p.tables],
            keep=[name for p in views.projections for name in p.lookup_indexes],
        )
    done = 0

    def counted(applied: int) -> None:
        nonlocal done
        done += applied
        faults.during_rebuild(done)
        if progress is not None:
            progress(applied)

    applied = views.catch_up(app, batch=batch, progress=counted, lean=lean)
    with views._write():
        for sql in deferred:
            views.db.execute(sql)
    # Events recorded while the indexes were built.
    applied += views.catch_up(app, batch=batch, progress=progress, lean=lean)
    with views._write():
        for projection in views.projections:
            rows = sum(views.db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0] for table in projection.tables)
            views.db.execute(f"UPDATE {TRACKING} SET rows = ? WHERE projection = ?", [rows, projection.name])
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA main.journal_mode=WAL")
    conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
    return views, applied
