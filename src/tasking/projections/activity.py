"""The `activity` view: one row per event on a case, append-only, with its position and effective time.

Every read folds these rows (`tasking.queries.state`), filtered by recorded position and by
effective time, so this view is the read side's one source of case history. Kinds use the CLI's
words; `acting_agency` is the agency whose user did it, `tasked_agency` the agency a tasking is for.
Each column means one thing; `text` is the free text the user wrote (summary, action, result,
outcome, note or reason).
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES, day_and_year
from tasking.time.instants import iso

# The CLI command that records each event: the kind's name everywhere on the read side.
KINDS: dict[type, str] = {
    Case.Reported: "report",
    Case.Linked: "link",
    Case.TaskingRaised: "task",
    Case.TaskingReassigned: "reassign",
    Case.TaskingCompleted: "complete",
    Case.FollowUpMade: "follow-up",
    Case.ReporterUpdated: "update-reporter",
    Case.PowerUsed: "power",
    Case.Referred: "refer",
    Case.RiskAssessed: "risk",
    Case.RiskReviewed: "review",
    Case.Corrected: "correct",
    Case.Closed: "close",
    Case.Reopened: "reopen",
    Case.LeadAssigned: "assign",
}

# Things done on a case that the reporter should hear about.
FEEDBACK_ACTIONS = ("follow-up", "complete", "power", "refer", "close")

COLUMNS = {
    "position": int, "reference": str, "case_id": str, "kind": str, "at": str, "user": str, "acting_agency": str,
    # report (and `risk` for a risk assessment)
    "source": str, "channel": str, "category": str, "area": str, "location": str, "occurred_at": str,
    "reporter": str, "victim": str, "feedback": str, "risk": str,
    # taskings
    "tasking": str, "tasked_agency": str, "owner": str, "due": str,
    # follow-ups, reporter updates, powers, referrals
    "follow_up_kind": str, "update_channel": str, "power": str, "referral": str,
    # links, corrections, closures
    "linked_to": str, "link_reason": str, "field": str, "value": str, "close_reason": str,
    "text": str,
    "lead": str,  # assign: the lead officer
    "date": str, "financial_year": str,  # for analysts: the local date and financial year of `at`
    # where a report happened, when known (WGS84)
    "lat": float, "lon": float,
}
_TEXT = {Case.Reported: "summary", Case.TaskingRaised: "action", Case.TaskingCompleted: "result",
         Case.FollowUpMade: "outcome", Case.ReporterUpdated: "note", Case.RiskAssessed: "reason",
         Case.RiskReviewed: "note",
         Case.Corrected: "reason", Case.Closed: "note", Case.Reopened: "reason"}


def _fields(e: Any) -> dict[str, Any]:
    kind = type(e)
    if kind is Case.Reported:
        return {"source": e.source, "channel": e.channel, "category": e.category, "area": e.area,
                "location": e.location, "occurred_at": iso(e.occurred_at), "reporter": e.reporter,
                "victim": e.victim, "feedback": e.feedback, "risk": e.risk, "lat": e.lat, "lon": e.lon}
    if kind is Case.TaskingRaised:
        return {"tasking": e.tasking, "tasked_agency": e.to_agency, "owner": e.owner, "due": e.due}
    if kind is Case.TaskingReassigned:
        return {"tasking": e.tasking, "tasked_agency": e.to_agency, "owner": e.owner}
    if kind is Case.TaskingCompleted:
        return {"tasking": e.tasking}
    if kind is Case.FollowUpMade:
        return {"follow_up_kind": e.kind}
    if kind is Case.ReporterUpdated:
        return {"update_channel": e.channel}
    if kind is Case.PowerUsed:
        return {"power": e.power}
    if kind is Case.Referred:
        return {"referral": e.target}
    if kind is Case.RiskAssessed or kind is Case.RiskReviewed:
        return {"risk": e.level}
    if kind is Case.Linked:
        return {"linked_to": e.to, "link_reason": e.reason}
    if kind is Case.Corrected:
        return {"field": e.field, "value": e.value}
    if kind is Case.Closed:
        return {"close_reason": e.reason}
    if kind is Case.LeadAssigned:
        return {"lead": e.lead}
    return {}


class ActivityProjection(Projection):
    name = "activity"
    tables = ("activity", "case_refs")
    version = 6

    def create(self, db: Database) -> None:
        db["activity"].create(COLUMNS, pk="position")
        db["activity"].create_index(["reference", "at"])
        db["activity"].create_index(["kind", "at"])
        db["activity"].create_index(["at", "position"])
        # Covers the year statistics' last action and last update per case (`position` is the rowid, in every index).
        db["activity"].create_index(["kind", "reference", "at"])
        db["case_refs"].create({"case_id": str, "reference": str}, pk="case_id")

    @handles(*KINDS)
    def _row(self, db: Database, e: Any, position: int) -> None:
        kind = type(e)
        case_id = str(e.originator_id)
        if kind is Case.Reported:
            reference = e.reference
            db.conn.execute("INSERT INTO case_refs (case_id, reference) VALUES (?, ?)", (case_id, reference))
            REFERENCES.learn(case_id, reference)
        else:
            reference = REFERENCES.of(db, case_id)
        fields = _fields(e)
        sql = self._statements.get(kind)
        if sql is None:
            sql = self._statements[kind] = self.insert_sql("activity", _COMMON + tuple(fields))
        text_attr = _TEXT.get(kind)
        at = e.at
        self.append(sql, (position, reference, case_id, KINDS[kind], iso(at), e.user, e.agency, *day_and_year(at),
                          getattr(e, text_attr, None) if text_attr else None, *fields.values()))

    _statements: dict[type, str] = {}  # per event class: its columns are the common ones and its `_fields`


# Every row's columns, then its kind's own (`_fields`); a column not named is NULL.
_COMMON = ("position", "reference", "case_id", "kind", "at", "user", "acting_agency", "date", "financial_year", "text")
