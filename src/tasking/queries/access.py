"""The read side of the permission rules: whose case it is, what a reader may see, and the access log.

- A case is the reader's agency's own when it received it (its source) or a tasking on it is for
  that agency; it *involves* the agency also when the agency was ever tasked or did case work on
  it (`ACTS`).
- A restricted case (a restricted category, a `channel-panel` or `da-marac` referral, or a
  category marked `restricted = true` in the configuration) is shown in full only to
  coordinators and to officers of an agency involved; everyone else, and every pack (shared with
  every partner at the meeting), gets its outline: reference, area, received date, `restricted`.
- Every read of a case's details is recorded as a `CaseAccess` event, written after the read (so a
  read at a fixed `--position` answers with the same bytes) and never on the case.
"""

from __future__ import annotations

import dataclasses
import json
from operator import itemgetter
from typing import Any

from tasking.domain.access import CaseAccess
from tasking.domain.permissions import RESTRICTED_REFERRALS, Restriction
from tasking.queries.point import Reader
from tasking.queries.intervals import held
from tasking.queries.state import CaseState, versioned_states
from tasking.time.instants import iso, utcnow


# The case work an agency does on a case (what a tasked or receiving agency records): doing one
# makes the agency involved. The coordinator's own steps (recording the report, tasking, risk,
# links, corrections, closure) do not make the coordinator's agency involved in every case.
ACTS = ("follow-up", "update-reporter", "power", "refer", "complete")


def is_own(case: CaseState, agency: str | None) -> bool:
    """Received by the agency (its source) or tasked to it now: the officer's `own` scope."""
    return agency is not None and (
        agency == case.source or any(t.tasked_agency == agency for t in case.taskings.values())
    )


def involves(case: CaseState, agency: str | None) -> bool:
    """Received by the agency, ever tasked to it, or the agency acted on it (`ACTS`)."""
    if agency is None:
        return False
    return is_own(case, agency) or any(
        row["tasked_agency"] == agency or (row["kind"] in ACTS and row["acting_agency"] == agency) for row in case.rows
    )


def is_restricted(config: Any, case: CaseState) -> bool:
    """One case on its own; a read screening a list asks `reader.restriction` (worked out once)."""
    return Restriction.of(config)(case)


def hidden_cases(reader: Reader, point: Any, refs: set[str]) -> dict[str, CaseState]:
    """Of these cases, those the reader may not see in full at the point, with their states."""
    return {ref: state for ref, state in restricted_cases(reader, point, refs).items() if not in_full(reader, state)}


def restricted_cases(
    reader: Reader, point: Any, refs: set[str], states: dict[str, CaseState] | None = None
) -> dict[str, CaseState]:
    """Of these cases, those restricted at the point, with their states and their facts.

    The states are the `case_versions` rows holding the point; only the cases that could be
    restricted (a restricted category then, or a restricted referral within the point) have their
    `activity` rows read, by reference, for `is_restricted` and `involves` to decide. A caller
    that holds the states at the point already passes them in (`states`)."""
    if not refs:
        return {}
    db = reader.db
    where, params = point.sql()
    restricted = reader.restriction.categories
    if states is None:
        # The category is a column of the rows holding the point: only the few cases in a
        # restricted category (or with a restricted referral) have their states built.
        held_where, held_params = held(point, by="category")
        wanted = json.dumps(sorted(refs))
        maybe = refs.intersection(
            row[0]
            for row in db.conn.execute(
                f"SELECT reference FROM case_versions WHERE category IN (SELECT value FROM json_each(?)) AND {held_where}",
                [json.dumps(sorted(restricted)), *held_params],
            )
        )
    else:
        wanted = json.dumps(sorted(states))
        maybe = {ref for ref, state in states.items() if state.category in restricted}
    maybe.update(
        row[0]
        for row in db.conn.execute(
            f"SELECT DISTINCT reference FROM activity WHERE {where} AND kind = 'refer' AND "
            "reference IN (SELECT value FROM json_each(?)) AND referral IN (SELECT value FROM json_each(?))",
            [*params, wanted, json.dumps(sorted(RESTRICTED_REFERRALS))],
        )
    )
    if not maybe:
        return {}
    if states is None:
        states = versioned_states(db, point, maybe, reveal_text=False)
    cursor = db.conn.execute(
        f"SELECT * FROM activity WHERE {where} AND reference IN (SELECT value FROM json_each(?))",
        [*params, json.dumps(sorted(maybe))],
    )
    names = [column[0] for column in cursor.description]
    facts: dict[str, list[dict[str, Any]]] = {}
    for row in sorted((dict(zip(names, values, strict=True)) for values in cursor), key=itemgetter("position")):
        facts.setdefault(row["reference"], []).append(row)
    found = {
        ref: dataclasses.replace(states[ref], rows=tuple(facts.get(ref, ()))) for ref in sorted(maybe) if ref in states
    }
    return {ref: state for ref, state in found.items() if reader.restriction(state)}


