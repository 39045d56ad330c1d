"""Catch-up and rebuild: each batch writes the projections' rows and positions in one transaction.

The SQLite recorder has no subscribe(), so reads call `catch_up` first and the scheduler calls it
every minute. A batch is applied under `BEGIN IMMEDIATE`, and positions are re-read inside it, so
two processes catching up the same views file never apply an event twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from sqlite_utils import Database

from tasking.domain.errors import DomainError
from tasking.projections.base import Projection
from tasking.projections.registry import PROJECTIONS

TRACKING = "_tracking"
BATCH = 500

Progress = Callable[[int], None]


class Views:
    def __init__(self, path: str, projections: Iterable[Projection] | None = None) -> None:
        self.path = path
        self.projections = list(projections if projections is not None else (p() for p in PROJECTIONS))
        conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        self.db = Database(conn)
        self._ensure()

    def close(self) -> None:
        self.db.conn.close()

    def by_name(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        known = ", ".join(p.name for p in self.projections)
        raise DomainError("name", f"unknown projection {name!r}; known: {known}")

    # --- tracking -------------------------------------------------------------------------

    def _ensure(self) -> None:
        with self._write():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING} (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL)"
            )
            known = {row[0]: row[1] for row in self.db.execute(f"SELECT projection, version FROM {TRACKING}").fetchall()}
            for projection in self.projections:
                if known.get(projection.name) != projection.version:
                    self._reset(projection)

    def _reset(self, projection: Projection) -> None:
        """Drop a projection's tables and position; the caller holds the write transaction."""
        projection.drop(self.db)
        projection.create(self.db)
        self.db.execute(
            f"INSERT OR REPLACE INTO {TRACKING} (projection, position, version) VALUES (?, 0, ?)",
            [projection.name, projection.version],
        )

    def positions(self) -> dict[str, int]:
        rows = self.db.execute(f"SELECT projection, position FROM {TRACKING}").fetchall()
        found = dict(rows)
        return {p.name: found.get(p.name, 0) for p in self.projections}

    class _Tx:
        def __init__(self, db: Database) -> None:
            self.db = db

        def __enter__(self) -> Database:
            self.db.conn.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type: object, *_: object) -> None:
            self.db.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def _write(self) -> "Views._Tx":
        return Views._Tx(self.db)

    # --- catch-up and rebuild ---------------------------------------------------------------

    def catch_up(self, app: Any, batch: int = BATCH, progress: Progress | None = None,
                 only: Iterable[str] | None = None) -> int:
        """Apply every event recorded after each projection's position. Returns events applied."""
        chosen = [p for p in self.projections if only is None or p.name in set(only)]
        applied = 0
        start = min(self.positions()[p.name] for p in chosen) if chosen else 0
        while True:
            notifications = app.recorder.select_notifications(start, batch, inclusive_of_start=False)
            if not notifications:
                return applied
            events = [app.mapper.to_domain_event(notification) for notification in notifications]
            try:
                self._apply_batch(chosen, notifications, events)
            except BaseException:
                for projection in chosen:
                    projection.discard()
                raise
            applied += len(notifications)
            start = notifications[-1].id
            if progress is not None:
                progress(len(notifications))

    def _apply_batch(self, chosen: list[Projection], notifications: Any, events: list[Any]) -> None:
        """One transaction: every chosen projection's rows and its new position."""
        with self._write() as db:
            positions = self.positions()  # re-read under the write lock
            routes: dict[type, list[Projection]] = {}
            for notification, event in zip(notifications, events, strict=True):
                kind = type(event)
                wanted = routes.get(kind)
                if wanted is None:
                    wanted = routes[kind] = [p for p in chosen if p.wants(kind)]
                for projection in wanted:
                    if notification.id > positions[projection.name]:
                        projection.apply(db, event, notification.id)
            last = notifications[-1].id
            for projection in chosen:
                projection.flush(db)
                if last > positions[projection.name]:
                    db.execute(f"UPDATE {TRACKING} SET position = ? WHERE projection = ?", [last, projection.name])

    def rebuild(self, app: Any, names: Iterable[str] | None = None, progress: Progress | None = None,
                batch: int = BATCH) -> int:
        """Drop and replay. Each batch commits with its position, so a killed rebuild resumes exactly."""
        chosen = [self.by_name(name) for name in names] if names else list(self.projections)
        with self._write():
            for projection in chosen:
                self._reset(projection)
        return self.catch_up(app, batch=batch, progress=progress, only=[p.name for p in chosen])

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every projection table's rows, sorted: what `verify` and the property tests compare."""
        tables = [table for projection in self.projections for table in projection.tables]
        return {table: sorted(self.db.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr) for table in tables}
