"""Separate writer processes for the concurrency tests: each sends real commands through the bus.

`python -m tests.e2e.worker STORE CASE COUNT BARRIER MODE...` imports the package once, then forks
one real process per MODE (`follow-up` or `new-case`): each opens its own store connection after the
fork and writes its result to `BARRIER/result-N.json`. One import instead of one per writer: on two
cores, sixteen interpreters each importing the package cost more than the writes under test."""

from __future__ import annotations

import json
import os
import sys
import traceback
import time
from pathlib import Path

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import RecordFollowUp, RecordReport, send
from tasking.logs import configure_logging
from tasking.time.instants import parse_datetime


def main(store: str, mode: str, case: str, count: int, barrier: str, name: str) -> None:
    """One writer, in this process."""
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
    (folder / f"result-{name}.json").write_text(json.dumps({"made": made, "first": first, "last": time.time()}))
    services.close()


def fork_writers(store: str, case: str, count: int, barrier: str, modes: list[str]) -> int:
    """One forked process per mode, each a writer (`main`); 0 when every one exited 0."""
    children = []
    for n, mode in enumerate(modes):
        pid = os.fork()
        if pid == 0:  # the child: nothing was opened before the fork, so it shares no connection
            status = 1
            try:
                main(store, mode, case, count, barrier, str(n))
                status = 0
            except BaseException:  # noqa: BLE001 - reported on stderr, as an exit status
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(status)
        children.append(pid)
    failed = [n for n, pid in enumerate(children) if os.waitpid(pid, 0)[1] != 0]
    if failed:
        print(f"writers {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(fork_writers(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:]))
