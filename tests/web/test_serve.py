"""`tasking serve --workers 2` and the CLI writing to one store at once lose nothing (both backends)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from tests.conftest import run_cli
from tests.web.conftest import bearer, issue, serving

API_WRITES, CLI_WRITES = 4 * 4, 2 * 2


def test_two_workers_and_the_cli_lose_no_follow_up(services, desk, tmp_path: Path) -> None:
    case = desk.report("2018-03-03T08:10")
    token = issue(services, "coordinator")
    with serving(services, tmp_path, "--workers", "2") as base:
        barrier = threading.Barrier(6)
        failures: list[str] = []

        def api_client(n: int) -> None:
            with httpx.Client(base_url=base, headers=bearer(token), timeout=120) as client:
                barrier.wait()
                for i in range(API_WRITES // 4):
                    sent = client.post(
                        "/api/v1/commands/record-follow-up",
                        json={"case": case, "kind": "call", "outcome": f"api {n}-{i}"},
                    )
                    if sent.status_code != 200:
                        failures.append(sent.text)

        def cli_client(n: int) -> None:
            barrier.wait()
            for i in range(CLI_WRITES // 2):
                run_cli(
                    "--store",
                    services.settings.store,
                    "--user",
                    "coordinator",
                    "follow-up",
                    case,
                    "--kind",
                    "visit",
                    "--outcome",
                    f"cli {n}-{i}",
                    env={"TASKING_VIEWS": services.settings.views_path},
                    process=True,
                )  # real processes: concurrent writers are the subject

        threads = [threading.Thread(target=api_client, args=(n,)) for n in range(4)]
        threads += [threading.Thread(target=cli_client, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        shown = httpx.get(f"{base}/api/v1/cases/{case}", headers=bearer(token), timeout=60).json()
        outcomes = sorted(f["text"] for f in shown["follow_ups"])
        assert len(outcomes) == API_WRITES + CLI_WRITES
        assert outcomes == sorted(
            [f"api {n}-{i}" for n in range(4) for i in range(API_WRITES // 4)]
            + [f"cli {n}-{i}" for n in range(2) for i in range(CLI_WRITES // 2)]
        )
