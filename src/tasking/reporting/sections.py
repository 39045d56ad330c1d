"""The briefing's sections: each one's key, heading and columns (`SECTIONS`), shared by the terminal,
Markdown and HTML briefings and the web pages, and the one rule for a cell (a restricted row's outline).
"""

from __future__ import annotations

from typing import Any

from tasking.reporting.text import day_text, local_text, visible


def _flag_subject(flag: dict[str, Any]) -> str:
    """A repeat flag's place (location, area) or person (their reference), as the JSON has it."""
    if flag["rule"] == "location":
        return f"{flag['location']}, {flag['area']}"
    return f"person {flag['person']}"


SECTIONS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    (
        "new_reports",
        "New reports",
        [
            ("Case", "case"),
            ("Received", lambda r: local_text(r["received_at"])),
            ("Risk", "risk"),
            ("Repeat", lambda r: "yes" if r["repeat"] else ""),
            ("Status", "status"),
            ("Lead", "lead"),
            ("Source", "source"),
            ("Category", "category"),
            ("Area", "area"),
            ("Location", "location"),
            ("Summary", "summary"),
        ],
    ),
    (
        "due_taskings",
        "Taskings due or overdue",
        [
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Tasked agency", "tasked_agency"),
            ("Owner", lambda r: r["owner"] or ""),
            ("Due", lambda r: day_text(r["due"])),
            ("Days overdue", "days_overdue"),
            ("Action", "action"),
        ],
    ),
    (
        "tasked_at_previous_meeting",
        "Tasked at the previous meeting",
        [
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Tasked agency", "tasked_agency"),
            ("Owner", "owner"),
            ("Raised", lambda r: local_text(r["raised_at"])),
            ("Due", lambda r: day_text(r["due"])),
            ("Status", "status"),
            ("Action", "action"),
        ],
    ),
    (
        "open_taskings_not_yet_due",
        "Open taskings not yet due, by agency and owner",
        [
            ("Tasked agency", "tasked_agency"),
            ("Owner", "owner"),
            ("Case", "case"),
            ("Tasking", "tasking"),
            ("Due", lambda r: day_text(r["due"])),
            ("Action", "action"),
        ],
    ),
    (
        "feedback_owed",
        "Feedback owed",
        [
            ("Case", "case"),
            ("Kind", "kind"),
            ("Owed since", lambda r: local_text(r["owed_since"])),
            ("Actions", "actions_since_update"),
            ("Due by", lambda r: day_text(r["due_by"])),
            ("Working days overdue", "overdue_days"),
        ],
    ),
    (
        "repeat_flags",
        "Repeat flags",
        [
            ("Flag", "flag"),
            ("Case", "case"),
            ("Rule", "rule"),
            ("Where or who", lambda r: _flag_subject(r)),
            ("Count", "count"),
            ("Cases", lambda r: ", ".join(r["cases"])),
            ("Why", lambda r: r["reason"] + (f" - {r['prompt']}" if r.get("prompt") else "")),
        ],
    ),
    (
        "case_review_alerts",
        "ASB case review alerts",
        [
            ("Person", "person"),
            ("Review", lambda r: r.get("review", "")),
            ("Cases", lambda r: ", ".join(r["cases"])),
            ("Why", lambda r: r.get("reason", "") + (f" - {r['prompt']}" if r.get("prompt") else "")),
        ],
    ),
    (
        "risk_reviews_due",
        "Risk reviews due",
        [
            ("Case", "case"),
            ("Risk", "risk"),
            ("Last assessed", lambda r: local_text(r["last_assessed"])),
            ("Days since", "days_since_review"),
            ("Days overdue", "overdue_days"),
        ],
    ),
]
SECTIONS.append(
    (
        "possible_duplicates",
        "Possible duplicates (confirm or dismiss: tasking duplicates)",
        [
            ("Case", "case"),
            ("Other", "other"),
            ("Sources", lambda r: " / ".join(r["sources"])),
            ("Match", "match"),
            ("Minutes apart", "minutes_apart"),
            ("Location", lambda r: r["locations"][0]),
        ],
    )
)
SECTIONS += [  # the partnership's year (issue 26)
    (
        "activities_today",
        "Partnership activities today",
        [("Activity", "activity"), ("Kind", "kind"), ("Areas", lambda r: ", ".join(r["areas"])), ("Lead", "lead")],
    ),
    (
        "activities_this_week",
        "Partnership activities this week",
        [
            ("Activity", "activity"),
            ("Day", lambda r: day_text(r["day"])),
            ("Kind", "kind"),
            ("Areas", lambda r: ", ".join(r["areas"])),
            ("Lead", "lead"),
        ],
    ),
    (
        "cameras_due_to_move",
        "Mobile CCTV due to move",
        [
            ("Camera", "camera"),
            ("Deployment", "deployment"),
            ("Location", "location"),
            ("Area", "area"),
            ("Until", lambda r: day_text(r["to"])),
            ("Days left", "days_left"),
        ],
    ),
]


def cell(row: dict[str, Any], getter: Any) -> str:
    if row.get("restricted"):  # a restricted case's outline: reference, area, received date only
        try:
            value = getter(row) if callable(getter) else row.get(getter)
        except (KeyError, TypeError, IndexError):
            value = "restricted"
        return "" if value is None else visible(str(value))
    value = getter(row) if callable(getter) else row.get(getter)
    return "" if value is None else visible(str(value))
