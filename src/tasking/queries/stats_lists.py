"""The year statistics' lists: every figure's contributing events, as `explain` shows them.

Each event counts by its effective time (received for reports, raised for taskings, `--at` for the
rest) within the financial year, 1 April to 31 March in Europe/London. Only events recorded up to
the chosen position count, and a case's area, category and source are taken as corrected up to
that position (the reports' lists: `tasking.queries.stats_reports`). A figure is the length of its
list: `tasking.queries.stats_counts` counts the same rows by SQL, and a test checks every figure
of the demo against its list.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.projections.activity import FEEDBACK_ACTIONS
from tasking.queries import escalation_stats
from tasking.queries.state import CaseState
from tasking.queries.stats_reports import report_lists, reported, year_span

# The kinds of activity row that the figures count (besides reports): no other kind adds to a list.
COUNTED = ("task", "follow-up", "update-reporter", "power", "refer", "close")
# A reporter who asked for feedback: a resident told of progress, or a partner reported back to.
OWED_FEEDBACK = ("resident", "report-back")


def activity_keys(
    kind: str,
    acting_agency: str,
    tasked_agency: str | None,
    follow_up_kind: str | None,
    update_channel: str | None,
    power: str | None,
    referral: str | None,
    close_reason: str | None,
) -> tuple[str | None, tuple[str, ...]]:
    """A counted activity row's detail, and the lists it counts in (`COUNTED` kinds; a closure counts
    in `cases_closed` too, once per case)."""
    if kind == "task":
        return tasked_agency, ("taskings", f"taskings_by_agency.{tasked_agency}")
    if kind == "follow-up":
        keys: tuple[str, ...] = (f"follow_ups_by_kind.{follow_up_kind}",)
        if follow_up_kind in ("visit", "call"):
            keys += ("follow_ups", f"follow_ups_by_agency.{acting_agency}")
        return follow_up_kind, keys
    if kind == "update-reporter":
        return update_channel, ("reporter_updates",)
    if kind == "power":
        return power, ("powers_used", f"powers.{power}")
    if kind == "refer":
        return referral, ("referrals_made", f"referrals.{referral}")
    return close_reason, ("closures",)


def contributions(
    db: Database,
    config: PartnershipConfig,
    year: int,
    position: int,
    cases: dict[str, CaseState],
    incidents: list[list[CaseState]],
) -> dict[str, list[dict[str, Any]]]:
    """Every figure's list of contributing events (what `explain` shows)."""
    start, end = year_span(year)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    report_lists(config, year, incidents, found)
    rows = db.execute(
        "SELECT position, reference, kind, at, user, acting_agency, tasked_agency, follow_up_kind, update_channel, "
        "power, referral, close_reason FROM activity "
        f"WHERE position <= ? AND at >= ? AND at < ? AND kind IN ({', '.join(repr(k) for k in COUNTED)})",
        [position, start, end],
    ).fetchall()
    rows.sort()  # by position (the first column, unique): cheaper here than SQLite's temporary B-tree
    known = reported(db, position, {row[1] for row in rows} - cases.keys())
    anonymous = reported(
        db, position, {row[1] for row in rows if row[2] == "update-reporter"}, "AND feedback = 'anonymous'"
    )
    for (
        at_position,
        reference,
        kind,
        at,
        user,
        acting_agency,
        tasked_agency,
        follow_up_kind,
        update_channel,
        power,
        referral,
        close_reason,
    ) in rows:
        if reference not in cases and reference not in known:
            continue
        item = {
            "case": reference,
            "kind": kind,
            "position": at_position,
            "at": at,
            "user": user,
            "agency": acting_agency,
            "detail": None,
        }
        if kind == "update-reporter" and reference in anonymous:
            continue  # no one to update: such an update (refused since) never counts
        item["detail"], keys = activity_keys(
            kind, acting_agency, tasked_agency, follow_up_kind, update_channel, power, referral, close_reason
        )
        for key in keys:
            found[key].append(item)
    seen: set[str] = set()
    for item in found.get("closures", []):
        if item["case"] not in seen:
            seen.add(item["case"])
            found["cases_closed"].append(item)
    owed, given = feedback_lists(
        db,
        year,
        position,
        {ref: c.feedback for ref, c in cases.items() if c.feedback in OWED_FEEDBACK and start <= c.received_at < end},
    )
    if owed:  # a figure's list exists only once something counts in it
        found["feedback_owed"] = owed
    if given:
        found["feedback_given"] = given
    found.update(escalation_stats.contributions(db, year, position, found.get("referrals.community-marac", [])))
    return found


def feedback_lists(
    db: Database, year: int, position: int, wanted: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Of the cases reported this year that asked for feedback (`wanted`: reference -> feedback), those
    owed it by year end (something was done on them) and those that were given it after the last action."""
    end = year_span(year)[1]
    owed: list[dict[str, Any]] = []
    given: list[dict[str, Any]] = []
    for ref, last_update, last_action in sorted(
        db.execute(
            "SELECT reference, MAX(CASE WHEN kind = 'update-reporter' THEN at END), "
            "MAX(CASE WHEN kind != 'update-reporter' THEN at END) FROM activity WHERE position <= ? AND at < ? AND kind IN "
            f"('update-reporter', {', '.join(repr(k) for k in FEEDBACK_ACTIONS)}) "
            # only the references that can be wanted: a range of the index, whatever the history's length
            "AND reference BETWEEN ? AND ? GROUP BY reference",
            [position, end, min(wanted, default=""), max(wanted, default="")],
        ).fetchall()
    ):
        if last_action is None or ref not in wanted:
            continue
        item = {
            "case": ref,
            "kind": "feedback",
            "detail": wanted[ref],
            "last_action": last_action,
            "last_update": last_update,
        }
        owed.append(item)
        if (last_update or "") >= last_action:
            given.append(item)
    return owed, given
