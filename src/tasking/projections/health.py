"""The views' health: a full comparison with a clean rebuild, and what the last one found.

`projections verify` and the scheduler's nightly `views-verify` job record their outcome next to
the views (`<views>.health.json`); while the last outcome is a failure, every briefing and pack
carries a warning under `warnings`. A full rebuild or a passing verify clears it.

The nightly job rebuilds views that fail (edited rows must not go on being served); its finding is
kept as `unreported` and carried by every briefing until a pack has been issued with it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from tasking.projections.fresh import build_fresh
from tasking.projections.runner import Views
from tasking.files import write_private_text
from tasking.time.instants import local_time


def health_path(views_path: str) -> Path:
    return Path(views_path + ".health.json")


def compare(live: Views, fresh_path: str) -> list[str]:
    """Every row in one of the two files and not in the other, table by table. SQLite compares the
    rows (`EXCEPT`, a set difference, as the views hold no duplicate rows) with the clean rebuild
    attached to the live views' connection, so no row becomes a Python object unless it differs."""
    conn = live.db.conn
    conn.execute("ATTACH DATABASE ? AS fresh", (fresh_path,))
    try:
        out = []
        for table in sorted(table for projection in live.projections for table in projection.tables):
            for label, left, right in (
                ("only in live views", "main", "fresh"),
                ("only in a clean rebuild", "fresh", "main"),
            ):
                rows = conn.execute(f"SELECT * FROM {left}.[{table}] EXCEPT SELECT * FROM {right}.[{table}]").fetchall()
                out += [f"{table}: {label}: {row}" for row in sorted(rows, key=repr)]
    finally:
        conn.execute("DETACH DATABASE fresh")
    return out


def compare_tracking(live: dict[str, dict[str, Any]], fresh: dict[str, dict[str, Any]]) -> list[str]:
    """The running counts and digests, which a clean rebuild must reproduce."""
    return [
        f"_tracking: {name} {key} is {live[name][key]} live, {fresh[name][key]} in a clean rebuild"
        for name in sorted(live)
        for key in ("applied", "rows", "digest")
        if live[name][key] != fresh[name][key]
    ]


def verify(app: Any, views_path: str) -> list[str]:
    """Catch the live views up, build them afresh in a temporary file, and list every difference.
    Raises `ViewsUnreadable` (or a `DomainError` naming the path) when the live views cannot be read."""
    live = Views(views_path, heal=False)
    try:
        live.catch_up(app)
        with tempfile.TemporaryDirectory() as folder:
            fresh_path = os.path.join(folder, "verify.db")
            fresh, _ = build_fresh(fresh_path, app)
            fresh_tracking = fresh.tracking()
            fresh.close()
            differences = compare(live, fresh_path) + compare_tracking(live.tracking(), fresh_tracking)
    finally:
        live.close()
    return differences


def record(
    views_path: str,
    checked_at: str,
    differences: list[str] | None,
    unreadable: str | None = None,
    rebuilt: bool = False,
) -> None:
    """Write the outcome of a verify (or of a full rebuild, which leaves nothing to differ). `rebuilt`:
    the views failed and were rebuilt at once (the nightly job); the finding stays `unreported`
    until a pack carries it."""
    outcome: dict[str, Any] = {
        "checked_at": checked_at,
        "ok": not differences and not unreadable,
        "differences": len(differences or []),
        "first": differences[0] if differences else None,
        "unreadable": unreadable,
        "rebuilt": rebuilt,
    }
    previous = last(views_path) or {}
    outcome["unreported"] = (
        {k: v for k, v in outcome.items() if k != "unreported"} if rebuilt else previous.get("unreported")
    )
    _write(views_path, outcome)


def _write(views_path: str, outcome: dict[str, Any]) -> None:
    target = health_path(views_path)
    staging = target.with_name(target.name + ".tmp")
    write_private_text(staging, json.dumps(outcome, sort_keys=True) + "\n")
    os.replace(staging, target)


def last(views_path: str) -> dict[str, Any] | None:
    """The last verify's outcome (None: never verified here)."""
    try:
        return json.loads(health_path(views_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def mark_reported(views_path: str) -> None:
    """A pack has carried the nightly job's finding: later briefings need not repeat it."""
    outcome = last(views_path)
    if outcome and outcome.get("unreported"):
        _write(views_path, {**outcome, "unreported": None})


def _what(outcome: dict[str, Any]) -> str:
    return (
        f"could not read them ({outcome['unreadable']})"
        if outcome.get("unreadable")
        else f"found {outcome['differences']} difference(s) from a clean rebuild, e.g. {outcome['first']}"
    )


def summary(outcome: dict[str, Any] | None) -> str:
    """One line for `projections status`: when the views were last verified, and what it found."""
    if outcome is None:
        return "never verified here; run `tasking projections verify`"
    found = "ok" if outcome.get("ok") else _what(outcome) + ("; rebuilt" if outcome.get("rebuilt") else "")
    return f"{local_time(outcome['checked_at'])}: {found}"


def warnings(views_path: str) -> list[str]:
    """What the briefing and the pack must say about the views: the last verify's failure, if any, and
    a failure the nightly job found and rebuilt that no pack has reported yet."""
    outcome = last(views_path)
    if outcome is None:
        return []
    found = []
    if not outcome.get("ok", True) and not outcome.get("rebuilt"):
        found.append(
            f"views: the verify at {outcome['checked_at']} {_what(outcome)}; these figures may be wrong until "
            "`tasking projections rebuild` runs"
        )
    unreported = outcome.get("unreported")
    if unreported:
        found.append(
            f"views: the nightly verify at {unreported['checked_at']} {_what(unreported)}; the views were "
            "rebuilt from the events then; what was read from them before may have been wrong"
        )
    return found
