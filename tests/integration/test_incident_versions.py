"""Incidents kept bitemporally: the `incident_versions` rows holding a point give the same groups as
joining the `same-incident` links recorded by its position and effective by its `at`, at every point,
with links recorded out of effective order (back-dated)."""

from __future__ import annotations


from tasking.commands import LinkCases
from tasking.queries.point import ReadPoint
from tasking.queries.state import incident_groups
from tests.conftest import Desk, at


def joined(db, point: ReadPoint) -> dict[str, str]:
    """The groups from the link facts themselves: each case not the lowest of its group maps to it."""
    where, params = point.sql()
    parent: dict[str, str] = {}

    def find(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    for left, right in db.execute(
        f"SELECT reference, linked_to FROM activity WHERE {where} AND kind = 'link' AND link_reason = 'same-incident'",
        params,
    ).fetchall():
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {ref: find(ref) for ref in parent}


def test_incident_rows_agree_with_the_links_at_every_point(desk: Desk) -> None:
    cases = [desk.report(f"2018-03-01T0{n + 1}:00", anonymous=True) for n in range(6)]
    links = [  # (effective time, case, to, reason), in recorded order: some back-dated
        ("2018-03-04T12:00", cases[4], cases[3], "same-incident"),
        ("2018-03-02T12:00", cases[1], cases[0], "same-incident"),
        ("2018-03-05T12:00", cases[3], cases[1], "same-incident"),  # joins the two groups
        ("2018-03-03T12:00", cases[2], cases[4], "same-incident"),  # back-dated into the joined group
        ("2018-03-06T12:00", cases[5], cases[2], "same-problem"),  # a repeat, not one incident
    ]
    positions = [desk.read().point.position]
    for when, case, to, reason in links:
        desk.send(LinkCases, when=when, case=case, to=to, reason=reason)
        positions.append(desk.read().point.position)
    db = desk.db
    times = [None, *(at(f"2018-03-0{d}T{h}:00") for d in range(1, 8) for h in ("11", "13"))]
    for position in positions:
        for when in times:
            point = ReadPoint(at=when, position=position)
            assert incident_groups(db, point) == joined(db, point), (position, when)
    final = ReadPoint(at=None, position=positions[-1])
    assert incident_groups(db, final) == dict.fromkeys(cases[1:5], cases[0])
    # An earlier position keeps its answer once later (back-dated) links are recorded.
    before = ReadPoint(at=at("2018-03-04T13:00"), position=positions[2])
    assert incident_groups(db, before) == {cases[1]: cases[0], cases[4]: cases[3]}
    # The join of the two groups superseded rows rather than rewriting them: closed at its position.
    closed = db.execute(
        "SELECT reference, incident, position_from, position_to FROM incident_versions WHERE position_to < ?",
        [2**62],
    ).fetchall()
    assert any(
        (ref, incident) == (cases[4], cases[3]) and since <= positions[1] < until <= positions[3]
        for ref, incident, since, until in closed
    ), closed
