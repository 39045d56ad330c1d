"""Briefing packs and daily reminders, written to files and recorded as events.

Once a pack has been issued, the next pack's window starts exactly where the last one ended,
so nothing falls between two packs, even after a missed day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import structlog

from tasking.reporting import render
from tasking.reporting.text import json_text, local_text, markdown_text
from tasking.bootstrap import Services
from tasking.domain.permissions import SYSTEM
from tasking.commands import IssueBriefing, send
from tasking.domain.briefing import Briefing
from tasking.store.chain import head_at
from tasking.time.meetings import MeetingCalendar
from tasking.queries.briefing import briefing
from tasking.queries.state import case_states
from tasking.queries.taskings_due import due_taskings
from tasking.queries.feedback import feedback_owed
from tasking.time.instants import local_date
from tasking.files import private_folder, write_private_text

log = structlog.get_logger("tasking.reporting.packs")


def is_issued(services: Services, meeting: dt.datetime) -> bool:
    return Briefing.create_id(local_date(meeting).isoformat()) in services.app.repository


def issue_pack(services: Services, meeting: dt.datetime, output: Path, user: str, now: dt.datetime) -> dict[str, Any]:
    """Write the pack for `meeting` into OUTPUT/YYYY-MM-DD/ and record it, once."""
    day = local_date(meeting).isoformat()
    if is_issued(services, meeting):
        return {"briefing": day, "issued": False, "folder": None}
    # Packs go to every partner at the meeting: a shared read, restricted cases as outlines.
    read = services.read(user=user, action="briefing issue", shared=True)
    brief = briefing(read, meeting)
    start = dt.datetime.fromisoformat(brief["window"]["from"])
    brief["warnings"] = services.views_warnings()
    folder = output / day
    # Written aside, and moved into place only by the process whose event was recorded: a second
    # scheduler racing for the same meeting then leaves the first one's files untouched.
    private_folder(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{day}-", dir=output))
    text = json_text(brief)
    marking = read.config.protective_marking
    files = {
        "briefing.json": text,
        "briefing.md": render.markdown(brief, marking, now),
        "briefing.html": render.html(brief, marking, now),
        "chain.json": json_text(head_at(services.app.recorder, brief["position"])),
    }
    for name, content in files.items():
        write_private_text(staging / name, content)
    try:
        result = _record(services, user, now, day, meeting, start, brief, text, files)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not result["issued"]:
        shutil.rmtree(staging, ignore_errors=True)
        return {**result, "folder": None}
    if brief["warnings"]:  # the nightly verify's finding has now been reported
        from tasking.projections import health

        health.mark_reported(services.settings.views_path)
    private_folder(folder)
    for name in files:
        os.replace(staging / name, folder / name)
    shutil.rmtree(staging, ignore_errors=True)
    return {**result, "folder": str(folder), "window": brief["window"], "new_reports": len(brief["new_reports"])}


RESTRICTED = "restricted"


def _record(
    services: Services,
    user: str,
    now: dt.datetime,
    day: str,
    meeting: dt.datetime,
    start: dt.datetime,
    brief: dict[str, Any],
    text: str,
    files: dict[str, str],
) -> dict[str, Any]:
    return send(
        services.app,
        IssueBriefing(
            user=user,
            at=now,
            meeting_day=day,
            meeting=meeting,
            window_from=start,
            window_to=meeting,
            new_reports=tuple(r["case"] for r in brief["new_reports"]),
            # A restricted case is an outline in the pack (case, area, received, `restricted`): its item is
            # recorded as restricted, so the pack's counts stay whole and the record holds no more than the pack.
            due_taskings=tuple(f"{t['case']}/{t.get('tasking', RESTRICTED)}" for t in brief["due_taskings"]),
            feedback_owed=tuple(f["case"] for f in brief["feedback_owed"]),
            repeat_flags=tuple(f"{f.get('rule', RESTRICTED)}:{f['case']}" for f in brief["repeat_flags"]),
            digest="sha256:" + hashlib.sha256(text.encode()).hexdigest(),
            files=tuple(sorted(files)),
        ),
    )


def _day(iso_date: str) -> str:
    return f"{dt.date.fromisoformat(iso_date):%a %d %b %Y}"


def write_reminders(services: Services, day: dt.date, output: Path) -> dict[str, Any]:
    """One file per agency: its taskings due or overdue and the feedback its reports are owed, by the
    same rules and at the same point as that morning's briefing and pack. Once a day."""
    folder = output / day.isoformat() / "reminders"
    if folder.exists():
        return {"written": 0, "folder": str(folder)}
    read = services.read(user=SYSTEM, action="briefing")  # the scheduler's job: a coordinator's rights
    meeting = MeetingCalendar(read.config.meeting.time).meeting_on(day)
    point = read.point.until(meeting)
    due: dict[str, list[str]] = {}
    for item in due_taskings(read.db, point, day):
        late = f"{item['days_overdue']} days overdue" if item["days_overdue"] else "due today"
        owner = f", owner {item['owner']}" if item.get("owner") else ""
        due.setdefault(item["tasked_agency"], []).append(
            f"- {item['case']} {item['tasking']} due {_day(item['due'])} ({late}{owner}): {markdown_text(item['action'])}"
        )
    owed_items = feedback_owed(read.db, read.config, point)
    sources = {ref: case.source for ref, case in case_states(read.db, point, [i["case"] for i in owed_items]).items()}
    owed: dict[str, list[str]] = {}
    for item in owed_items:
        owed.setdefault(sources[item["case"]], []).append(
            f"- {item['case']} ({item['kind']}) owed since {local_text(item['owed_since'])}, "
            f"{item['overdue_days']} working days overdue"
        )
    private_folder(folder)
    agencies = sorted(set(due) | set(owed))
    for agency in agencies:
        lines = [
            f"**{read.config.protective_marking}**",
            "",
            f"# Reminders for {agency}, {day:%a %d %b %Y}",
            "",
            "## Taskings due or overdue",
            "",
        ]
        lines += due.get(agency, ["None."]) + ["", "## Feedback owed on reports you received", ""]
        lines += owed.get(agency, ["None."])
        write_private_text(folder / f"{agency}.md", "\n".join(lines) + "\n")
        log.info(
            "reminder.written",
            agency=agency,
            due_taskings=len(due.get(agency, [])),
            feedback_owed=len(owed.get(agency, [])),
        )
    return {"written": len(agencies), "folder": str(folder)}
