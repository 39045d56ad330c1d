"""Fault-injection points: faults a test cannot produce reliably from outside the process.

Off unless the environment variable `TASKING_FAULT` names them (comma-separated); nothing here
runs in normal use. Each point is named where it is checked:

- `kill-after-events=N`: a bulk writer (`tasking demo`, `tasking import`) kills its own process
  with SIGKILL right after the commit that brings the events it has written to N or more: a kill
  at a committed batch boundary, without a test racing the writer.
- `kill-rebuild-at=N`: a fresh rebuild of the views (`tasking projections rebuild`) kills its own
  process with SIGKILL right after the batch that brings the events it has applied to N or more;
  `kill-rebuild-at=swap` kills it once the new file is built, just before it is swapped in.
- `unwritable-views`: the views file (and its `-wal`/`-shm`) is treated as not writable, as a
  read-only file is for an ordinary user; root bypasses file permissions, so a test run as root
  cannot make a file unwritable any other way.
"""

from __future__ import annotations

import os
import signal

FAULT = "TASKING_FAULT"


def _points() -> dict[str, str]:
    found = {}
    for item in os.environ.get(FAULT, "").split(","):
        name, _, value = item.strip().partition("=")
        if name:
            found[name] = value
    return found


def active(name: str) -> bool:
    """Whether the fault point `name` is switched on."""
    return name in _points()


def after_bulk_commit(written: int) -> None:
    """`kill-after-events=N`: SIGKILL this process once `written` events are committed, N or more."""
    limit = _points().get("kill-after-events")
    if limit and written >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


def during_rebuild(applied: int) -> None:
    """`kill-rebuild-at=N`: SIGKILL this process once a fresh rebuild has applied N events or more."""
    at = _points().get("kill-rebuild-at")
    if at is not None and at != "swap" and applied >= int(at):
        os.kill(os.getpid(), signal.SIGKILL)


def before_swap() -> None:
    """`kill-rebuild-at=swap`: SIGKILL this process once the new views are built, before the swap."""
    if _points().get("kill-rebuild-at") == "swap":
        os.kill(os.getpid(), signal.SIGKILL)
