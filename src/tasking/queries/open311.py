"""What Open311 GeoReport v2 shows of the reports that came in through it (issue 23).

Anyone may read a request's status, its shared note (`status_notes`, only the `--public-note`
text), its service and its times. The integration that made a request also gets its description,
address and point. A case that is restricted now is never listed. Updates are for the integration
that made the requests: each reporter update, closure and reopening, with the shared note only.
"""

from __future__ import annotations

import json
from typing import Any

from tasking.queries.point import Reader
from tasking.queries.state import case_states, revealer


def _between(column: str, start: str | None, end: str | None) -> tuple[list[str], list[Any]]:
    """GeoReport's `start_date`/`end_date` on a column of UTC instants."""
    where, params = ["1"], []
    for bound, operator in ((start, ">="), (end, "<=")):
        if bound:
            where.append(f"{column} {operator} ?")
            params.append(bound)
    return where, params


def _agency_responsible(reader: Reader, state: Any) -> str:
    tasked = sorted({t.tasked_agency for t in state.taskings.values() if t.status == "open"}) or [state.source]
    return ", ".join(reader.config.agencies[code].name if code in reader.config.agencies else code for code in tasked)


def requests(
    reader: Reader,
    integration: str | None,
    ids: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    statuses: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Requests as GeoReport shows them; `integration` (its login) adds details to its own requests."""
    where, params = _between("requested_at", start, end)
    if ids:
        where.append("[case] IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([i.strip().upper() for i in ids]))
    rows = reader.db.execute(
        f"SELECT * FROM open311_requests WHERE {' AND '.join(where)} ORDER BY position", params
    ).fetchall()
    columns = [d[0] for d in reader.db.execute("SELECT * FROM open311_requests LIMIT 0").description]
    found = [dict(zip(columns, row, strict=True)) for row in rows]
    states = case_states(reader.db, reader.point, [row["case"] for row in found])
    reveal = revealer(reader.db)
    answers = []
    for row in found:
        state = states.get(row["case"])
        if state is None or reader.restriction(state):
            continue
        if service_codes and state.category not in service_codes:
            continue
        if statuses and row["status"] not in statuses:
            continue
        category = reader.config.categories.get(state.category)
        answer = {
            "service_request_id": row["case"],
            "status": row["status"],
            "status_notes": reveal(row["note"]) if row["note"] else "",
            "service_name": category.name if category else state.category,
            "service_code": state.category,
            "requested_datetime": row["requested_at"],
            "updated_datetime": row["updated_at"],
            "agency_responsible": _agency_responsible(reader, state),
        }
        if integration is not None and row["user"] == integration:
            answer.update(description=reveal(state.summary), address=state.location, lat=state.lat, long=state.lon)
        answers.append(answer)
    return answers


def updates(reader: Reader, integration: str, start: str | None, end: str | None) -> list[dict[str, Any]]:
    """FixMyStreet's `servicerequestupdates`: the integration's requests' updates, with the shared note only."""
    where, params = _between("u.at", start, end)
    where.append("r.user = ?")
    params.append(integration)
    rows = reader.db.execute(
        "SELECT u.position, u.[case], u.status, u.at, u.note FROM open311_updates u JOIN open311_requests r "
        f"ON r.[case] = u.[case] WHERE {' AND '.join(where)} AND u.position <= ? ORDER BY u.position",
        [*params, reader.point.position],
    ).fetchall()
    states = case_states(reader.db, reader.point, {row[1] for row in rows}, reveal_text=False)
    reveal = revealer(reader.db)
    return [
        {
            "update_id": str(position),
            "service_request_id": case,
            "status": status,
            "updated_datetime": at,
            "description": reveal(note) if note else "",
            "media_url": "",
        }
        for position, case, status, at, note in rows
        if case in states and not reader.restriction(states[case])
    ]
