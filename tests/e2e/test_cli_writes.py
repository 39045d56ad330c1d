"""The real `tasking` entry point, in a subprocess, on both backends."""

from __future__ import annotations

import pytest

from tests.conftest import cli_json, run_cli
from tests.helpers.cli import report_args
from tests.helpers.stores import cli_store, event_count


@pytest.fixture(name="env")
def fixture_env(store: str, tmp_path) -> dict[str, str]:
    env = cli_store(store, tmp_path / "views.db")
    run_cli("users", "add", "sgt.jones", "--name", "Alex Jones", "--agency", "POLICE", "--role", "officer", env=env)
    return env


def open_case(env: dict[str, str]) -> str:
    person = cli_json("person", "add", "--name", "Pat Smith", "--phone", "01732 000000", env=env)["person"]
    return cli_json(
        *report_args(category="youth-nuisance", location="Azalea Shops", reporter=person, summary="Groups shouting"),
        env=env,
    )["case"]


def test_the_life_of_a_case_is_audited_in_order(env: dict[str, str]) -> None:
    case = open_case(env)
    assert case == "CSU-2017-00001"
    tasking = cli_json(
        "task",
        case,
        "--agency",
        "POLICE",
        "--action",
        "Patrol",
        "--due",
        "2018-03-09",
        "--at",
        "2018-03-05T09:10",
        env=env,
    )["tasking"]
    cli_json(
        "follow-up",
        case,
        "--kind",
        "visit",
        "--outcome",
        "Moved on",
        "--at",
        "2018-03-06T20:00",
        env={**env, "TASKING_USER": "sgt.jones"},
    )
    cli_json("update-reporter", case, "--channel", "phone", "--note", "Told", "--at", "2018-03-07T10:00", env=env)
    cli_json(
        "close", case, "--reason", "resolved", "--complete-taskings", "Patrolled", "--at", "2018-03-20T10:00", env=env
    )
    audit = cli_json("audit", case, env=env)
    assert audit["case"] == case
    assert [(e["event"], e["user"], e["agency"]) for e in audit["entries"]] == [
        ("Reported", "coordinator", "COUNCIL"),
        ("TaskingRaised", "coordinator", "COUNCIL"),
        ("FollowUpMade", "sgt.jones", "POLICE"),
        ("ReporterUpdated", "coordinator", "COUNCIL"),
        ("TaskingCompleted", "coordinator", "COUNCIL"),
        ("Closed", "coordinator", "COUNCIL"),
    ]
    assert set(audit["entries"][0]) == {"event", "user", "agency", "recorded_at", "occurred_at", "position", "details"}
    assert audit["entries"][1]["details"]["tasking"] == tasking
    assert "Pat Smith" not in run_cli("audit", case, env=env).stdout
    listed = cli_json("cases", env=env)["cases"]
    assert [row["case"] for row in listed] == [case] and listed[0]["status"] == "closed"


BAD_COMMANDS = [
    (report_args(source="NOPE", received=None), "source"),
    (report_args(area="Atlantis", received=None), "area"),
    (report_args(category="gossip", received=None), "category"),
    (report_args(occurred="last tuesday", received=None), "occurred"),
    (report_args(received=None, reporter="PER-09999"), "reporter"),
    (report_args(received=None, anonymous=False), "reporter"),
    (["follow-up", "CSU-2017-09999", "--kind", "visit", "--outcome", "x"], "case"),
    (
        ["task", "{case}", "--agency", "WARDENS", "--action", "x", "--due", "2018-03-01", "--at", "2018-03-05T09:00"],
        "due",
    ),
    (["task", "{case}", "--agency", "MI5", "--action", "x", "--due", "2018-03-09"], "agency"),
    (["task", "{case}", "--agency", "WARDENS", "--action", "x", "--due", "2018-03-09", "--owner", "ghost"], "owner"),
    (["--user", "nobody", "follow-up", "{case}", "--kind", "visit", "--outcome", "x"], "user"),
    (["complete", "{case}", "T7", "--result", "x"], "tasking"),
    (["power", "{closed}", "--type", "CPW"], "case"),
    (["link", "{case}", "--to", "{case}", "--reason", "same-incident"], "to"),
]


