"""Reads of the escalation routes: case reviews, Task and Finish groups, Community MARAC meetings.

Every read folds the `escalations` rows recorded by `position` and effective by `at`, so it
answers as the record stood at any point, in both kinds of time. The milestone rule ("overdue at
T") is one function, `overdue_milestones`, which the briefing and `case-review list` share.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.errors import NotFound
from tasking.domain.qualifying import months_text
from tasking.queries.point import ReadPoint
from tasking.queries.repeats import CASE_REVIEW_PROMPT, case_review_prompt
from tasking.queries.state import case_states, incident_groups, references_where, revealer
from tasking.time.instants import iso, local_date, months_before
from tasking.time.meetings import add_working_days

MILESTONES = ("acknowledge", "decide", "hold", "respond")


def rows(db: Database, point: ReadPoint, prefix: str) -> list[dict[str, Any]]:
    """The escalation rows of one kind family (`cr-`, `tfg-`, `marac-`) within the point, in recorded order."""
    where, params = point.sql("e")
    found, reveal = [], revealer(db)
    for row in db.query(
        "SELECT e.*, r.reference FROM escalations e JOIN escalation_refs r ON r.aggregate_id = "
        f"e.aggregate_id WHERE {where} AND e.kind LIKE ? ORDER BY e.position",
        [*params, prefix + "%"],
    ):
        item = dict(row)
        item["value"] = {k: reveal(v) for k, v in json.loads(item["value"]).items()} if item["value"] else {}
        found.append(item)
    return found


# --- case reviews ------------------------------------------------------------------------------


def fold_reviews(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    reviews: dict[str, dict[str, Any]] = {}
    for row in found:
        ref, kind, value = row["reference"], row["kind"], row["value"]
        if kind == "cr-applied":
            reviews[ref] = {
                "review": ref,
                "applicant": row["detail"],
                "on_behalf_of": value.get("on_behalf_of"),
                "cases": value.get("cases", []),
                "received_at": row["at"],
                "status": "open",
                "acknowledged_at": None,
                "assessed_at": None,
                "threshold_met": None,
                "qualifying": [],
                "excluded": [],
                "rules_applied": [],
                "decision": None,
                "decided_at": None,
                "held_at": None,
                "recommendations": [],
                "responded_at": None,
                "closed_at": None,
            }
            continue
        review = reviews.get(ref)
        if review is None:
            continue
        if kind == "cr-acknowledged":
            review["acknowledged_at"] = row["at"]
        elif kind == "cr-assessed":
            review.update(
                assessed_at=row["at"],
                threshold_met=value["threshold_met"],
                qualifying=value["qualifying"],
                excluded=value["excluded"],
                rules_applied=value["rules_applied"],
            )
        elif kind == "cr-decided":
            review.update(decision=row["detail"], decided_at=row["at"])
        elif kind == "cr-held":
            review["held_at"] = row["at"]
        elif kind == "cr-recommended":
            review["recommendations"].append(
                {
                    "recommendation": value["recommendation"],
                    "agency": row["detail"],
                    "action": value["action"],
                    "due": value["due"],
                    "case": row["case_ref"],
                    "tasking": value["tasking"],
                }
            )
        elif kind == "cr-responded":
            review["responded_at"] = row["at"]
        elif kind == "cr-closed":
            review.update(closed_at=row["at"], status="closed")
    return reviews


def milestone_deadlines(review: dict[str, Any], config: PartnershipConfig) -> dict[str, str | None]:
    """Each milestone's last working day: acknowledge and decide from the application, hold from the
    decision to review, respond from the review (or from a decision not to review)."""
    days = config.case_review.deadlines
    received = local_date(dt.datetime.fromisoformat(review["received_at"]))

    def after(start: str | None, count: int) -> str | None:
        if start is None:
            return None
        return add_working_days(local_date(dt.datetime.fromisoformat(start)), count).isoformat()

    respond_from = review["held_at"] if review["decision"] == "review" else review["decided_at"]
    return {
        "acknowledge": add_working_days(received, days.acknowledge).isoformat(),
        "decide": add_working_days(received, days.decide).isoformat(),
        "hold": after(review["decided_at"], days.hold) if review["decision"] == "review" else None,
        "respond": after(respond_from, days.respond),
    }


def overdue_milestones(review: dict[str, Any], config: PartnershipConfig, at: dt.datetime) -> list[dict[str, Any]]:
    """The milestones not done by `at` whose deadline day has passed (one rule for every reader)."""
    if review["status"] == "closed":
        return []
    done = {
        "acknowledge": review["acknowledged_at"],
        "decide": review["decided_at"],
        "hold": review["held_at"],
        "respond": review["responded_at"],
    }
    today = local_date(at)
    overdue = []
    for milestone, due in milestone_deadlines(review, config).items():
        if due is None or done[milestone] is not None:
            continue
        if today > dt.date.fromisoformat(due):
            overdue.append(
                {"milestone": milestone, "due": due, "days_overdue": (today - dt.date.fromisoformat(due)).days}
            )
    return overdue


def case_reviews(
    db: Database, config: PartnershipConfig, point: ReadPoint, open_only: bool = False
) -> list[dict[str, Any]]:
    """Every case review as it stood at the point (its `at` decides what is overdue)."""
    assert point.at is not None, "milestones are overdue at a moment"
    found = []
    for review in fold_reviews(rows(db, point, "cr-")).values():
        if open_only and review["status"] != "open":
            continue
        found.append(
            {
                **review,
                "deadlines": milestone_deadlines(review, config),
                "overdue": overdue_milestones(review, config, point.at),
            }
        )
    return sorted(found, key=lambda r: r["review"])


def case_review(db: Database, config: PartnershipConfig, reference: str, point: ReadPoint) -> dict[str, Any]:
    for review in case_reviews(db, config, point):
        if review["review"] == reference.strip().upper():
            return review
    raise NotFound("review", f"unknown case review {reference!r}")


# --- Task and Finish groups ---------------------------------------------------------------------


def fold_groups(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in found:
        ref, kind, value = row["reference"], row["kind"], row["value"]
        if kind == "tfg-opened":
            groups[ref] = {
                "group": ref,
                "focus": value["focus"],
                "area": row["detail"],
                "cases": list(value["cases"]),
                "reason": value["reason"],
                "opened_at": row["at"],
                "opened_by": row["user"],
                "status": "open",
                "actions": [],
                "meetings": [],
                "completed_at": None,
                "outcome": None,
            }
            continue
        group = groups.get(ref)
        if group is None:
            continue
        if kind == "tfg-case-added":
            group["cases"].append(row["case_ref"])
        elif kind == "tfg-action-raised":
            group["actions"].append(
                {
                    "action": value["action_ref"],
                    "agency": row["detail"],
                    "text": value["action"],
                    "due": value["due"],
                    "raised_at": row["at"],
                    "status": "open",
                    "completed_at": None,
                    "result": None,
                }
            )
        elif kind == "tfg-action-completed":
            for action in group["actions"]:
                if action["action"] == row["detail"]:
                    action.update(status="completed", completed_at=row["at"], result=value["result"])
        elif kind == "tfg-met":
            group["meetings"].append({"at": row["at"], "note": value["note"]})
        elif kind == "tfg-completed":
            group.update(status="completed", completed_at=row["at"], outcome=value["outcome"])
    return groups


def task_and_finish_groups(db: Database, point: ReadPoint, open_only: bool = False) -> list[dict[str, Any]]:
    found = fold_groups(rows(db, point, "tfg-")).values()
    return sorted((g for g in found if not open_only or g["status"] == "open"), key=lambda g: g["group"])


def task_and_finish_group(db: Database, reference: str, point: ReadPoint) -> dict[str, Any]:
    for group in task_and_finish_groups(db, point):
        if group["group"] == reference.strip().upper():
            return group
    raise NotFound("group", f"unknown Task and Finish group {reference!r}")


# --- Community MARAC ------------------------------------------------------------------------------


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


# --- the briefing's case review alerts -----------------------------------------------------------


def overdue_alerts(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """Every milestone of an open case review overdue at the point, naming the person's reference and the cases."""
    alerts = []
    for review in case_reviews(db, config, point, open_only=True):
        cases = sorted(set(review["cases"]) | set(review["qualifying"]))
        for item in review["overdue"]:
            alerts.append(
                {
                    "kind": "overdue-milestone",
                    "review": review["review"],
                    "person": review["applicant"],
                    "cases": cases,
                    **item,
                    "reason": f"{item['milestone']} was due by {item['due']}",
                }
            )
    return alerts


