"""Concurrent writers in real processes are retried, never lost; references stay unique."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tasking.commands import RecordReport, send
from tests.conftest import at, seed_roster

WRITERS = 8
EACH = 50


def test_eight_processes_lose_no_follow_up_and_new_cases_get_unique_references(services, store) -> None:  # noqa: ANN001
    seed_roster(services)
    case = send(services.app, RecordReport(user="coordinator", at=at("2018-03-05T10:00"), source="COUNCIL",
                                           category="noise", area="Swanley", location="High St",
                                           occurred_at=at("2018-03-05T09:00"), anonymous=True, summary="s"))["case"]
    start_at = time.time() + 3.0
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.e2e.worker", store, mode, case, str(EACH), str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={"TASKING_LOG_LEVEL": "warning", "PATH": "/usr/bin:/bin"}, cwd=str(_root()))
        for mode in ["follow-up"] * WRITERS + ["new-case"] * WRITERS
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    events = list(services.app.events.get(services.app.get_case(case).id))
    follow_ups = [e for e in events if type(e).__name__ == "FollowUpMade"]
    assert len(follow_ups) == WRITERS * EACH
    new_refs = [ref for out, _ in outputs[WRITERS:] for ref in json.loads(out)]
    assert len(new_refs) == WRITERS * EACH == len(set(new_refs))
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in new_refs)
    assert numbers == list(range(2, 2 + WRITERS * EACH))  # gapless after the first case


def _root():  # noqa: ANN202
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
