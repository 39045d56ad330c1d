"""Issue 10, done when: a new user's morning on the demo district, end to end at the real entry point.

The demo; the briefing for a date; a case recorded, tasked, followed up, updated and closed with its
taskings; `show`; `feedback-owed`; the reminders and the pack for the next morning. The briefing,
the reminders and the pack agree on every overdue tasking.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import cli_json, run_cli
from tests.helpers.stores import copy_demo


def test_a_new_users_morning(tmp_path: Path, demo_template: Path) -> None:
    # 1. The demo: a copy of the one `tasking demo` built for the run (tests/e2e/test_demo_and_stats.py
    # checks what the demo builds).
    env = {"TASKING_STORE": copy_demo(demo_template, tmp_path, name="csu"), "TASKING_USER": "coordinator"}

    # 2. The briefing for a date: a date alone is that day's meeting, not the one before.
    monday = cli_json("briefing", "--at", "2018-03-05", env=env)
    assert monday["meeting"] == "2018-03-05T09:00:00Z"
    assert all(report["status"] in ("open", "closed") for report in monday["new_reports"])
    for key in ("tasked_at_previous_meeting", "open_taskings_not_yet_due", "due_taskings"):
        assert key in monday

    # 3. A case recorded, tasked, followed up, updated and closed with its taskings.
    person = cli_json("person", "add", "--name", "Pat Smith", "--phone", "01732 000000", env=env)["person"]
    case = cli_json(
        "report",
        "--source",
        "council",
        "--category",
        "youth-nuisance",
        "--area",
        "swanley",
        "--location",
        "Azalea Shops",
        "--occurred",
        "2018-03-04T21:30",
        "--received",
        "2018-03-05T09:40",
        "--reporter",
        person,
        "--summary",
        "Groups gathering late, shouting",
        env=env,
    )["case"]
    cli_json("assign", case, "--lead", "sgt.csu", "--at", "2018-03-05T09:45", env=env)
    tasking = cli_json(
        "task",
        case,
        "--agency",
        "wardens",
        "--action",
        "Patrol 8-10pm",
        "--due",
        "2018-03-09",
        "--at",
        "2018-03-05T09:50",
        env=env,
    )["tasking"]
    cli_json("follow-up", case, "--kind", "visit", "--outcome", "Spoke to parents", "--at", "2018-03-05T16:00", env=env)
    cli_json(
        "update-reporter",
        case,
        "--channel",
        "phone",
        "--note",
        "Told of the visit",
        "--at",
        "2018-03-05T17:00",
        env=env,
    )
    refused = run_cli("close", case, "--reason", "resolved", "--at", "2018-03-05T17:05", env=env, check=False)
    assert refused.returncode == 1 and f"{tasking} (WARDENS)" in refused.stderr
    cli_json(
        "close",
        case,
        "--reason",
        "resolved",
        "--complete-taskings",
        "Closed with the case",
        "--reporter-told",
        "phone",
        "--at",
        "2018-03-05T17:05",
        env=env,
    )

    # 4. `show`: the whole story, in local time, with no None.
    shown = cli_json("show", case, env=env)
    assert (shown["status"], shown["lead"], shown["taskings"][0]["status"]) == ("closed", "sgt.csu", "completed")
    text = run_cli("show", case, env=env).stdout
    assert "None" not in text and "Spoke to parents" in text and "Mon 05 Mar 2018 16:00" in text

    # 5. `feedback-owed`: the reporter was told at the closure, so nothing is owed.
    owed = cli_json("feedback-owed", "--at", "2018-03-06T09:00", env=env)["feedback_owed"]
    assert case not in [item["case"] for item in owed]
    assert all(item["due_by"] >= item["owed_since"][:10] for item in owed)

    # 6. The reminders and the pack for the next morning, and the briefing: one list of overdue taskings.
    out = tmp_path / "briefings"
    run_cli("scheduler", "--once", "--at", "2018-03-06T08:30", "--output", str(out), env=env)
    folder = out / "2018-03-06"
    pack = json.loads((folder / "briefing.json").read_text())
    brief = cli_json("briefing", "--at", "2018-03-06T08:30", env=env)
    assert brief["meeting"] == pack["meeting"] == "2018-03-06T09:00:00Z"

    def overdue(items: list[dict]) -> set[tuple[str, str, str]]:
        return {(t["tasked_agency"], t["case"], t["tasking"]) for t in items if t["days_overdue"] > 0}

    in_pack, in_briefing = overdue(pack["due_taskings"]), overdue(brief["due_taskings"])
    in_reminders = set()
    for file in (folder / "reminders").glob("*.md"):
        for found in re.finditer(r"^- (\S+) (T\d+) due .*\(\d+ days overdue", file.read_text(), re.M):
            in_reminders.add((file.stem, found[1], found[2]))
    assert in_pack, "the demo has overdue taskings on 6 March 2018"
    assert in_pack == in_briefing == in_reminders
    assert (folder / "briefing.html").read_text().count("OFFICIAL-SENSITIVE") >= 2
