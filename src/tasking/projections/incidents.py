"""The `incident_versions` view: which incident each linked case belongs to, kept bitemporally.

Reports joined by `same-incident` links, transitively, are one incident, and the incident is named
by the lowest reference among them (`tasking.queries.state.incident_groups`). A link counts from
its effective time on, as soon as it is recorded; links are never removed. `case_links` keeps every
link (same incident or same problem) as the fact it is, by both cases' references.

A row says that `reference` belongs to `incident` over the effective interval `[at_from, at_to)`
as the log knew it over the recorded interval `[position_from, position_to)` (open ends as in
`tasking.projections.state`). Only cases standing for another are kept: a case with no row at a
point stands for itself. A link recorded at position p recomputes its group's membership over
effective time from the group's same-incident links (`case_links`); each member whose rows change has its
current rows closed at p and the new ones opened at p, so a read at an earlier position keeps
its bytes.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from tasking.domain.case import Case
from tasking.projections.base import Projection, handles
from tasking.projections.memo import REFERENCES
from tasking.projections.spans import create_spans, drop_spans
from tasking.projections.state import AT_END, POSITION_END
from tasking.time.instants import iso

_VERSION_COLUMNS = ("reference", "incident", "at_from", "at_to", "position_from", "position_to")
Interval = tuple[str, str, str]  # at_from, at_to, incident


def component(db: Database, start: str) -> list[tuple[str, str, str]]:
    """Every recorded same-incident link reachable from `start`, as (left, right, at)."""
    seen, todo, links = {start}, [start], set()
    while todo:
        ref = todo.pop()
        for left, right, at in db.conn.execute(
            "SELECT left_ref, right_ref, at FROM case_links WHERE left_ref = ? AND reason = 'same-incident' "
            "UNION ALL SELECT left_ref, right_ref, at FROM case_links WHERE right_ref = ? AND reason = 'same-incident'",
            (ref, ref),
        ):
            links.add((left, right, at))
            for other in (left, right):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return sorted(links, key=lambda link: link[2])


def joined(links: list[tuple[str, str, str]], at: str) -> dict[str, str]:
    """The links effective by `at`, joined: each case not the lowest of its group, to the lowest."""
    parent: dict[str, str] = {}

    def find(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    for left, right, when in links:
        if when <= at:
            a, b = find(left), find(right)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {ref: find(ref) for ref in parent}


def memberships(links: list[tuple[str, str, str]]) -> dict[str, list[Interval]]:
    """Each case's incident over effective time, from its group's links: only the intervals in
    which it stands for another case, consecutive equal intervals merged."""
    times = sorted({at for _, _, at in links})
    found: dict[str, list[Interval]] = {}
    for index, at in enumerate(times):
        until = times[index + 1] if index + 1 < len(times) else AT_END
        for ref, incident in joined(links, at).items():
            spans = found.setdefault(ref, [])
            if spans and spans[-1][1] == at and spans[-1][2] == incident:
                spans[-1] = (spans[-1][0], until, incident)
            else:
                spans.append((at, until, incident))
    return found


class IncidentsProjection(Projection):
    name = "incidents"
    tables = ("case_links", "incident_versions")
    version = 2  # 2: the R*Trees of the rows closed on either axis (`tasking.projections.spans`)
    lookup_indexes = (
        "idx_case_links_left_ref",
        "idx_case_links_right_ref",
        "idx_incident_versions_reference_position_to",
    )

    def create(self, db: Database) -> None:
        db.table("case_links").create({"left_ref": str, "right_ref": str, "reason": str, "at": str, "position": int})
        db.table("case_links").create_index(["left_ref"])
        db.table("case_links").create_index(["right_ref"])
        db.table("incident_versions").create(
            dict.fromkeys(_VERSION_COLUMNS, str) | {"position_from": int, "position_to": int}
        )
        db.table("incident_versions").create_index(["reference", "position_to"])
        # The reads: the rows holding a point, by recorded then effective time.
        db.table("incident_versions").create_index(["position_to", "at_to", "at_from"])
        create_spans(db, "incident_versions")

    def drop(self, db: Database) -> None:
        super().drop(db)
        drop_spans(db, "incident_versions")

    @handles(Case.Linked)
    def _linked(self, db: Database, e: Any, position: int) -> None:
        reference = REFERENCES.of(db, str(e.originator_id))
        db.conn.execute(
            "INSERT INTO case_links (left_ref, right_ref, reason, at, position) VALUES (?, ?, ?, ?, ?)",
            (reference, e.to, e.reason, iso(e.at), position),
        )
        if e.reason != "same-incident":
            return
        links = component(db, reference)
        members = {ref for left, right, _ in links for ref in (left, right)}
        wanted = memberships(links)
        for ref in sorted(members):
            current = db.conn.execute(
                "SELECT rowid, at_from, at_to, incident FROM incident_versions WHERE reference = ? AND position_to = ?",
                (ref, POSITION_END),
            ).fetchall()
            if sorted((a, b, i) for _, a, b, i in current) == wanted.get(ref, []):
                continue
            for rowid, *_ in current:
                db.conn.execute("UPDATE incident_versions SET position_to = ? WHERE rowid = ?", (position, rowid))
            for at_from, at_to, incident in wanted.get(ref, []):
                db.conn.execute(
                    self.insert_sql("incident_versions", _VERSION_COLUMNS),
                    (ref, incident, at_from, at_to, position, POSITION_END),
                )
