"""What an email may say: references, the agency, the action, the due date, the area, the category
and a link to the case page; a restricted case only as its outline; the protective marking in the
subject and the body. Never a person's details, the summary, the location or other free text.

A resident's email carries the officer's note (screened free text, `Narrative`) and the case
reference; its address is read from the person record at send time.
"""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from tasking.config import PartnershipConfig
from tasking.queries.access import is_restricted
from tasking.queries.state import CaseState, case_states
from tasking.time.instants import LONDON


def message_id(key: str, sender: str) -> str:
    """Stable for one notification: derived from the key of the event that queued it."""
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


def _category(config: PartnershipConfig, code: str) -> str:
    found = config.categories.get(code)
    return f"{found.name} ({code})" if found else code


def _agency(config: PartnershipConfig, code: str | None) -> str:
    found = config.agencies.get(code or "")
    return f"{found.name} ({code})" if found else str(code)


def _case_lines(config: PartnershipConfig, case: CaseState, tasking: str | None) -> list[str]:
    link = f"{config.notifications.base_url.rstrip('/')}/cases/{case.reference}"
    if is_restricted(config, case):
        return [
            f"Case: {case.reference} (restricted: outline only; sign in to see it if you are involved)",
            f"Area: {case.area}",
            f"Received: {case.received_at[:10]}",
            f"Case page: {link}",
        ]
    lines = [f"Case: {case.reference}", f"Area: {case.area}", f"Category: {_category(config, case.category)}"]
    found = case.taskings.get(tasking or "")
    if found is not None:
        lines += [
            f"Tasking: {found.tasking} for {_agency(config, found.tasked_agency)}",
            f"Action: {found.action}",
            f"Due: {found.due}",
            f"Status: {found.status}",
        ]
    return [*lines, f"Case page: {link}"]


def content(
    config: PartnershipConfig, db: Any, point: Any, row: dict[str, Any], note: str | None = None
) -> tuple[str, list[str]]:
    """The subject and the body's lines for one outbox row, as the case stands at `point`."""
    kind = row["kind"]
    body: list[str] = []
    if kind == "pack":
        subject = f"Taskings due at the meeting of {row['day']} for {row['agency_to']}"
        body += [
            f"Agency: {_agency(config, row['agency_to'])}",
            f"Taskings due or overdue at the tasking meeting of {row['day']}:",
            "",
        ]
        tasked = db.execute(
            "SELECT [case], tasking FROM outbox_tasked WHERE agency = ? ORDER BY [case], tasking", [row["agency_to"]]
        ).fetchall()
        states = case_states(db, point, {case for case, _ in tasked})
        for case, tasking in tasked:
            state = states.get(case)
            found = state.taskings.get(tasking) if state else None
            if state is None or found is None or found.status != "open" or found.tasked_agency != row["agency_to"]:
                continue
            if found.due > row["day"]:
                continue
            body += [*_case_lines(config, state, tasking), ""]
    elif kind == "resident":
        subject = f"An update on your report {row['case']}"
        body += [f"Your report: {row['case']}", "", note or "", ""]
    else:
        state = case_states(db, point, [row["case"]]).get(row["case"])
        what = "reassigned to" if kind == "reassignment" else "tasked to"
        subject = f"{row['case']} {row['tasking']} {what} {row['agency_to']}"
        body += [f"Agency: {_agency(config, row['agency_to'])}", ""]
        body += _case_lines(config, state, row["tasking"]) if state else [f"Case: {row['case']}"]
        body.append("")
    return subject, body


def build(
    config: PartnershipConfig, db: Any, point: Any, rows: list[dict[str, Any]], to: str, note: str | None = None
) -> EmailMessage:
    """One row's message; several rows (a digest for one agency) make one message listing each."""
    marking = config.protective_marking
    parts = [content(config, db, point, row, note) for row in rows]
    if len(parts) == 1:
        subject, lines = parts[0]
        key = rows[0]["key"]
    else:
        subject = f"{len(parts)} notifications for {rows[0]['agency_to']}"
        lines = [line for part_subject, part_lines in parts for line in (f"== {part_subject}", *part_lines)]
        key = "digest:" + "|".join(sorted(row["key"] for row in rows))
    message = EmailMessage()
    message["Subject"] = f"[{marking}] {subject}"
    message["From"] = config.notifications.sender
    message["To"] = to
    message["Message-ID"] = message_id(key, config.notifications.sender)
    message["X-Tasking-Key"] = key if len(key) < 900 else key[:900]
    message.set_content("\n".join([marking, "", *lines, marking]) + "\n")
    return message


def stamp(message: EmailMessage, now: Any) -> EmailMessage:
    message["Date"] = format_datetime(now.astimezone(LONDON))
    return message