def in_full(reader: Reader, case: CaseState) -> bool:
    """May this reader see the case in full? Unrestricted cases: yes; restricted: coordinators and
    involved agencies, never in a shared read (a pack)."""
    if not reader.restriction(case):
        return True
    if reader.shared:
        return False
    actor = reader.actor  # analysts and admins do no case work: outlines only
    return (
        actor is not None
        and actor.active
        and (actor.is_coordinator or (actor.role == "officer" and involves(case, actor.agency)))
    )


# The keys by which a list's item names a case (a duplicate pair names two).
CASE_KEYS = ("case", "other")


def screen(reader: Reader, point: Any, found: dict[str, Any], sections: tuple[str, ...]) -> dict[str, CaseState]:
    """The one rule for lists: in each of these lists of `found`, every item about a case the reader
    may not see in full at the point (in a shared read, every restricted case) becomes the case's
    outline, in place. Returns the hidden cases."""
    refs = {
        item[key]
        for name in sections
        for item in found[name]
        for key in CASE_KEYS
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }
    hidden = hidden_cases(reader, point, refs)
    for name in sections if hidden else ():
        found[name] = [
            next(
                (outline(hidden[item[key]]) for key in CASE_KEYS if isinstance(item, dict) and item.get(key) in hidden),
                item,
            )
            for item in found[name]
        ]
    return hidden


def shown_in_full(found: dict[str, Any], sections: tuple[str, ...]) -> list[str]:
    """The cases these lists of `found` show in full (after `screen`)."""
    return sorted({item["case"] for name in sections for item in found[name] if not item.get("restricted")})


def screen_and_record(
    reader: Reader, point: Any, found: dict[str, Any], sections: tuple[str, ...], action: str, what: str
) -> dict[str, Any]:
    """`screen` a read's lists of case details, then record the cases shown in full in the access log."""
    screen(reader, point, found, sections)
    record_read(reader, action, shown_in_full(found, sections), what)
    return found


def outline(case: CaseState) -> dict[str, Any]:
    """What everyone may see of a restricted case."""
    return {"case": case.reference, "area": case.area, "received_at": case.received_at, "restricted": True}


def no_free_text(reader: Reader) -> bool:
    """Analysts and admins get lists without personal details or free text."""
    return reader.actor is not None and reader.actor.role in ("analyst", "admin")


def redact_explained(reader: Reader, result: dict[str, Any]) -> dict[str, Any]:
    """`stats --explain`: an item on a restricted case the reader may not see in full keeps what
    the figure counts (case, event, position, when) and says `restricted`, without who or what."""
    refs = {item["case"] for item in result["items"] if item.get("case")}
    hidden = hidden_cases(reader, reader.point, refs)
    result["items"] = [
        {**item, "user": None, "agency": None, "detail": None, "restricted": True}
        if item.get("case") in hidden
        else item
        for item in result["items"]
    ]
    return result


def check_case(reader: Reader, action: str, case: CaseState) -> None:
    """The reader's scope for `action` on this case (`own`: it must be their agency's case)."""
    reader.app.authorize(reader.actor, action, case.reference, own=is_own(case, reader.actor.agency))


def record_read(reader: Reader, action: str, cases: list[str], what: str) -> None:
    """One access-log event for one read of case details; nothing when no case was shown."""
    if not cases or reader.actor is None:
        return
    record_access(reader.app, reader.actor, action, sorted(set(cases)), what)


def record_access(app: Any, actor: Any, action: str, cases: list[str], what: str) -> None:
    """One access-log event: who (and their agency) read what, about which cases (maybe none), now."""
    app.log_access(
        CaseAccess(action=action, cases=cases, what=what, user=actor.login, agency=actor.agency, at=utcnow())
    )


def access_log(reader: Reader, case: str | None = None, user: str | None = None) -> dict[str, Any]:
    """The access log's entries recorded by the point (and made by `at`), oldest first; for the
    roles that may (`access-log`)."""
    reader.app.authorize(reader.actor, "access-log")
    sql = "SELECT position, at, user, agency, role, action, what, cases, refused FROM access_log WHERE position <= ?"
    params: list[Any] = [reader.point.position]
    if reader.point.at is not None:
        sql += " AND at <= ?"
        params.append(iso(reader.point.at))
    if user:
        sql += " AND user = ?"
        params.append(user)
    if case:
        sql += " AND EXISTS (SELECT 1 FROM json_each(cases) WHERE value = ?)"
        params.append(case.strip().upper())
    entries = [
        {**dict(row), "cases": json.loads(row["cases"])} for row in reader.db.query(sql + " ORDER BY position", params)
    ]
    return {
        "at": iso(reader.point.at),
        "position": reader.point.position,
        "case": case,
        "user": user,
        "entries": entries,
    }
