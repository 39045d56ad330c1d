"""A separate writer process for the concurrency tests: sends real commands through the bus."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import RecordFollowUp, RecordReport, send
from tasking.logs import configure_logging
from tasking.time.instants import parse_datetime


def main(store: str, mode: str, case: str, count: int, barrier: str, name: str) -> None:
    configure_logging()
    services = bootstrap(Settings(store=store))
    folder = Path(barrier)
    (folder / f"ready-{name}").touch()
    while not (folder / "go").exists():  # start together, to collide: the test releases every worker at once
        time.sleep(0.001)
    made = []
    first = time.time()
    for n in range(count):
        at = parse_datetime(f"2018-03-06T{10 + n // 60:02d}:{n % 60:02d}", "at")
        if mode == "follow-up":
            send(services.app, RecordFollowUp(user="sgt.jones", at=at, case=case, kind="call", outcome=f"call {n}"))
        else:
            made.append(
                send(
                    services.app,
                    RecordReport(
                        user="coordinator",
                        at=at,
                        source="POLICE",
                        category="noise",
                        area="Swanley",
                        location="High St",
                        occurred_at=at,
                        anonymous=True,
                        summary=f"report {n}",
                    ),
                )["case"]
            )
    print(json.dumps({"made": made, "first": first, "last": time.time()}))
    services.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
