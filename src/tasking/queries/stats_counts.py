"""The year statistics' figures as counts: the same rows as `tasking.queries.stats_lists`, counted
by SQL over one financial year's rows (by the `activity` view's `kind, at` index), not listed.

Most reports are counted straight from their report rows, grouped. The few that a read point can
change (a report corrected by the position, or joined to another by a `same-incident` link) are
folded and listed by the lists' own rules (`stats_lists.report_lists`), and their lists counted.
An activity row counts as its list would count it: an update to an anonymous reporter never does,
and a case closed twice in the year counts once. `tests/integration/test_stats_counts.py` checks
every figure of the demo against the length of its list, at several positions.
"""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from typing import Any

from sqlite_utils import Database

from tasking.config import PartnershipConfig
from tasking.queries import escalation_stats
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states, incident_groups
from tasking.queries.stats_lists import COUNTED, OWED_FEEDBACK, activity_keys, feedback_lists
from tasking.queries.stats_reports import from_resident, incidents, report_lists, year_span

_IN_YEAR = "position <= ? AND at >= ? AND at < ?"


def _special(db: Database, position: int) -> tuple[set[str], dict[str, str]]:
    """The reports a read point can change (corrected, or linked as one incident), and the groups."""
    groups = incident_groups(db, ReadPoint(at=None, position=position))
    corrected = {
        row[0]
        for row in db.execute(
            "SELECT DISTINCT reference FROM activity WHERE kind = 'correct' AND position <= ?", [position]
        ).fetchall()
    }
    return corrected | set(groups) | set(groups.values()), groups


def _reports(db: Database, config: PartnershipConfig, year: int, position: int, sizes: Counter[str]) -> dict[str, str]:
    """Count the report figures; return the year's reports that asked for feedback (reference -> feedback)."""
    start, end = year_span(year)
    special, groups = _special(db, position)
    is_asb, reports_back = functools.cache(config.is_asb), functools.cache(config.reports_back)
    skip = json.dumps(sorted(special))
    for category, area, source, channel, feedback, month, count in db.execute(
        "SELECT category, area, source, channel, feedback, substr(date, 1, 7), COUNT(*) FROM activity "
        f"WHERE kind = 'report' AND {_IN_YEAR} AND reference NOT IN (SELECT value FROM json_each(?)) "
        "GROUP BY 1, 2, 3, 4, 5, 6",
        [position, start, end, skip],
    ).fetchall():  # an uncorrected report of its own incident: it counts in each list once
        for key in ("reports", f"by_area.{area}", f"by_category.{category}", f"by_month.{month}"):
            sizes[key] += count
        sizes[f"by_source.{source}"] += count
        sizes["reports_received"] += count
        if is_asb(category):
            sizes["asb_reports"] += count
            if from_resident(reports_back, feedback, channel, source):
                sizes[f"asb_reports_from_residents.{source}"] += count
    wanted = dict(
        db.execute(
            f"SELECT reference, feedback FROM activity WHERE kind = 'report' AND {_IN_YEAR} "
            "AND feedback IN (SELECT value FROM json_each(?)) AND reference NOT IN (SELECT value FROM json_each(?))",
            [position, start, end, json.dumps(OWED_FEEDBACK), skip],
        ).fetchall()
    )
    # The special reports received in the year, and the other reports of their incidents.
    point = ReadPoint(at=None, position=position)
    mine = {
        row[0]
        for row in db.execute(
            f"SELECT reference FROM activity WHERE kind = 'report' AND {_IN_YEAR} "
            "AND reference IN (SELECT value FROM json_each(?))",
            [position, start, end, skip],
        ).fetchall()
    }
    roots = {groups.get(ref, ref) for ref in mine}
    mine |= roots | {ref for ref, root in groups.items() if root in roots}
    cases = case_states(db, point, references=mine, kinds=("correct",), reveal_text=False)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    report_lists(config, year, incidents(db, position, cases), found)
    sizes.update({key: len(items) for key, items in found.items()})
    wanted.update(
        {ref: c.feedback for ref, c in cases.items() if c.feedback in OWED_FEEDBACK and start <= c.received_at < end}
    )
    return wanted


def _activity(db: Database, year: int, position: int, sizes: Counter[str]) -> None:
    start, end = year_span(year)
    for kind, tasked, acting, follow_up, power, referral, count in db.execute(
        "SELECT kind, tasked_agency, acting_agency, follow_up_kind, power, referral, COUNT(*) FROM activity a "
        f"WHERE {_IN_YEAR} AND kind IN (SELECT value FROM json_each(?)) "
        # no one to update: an update to an anonymous reporter (refused since) never counts
        "AND NOT (kind = 'update-reporter' AND EXISTS (SELECT 1 FROM activity r WHERE r.kind = 'report' "
        "AND r.reference = a.reference AND r.feedback = 'anonymous' AND r.position <= ?)) "
        "GROUP BY 1, 2, 3, 4, 5, 6",
        [position, start, end, json.dumps(COUNTED), position],
    ).fetchall():
        for key in activity_keys(kind, acting, tasked, follow_up, None, power, referral, None)[1]:
            sizes[key] += count
    closed = db.execute(
        f"SELECT COUNT(DISTINCT reference) FROM activity WHERE kind = 'close' AND {_IN_YEAR}", [position, start, end]
    ).fetchone()[0]
    if closed:
        sizes["cases_closed"] = closed


def sizes(db: Database, config: PartnershipConfig, year: int, position: int) -> dict[str, int]:
    """The length of every figure's list (`stats_lists.contributions`), keyed alike; only lists that
    hold something are named, as only those exist there."""
    found: Counter[str] = Counter()
    wanted = _reports(db, config, year, position, found)
    _activity(db, year, position, found)
    owed, given = feedback_lists(db, year, position, wanted)
    found["feedback_owed"], found["feedback_given"] = len(owed), len(given)
    escalations = escalation_stats.contributions(db, year, position, [])
    found.update({key: len(items) for key, items in escalations.items()})
    found["community_marac.referrals"] = found["referrals.community-marac"]
    return {key: count for key, count in found.items() if count}
