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
from tasking.domain.errors import NotFound
from tasking.domain.qualifying import months_text
from tasking.time.instants import iso, local_date, months_before
from tasking.time.meetings import add_working_days

MILESTONES = ("acknowledge", "decide", "hold", "respond")


def rows(db: Database, position: int, at: dt.datetime | None, prefix: str) -> list[dict[str, Any]]:
    """The escalation rows of one kind family (`cr-`, `tfg-`, `marac-`), in recorded order."""
    sql = ("SELECT e.*, r.reference FROM escalations e JOIN escalation_refs r ON r.aggregate_id = e.aggregate_id "
           "WHERE e.position <= ? AND e.kind LIKE ?")
    params: list[Any] = [position, prefix + "%"]
    if at is not None:
        sql += " AND e.at <= ?"
        params.append(iso(at))
    found = []
    for row in db.query(sql + " ORDER BY e.position", params):
        item = dict(row)
        item["value"] = json.loads(item["value"]) if item["value"] else {}
        found.append(item)
    return found


# --- case reviews ------------------------------------------------------------------------------

def fold_reviews(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    reviews: dict[str, dict[str, Any]] = {}
    for row in found:
        ref, kind, value = row["reference"], row["kind"], row["value"]
        if kind == "cr-applied":
            reviews[ref] = {
                "review": ref, "applicant": row["detail"], "on_behalf_of": value.get("on_behalf_of"),
                "cases": value.get("cases", []), "received_at": row["at"], "status": "open",
                "acknowledged_at": None, "assessed_at": None, "threshold_met": None, "qualifying": [],
                "excluded": [], "rules_applied": [], "decision": None, "decided_at": None, "held_at": None,
                "recommendations": [], "responded_at": None, "closed_at": None,
            }
            continue
        review = reviews.get(ref)
        if review is None:
            continue
        if kind == "cr-acknowledged":
            review["acknowledged_at"] = row["at"]
        elif kind == "cr-assessed":
            review.update(assessed_at=row["at"], threshold_met=value["threshold_met"], qualifying=value["qualifying"],
                          excluded=value["excluded"], rules_applied=value["rules_applied"])
        elif kind == "cr-decided":
            review.update(decision=row["detail"], decided_at=row["at"])
        elif kind == "cr-held":
            review["held_at"] = row["at"]
        elif kind == "cr-recommended":
            review["recommendations"].append({
                "recommendation": value["recommendation"], "agency": row["detail"], "action": value["action"],
                "due": value["due"], "case": row["case_ref"], "tasking": value["tasking"]})
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
    done = {"acknowledge": review["acknowledged_at"], "decide": review["decided_at"], "hold": review["held_at"],
            "respond": review["responded_at"]}
    today = local_date(at)
    overdue = []
    for milestone, due in milestone_deadlines(review, config).items():
        if due is None or done[milestone] is not None:
            continue
        if today > dt.date.fromisoformat(due):
            overdue.append({"milestone": milestone, "due": due, "days_overdue": (today - dt.date.fromisoformat(due)).days})
    return overdue


def case_reviews(db: Database, config: PartnershipConfig, position: int, at: dt.datetime,
                 open_only: bool = False) -> list[dict[str, Any]]:
    found = []
    for review in fold_reviews(rows(db, position, at, "cr-")).values():
        if open_only and review["status"] != "open":
            continue
        found.append({**review, "deadlines": milestone_deadlines(review, config),
                      "overdue": overdue_milestones(review, config, at)})
    return sorted(found, key=lambda r: r["review"])


def case_review(db: Database, config: PartnershipConfig, reference: str, position: int, at: dt.datetime) -> dict[str, Any]:
    for review in case_reviews(db, config, position, at):
        if review["review"] == reference.strip().upper():
            return review
    raise NotFound("review", f"unknown case review {reference!r}")


# --- Task and Finish groups ---------------------------------------------------------------------

def fold_groups(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for row in found:
        ref, kind, value = row["reference"], row["kind"], row["value"]
        if kind == "tfg-opened":
            groups[ref] = {"group": ref, "focus": value["focus"], "area": row["detail"], "cases": list(value["cases"]),
                           "reason": value["reason"], "opened_at": row["at"], "opened_by": row["user"],
                           "status": "open", "actions": [], "meetings": [], "completed_at": None, "outcome": None}
            continue
        group = groups.get(ref)
        if group is None:
            continue
        if kind == "tfg-case-added":
            group["cases"].append(row["case_ref"])
        elif kind == "tfg-action-raised":
            group["actions"].append({"action": value["action_ref"], "agency": row["detail"], "text": value["action"],
                                     "due": value["due"], "raised_at": row["at"], "status": "open",
                                     "completed_at": None, "result": None})
        elif kind == "tfg-action-completed":
            for action in group["actions"]:
                if action["action"] == row["detail"]:
                    action.update(status="completed", completed_at=row["at"], result=value["result"])
        elif kind == "tfg-met":
            group["meetings"].append({"at": row["at"], "note": value["note"]})
        elif kind == "tfg-completed":
            group.update(status="completed", completed_at=row["at"], outcome=value["outcome"])
    return groups


def task_and_finish_groups(db: Database, position: int, at: dt.datetime, open_only: bool = False) -> list[dict[str, Any]]:
    found = fold_groups(rows(db, position, at, "tfg-")).values()
    return sorted((g for g in found if not open_only or g["status"] == "open"), key=lambda g: g["group"])


def task_and_finish_group(db: Database, reference: str, position: int, at: dt.datetime) -> dict[str, Any]:
    for group in task_and_finish_groups(db, position, at):
        if group["group"] == reference.strip().upper():
            return group
    raise NotFound("group", f"unknown Task and Finish group {reference!r}")


# --- Community MARAC ------------------------------------------------------------------------------

def marac_meetings(db: Database, position: int, at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Meetings in date order, each with its discussions."""
    meetings: dict[str, dict[str, Any]] = {}
    for row in rows(db, position, None, "marac-"):
        if row["kind"] == "marac-meeting":
            meetings[row["reference"]] = {"meeting": row["reference"], "at": row["at"], "discussions": []}
        elif row["reference"] in meetings:
            meetings[row["reference"]]["discussions"].append({"case": row["case_ref"], **row["value"]})
    found = sorted(meetings.values(), key=lambda m: m["at"])
    return found if at is None else [m for m in found if m["at"] <= iso(at)]


def _risk_at(db: Database, case_id: str, at: str, position: int) -> str | None:
    row = db.execute(
        "SELECT COALESCE((SELECT r.detail FROM activity r WHERE r.case_id = ? AND r.kind IN ('risk', 'risk-review') "
        "AND r.at <= ? AND r.position <= ? ORDER BY r.at DESC, r.position DESC LIMIT 1), "
        "(SELECT risk FROM activity WHERE case_id = ? AND kind = 'report'))", [case_id, at, position, case_id],
    ).fetchone()
    return row[0] if row else None


def _open_actions(db: Database, case_id: str, at: str) -> list[dict[str, Any]]:
    return [
        {"tasking": row["tasking"], "agency": row["agency"], "action": row["action"], "due": row["due"]}
        for row in db.query(
            "SELECT tasking, agency, action, due FROM taskings WHERE case_id = ? AND raised_at <= ? "
            "AND (status = 'open' OR completed_at > ?) ORDER BY raised_at, tasking", [case_id, at, at])
    ]


def marac_agenda(db: Database, position: int, meeting_day: str | None, now: dt.datetime) -> dict[str, Any]:
    """The cases referred since the last meeting, plus the cases still under review, each with its
    risk level at the meeting and its open actions. Default: the next meeting from `now`."""
    meetings = marac_meetings(db, position)
    if not meetings:
        raise NotFound("meeting", "no Community MARAC meeting is scheduled; add one with `tasking marac meetings add`")
    if meeting_day is None:
        upcoming = [m for m in meetings if m["at"] >= iso(now)]
        chosen = upcoming[0] if upcoming else meetings[-1]
    else:
        matches = [m for m in meetings if m["meeting"] == meeting_day]
        if not matches:
            known = ", ".join(m["meeting"] for m in meetings[-6:])
            raise NotFound("meeting", f"no Community MARAC meeting on {meeting_day}; recent: {known}")
        chosen = matches[0]
    index = meetings.index(chosen)
    since = meetings[index - 1]["at"] if index else None
    at = chosen["at"]
    items: dict[str, dict[str, Any]] = {}
    for row in db.query(
        "SELECT c.reference, a.case_id, a.at FROM activity a JOIN cases c ON c.id = a.case_id "
        "WHERE a.kind = 'referral' AND a.detail = 'community-marac' AND a.position <= ? AND a.at <= ? "
        "AND a.at > ? ORDER BY a.at, c.reference", [position, at, since or ""],
    ):
        items.setdefault(row["reference"], {"case": row["reference"], "case_id": row["case_id"], "why": "referred",
                                            "referred_at": row["at"], "review_at": None})
    latest: dict[str, dict[str, Any]] = {}
    for meeting in meetings[:index]:
        for discussion in meeting["discussions"]:
            latest[discussion["case"]] = discussion
    for case, discussion in sorted(latest.items()):
        if not discussion.get("discharged") and case not in items:
            items[case] = {"case": case, "case_id": None, "why": "under review", "referred_at": None,
                           "review_at": discussion.get("review_at")}
    discussed = {d["case"]: d for d in chosen["discussions"]}
    for case in discussed:
        items.setdefault(case, {"case": case, "case_id": None, "why": "discussed", "referred_at": None, "review_at": None})
    agenda = []
    for item in items.values():
        case_id = item.pop("case_id") or db.execute(
            "SELECT id FROM cases WHERE reference = ?", [item["case"]]).fetchone()[0]
        agenda.append({**item, "risk": _risk_at(db, case_id, at, position), "open_actions": _open_actions(db, case_id, at),
                       "discussed": item["case"] in discussed,
                       "outcome": discussed.get(item["case"], {}).get("outcome")})
    return {"meeting": chosen["meeting"], "at": at, "previous": meetings[index - 1]["meeting"] if index else None,
            "position": position, "items": agenda}


# --- the briefing's case review alerts -----------------------------------------------------------

CASE_REVIEW_PROMPT = ("Tell the victim about the ASB case review: 2 or more ASB reports in six months "
                      "(statutory guidance, September 2025)")


def overdue_alerts(db: Database, config: PartnershipConfig, position: int, at: dt.datetime) -> list[dict[str, Any]]:
    """Every milestone of an open case review overdue at `at`, naming the person's reference and the cases."""
    alerts = []
    for review in case_reviews(db, config, position, at, open_only=True):
        cases = sorted(set(review["cases"]) | set(review["qualifying"]))
        for item in review["overdue"]:
            alerts.append({"kind": "overdue-milestone", "review": review["review"], "person": review["applicant"],
                           "cases": cases, **item,
                           "reason": f"{item['milestone']} was due by {item['due']}"})
    return alerts


def prompt_alerts(config: PartnershipConfig, reports: list[dict[str, Any]], applications: list[dict[str, Any]],
                  at: dt.datetime) -> list[dict[str, Any]]:
    """The second-report prompt: a victim or reporter with N or more ASB incidents in six months up to
    `at` and no case review application in that time (as applicant or on whose behalf it was made).

    `reports`: {case, incident, person_refs, asb, received_at} as at `at`; `applications`: {applicant,
    on_behalf_of, received_at}. Only person references and case references leave this function."""
    months = config.case_review.application_within_months
    since = iso(months_before(at, months))
    until = iso(at)
    applied = {person for a in applications if since < a["received_at"] <= until
               for person in (a["applicant"], a["on_behalf_of"]) if person}
    by_person: dict[str, list[dict[str, Any]]] = {}
    for report in reports:
        if report["asb"] and since < report["received_at"] <= until:
            for person in report["people"]:
                by_person.setdefault(person, []).append(report)
    alerts = []
    for person, found in sorted(by_person.items()):
        incidents = {r["incident"] for r in found}
        if len(incidents) >= config.case_review.prompt_reports and person not in applied:
            alerts.append({"kind": "prompt", "person": person, "cases": sorted(r["case"] for r in found),
                           "count": len(incidents),
                           "reason": f"{len(incidents)} ASB reports by or about this person in "
                                     f"{months_text(months)} and no case review application",
                           "prompt": CASE_REVIEW_PROMPT})
    return alerts


def case_review_alerts(db: Database, config: PartnershipConfig, position: int, at: dt.datetime) -> list[dict[str, Any]]:
    """The briefing's `case_review_alerts`: second-report prompts, then overdue milestones."""
    from tasking.queries.repeats import incident_groups

    groups = incident_groups(db)
    reports = [
        {"case": row["reference"], "incident": groups.get(row["reference"], row["reference"]),
         "people": sorted({row["reporter"], row["victim"]} - {None}), "asb": config.is_asb(row["category"]),
         "received_at": row["received_at"]}
        for row in db.query("SELECT c.reference, c.reporter, c.victim, c.category, c.received_at FROM cases c "
                            "WHERE c.received_at <= ? AND c.position <= ?", [iso(at), position])
    ]
    applications = list(fold_reviews(rows(db, position, at, "cr-")).values())
    applications = [{"applicant": a["applicant"], "on_behalf_of": a["on_behalf_of"], "received_at": a["received_at"]}
                    for a in applications]
    return prompt_alerts(config, reports, applications, at) + overdue_alerts(db, config, position, at)


def suggest_groups(flags: list[dict[str, Any]], open_groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each location repeat flag suggests a candidate Task and Finish group, unless an open group in
    the same area already holds one of its cases (then it names that group)."""
    for flag in flags:
        if flag["rule"] != "location":
            continue
        covering = [g["group"] for g in open_groups if g["area"] == flag["area"] and set(g["cases"]) & set(flag["cases"])]
        flag["candidate_group"] = (
            {"covered_by": covering[0]} if covering
            else {"focus": flag["location"], "area": flag["area"], "cases": list(flag["cases"])}
        )
    return flags
