"""Concurrent writers in real processes are retried, never lost; references stay unique."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import run_cli, seed_roster
from tests.helpers.stores import anonymous_report
from tests.helpers.wait import wait_until

WRITERS = 8
EACH = 50


def test_eight_processes_lose_no_follow_up_and_new_cases_get_unique_references(services, store, tmp_path) -> None:
    seed_roster(services)
    # received by the POLICE, so the sergeant's follow-ups are allowed (issue 12's rule)
    case = anonymous_report(services, "2018-03-05", source="POLICE")
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    modes = ["follow-up"] * WRITERS + ["new-case"] * WRITERS
    # Sixteen real processes, forked by one that imported the package once (tests/e2e/worker.py)
    writers = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.worker", store, case, str(EACH), str(barrier), *modes],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            "TASKING_LOG_LEVEL": "warning",
            "PATH": "/usr/bin:/bin",
            # where a PostgreSQL store's key-encryption key is (every node needs it)
            "XDG_CONFIG_HOME": os.environ["XDG_CONFIG_HOME"],
        },
        cwd=str(_root()),
    )
    wait_until(
        lambda: len(list(barrier.glob("ready-*"))) == len(modes), "every writer ready", process=writers, limit=300
    )
    (barrier / "go").touch()  # release them all at once
    _out, err = writers.communicate(timeout=600)
    assert writers.returncode == 0, err
    results = [json.loads((barrier / f"result-{n}.json").read_text()) for n in range(len(modes))]
    # The writes overlapped: every writer was still writing when another had started.
    for n, mine in enumerate(results):
        assert any(
            other["first"] < mine["last"] and mine["first"] < other["last"] for m, other in enumerate(results) if m != n
        ), f"writer {n} ran alone"
    assert max(r["first"] for r in results) < min(r["last"] for r in results[:WRITERS])
    events = list(services.app.events.get(services.app.get_case(case).id))
    follow_ups = [e for e in events if type(e).__name__ == "FollowUpMade"]
    assert len(follow_ups) == WRITERS * EACH
    new_refs = [ref for result in results[WRITERS:] for ref in result["made"]]
    assert len(new_refs) == WRITERS * EACH == len(set(new_refs))
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in new_refs)
    assert numbers == list(range(2, 2 + WRITERS * EACH))  # gapless after the first case
    # Every writer chained its events from the link before it: the whole chain verifies.
    verified = json.loads(run_cli("--store", store, "verify", "--json").stdout)
    assert verified["ok"] is True and verified["events"] == services.app.recorder.verify().events > 2 * WRITERS * EACH


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]
