"""Views that heal and say what is wrong: garbage, read-only, missing and tampered views files,
through the real `tasking` entry point in separate processes."""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import sqlite3
import stat

import pytest

from tasking.commands import RecordFollowUp
from tasking.faults import FAULT
from tasking.scheduler import nightly_verify
from tasking.projections.state import AT_END, POSITION_END
from tests.conftest import Desk, cli_json, run_cli


@pytest.fixture(name="env")
def fixture_env(services, store) -> dict[str, str]:
    return {"TASKING_STORE": store, "TASKING_VIEWS": services.settings.views_path, "TASKING_USER": "coordinator"}


def fill(desk: Desk, reports: int = 6) -> None:
    for n in range(reports):
        case = desk.report(f"2018-02-{1 + n:02d}T10:00", location=f"{n} High Street")
        desk.send(RecordFollowUp, when=f"2018-02-{1 + n:02d}T20:00", case=case, kind="call", outcome="o")


def stats(env: dict[str, str]) -> dict:
    return cli_json("stats", "--year", "2017", env={**env, "TASKING_USER": "analyst"})  # type: ignore[return-value]


def test_a_views_file_overwritten_with_text_is_moved_aside_and_rebuilt_by_the_next_read(desk: Desk, env) -> None:
    fill(desk)
    before = stats(env)
    desk.services.close()
    path = env["TASKING_VIEWS"]
    with open(path, "w") as handle:
        handle.write("this is not a database\n" * 100)
    verify = run_cli("projections", "verify", env=env, check=False)
    assert verify.returncode == 2, verify.stderr
    assert path in verify.stderr and "Traceback" not in verify.stderr
    done = run_cli("stats", "--year", "2017", "--json", env={**env, "TASKING_USER": "analyst"})
    aside = glob.glob(path + ".broken-*Z")
    with open(aside[0]) as moved:
        assert len(aside) == 1 and moved.read().startswith("this is not a database")
    assert path in done.stderr and aside[0] in done.stderr and "warning" in done.stderr
    assert stats(env) == before
    assert run_cli("projections", "verify", env=env).returncode == 0


def test_views_of_an_unknown_projection_version_are_moved_aside_and_rebuilt(desk: Desk, env) -> None:
    fill(desk)
    run_cli("projections", "catch-up", env=env)
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:
        conn.execute("UPDATE _tracking SET version = 99 WHERE projection = 'cases'")
    assert run_cli("projections", "verify", env=env, check=False).returncode == 2
    done = run_cli("projections", "status", env=env)
    assert "cases version 99" in done.stderr and glob.glob(env["TASKING_VIEWS"] + ".broken-*Z")[0] in done.stderr
    run_cli("projections", "catch-up", env=env)
    assert all(row["behind"] == 0 and row["check"] == "ok" for row in cli_json("projections", "status", env=env))


def test_a_removed_views_file_is_rebuilt_silently(desk: Desk, env) -> None:
    fill(desk)
    before = stats(env)
    desk.services.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(env["TASKING_VIEWS"] + suffix):
            os.remove(env["TASKING_VIEWS"] + suffix)
    done = run_cli("stats", "--year", "2017", "--json", env={**env, "TASKING_USER": "analyst"})
    assert done.stderr.strip() == ""
    assert stats(env) == before


def test_an_unreachable_views_location_is_a_one_line_error_naming_the_path_and_the_fix(
    desk: Desk, env, tmp_path
) -> None:
    fill(desk, 1)
    for views in (str(tmp_path / "missing" / "views.db"), str(tmp_path)):
        done = run_cli(
            "stats", "--year", "2017", env={**env, "TASKING_VIEWS": views, "TASKING_USER": "analyst"}, check=False
        )
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert views in done.stderr and "TASKING_VIEWS" in done.stderr
        assert run_cli("projections", "verify", env={**env, "TASKING_VIEWS": views}, check=False).returncode == 2


def test_a_read_only_views_file_is_an_error_and_leaves_nothing_read_only_behind(desk: Desk, env) -> None:
    """The file is made read-only. Root bypasses file permissions (CI runs as root), so there the
    fault point `unwritable-views` makes the process see the file as an ordinary user's would."""
    fill(desk, 1)
    desk.services.close()
    run_cli("projections", "catch-up", env=env)
    path = env["TASKING_VIEWS"]
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    os.chmod(path, stat.S_IRUSR)
    read_only = {**env, "TASKING_USER": "analyst"}
    if os.access(path, os.W_OK):  # root: the file stays writable whatever its mode says
        read_only[FAULT] = "unwritable-views"
    done = run_cli("stats", "--year", "2017", env=read_only, check=False)
    assert done.returncode != 0 and path in done.stderr and "permissions" in done.stderr
    assert not os.path.exists(path + "-shm")
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    assert stats(env)["financial_year"]


