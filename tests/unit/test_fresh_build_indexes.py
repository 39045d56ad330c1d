"""A fresh build (`tasking projections rebuild`) creates most indexes after the load, for speed,
but keeps the ones a projection's handlers look rows up by: without them each lookup scans its
table and the build grows with the square of the history (the state projection's rebuild of the
demo took 46 s instead of 8 s)."""

from __future__ import annotations

import sqlite_utils

from tasking.projections.registry import PROJECTIONS
from tasking.projections.fresh import deferred_indexes as _deferred_indexes


def _indexes(db: sqlite_utils.Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


def test_every_named_lookup_index_exists_and_outlives_the_deferral() -> None:
    db = sqlite_utils.Database(memory=True)
    projections = [projection() for projection in PROJECTIONS]
    for projection in projections:
        projection.create(db)
    kept = [name for projection in projections for name in projection.lookup_indexes]
    assert "idx_case_versions_reference_position_to_at_to" in kept  # the state projection's lookups
    assert set(kept) <= _indexes(db), "a lookup index named that create() does not make"
    deferred = _deferred_indexes(db, [t for p in projections for t in p.tables], keep=kept)
    assert set(kept) <= _indexes(db)
    assert deferred and not any(name in sql for name in kept for sql in deferred)
