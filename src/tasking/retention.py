"""Retention: what is past its period at a time, and destroying it (`tasking retention run` and the
scheduler's daily job call `run`).

The rule (`[retention] years_after_closure` in the partnership configuration, 6 by default):
- a case closed at least that many years before `at`, and not under a legal hold, has its free
  text destroyed (its key);
- each of its people (reporter, victim) has their details destroyed, unless they are also on a
  case that is kept: an open case (e.g. a newer one), one closed more recently, or one held.
The figures are untouched: only keys are destroyed, and each destruction is recorded (an
`Erasure` with the rule `retention` and the reason).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog

from tasking.domain.permissions import SYSTEM
from tasking.bootstrap import Services
from tasking.commands.bus import send
from tasking.commands.privacy import ApplyRetention, is_held
from tasking.domain.ids import case_id, person_id
from tasking.queries.point import ReadPoint
from tasking.queries.state import case_states
from tasking.store.sealing import holds_plaintext
from tasking.time.instants import iso, months_before

log = structlog.get_logger("tasking.retention")


def due(services: Services, at: dt.datetime, user: str = SYSTEM) -> dict[str, Any]:
    """What retention destroys at `at`, and what it keeps and why (references and rules only), as
    `user` may see (`retention run`; the scheduler's job: `system`, a coordinator's rights)."""
    reader = services.read(user=user, action="retention run")
    point = ReadPoint(at=at, position=reader.point.position)
    years = services.app.config.retention.years_after_closure
    cutoff = iso(months_before(at, 12 * years))
    keys = services.app.keys
    cases: list[dict[str, Any]] = []
    held: list[str] = []
    kept_people: set[str] = set()
    people_of: dict[str, set[str]] = {}
    for ref, case in sorted(case_states(reader.db, point).items()):
        involved = {p for p in (case.reporter, case.victim) if p}
        past = case.status == "closed" and case.closed_at is not None and case.closed_at <= cutoff
        if past and is_held(services.app, ref):
            held.append(ref)
            past = False
        if not past:
            kept_people |= involved
            continue
        for person in involved:
            people_of.setdefault(person, set()).add(ref)
        if keys is None or not keys.is_destroyed(case_id(ref)):
            cases.append({"case": ref, "closed_at": case.closed_at})
    people = [
        {"person": p, "cases": sorted(refs)}
        for p, refs in sorted(people_of.items())
        if p not in kept_people and (keys is None or not keys.is_destroyed(person_id(p)))
    ]
    kept = sorted(p for p in people_of if p in kept_people)
    # Written before encryption: destroying a key would not erase it; `store copy` migrates it.
    unmigrated = [c["case"] for c in cases if holds_plaintext(services.app, case_id(c["case"]))]
    unmigrated += [p["person"] for p in people if holds_plaintext(services.app, person_id(p["person"]))]
    cases = [c for c in cases if c["case"] not in unmigrated]
    people = [p for p in people if p["person"] not in unmigrated]
    return {
        "at": iso(at),
        "years_after_closure": years,
        "closed_by": cutoff,
        "cases": cases,
        "people": people,
        "held": held,
        "people_kept": kept,
        "unmigrated": unmigrated,
    }


def run(services: Services, at: dt.datetime, user: str, dry_run: bool = False) -> dict[str, Any]:
    """Destroy what is due at `at` (nothing with `dry_run`); returns what was (or would be) destroyed."""
    found = due(services, at, user)
    years = found["years_after_closure"]
    if not dry_run:
        for item in found["cases"]:
            send(
                services.app,
                ApplyRetention(
                    user=user,
                    at=at,
                    subject="case",
                    reference=item["case"],
                    reason=f"closed {item['closed_at'][:10]}, {years} years before",
                ),
            )
        for item in found["people"]:
            send(
                services.app,
                ApplyRetention(
                    user=user,
                    at=at,
                    subject="person",
                    reference=item["person"],
                    reason=f"on cases closed {years} or more years before",
                ),
            )
    if not dry_run and services.app.keys is not None:
        # Every night: keys destroyed since the last rotation (here, or by `person erase`) can no
        # longer be unwrapped from the database's write-ahead log or a backup.
        services.app.keys.rotate_if_destroyed()
    log.info(
        "retention.run",
        at=found["at"],
        dry_run=dry_run,
        cases=len(found["cases"]),
        people=len(found["people"]),
        held=len(found["held"]),
        unmigrated=len(found["unmigrated"]),
    )
    return {**found, "dry_run": dry_run}