def test_a_deleted_view_row_is_caught_by_the_next_stats_and_rebuilt(desk: Desk, env) -> None:
    fill(desk)
    before = stats(env)
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:
        conn.execute("DELETE FROM activity WHERE rowid = (SELECT MIN(rowid) FROM activity)")
    status = {row["projection"]: row for row in cli_json("projections", "status", env=env)}
    assert status["activity"]["check"] != "ok" and status["cases"]["check"] == "ok"
    done = run_cli("stats", "--year", "2017", "--json", env={**env, "TASKING_USER": "analyst"})
    assert "activity holds" in done.stderr and "rebuilding" in done.stderr
    assert stats(env) == before


def test_a_failed_manual_verify_warns_in_the_next_briefing_until_a_rebuild(desk: Desk, env) -> None:
    fill(desk)
    run_cli("projections", "catch-up", env=env)
    assert cli_json("briefing", "--at", "2018-03-05T09:00", env=env)["warnings"] == []
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:
        conn.execute("UPDATE cases SET area = 'Atlantis' WHERE rowid = 1")
    assert run_cli("projections", "verify", env=env, check=False).returncode == 1
    brief = cli_json("briefing", "--at", "2018-03-05T09:00", env=env)
    assert len(brief["warnings"]) == 1 and "Atlantis" in brief["warnings"][0]
    run_cli("projections", "rebuild", env=env)
    assert cli_json("briefing", "--at", "2018-03-05T09:00", env=env)["warnings"] == []


def test_rows_edited_in_the_views_are_caught_nightly_logged_rebuilt_and_reported_in_the_next_pack(
    desk: Desk, env, tmp_path
) -> None:
    """Issue 21, item 10: the cheap check passes an edited row; the nightly verify does not."""
    from structlog.testing import capture_logs

    fill(desk)
    run_cli("projections", "catch-up", env=env)
    status = cli_json("projections", "status", env=env)
    assert status[0]["verified_at"] is None and status[0]["verified"].startswith("never verified")
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:
        # The case list reads the `case_versions` rows holding the point: edit a current one.
        conn.execute(
            "UPDATE case_versions SET state = json_set(state, '$.area', 'Atlantis') WHERE rowid = "
            "(SELECT MIN(rowid) FROM case_versions WHERE position_to = ? AND at_to = ?)",
            (POSITION_END, AT_END),
        )
    assert all(row["check"] == "ok" for row in cli_json("projections", "status", env=env))  # counts only
    assert "Atlantis" in str(cli_json("cases", env=env))  # served, until the nightly verify
    with capture_logs() as logs:
        outcome = nightly_verify(desk.services, dt.datetime(2018, 3, 5, 3, 0, tzinfo=dt.timezone.utc))
    assert outcome["ok"] is False and outcome["rebuilt"] is True and outcome["differences"] == 2
    assert [(e["log_level"], e["outcome"]) for e in logs if e["event"] == "views.verify"] == [("error", "differ")]
    assert "Atlantis" not in str(cli_json("cases", env=env))  # rebuilt: no longer served
    status = run_cli("projections", "status", env=env).stdout
    assert "last verified: Mon 05 Mar 2018 03:00: found 2 difference(s) from a clean rebuild" in status
    assert status.rstrip().endswith("; rebuilt")
    assert run_cli("projections", "verify", env=env).returncode == 0  # a later verify passes...
    brief = cli_json("briefing", "--at", "2018-03-05T09:00", env=env)
    assert len(brief["warnings"]) == 1 and "nightly verify" in brief["warnings"][0]  # ... the finding stays
    out = tmp_path / "packs"
    run_cli("briefing", "issue", "--at", "2018-03-05T09:00", "--output", str(out), env=env)
    pack = json.loads((out / "2018-03-05" / "briefing.json").read_text(encoding="utf-8"))
    assert pack["warnings"] == brief["warnings"]
    assert cli_json("briefing", "--at", "2018-03-06T09:00", env=env)["warnings"] == []  # reported once
