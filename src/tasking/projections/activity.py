"""The `activity` view: one row per event on a case, append-only, with its position and effective time.

Every read folds these rows (`tasking.queries.state`), filtered by recorded position and by
effective time, so this view is the read side's one source of case history. Kinds use the CLI's
words; `acting_agency` is the agency whose user did it, `tasked_agency` the agency a tasking is for.
Each column means one thing; `text` is the free text the user wrote (summary, action, result,
outcome, note or reason).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.domain.case_state import FEEDBACK_ACTIONS, INSTANTS, KIND_OF, OWN, TEXT
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES, day_and_year
from tasking.time.instants import iso

__all__ = ["COLUMNS", "FEEDBACK_ACTIONS", "KINDS", "ActivityProjection"]

# The CLI command that records each event: the kind's name everywhere on the read side (the
# domain's words, `tasking.domain.case_state`, which folds these rows).
KINDS: dict[type, str] = {getattr(Case, name): word for name, word in KIND_OF.items()}


COLUMNS = {
    "position": int,
    "reference": str,
    "case_id": str,
    "kind": str,
    "at": str,
    "user": str,
    "acting_agency": str,
    # report (and `risk` for a risk assessment)
    "source": str,
    "channel": str,
    "category": str,
    "area": str,
    "location": str,
    "occurred_at": str,
    "reporter": str,
    "victim": str,
    "feedback": str,
    "risk": str,
    # taskings
    "tasking": str,
    "tasked_agency": str,
    "owner": str,
    "due": str,
    # follow-ups, reporter updates, powers, referrals
    "follow_up_kind": str,
    "update_channel": str,
    "power": str,
    "referral": str,
    # links, corrections, closures
    "linked_to": str,
    "link_reason": str,
    "field": str,
    "value": str,
    "close_reason": str,
    "text": str,
    "lead": str,  # assign: the lead officer
    "date": str,
    "financial_year": str,  # for analysts: the local date and financial year of `at`
    # where a report happened, when known (WGS84)
    "lat": float,
    "lon": float,
}
_TEXT = {getattr(Case, name): attr for name, attr in TEXT.items()}
# Each kind's own columns (after the common ones) and the attribute each is read from. An
# instant's column holds its canonical UTC form (`iso`): `_ISO` names those.
_OWN: dict[type, tuple[tuple[str, str], ...]] = {getattr(Case, name): own for name, own in OWN.items()}
_ISO = INSTANTS


def _fields(e: Any) -> dict[str, Any]:
    """An event's own columns and their values."""
    return {
        column: iso(getattr(e, attr)) if column in _ISO else getattr(e, attr) for column, attr in _OWN.get(type(e), ())
    }


class ActivityProjection(Projection):
    name = "activity"
    tables = ("activity", "case_refs")
    version = 6

    def create(self, db: Database) -> None:
        db.table("activity").create(COLUMNS, pk="position")
        db.table("activity").create_index(["reference", "at"])
        db.table("activity").create_index(["kind", "at"])
        db.table("activity").create_index(["at", "position"])
        # Covers the year statistics' last action and last update per case (`position` is the rowid, in every index).
        db.table("activity").create_index(["kind", "reference", "at"])
        db.table("case_refs").create({"case_id": str, "reference": str}, pk="case_id")

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
        plan = _PLANS.get(kind)
        if plan is None:
            plan = _PLANS[kind] = _plan(kind)
        sql, word, text_attr, own, converted = plan
        at = e.at
        values = (
            position,
            reference,
            case_id,
            word,
            iso(at),
            e.user,
            e.agency,
            *day_and_year(at),
            getattr(e, text_attr, None) if text_attr else None,
            *own(e),
        )
        if converted:
            values += tuple(iso(getattr(e, attr)) for attr in converted)
        self.append(sql, values)


# Every row's columns, then its kind's own (`_OWN`); a column not named is NULL.
_COMMON = ("position", "reference", "case_id", "kind", "at", "user", "acting_agency", "date", "financial_year", "text")
_Plan = tuple[str, str, "str | None", Callable[[Any], tuple[Any, ...]], tuple[str, ...]]
_PLANS: dict[type, _Plan] = {}


def _plan(kind: type) -> _Plan:
    """One kind's statement, its word, its text attribute, a getter of its own plain values (in one
    C call) and the attributes of its instants, which follow them."""
    plain = [(column, attr) for column, attr in _OWN.get(kind, ()) if column not in _ISO]
    instants = [(column, attr) for column, attr in _OWN.get(kind, ()) if column in _ISO]
    columns = _COMMON + tuple(column for column, _ in plain + instants)
    getter = attrgetter(*(attr for _, attr in plain)) if plain else (lambda e: ())
    own = getter if len(plain) != 1 else (lambda e: (getter(e),))
    return (
        Projection.insert_sql("activity", columns),
        KINDS[kind],
        _TEXT.get(kind),
        own,
        tuple(attr for _, attr in instants),
    )
