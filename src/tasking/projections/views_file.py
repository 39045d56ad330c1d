"""The views file on disk: where it may live, its lock, opening it, and moving a broken one aside."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from tasking import faults
from tasking.errors import DomainError
from tasking.files import exclusive_lock, private_sqlite


class ViewsUnreadable(DomainError):
    """The views file exists but cannot be read as views (and this caller does not heal it)."""


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


def check_location(path: str) -> None:
    """A one-line error naming the path and the fix, before SQLite creates anything there.

    SQLite gives a WAL database's `-shm` file the database file's permissions: opening a
    read-only views file would leave a read-only `-shm` behind that keeps it broken once fixed.
    """
    target = Path(path)
    folder = target.resolve().parent
    fix = "set TASKING_VIEWS (or --views) to a writable path, or fix the permissions"
    if not folder.is_dir():
        raise DomainError("views", f"folder {folder} for the views file {path} does not exist; create it or {fix}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DomainError("views", f"folder {folder} for the views file {path} is not writable; {fix}")
    for candidate in (target, Path(path + "-wal"), Path(path + "-shm")):
        unwritable = not os.access(candidate, os.R_OK | os.W_OK) or faults.active("unwritable-views")
        if candidate.exists() and unwritable:
            raise DomainError("views", f"{candidate} is not writable (views are rebuilt by this process); {fix}")
        if candidate.exists() and not candidate.is_file():
            raise DomainError("views", f"{candidate} is not a file; {fix}")


@contextlib.contextmanager
def views_lock(path: str) -> Iterator[None]:
    """One process at a time moves a views file aside or swaps a rebuilt one in."""
    with exclusive_lock(path + ".lock"):
        yield


def remove_files(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(path + suffix).unlink(missing_ok=True)


def move_aside(path: str, reason: str) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    aside = f"{path}.broken-{stamp}"
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.replace(path + suffix, aside + suffix)
    warn(f"views file {path} {reason}; moved it aside to {aside} and rebuilding it")
    return aside


def connect(path: str) -> sqlite3.Connection:
    private_sqlite(path)
    return sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
