"""Issue 21 (items 7, 19) through the CLI, in process (`tasking.cli.run`): enrolment and tokens of
one's own, and refusals of a missing user, each one line, exit 3 and in the access log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import invoke


@pytest.fixture(name="cli")
def fixture_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TASKING_VIEWS", str(tmp_path / "views.db"))
    monkeypatch.setenv("TASKING_LOG_LEVEL", "error")
    monkeypatch.delenv("TASKING_USER", raising=False)
    store = str(tmp_path / "store.db")

    def tasking(user: str | None, *args: str) -> tuple[int, str, str]:
        return invoke("--store", store, *(["--user", user] if user else []), *args)

    assert (
        tasking("coordinator", "init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL")[0] == 0
    )
    for login, role in (("keeper", "admin"), ("sgt.jones", "officer")):
        assert (
            tasking("coordinator", "users", "add", login, "--name", "N", "--agency", "POLICE", "--role", role)[0] == 0
        )
    return tasking


def refusals(cli) -> list[tuple[str, str]]:
    code, out, _ = cli("keeper", "access-log", "--json")
    assert code == 0
    return [(e["user"], e["action"]) for e in json.loads(out)["entries"] if e["refused"]]


def test_an_admin_enrols_a_user_who_redeems_the_code_for_their_own_token(cli) -> None:
    code, out, err = cli("keeper", "users", "token", "sgt.jones")
    assert code == 3 and err.strip().startswith(
        "Error: user: an admin may not use `tasking users token`: a token is issued only"
    )
    code, out, err = cli("keeper", "users", "role", "keeper", "coordinator", "--reason", "Me")
    assert code == 3 and "no one changes their own role" in err and len(err.strip().splitlines()) == 1
    code, out, _ = cli("keeper", "users", "enrol", "sgt.jones", "--json")
    enrolment = json.loads(out)
    assert code == 0 and enrolment["code"].startswith("enr.") and enrolment["user"] == "sgt.jones"
    code, out, _ = cli(None, "users", "redeem", enrolment["code"], "--json")
    issued = json.loads(out)
    assert code == 0 and issued["user"] == "sgt.jones" and issued["secret"].startswith("tsk.")
    code, _, err = cli(None, "users", "redeem", enrolment["code"])
    assert code == 1 and "code: no unused, unexpired enrolment code" in err
    assert cli("sgt.jones", "users", "token", "--json")[0] == 0  # one's own: as before
    assert refusals(cli) == [("keeper", "users token"), ("keeper", "users role")]


def test_a_missing_or_unknown_user_is_refused_with_exit_3_and_recorded(cli) -> None:
    code, _, err = cli(None, "cases", "--json")
    assert code == 3 and err.strip() == "Error: user: reads need an acting user too; pass --user ID or set TASKING_USER"
    code, _, err = cli("nobody", "person", "add", "--name", "Pat Smith")
    assert code == 3 and err.strip() == "Error: user: unknown user 'nobody'"
    assert refusals(cli) == [("-", "cases"), ("nobody", "person add")]
