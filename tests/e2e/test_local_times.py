"""Issue 25, item 5: people read Europe/London local time everywhere, errors included; JSON keeps UTC."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers.cli import invoke

UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|\+00:00)")


@pytest.fixture(name="desk")
def fixture_desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASKING_STORE", str(tmp_path / "store.db"))
    monkeypatch.setenv("TASKING_VIEWS", str(tmp_path / "views.db"))
    monkeypatch.setenv("TASKING_USER", "coordinator")
    monkeypatch.setenv("TASKING_LOG_LEVEL", "error")
    monkeypatch.setenv("COLUMNS", "200")
    for args in (
        ["init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL"],
        ["person", "add", "--name", "Pat Smith"],
        *[
            [
                "report",
                "--source",
                "COUNCIL",
                "--category",
                "noise",
                "--area",
                "Swanley",
                "--location",
                "High St",
                "--occurred",
                f"2017-04-2{n}T09:00",
                "--received",
                f"2017-04-2{n}T10:00",
                "--reporter",
                "PER-00001",
                "--summary",
                "Loud music",
            ]
            for n in (4, 5, 6)
        ],
        ["case-review", "apply", "--applicant", "PER-00001", "--received", "2017-04-27T10:00"],
        [
            "tfg",
            "open",
            "--focus",
            "Shops",
            "--area",
            "Swanley",
            "--case",
            "CSU-2017-00001",
            "--reason",
            "Repeats",
            "--at",
            "2017-04-27T11:00",
        ],
        ["marac", "meetings", "add", "--at", "2017-09-20T10:00"],
        [
            "task",
            "CSU-2017-00001",
            "--agency",
            "COUNCIL",
            "--action",
            "Visit",
            "--due",
            "2017-05-02",
            "--at",
            "2017-04-25T09:30",
        ],
    ):
        code, _, err = invoke(*args)
        assert code == 0, (args, err)


def test_an_error_about_at_says_the_local_time(desk: None) -> None:
    code, _, err = invoke("follow-up", "CSU-2017-00001", "--kind", "call", "--outcome", "x", "--at", "2017-04-24T09:30")
    assert code == 1
    assert "Mon 24 Apr 2017 09:30" in err and "Mon 24 Apr 2017 10:00" in err, err
    assert not UTC_STAMP.search(err), err


@pytest.mark.parametrize(
    "args",
    [
        ("case-review", "list"),
        ("case-review", "show", "CR-2017-001"),
        ("tfg", "list"),
        ("tfg", "show", "TFG-2017-01"),
        ("marac", "meetings", "list"),
        ("stats", "--year", "2017", "--explain", "taskings"),
        ("audit", "CSU-2017-00001"),
    ],
)
def test_reads_for_people_show_local_times_and_json_keeps_utc(desk: None, args: tuple[str, ...]) -> None:
    code, out, err = invoke(*args)
    assert code == 0, err
    assert not UTC_STAMP.search(out), out
    assert re.search(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d (Apr|Sep) 2017 \d\d:\d\d", out), out
    code, out, err = invoke(*args, "--json")
    assert code == 0 and UTC_STAMP.search(json.dumps(json.loads(out))), err
