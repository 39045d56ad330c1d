"""Permissions through the real `tasking` entry point: a refusal is one line and exit code 3, and
is recorded; the access log lists reads. On SQLite (the rules are backend-free; the in-process
matrix in `tests/integration/test_permissions.py` runs on both backends)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli_json, run_cli
from tests.e2e.test_cli_writes import open_case
from tests.helpers.stores import cli_store, event_count


@pytest.fixture(name="env")
def fixture_env(tmp_path: Path) -> dict[str, str]:
    env = cli_store(str(tmp_path / "store.db"), tmp_path / "views.db")
    for login, agency, role in (
        ("sgt.jones", "POLICE", "officer"),
        ("analyst", "COUNCIL", "analyst"),
        ("keeper", "COUNCIL", "admin"),
    ):
        run_cli("users", "add", login, "--name", login.title(), "--agency", agency, "--role", role, env=env)
    return env


def test_a_refused_write_and_read_exit_3_with_one_line_and_are_in_the_access_log(env: dict[str, str]) -> None:
    case = open_case(env)
    before = event_count(env["TASKING_STORE"])
    for user, args, rule in (
        (
            "sgt.jones",
            ["close", case, "--reason", "resolved"],
            "user: an officer may not use `tasking close`: only coordinator may",
        ),
        ("analyst", ["show", case], "user: an analyst may not use `tasking show`: only coordinator or officer may"),
        (
            "sgt.jones",
            ["follow-up", case, "--kind", "visit", "--outcome", "x"],
            f"user: an officer may not use `tasking follow-up`: {case} is neither received by nor tasked to POLICE",
        ),
    ):
        done = run_cli(*args, env={**env, "TASKING_USER": user}, check=False)
        assert done.returncode == 3, done.stderr
        assert done.stderr.strip() == f"Error: {rule}" and "Traceback" not in done.stderr
    assert event_count(env["TASKING_STORE"]) == before + 3  # the three refusals, and nothing on the case
    assert [e["event"] for e in cli_json("audit", case, env=env)["entries"]] == ["Reported"]
    refused = cli_json("access-log", case, env={**env, "TASKING_USER": "keeper"})["entries"]
    assert [(e["user"], e["action"], e["refused"]) for e in refused][:3] == [
        ("sgt.jones", "close", 1),
        ("analyst", "show", 1),
        ("sgt.jones", "follow-up", 1),
    ]
    assert refused[3]["action"] == "audit" and refused[3]["user"] == "coordinator"


def test_reads_need_an_acting_user_and_a_deactivated_user_is_refused(env: dict[str, str]) -> None:
    done = run_cli("cases", "--json", env={**env, "TASKING_USER": ""}, check=False)
    assert (
        done.returncode == 3 and "user: reads need an acting user" in done.stderr
    )  # refused and recorded (issue 21, 19)
    run_cli("users", "deactivate", "analyst", "--reason", "Left", env={**env, "TASKING_USER": "keeper"})
    done = run_cli("stats", "--year", "2017", "--json", env={**env, "TASKING_USER": "analyst"}, check=False)
    assert done.returncode == 3 and "user 'analyst' is deactivated" in done.stderr
    run_cli("users", "role", "sgt.jones", "analyst", "--reason", "New post", env=env)
    roster = {u["login"]: u for u in cli_json("users", "list", env=env)["users"]}
    assert (roster["sgt.jones"]["role"], roster["analyst"]["active"]) == ("analyst", False)
    assert json.loads(run_cli("stats", "--year", "2017", "--json", env={**env, "TASKING_USER": "sgt.jones"}).stdout)