def prompt_alerts(
    config: PartnershipConfig, reports: list[dict[str, Any]], applications: list[dict[str, Any]], at: dt.datetime
) -> list[dict[str, Any]]:
    """The second-report prompt: a victim or reporter with N or more ASB incidents in six months up to
    `at` and no case review application in that time (as applicant or on whose behalf it was made).

    `reports`: {case, incident, person_refs, asb, received_at} as at `at`; `applications`: {applicant,
    on_behalf_of, received_at}. Only person references and case references leave this function."""
    months, prompt_reports = config.case_review.application_within_months, config.case_review.prompt_reports
    since = iso(months_before(at, months))
    until = iso(at)
    applied = {
        person
        for a in applications
        if since < a["received_at"] <= until
        for person in (a["applicant"], a["on_behalf_of"])
        if person
    }
    by_person: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        if report["asb"] and since < report["received_at"] <= until:
            for person in report["people"]:
                by_person.setdefault(person, []).append(report)
    alerts = []
    for person, found in sorted(by_person.items()):
        incidents = {r["incident"] for r in found}
        if len(incidents) >= prompt_reports and person not in applied:
            alerts.append(
                {
                    "kind": "prompt",
                    "person": person,
                    "cases": sorted(r["case"] for r in found),
                    "count": len(incidents),
                    "reason": f"{len(incidents)} ASB reports by or about this person in "
                    f"{months_text(months)} and no case review application",
                    "prompt": case_review_prompt(
                        at, f"{CASE_REVIEW_PROMPT}: {prompt_reports} or more ASB reports in {months_text(months)}"
                    ),
                }
            )
    return alerts


