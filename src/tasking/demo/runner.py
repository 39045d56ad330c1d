"""The demo's runner: send the plan's steps as ordinary commands, through the real handlers.

`BatchingApp` only groups the saves. Each step goes with a request id derived from the seed and
its place in the plan (`demo/2017/123`), so an interrupted demo can be resumed: the steps already
recorded return their first results (the references later steps need), and the rest are sent.
A `Build` marker is recorded before the first step and finished after the last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tasking.commands import send
from tasking.demo.partnership import with_partnership_year
from tasking.demo.plan import plan_district
from tasking.demo.schedule import Ref
from tasking.domain.build import Build
from tasking.errors import DomainError
from tasking.domain.ids import build_id
from tasking.time.instants import utcnow

BUILD = "demo"
USER, AGENCY = "coordinator", "COUNCIL"


def demo_build(app: Any) -> Build | None:
    """The store's demo build marker, if a demo was started in it."""
    try:
        return app.repository.get(build_id(BUILD))
    except Exception:  # noqa: BLE001 - no marker (or no tables yet): no demo here
        return None


def run_demo(
    app: Any, seed: int, progress: Callable[[int, int], None] | None = None, resume: bool = False
) -> dict[str, Any]:
    """Send every step of the plan in order. With `resume`, finish a demo that was interrupted
    (its seed is the one it started with). Returns counts."""
    build = demo_build(app)
    if resume:
        if build is None:
            raise DomainError("resume", "this store holds no demo to resume; run `tasking demo` without --resume")
        if build.finished:
            raise DomainError("resume", "the demo in this store is already complete")
        seed = build.detail["seed"]
    elif build is not None:
        raise DomainError(
            "store", "this store already holds a demo; `tasking demo --resume` finishes an unfinished one"
        )
    district = with_partnership_year(plan_district(seed))  # the partnership's year (issue 26)
    total = len(district.steps)
    if build is None:
        build = Build(
            name=BUILD,
            command=f"tasking demo --seed {seed}",
            detail={"seed": seed, "commands": total},
            user=USER,
            agency=AGENCY,
            at=utcnow(),
        )
        app.save(build)
    known: dict[Ref, str] = {}
    for index, step in enumerate(district.steps):
        fields = {name: known[value] if isinstance(value, Ref) else value for name, value in step.fields.items()}
        result = send(app, step.command(**fields), log_it=False, request_id=f"demo/{seed}/{index}")
        if step.names is not None:
            known[step.names] = result[step.names.kind]
        if progress is not None and (index + 1) % 250 == 0:
            progress(index + 1, total)
    build.finish(user=USER, agency=AGENCY, at=utcnow())
    app.save(build)
    app.flush()
    if progress is not None:
        progress(total, total)
    return {"commands": total, "cases": district.cases, "people": district.people, "seed": seed}
