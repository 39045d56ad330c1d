"""Catch-up and rebuild: each batch writes the projections' rows and positions in one transaction.

The SQLite recorder has no subscribe(), so reads call `catch_up` first and the scheduler calls it
every minute. A batch is applied under `BEGIN IMMEDIATE`, and positions are re-read inside it, so
two processes catching up the same views file never apply an event twice.

A full rebuild (and the first catch-up of an empty views file) builds into a fresh file next to
the views (`<views>.building`) with the journal and syncing off, large batches, and the
non-unique indexes created after the load. The finished file is then swapped in whole: renamed
into place when there is no live file, or else copied into the live file by SQLite's backup API
as one write transaction. That copy, not rename(2), is what makes the swap safe while other
processes hold the views open: a live WAL database's `-wal` and `-shm` files are named after its
path, so a file renamed under open connections would share them with the old one. Readers keep
their snapshot until the copy commits, then see the new views whole; a rebuild killed before
that leaves the old views untouched, and the next one deletes the half-built file and starts clean.

Views are disposable. A file that is not a database, or whose projection versions or tracking
format this code does not know, is moved aside (`<views>.broken-<time>`) and rebuilt, with a
warning naming both paths. Each projection's tracking row keeps a running count of the events it
applied, the rows it wrote and a digest of those events, so `check` can tell cheaply whether
rows have gone missing (`tasking.projections.tracking`).

The jobs live beside this module: the file on disk (`views_file`), the tracking rows
(`tracking`), one batch's transaction (`apply`) and the fresh build (`fresh`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from sqlite_utils import Database

from tasking import faults
from tasking.errors import DomainError
from tasking.projections.apply import apply_batch
from tasking.projections.base import Projection
from tasking.projections.decode import Pages
from tasking.projections.registry import PROJECTIONS
from tasking.projections.tracking import Tracked
from tasking.projections.views_file import (
    ViewsUnreadable,
    check_location,
    connect,
    move_aside,
    remove_files,
    views_lock,
)

__all__ = ["BATCH", "FRESH_BATCH", "FRESH_FROM", "Progress", "Views", "ViewsUnreadable", "check_location"]

BATCH = 500
# Events per transaction when building a fresh file. Each batch's decoded events and rows are held
# in memory until it commits: 5,000 keeps that to a few tens of MB, and larger batches are no faster.
FRESH_BATCH = 5000
FRESH_FROM = 2000  # an empty views file facing more events than this is built fresh, then swapped in
Progress = Callable[[int], None]


class Views(Tracked):
    def __init__(self, path: str, projections: Iterable[Projection] | None = None, heal: bool = True) -> None:
        self.path = path
        self.projections = list(projections if projections is not None else (p() for p in PROJECTIONS))
        self.heal = heal
        self.moved_aside: str | None = None
        self.decode_mode = "lean"
        check_location(path)
        self._open()

    def _open(self) -> None:
        problem = self._try_open()
        if problem is None:
            return
        if not self.heal:
            raise ViewsUnreadable("views", f"{self.path} {problem}; `tasking projections rebuild` replaces it")
        with views_lock(self.path):
            problem = self._try_open()  # another process may have healed it meanwhile
            if problem is not None:
                self.moved_aside = move_aside(self.path, problem)
                problem = self._try_open()
        if problem is not None:
            raise ViewsUnreadable("views", f"{self.path} {problem} even after moving it aside")

    def _try_open(self) -> str | None:
        """Open and check the file; returns what is wrong with it, or None."""
        conn = connect(self.path)
        try:
            conn.execute("PRAGMA main.journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self.db = Database(conn)
            problem = self._ensure()
            if problem is not None:
                conn.close()  # before the file moves: a connection closed later would delete the new file's -wal
            return problem
        except sqlite3.OperationalError as exc:
            conn.close()
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise DomainError(
                    "views",
                    f"cannot write the views file {self.path} ({exc}); set TASKING_VIEWS "
                    "(or --views) to a writable path, or fix the permissions",
                ) from None
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            return f"cannot be read as a database ({exc})"
        finally:
            with contextlib.suppress(OSError):
                self._identity = os.stat(self.path).st_ino

    def close(self) -> None:
        self.db.conn.close()

    def by_name(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        known = ", ".join(p.name for p in self.projections)
        raise DomainError("name", f"unknown projection {name!r}; known: {known}")

    # --- catch-up and rebuild ---------------------------------------------------------------

    def reopen_if_swapped(self) -> None:
        """A long-lived process notices a views file replaced (moved aside, restored) under it."""
        try:
            current = os.stat(self.path).st_ino
        except FileNotFoundError:
            current = None
        if current != getattr(self, "_identity", None):
            with contextlib.suppress(sqlite3.Error):
                self.close()
            check_location(self.path)
            self._open()

    def catch_up(
        self,
        app: Any,
        batch: int = BATCH,
        progress: Progress | None = None,
        only: Iterable[str] | None = None,
        lean: bool = True,
    ) -> int:
        """Apply every event recorded after each projection's position. Returns events applied."""
        self.reopen_if_swapped()
        chosen = [p for p in self.projections if only is None or p.name in set(only)]
        try:
            positions = self.positions()
        except sqlite3.DatabaseError:  # overwritten in place under this process: heal as at opening
            with contextlib.suppress(sqlite3.Error):
                self.close()
            self._open()
            positions = self.positions()
        start = min(positions[p.name] for p in chosen) if chosen else 0
        if start >= app.event_count():  # the cheap head check: nothing recorded since (issue 22, 5)
            return 0
        if only is None and start == 0 and not self._fresh_build and app.event_count() > FRESH_FROM:
            return self._rebuild_fresh(app, progress=progress, lean=lean, only_if_empty=True)
        pages = Pages(app, lean=lean)
        self.decode_mode = pages.mode
        applied = 0
        for rows in pages.after(start, batch):
            try:
                apply_batch(self, chosen, rows)
            except BaseException:
                for projection in chosen:
                    projection.discard()
                raise
            applied += len(rows)
            if progress is not None:
                progress(len(rows))
        return applied

    def rebuild(
        self,
        app: Any,
        names: Iterable[str] | None = None,
        progress: Progress | None = None,
        batch: int | None = None,
        lean: bool = True,
    ) -> int:
        """All views: build a fresh file and swap it in. One named view: drop and replay in place,
        each batch committing with its position, so a killed rebuild resumes exactly."""
        if not names:
            return self._rebuild_fresh(app, progress=progress, lean=lean, batch=batch or FRESH_BATCH)
        batch = batch or BATCH
        chosen = [self.by_name(name) for name in names]
        with self._write():
            for projection in chosen:
                self._reset(projection)
        return self.catch_up(app, batch=batch, progress=progress, only=[p.name for p in chosen], lean=lean)

    @property
    def building_path(self) -> str:
        return self.path + ".building"

    def _rebuild_fresh(
        self,
        app: Any,
        progress: Progress | None = None,
        lean: bool = True,
        batch: int = FRESH_BATCH,
        only_if_empty: bool = False,
    ) -> int:
        with views_lock(self.path):
            self.reopen_if_swapped()
            if only_if_empty and min(self.positions().values(), default=0) > 0:
                started = True  # another process built them while this one waited for the lock
            else:
                started = False
                applied = self._build_and_swap(app, progress, lean, batch)
        return self.catch_up(app, progress=progress, lean=lean) if started else applied

    def _build_and_swap(self, app: Any, progress: Progress | None, lean: bool, batch: int) -> int:
        """The caller holds the views lock."""
        from tasking.projections.fresh import build_fresh  # it builds a `Views`: imported when used

        fresh, applied = build_fresh(
            self.building_path,
            app,
            progress=progress,
            lean=lean,
            batch=batch,
            projections=[type(p)() for p in self.projections],
        )
        self.decode_mode = fresh.decode_mode
        faults.before_swap()
        self._swap_in(fresh.db.conn)
        fresh.close()
        remove_files(self.building_path)
        return applied

    def _swap_in(self, source: sqlite3.Connection) -> None:
        """Copy the finished file into the live one as one write transaction (see the module doc)."""
        source.backup(self.db.conn)
        with contextlib.suppress(sqlite3.OperationalError):  # busy readers: the next checkpoint does it
            self.db.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