def case_review_alerts(db: Database, config: PartnershipConfig, point: ReadPoint) -> list[dict[str, Any]]:
    """The briefing's `case_review_alerts` at the point: second-report prompts, then overdue milestones."""
    assert point.at is not None, "alerts are raised at a moment"
    since = iso(months_before(point.at, config.case_review.application_within_months))
    groups = incident_groups(db, point)
    states = case_states(
        db,
        point,
        references_where(db, point, "kind = 'report' AND at > ?", [since]),
        kinds=("correct",),
        reveal_text=False,
    )
    reports = [
        {
            "case": c.reference,
            "incident": groups.get(c.reference, c.reference),
            "people": sorted({c.reporter, c.victim} - {None}),
            "asb": config.is_asb(c.category),
            "received_at": c.received_at,
        }
        for c in states.values()
    ]
    applications = [
        {"applicant": a["applicant"], "on_behalf_of": a["on_behalf_of"], "received_at": a["received_at"]}
        for a in fold_reviews(rows(db, point, "cr-applied")).values()
    ]
    return prompt_alerts(config, reports, applications, point.at) + overdue_alerts(db, config, point)


def suggest_groups(flags: list[dict[str, Any]], open_groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each location repeat flag suggests a candidate Task and Finish group, unless an open group in
    the same area already holds one of its cases (then it names that group)."""
    for flag in flags:
        if flag["rule"] != "location":
            continue
        covering = [
            g["group"] for g in open_groups if g["area"] == flag["area"] and set(g["cases"]) & set(flag["cases"])
        ]
        flag["candidate_group"] = (
            {"covered_by": covering[0]}
            if covering
            else {"focus": flag["location"], "area": flag["area"], "cases": list(flag["cases"])}
        )
    return flags
