"""The warden's phone (issue 27, item 4): the service worker, served from the root so that its
scope is the whole site, and the shift for which it may keep the signed-in user's taskings and
cases on the phone (`TASKING_SHIFT_HOURS`, default 12, counted from signing in).

The worker (`static/sw.js`) keeps only what the server rendered for this user (the pages go through
the permission rule); the page's script (`static/offline.js`) queues writes made without signal and
sends them, each with its request id, when the connection returns.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from tasking.errors import DomainError

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"
DEFAULT_SHIFT_HOURS = 12.0


@router.get("/sw.js")
def service_worker() -> FileResponse:
    """The service worker at the root scope; never served stale, so a new version takes over."""
    return FileResponse(
        STATIC / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


def shift_hours(text: str | None = None) -> float:
    """`TASKING_SHIFT_HOURS`: how long after signing in the phone may keep case data (0 keeps none)."""
    raw = os.environ.get("TASKING_SHIFT_HOURS", "") if text is None else text
    if raw.strip() == "":
        return DEFAULT_SHIFT_HOURS
    try:
        hours = float(raw)
    except ValueError:
        hours = -1.0
    if not 0 <= hours <= 24:
        raise DomainError("shift-hours", f"TASKING_SHIFT_HOURS must be a number of hours from 0 to 24, not {raw!r}")
    return hours


def shift_ends(session: dict[str, Any], hours: float, now: dt.datetime) -> str:
    """When the phone must drop the case data it keeps: the session's sign-in time plus the shift (UTC)."""
    since = session.get("since")
    if not since:
        since = session["since"] = now.isoformat()
    ends = dt.datetime.fromisoformat(since) + dt.timedelta(hours=hours)
    return ends.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