def test_bad_commands_fail_with_one_line_naming_the_field_and_write_nothing(env: dict[str, str]) -> None:
    case, closed = open_case(env), open_case(env)
    cli_json("close", closed, "--reason", "resolved", env=env)
    before = event_count(env["TASKING_STORE"])
    for args, field in BAD_COMMANDS:
        argv = [a.format(case=case, closed=closed) for a in args]
        if argv[0] == "--user":
            done = run_cli(*argv, env={**env, "TASKING_USER": ""}, check=False)
        else:
            done = run_cli(*argv, env=env, check=False)
        assert done.returncode != 0, argv
        message = done.stderr.strip()
        assert "Traceback" not in done.stderr, argv
        assert len(message.splitlines()) == 1, (argv, message)
        assert field in message.split(":", 2)[1] or f"'--{field}'" in message, (argv, message)
    # Nothing written but the one refusal of the unknown user (exit 3, in the access log: issue 21, 19).
    assert event_count(env["TASKING_STORE"]) == before + 1


def test_a_write_without_an_acting_user_is_refused(env: dict[str, str]) -> None:
    no_user = {**env, "TASKING_USER": ""}
    done = run_cli("person", "add", "--name", "X", env=no_user, check=False)
    assert done.returncode != 0 and "user: an acting user is required" in done.stderr


def test_a_missing_store_says_so_and_is_not_created(tmp_path) -> None:
    env = {"TASKING_STORE": str(tmp_path / "typo.db"), "TASKING_USER": "coordinator"}
    for args in (["person", "add", "--name", "X"], ["cases"], ["briefing", "--json"]):
        done = run_cli(*args, env=env, check=False)
        assert done.returncode != 0 and "does not exist" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_second_init_is_refused(env: dict[str, str]) -> None:
    done = run_cli("init", "--admin", "x", "--name", "X", "--agency", "COUNCIL", env=env, check=False)
    assert done.returncode != 0 and "already initialised" in done.stderr


def test_init_with_a_custom_partnership(tmp_path) -> None:
    config = tmp_path / "district.toml"
    config.write_text(
        'name = "Tiny CSP"\nreference_prefix = "TNY"\n[agencies]\nPOLICE = { name = "Police" }\n'
        '[areas]\nnames = ["Northtown"]\n[categories]\nnoise = { name = "Noise", asb_type = "nuisance" }\n'
    )
    env = {"TASKING_STORE": str(tmp_path / "tiny.db"), "TASKING_USER": "boss"}
    run_cli("init", "--admin", "boss", "--name", "B", "--agency", "POLICE", "--config", str(config), env=env)
    case = cli_json(
        *report_args(source="POLICE", area="northtown", occurred="2018-05-01T10:00", received="2018-05-01T11:00"),
        env=env,
    )["case"]
    assert case == "TNY-2018-00001"


def test_a_bad_partnership_file_is_refused_naming_the_key(tmp_path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('name = "Bad"\n[agencies]\nPOLICE = { name = "Police" }\n[areas]\nnames = []\n')
    done = run_cli(
        "--store",
        str(tmp_path / "bad.db"),
        "init",
        "--admin",
        "b",
        "--name",
        "B",
        "--agency",
        "POLICE",
        "--config",
        str(config),
        check=False,
    )
    assert done.returncode != 0 and "config" in done.stderr and "categories" in done.stderr


@pytest.mark.parametrize("problem", ["password", "port"])
def test_postgres_connection_failures_are_one_line(problem: str) -> None:
    from urllib.parse import urlsplit

    from tests.conftest import NO_POSTGRES, POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    parts = urlsplit(POSTGRES_URL)
    user = parts.username or "postgres"
    if problem == "password":
        url = f"postgresql://{user}:certainly-wrong@{parts.hostname}:{parts.port or 5432}{parts.path}"
    else:
        url = f"postgresql://{user}@127.0.0.1:1{parts.path}"
    done = run_cli("--store", url, "cases", check=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("Error: store: cannot connect to") and "certainly-wrong" not in done.stderr
