"""Issue 10 at the real `tasking` entry point: look-ups, refusals, quiet terminals and a quick start."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TASKING, cli_json, run_cli
from tests.helpers.cli import report_args


@pytest.fixture(name="env")
def fixture_env(tmp_path: Path) -> dict[str, str]:
    env = {
        "TASKING_STORE": str(tmp_path / "store.db"),
        "TASKING_USER": "coordinator",
        "TASKING_LOG_FILE": str(tmp_path / "log.jsonl"),
    }
    run_cli("init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "council", env=env)
    run_cli("users", "add", "sgt.jones", "--name", "Alex Jones", "--agency", "police", "--role", "officer", env=env)
    return env


def log_text(env: dict[str, str]) -> str:
    return Path(env["TASKING_LOG_FILE"]).read_text(encoding="utf-8")


def new_case(env: dict[str, str], person: str) -> str:
    return cli_json(  # agencies and areas in lower case: names are matched without case
        *report_args(
            source="council",
            category="youth-nuisance",
            area="swanley",
            location="Azalea Shops",
            reporter=person,
            summary="Groups shouting",
        ),
        env=env,
    )["case"]


def test_a_coordinator_finds_a_reporter_to_call_back(env: dict[str, str]) -> None:
    """Item 10: `person find` by name or phone, and `person show` with the person's cases; nothing personal logged."""
    person = cli_json("person", "add", "--name", "Pat Smith", "--phone", "01732 000000", env=env)["person"]
    cli_json("person", "add", "--name", "Chris Doe", "--phone", "07700 900123", env=env)
    case = new_case(env, person)
    assert [p["person"] for p in cli_json("person", "find", "--name", "smith", env=env)] == [person]
    found = cli_json("person", "find", "--phone", "+44 1732 000000", env=env)
    assert [(p["person"], p["phone"]) for p in found] == [(person, "01732 000000")]
    shown = cli_json("person", "show", person.lower(), env=env)
    assert (shown["name"], [(c["case"], c["role"]) for c in shown["cases"]]) == ("Pat Smith", [(case, "reporter")])
    text = run_cli("person", "show", person, env=env).stdout
    assert "Pat Smith" in text and case in text and "Sat 03 Mar 2018 08:00" in text
    refused = run_cli("person", "find", env=env, check=False)
    assert refused.returncode != 0 and "give one of --name TEXT or --phone TEXT" in refused.stderr
    assert "Smith" not in log_text(env) and "01732" not in log_text(env)


def test_assign_a_lead_and_close_with_the_taskings(env: dict[str, str]) -> None:
    """Items 2 and 5 at the command line."""
    person = cli_json("person", "add", "--name", "Pat Smith", env=env)["person"]
    case = new_case(env, person)
    assert cli_json("assign", case, "--lead", "sgt.jones", "--at", "2018-03-05T09:30", env=env)["lead"] == "sgt.jones"
    cli_json(
        "task",
        case,
        "--agency",
        "wardens",
        "--action",
        "Patrol",
        "--due",
        "2018-03-09",
        "--at",
        "2018-03-05T09:31",
        env=env,
    )
    refused = run_cli("close", case, "--reason", "resolved", "--at", "2018-03-06T10:00", env=env, check=False)
    assert refused.returncode == 1 and "T1 (WARDENS)" in refused.stderr and "--complete-taskings" in refused.stderr
    cli_json(
        "close",
        case,
        "--reason",
        "resolved",
        "--complete-taskings",
        "Patrolled",
        "--reporter-told",
        "phone",
        "--at",
        "2018-03-06T10:00",
        env=env,
    )
    shown = cli_json("show", case, env=env)
    assert (shown["status"], shown["lead"], shown["taskings"][0]["status"]) == ("closed", "sgt.jones", "completed")


def test_unknown_filter_values_and_several_missing_options_are_refused(env: dict[str, str]) -> None:
    """Item 11: `cases --area Swanly` is refused; all missing options are named in one line."""
    done = run_cli("cases", "--area", "Swanly", env=env, check=False)
    assert done.returncode != 0 and done.stderr.startswith("Error: area: unknown area 'Swanly'; known: Swanley")
    done = run_cli("report", "--source", "COUNCIL", env=env, check=False)
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "Error: missing required options: --category, --area, --location, --occurred, --summary"
    )


def test_repeats_print_flag_references_that_acknowledge_takes(env: dict[str, str]) -> None:
    """Item 3 at the command line."""
    person = cli_json("person", "add", "--name", "Pat Smith", env=env)["person"]
    first, second = new_case(env, person), new_case(env, person)
    flags = cli_json("repeats", "--at", "2018-03-05T09:00", env=env)["repeat_flags"]
    flag = next(f["flag"] for f in flags if f["rule"] == "person")
    assert flag in run_cli("repeats", "--at", "2018-03-05T09:00", env=env).stdout
    done = cli_json(
        "repeats",
        "acknowledge",
        flag.lower(),
        "--note",
        "Victim told of the case review",
        "--at",
        "2018-03-05T09:20",
        env=env,
    )
    assert done == {"flag": flag, "cases": [first, second]}
    later = cli_json("repeats", "--at", "2018-03-06T09:00", env=env)["repeat_flags"]
    assert [f for f in later if f["rule"] == "person"] == []
    again = run_cli("repeats", "acknowledge", flag, "--note", "again", "--at", "2018-03-06T09:20", env=env, check=False)
    assert again.returncode == 1 and f"flag: {flag} is not raised" in again.stderr


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run `tasking` with stdout and stderr on a pseudo-terminal; return what the person saw."""
    leader, follower = pty.openpty()
    full_env = {**os.environ, **env}
    full_env.pop("TASKING_LOG_FILE", None)
    done = subprocess.run([TASKING, *args], stdout=follower, stderr=follower, env=full_env, timeout=120, check=False)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert done.returncode == 0, seen
    return seen.decode()


def test_a_terminal_shows_the_message_only_unless_verbose(env: dict[str, str]) -> None:
    """Item 12: on a TTY, the human message alone; `--verbose` adds the log; not a TTY, the JSON log on stderr."""
    quiet = _on_a_terminal(["person", "add", "--name", "Jo Bloggs"], env)
    assert quiet.strip() == "PER-00001"
    loud = _on_a_terminal(["--verbose", "person", "add", "--name", "Jo Bloggs"], env)
    assert "command.handled" in loud and "PER-00002" in loud
    piped = run_cli(
        "person", "add", "--name", "Jo Bloggs", env={**env, "TASKING_LOG_FILE": "", "TASKING_LOG_LEVEL": "info"}
    )
    assert piped.stdout.strip() == "PER-00003"
    assert json.loads(piped.stderr.splitlines()[0])["event"] == "command.handled"


def test_help_does_not_load_the_engine() -> None:
    """Item 16: `tasking --help` imports no charting, views, event store or validation library."""
    code = (
        "import os, sys\n"
        "def leave(code):\n    raise SystemExit(code)\n"
        "os._exit = leave  # main() ends the process at once: let this check run after it\n"
        "from tasking.cli import main; sys.argv = ['tasking', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ['matplotlib', 'sqlite_utils', 'eventsourcing', 'pydantic', 'rich', 'structlog', 'numpy']\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "Commands:" in done.stdout and "person" in done.stdout
    assert done.stderr.strip() == "[]"
