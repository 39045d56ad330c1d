"""The scheduler as a real process: --once from the CLI, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess

from tests.conftest import TASKING, Desk, run_cli
from tests.helpers.wait import wait_until


def test_once_twice_from_the_cli_writes_one_monday_pack(services, people, store, tmp_path) -> None:
    env = {"TASKING_STORE": store, "TASKING_VIEWS": services.settings.views_path, "TASKING_USER": "coordinator"}
    out = tmp_path / "packs"
    first = json.loads(
        run_cli("scheduler", "--once", "--at", "2018-03-26T08:30", "--output", str(out), "--json", env=env).stdout
    )
    assert first["briefing"]["issued"] is True
    assert first["briefing"]["window"] == {"from": "2018-03-23T09:00:00Z", "to": "2018-03-26T08:00:00Z"}
    second = run_cli("scheduler", "--once", "--at", "2018-03-26T08:30", "--output", str(out), env=env).stdout
    assert "already issued; nothing written" in second
    listed = json.loads(run_cli("briefing", "issued", "--json", env=env).stdout)["briefings"]
    assert [row["meeting_day"] for row in listed] == ["2018-03-26"]
    # A reprint at the pack's position is the pack, byte for byte, whatever is recorded since.
    pack = (out / "2018-03-26" / "briefing.json").read_text(encoding="utf-8")
    position = str(json.loads(pack)["position"])
    desk = Desk(services, people)
    late = desk.report("2018-03-25T10:00")  # recorded after the pack, received inside its window
    reprint = run_cli(
        "briefing", "--at", "2018-03-26T09:00", "--position", position, "--shared", "--json", env=env
    ).stdout
    assert reprint == pack
    # The pack keeps the hash chain's head at its position: it still verifies after later writes.
    head = json.loads((out / "2018-03-26" / "chain.json").read_text(encoding="utf-8"))
    assert head["position"] <= int(position) and head["head"] == f"{head['position']}:{head['hash']}"
    at_pack = services.app.recorder.chain_head(int(position))
    assert str(at_pack) == head["head"]
    checked = json.loads(run_cli("verify", "--head", head["head"], "--json", env=env).stdout)
    assert checked["ok"] is True and checked["position"] > head["position"]
    now = json.loads(run_cli("briefing", "--at", "2018-03-26T09:00", "--json", env=env).stdout)
    assert late in {r["case"] for r in now["new_reports"]} and late not in pack
    by_hand = run_cli("briefing", "issue", "--at", "2018-03-27T09:00", "--output", str(out), env=env).stdout
    assert "Issued the pack for 2018-03-27" in by_hand


def test_a_running_scheduler_stops_cleanly_on_sigterm(services, people, store, tmp_path) -> None:
    log_file = tmp_path / "scheduler.log"
    env = {
        **os.environ,
        "TASKING_STORE": store,
        "TASKING_VIEWS": services.settings.views_path,
        "TASKING_USER": "coordinator",
        "TASKING_LOG_FILE": str(log_file),
    }
    proc = subprocess.Popen(
        [TASKING, "scheduler", "--output", str(tmp_path / "packs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_until(
        lambda: log_file.exists() and "scheduler.started" in log_file.read_text(),
        "scheduler started",
        process=proc,
        log=lambda: proc.stderr.read() if proc.stderr else "",
    )
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    events = [line["event"] for line in lines]
    assert "scheduler.stopping" in events and events[-1] == "scheduler.stopped"
    assert next(line for line in lines if line["event"] == "scheduler.stopping")["signal"] == "SIGTERM"
