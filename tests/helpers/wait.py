"""The one wait helper: poll until something holds. A start-up or readiness wait, never a timed
assertion: the limit is generous and only stops a test that would otherwise hang."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    what: str,
    *,
    process: subprocess.Popen[Any] | None = None,
    limit: float = 120,
    every: float = 0.05,
    log: Callable[[], str] | None = None,
) -> T:
    """Call `condition` until it returns something true, and return that. Fails naming `what` (and
    `log()`, if given) if `process` exits first or `limit` seconds pass."""
    deadline = time.monotonic() + limit
    while True:
        found = condition()
        if found:
            return found
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited ({process.returncode}) first\n{log() if log else ''}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {limit} s\n{log() if log else ''}")
        time.sleep(every)


def answers(url: str) -> bool:
    """Whether an HTTP server answers `url` with 200 (not yet listening: False)."""
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.TransportError:
        return False
