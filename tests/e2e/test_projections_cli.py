"""Projections through the real CLI: status, rebuild with progress, verify, and kill-and-resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess

import pytest

from tasking.commands import RecordFollowUp
from tasking.faults import FAULT
from tasking.projections.runner import Views
from tests.conftest import TASKING, Desk, cli_json, run_cli


@pytest.fixture(name="env")
def fixture_env(services, store) -> dict[str, str]:
    return {"TASKING_STORE": store, "TASKING_VIEWS": services.settings.views_path, "TASKING_USER": "coordinator"}


def fill(desk: Desk, reports: int) -> None:
    for n in range(reports):
        day = 1 + n % 28
        case = desk.report(f"2018-02-{day:02d}T{8 + n % 10:02d}:{n % 60:02d}", location=f"{n % 7} High Street")
        desk.send(RecordFollowUp, when=f"2018-02-{day:02d}T20:00", case=case, kind="call", outcome="o")


def test_status_rebuild_and_verify(desk: Desk, env: dict[str, str]) -> None:
    fill(desk, 20)
    head = desk.services.app.event_count()
    status = cli_json("projections", "status", env=env)
    assert {row["projection"] for row in status} == {
        "cases",
        "taskings",
        "activity",
        "users",
        "log",
        "briefings",
        "access_log",
        "flag_acknowledgements",
        "escalations",
        "police",
        "dismissals",
        "outbox",
        "open311",
        "partnership_year",
        "state",
        "incidents",
    }
    assert all(row["store_position"] == head for row in status)
    done = run_cli("projections", "rebuild", env=env)
    assert "Rebuilding all projections" in done.stdout and f"{head}/{head}" in done.stdout
    assert all(row["behind"] == 0 for row in cli_json("projections", "status", env=env))
    assert "match" in run_cli("projections", "verify", env=env).stdout


def test_verify_reports_a_tampered_view_and_exits_non_zero(desk: Desk, env: dict[str, str]) -> None:
    fill(desk, 5)
    run_cli("projections", "catch-up", env=env)
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:
        conn.execute("UPDATE cases SET area = 'Atlantis' WHERE rowid = 1")
    done = run_cli("projections", "verify", env=env, check=False)
    assert done.returncode == 1
    assert "Atlantis" in done.stdout and "differ" in done.stderr


def _position(views_path: str) -> int | None:
    try:
        with sqlite3.connect(views_path, timeout=0.05) as conn:
            row = conn.execute("SELECT MIN(position) FROM _tracking").fetchone()
            return row[0]
    except sqlite3.Error:
        return None


def _killed_rebuild(env: dict[str, str], at: str) -> int:
    """A real rebuild that kills itself (SIGKILL) at the fault point `kill-rebuild-at=<at>`."""
    proc = subprocess.run(
        [TASKING, "projections", "rebuild", "--batch", "10"],
        env={**os.environ, **env, FAULT: f"kill-rebuild-at={at}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    return proc.returncode


def test_a_rebuild_killed_at_any_point_leaves_the_old_views_and_the_next_starts_clean(
    desk: Desk, env: dict[str, str], tmp_path
) -> None:
    fill(desk, 300)
    app = desk.services.app
    head = app.event_count()
    run_cli("projections", "catch-up", env=env)
    clean = Views(str(tmp_path / "clean.db"))
    clean.catch_up(app)
    expected = clean.dump()
    clean.close()
    with sqlite3.connect(env["TASKING_VIEWS"]) as conn:  # a mark the swap must replace
        conn.execute("UPDATE cases SET area = 'old views' WHERE rowid = 1")
    marked = Views(env["TASKING_VIEWS"]).dump()
    # Killed after the first batch, a tenth, four tenths and seven tenths of the way, and with the
    # new file built but not yet swapped in: each time the old views are what is left.
    for at in ("1", str(head // 10), str(head * 4 // 10), str(head * 7 // 10), "swap"):
        assert _killed_rebuild(env, at) == -signal.SIGKILL, f"the rebuild was not killed at {at}"
        building = env["TASKING_VIEWS"] + ".building"
        killed_at = _position(building)
        assert at == "swap" or 0 < killed_at < head, f"killed at {killed_at} of {head}, not mid-way"
        survivor = Views(env["TASKING_VIEWS"])
        survived = survivor.dump()
        survivor.close()
        assert survived == marked, "a killed rebuild did not leave the old views"
    run_cli("projections", "rebuild", env=env)  # the next rebuild starts clean
    assert not os.path.exists(env["TASKING_VIEWS"] + ".building")
    rebuilt = Views(env["TASKING_VIEWS"])
    assert rebuilt.dump() == expected
    rebuilt.close()


def test_briefing_feedback_and_repeats_from_the_cli(desk: Desk, env: dict[str, str]) -> None:
    case = desk.report("2018-03-03T10:00")
    desk.send(RecordFollowUp, when="2018-03-04T10:00", case=case, kind="visit", outcome="o")
    brief = cli_json("briefing", "--at", "2018-03-05T09:00", env=env)
    assert [r["case"] for r in brief["new_reports"]] == [case]
    assert brief["window"] == {"from": "2018-03-02T09:00:00Z", "to": "2018-03-05T09:00:00Z"}
    assert [f["case"] for f in brief["feedback_owed"]] == [case]
    owed = cli_json("feedback-owed", "--at", "2018-03-05T09:00", env=env)
    assert owed["feedback_owed"][0]["case"] == case and owed["at"] == "2018-03-05T09:00:00Z"
    assert owed["position"] == brief["position"] + 1  # the briefing's read of the case is in the access log
    assert cli_json("repeats", "--at", "2018-03-05T09:00", env=env)["repeat_flags"] == []
    page = run_cli("briefing", "--at", "2018-03-05T09:00", "--html", env=env).stdout
    assert page.startswith("<!doctype html>") and case in page and "@media print" in page
    assert f"| {case} |" in run_cli("briefing", "--at", "2018-03-05T09:00", "--markdown", env=env).stdout
    assert case in run_cli("briefing", "--at", "2018-03-05T09:00", env=env).stdout


READS = [
    ["briefing", "--at", "2018-03-05T09:00"],
    ["feedback-owed", "--at", "2018-03-12T09:00"],
    ["repeats", "--at", "2018-03-12T09:00"],
    ["cases"],
    ["cases", "--at", "2018-03-04T12:00"],
    ["show", "CSU-2017-00001"],
    ["audit", "CSU-2017-00001"],
    ["users", "list"],
    ["briefing", "issued"],
    ["stats", "--year", "2017"],
]


def test_every_read_answers_again_with_the_same_bytes_at_its_position(desk: Desk, env: dict[str, str]) -> None:
    from tasking.commands import CloseCase, LinkCases, UpdateReporter

    first = desk.report("2018-03-03T10:00")
    second = desk.report("2018-03-04T10:00", source="POLICE", channel="partner-referral", anonymous=True)
    desk.send(RecordFollowUp, when="2018-03-05T10:00", case=first, kind="visit", outcome="o")
    answers = {}
    for args in READS:
        text = run_cli(*args, "--json", env=env).stdout
        answers[tuple(args)] = (text, json.loads(text)["position"])
    # More is recorded, some of it back-dated into the past these reads looked at.
    desk.send(LinkCases, when="2018-03-04T11:00", case=second, to=first, reason="same-incident")
    desk.send(UpdateReporter, when="2018-03-05T12:00", case=first, channel="phone", note="Told")
    desk.send(CloseCase, when="2018-03-04T12:00", case=second, reason="duplicate")
    desk.report("2018-03-04T11:00")
    changed = 0
    for args, (text, position) in answers.items():
        again = run_cli(*args, "--position", str(position), "--json", env=env).stdout
        assert again == text, args
        changed += run_cli(*args, "--json", env=env).stdout != text
    assert changed >= 7  # the default, latest record did move on


def test_stats_refuses_at_and_points_to_as_of(env: dict[str, str], people) -> None:
    done = run_cli("stats", "--year", "2017", "--at", "2018-03-05T09:00", env=env, check=False)
    assert done.returncode != 0 and "--as-of" in done.stderr and len(done.stderr.strip().splitlines()) == 1
