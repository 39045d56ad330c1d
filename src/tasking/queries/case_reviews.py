"""Case review applications (formerly the Community Trigger) as they stood at a read point.

Each review is a fold of its `escalations` rows (`tasking.queries.escalations.rows`). The milestone
rule ("overdue at T") is one function, `overdue_milestones`, which the briefing's alerts and
`case-review list` share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.errors import NotFound
from tasking.queries.point import ReadPoint
from tasking.time.instants import local_date
from tasking.time.meetings import add_working_days
from tasking.queries.escalations import rows

MILESTONES = ("acknowledge", "decide", "hold", "respond")


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
