"""Community MARAC: the meetings held by a read point, and a meeting's agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.errors import NotFound
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states
from tasking.time.instants import iso
from tasking.queries.escalations import rows


def marac_meetings(db: Database, point: ReadPoint) -> list[dict[str, Any]]:
    """Meetings held by the point, in date order, each with its discussions."""
    meetings: dict[str, dict[str, Any]] = {}
    for row in rows(db, point, "marac-"):
        if row["kind"] == "marac-meeting":
            meetings[row["reference"]] = {"meeting": row["reference"], "at": row["at"], "discussions": []}
        elif row["reference"] in meetings:
            meetings[row["reference"]]["discussions"].append({"case": row["case_ref"], **row["value"]})
    return sorted(meetings.values(), key=lambda m: m["at"])


def marac_agenda(db: Database, point: ReadPoint, meeting_day: str | None) -> dict[str, Any]:
    """The cases referred since the last meeting, plus the cases still under review, each with its
    risk level at the meeting and its open actions. Default: the next meeting from the point's `at`.

    Meetings scheduled ahead count whatever the point's `at`: an agenda is read before its meeting."""
    assert point.at is not None, "the next meeting is chosen from a moment"
    meetings = marac_meetings(db, point.until(None))
    if not meetings:
        raise NotFound("meeting", "no Community MARAC meeting is scheduled; add one with `tasking marac meetings add`")
    if meeting_day is None:
        upcoming = [m for m in meetings if m["at"] >= iso(point.at)]
        chosen = upcoming[0] if upcoming else meetings[-1]
    else:
        matches = [m for m in meetings if m["meeting"] == meeting_day]
        if not matches:
            known = ", ".join(m["meeting"] for m in meetings[-6:])
            raise NotFound("meeting", f"no Community MARAC meeting on {meeting_day}; recent: {known}")
        chosen = matches[0]
    index = meetings.index(chosen)
    since = meetings[index - 1]["at"] if index else ""
    at = dt.datetime.fromisoformat(chosen["at"])
    then = point.until(at)
    items: dict[str, dict[str, Any]] = {}
    where, params = then.sql()
    for row in db.query(
        f"SELECT reference, at FROM activity WHERE {where} AND kind = 'refer' "
        "AND referral = 'community-marac' AND at > ? ORDER BY at, reference",
        [*params, since],
    ):
        items.setdefault(
            row["reference"], {"case": row["reference"], "why": "referred", "referred_at": row["at"], "review_at": None}
        )
    latest: dict[str, dict[str, Any]] = {}
    for meeting in meetings[:index]:
        for discussion in meeting["discussions"]:
            latest[discussion["case"]] = discussion
    for case, discussion in sorted(latest.items()):
        if not discussion.get("discharged") and case not in items:
            items[case] = {
                "case": case,
                "why": "under review",
                "referred_at": None,
                "review_at": discussion.get("review_at"),
            }
    discussed = {d["case"]: d for d in chosen["discussions"]}
    for case in discussed:
        items.setdefault(case, {"case": case, "why": "discussed", "referred_at": None, "review_at": None})
    states = case_states(db, then, list(items))
    agenda = []
    for item in items.values():
        state = states.get(item["case"])
        agenda.append(
            {
                **item,
                "risk": state.risk if state else None,
                "open_actions": [
                    {"tasking": t.tasking, "tasked_agency": t.tasked_agency, "action": t.action, "due": t.due}
                    for t in (state.taskings.values() if state else [])
                    if t.status == "open"
                ],
                "discussed": item["case"] in discussed,
                "outcome": discussed.get(item["case"], {}).get("outcome"),
            }
        )
    return {
        "meeting": chosen["meeting"],
        "at": chosen["at"],
        "previous": meetings[index - 1]["meeting"] if index else None,
        "position": point.position,
        "items": agenda,
    }
