"""Faults from outside, as an operator meets them: processes killed with SIGKILL after a commit
or in the middle of the demo, retried with the same request id or resumed; times that cannot be
what the user meant. The killed processes are real (the fault point `kill-after-events` in
`tasking.faults` kills them at a committed batch, with no race); the rest run the entry point in
process. Both backends."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tasking.faults import FAULT
from tasking.time.instants import utcnow
from tests.conftest import TASKING, cli_json, make_store, run_cli
from tests.helpers.cli import report_args
from tests.helpers.stores import cli_store, copy_demo, event_count

HANG = str(Path(__file__).with_name("hang_after_commit.py"))
FOLLOW_UP = (
    "follow-up",
    "CSU-2017-00001",
    "--kind",
    "visit",
    "--outcome",
    "Spoke to parents",
    "--at",
    "2018-03-07T16:00",
    "--json",
)


@pytest.fixture(name="env")
def fixture_env(store: str, tmp_path: Path) -> dict[str, str]:
    env = cli_store(store, tmp_path / "views.db")
    cli_json(*report_args(), env=env)
    return env


class TestRequestIds:
    def test_the_same_write_twice_with_one_request_id_stores_one_event(self, env: dict[str, str]) -> None:
        before = event_count(env["TASKING_STORE"])
        first = run_cli(*FOLLOW_UP, "--request-id", "visit-1", env=env)
        assert event_count(env["TASKING_STORE"]) == before + 2  # the follow-up and the request's record
        again = run_cli(*FOLLOW_UP, "--request-id", "visit-1", env=env)
        assert again.stdout == first.stdout and json.loads(again.stdout) == {"case": "CSU-2017-00001"}
        assert event_count(env["TASKING_STORE"]) == before + 2
        audit = cli_json("audit", "CSU-2017-00001", env=env)["entries"]
        assert [e["event"] for e in audit].count("FollowUpMade") == 1

    def test_the_request_id_may_come_from_the_environment_and_a_defaulted_time_is_not_content(
        self, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        args = (*report_args(source="POLICE", received=None), "--json")
        first = cli_json(*args, env={**env, "TASKING_REQUEST_ID": "report-2"})
        assert first["case"].endswith("-00001")
        before = event_count(env["TASKING_STORE"])
        later = utcnow() + dt.timedelta(minutes=5)  # a retry made later: its default --received (now) differs
        monkeypatch.setattr("tasking.cli.context.utcnow", lambda: later)
        again = cli_json(*args, env={**env, "TASKING_REQUEST_ID": "report-2"})
        assert again == first
        assert event_count(env["TASKING_STORE"]) == before

    def test_the_same_request_id_with_different_content_is_refused_and_writes_nothing(
        self, env: dict[str, str]
    ) -> None:
        run_cli(*FOLLOW_UP, "--request-id", "visit-1", env=env)
        before = event_count(env["TASKING_STORE"])
        other = run_cli(*FOLLOW_UP[:-3], "--at", "2018-03-08T16:00", "--request-id", "visit-1", env=env, check=False)
        assert other.returncode == 1 and other.stdout == ""
        assert other.stderr.strip().splitlines() == [
            "Error: request-id: 'visit-1' was already used for this command with different content; "
            "use a new request id for a new command"
        ]
        power = run_cli("power", "CSU-2017-00001", "--type", "CPW", "--request-id", "visit-1", env=env, check=False)
        assert power.returncode == 1 and "already used for another command (RecordFollowUp)" in power.stderr
        assert event_count(env["TASKING_STORE"]) == before

    def test_a_write_killed_after_its_commit_is_retried_safely(self, env: dict[str, str]) -> None:
        before = event_count(env["TASKING_STORE"])
        hung = subprocess.Popen(
            [sys.executable, HANG, *FOLLOW_UP, "--request-id", "visit-9"],
            env={**os.environ, "TASKING_LOG_LEVEL": "warning", **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert hung.stderr.readline().strip() == "finished 0"  # committed, printed, not yet exited
            os.kill(hung.pid, signal.SIGKILL)
        finally:
            hung.kill()
            hung.wait()
        assert hung.returncode == -signal.SIGKILL
        assert event_count(env["TASKING_STORE"]) == before + 2
        retry = run_cli(*FOLLOW_UP, "--request-id", "visit-9", env=env)
        assert json.loads(retry.stdout) == {"case": "CSU-2017-00001"}
        assert event_count(env["TASKING_STORE"]) == before + 2
        audit = cli_json("audit", "CSU-2017-00001", env=env)["entries"]
        assert [e["event"] for e in audit].count("FollowUpMade") == 1

    def test_without_a_request_id_a_retry_is_a_second_write(self, env: dict[str, str]) -> None:
        run_cli(*FOLLOW_UP, env=env)
        run_cli(*FOLLOW_UP, env=env)
        audit = cli_json("audit", "CSU-2017-00001", env=env)["entries"]
        assert [e["event"] for e in audit].count("FollowUpMade") == 2


class TestTimes:
    def test_a_time_in_the_spring_gap_is_refused_naming_the_gap(self, env: dict[str, str]) -> None:
        before = event_count(env["TASKING_STORE"])
        done = run_cli(*FOLLOW_UP[:-3], "--at", "2018-03-25T01:30", env=env, check=False)
        assert done.returncode == 2
        assert done.stderr.strip() == (
            "Error: at: '2018-03-25T01:30' does not exist in Europe/London: the clocks go forward from 01:00 to "
            "02:00 on 2018-03-25; give a time outside the gap, or with its offset"
        )
        assert event_count(env["TASKING_STORE"]) == before

    def test_a_time_in_the_autumn_overlap_is_refused_with_both_readings_unless_it_has_an_offset(
        self, env: dict[str, str]
    ) -> None:
        done = run_cli(*FOLLOW_UP[:-3], "--at", "2017-10-29T01:30", env=env, check=False)
        assert done.returncode == 2
        assert "2017-10-29T01:30+01:00 (BST) or 2017-10-29T01:30+00:00 (GMT)" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        occurred = run_cli(*report_args(occurred="2017-10-29T01:30", received=None), env=env, check=False)
        assert occurred.returncode == 2 and occurred.stderr.startswith(
            "Error: occurred: '2017-10-29T01:30' happens twice"
        )
        for offset, utc in (("+01:00", "2017-10-29T00:30:00Z"), ("+00:00", "2017-10-29T01:30:00Z")):
            case = cli_json(*report_args(occurred="2017-10-28T22:00", received=f"2017-10-29T01:30{offset}"), env=env)[
                "case"
            ]
            assert cli_json("audit", case, env=env)["entries"][0]["occurred_at"] == utc

    def test_effective_times_far_ahead_of_now_or_before_the_earliest_date_are_refused(
        self, env: dict[str, str]
    ) -> None:
        before = event_count(env["TASKING_STORE"])
        ahead = run_cli(*FOLLOW_UP[:-3], "--at", "2999-12-31", env=env, check=False)
        assert ahead.returncode == 1 and "at: Tue 31 Dec 2999 00:00 is more than one day after now" in ahead.stderr
        beyond = run_cli(*FOLLOW_UP[:-3], "--at", "9999-12-31", env=env, check=False)  # past any year a read can show
        assert (
            beyond.returncode == 2
            and "at: '9999-12-31' is out of range: the year must be from 1800 to 9998" in beyond.stderr
        )
        old = run_cli(*report_args(occurred="1900-06-01T00:00", received="1900-06-01"), env=env, check=False)
        assert old.returncode == 1 and old.stderr.strip() == (
            "Error: received: Fri 01 Jun 1900 00:00 is before the partnership's earliest date 2000-01-01 "
            "(earliest_date in its configuration)"
        )
        assert event_count(env["TASKING_STORE"]) == before


def test_stats_accepts_every_year_a_write_can_produce(tmp_path: Path) -> None:
    from tasking.config import default_config_text

    config = tmp_path / "partnership.toml"
    config.write_text(default_config_text().replace("earliest_date = 2000-01-01", "earliest_date = 1900-01-01"))
    env = cli_store(str(tmp_path / "old.db"), None, "--config", str(config))
    case = cli_json(*report_args(occurred="1900-01-01T00:00", received="1900-01-01T00:00"), env=env)["case"]
    assert case == "CSU-1899-00001"
    assert cli_json("stats", "--year", "1899", env=env)["reports"] == 1
    assert cli_json("stats", "--year", "9998", env=env)["reports"] == 0


def _killed_after(args: list[str], env: dict[str, str], events: int) -> subprocess.CompletedProcess[bytes]:
    """`tasking *args` in a real process that kills itself with SIGKILL right after the commit that
    brings what it has written to `events` or more (the fault point `kill-after-events`)."""
    return subprocess.run(
        [TASKING, *args],
        env={**os.environ, **env, FAULT: f"kill-after-events={events}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )


def test_a_demo_killed_mid_way_is_reported_unfinished_and_resumes_to_a_clean_demos_fingerprints(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest, demo_template: Path
) -> None:
    """The clean demo is the SQLite one built for the run, for both backends: the demo gives the
    same events and figures on either (tests/e2e/test_demo_and_stats.py checks that)."""
    killed = make_store(backend, tmp_path, request, name="killed")
    clean = copy_demo(demo_template, tmp_path, name="clean")
    views = {killed: str(tmp_path / "killed-views.db"), clean: str(tmp_path / "clean.views.db")}
    demo = _killed_after(["demo", "--store", killed], {"TASKING_VIEWS": views[killed]}, events=4000)
    assert demo.returncode == -signal.SIGKILL
    stopped = event_count(killed)
    assert 4000 <= stopped < 16000
    env = {"TASKING_VIEWS": views[killed]}
    unfinished = (
        f"Warning: unfinished build: `tasking demo --seed 2017` started at position 1 and did not finish; "
        f"the store ends at position {stopped}; finish it with `tasking demo --resume`"
    )
    for args in (("stats", "--year", "2017", "--json"), ("projections", "status"), ("projections", "verify")):
        done = run_cli("--store", killed, *args, env=env)
        assert unfinished in done.stderr.splitlines(), args
    refused = run_cli("demo", "--store", killed, env=env, check=False)
    assert refused.returncode == 1 and "--resume to finish the demo that was interrupted" in refused.stderr
    run_cli("demo", "--store", killed, "--resume", env=env)
    assert event_count(killed) == event_count(clean)
    for year in ("2016", "2017"):
        resumed, fresh = (
            json.loads(run_cli("--store", s, "stats", "--year", year, "--json", env={"TASKING_VIEWS": views[s]}).stdout)
            for s in (killed, clean)
        )
        assert resumed["fingerprint"] == fresh["fingerprint"]
    done = run_cli("--store", killed, "projections", "status", env=env)
    assert "unfinished" not in done.stderr
    again = run_cli("demo", "--store", killed, "--resume", env=env, check=False)
    assert again.returncode == 1 and "already complete" in again.stderr


def test_an_import_killed_mid_way_resumes_by_importing_it_again(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """kill -9 during an import, then the same import again: every row once, none twice, none lost.
    1000 rows are about 3,400 events: the kill comes at the first committed batch (the bulk writer's
    2,000 events, about 590 rows), with about 400 rows still to import on the second run."""
    from tests.e2e.test_partner_import import MAPPING, write_file

    store = make_store(backend, tmp_path, request)
    env = cli_store(store, tmp_path / "views.db")
    data = tmp_path / "partner.csv"
    rows = 1000
    bad = write_file(data, rows)
    start = event_count(store)
    importing = _killed_after(["import", str(data), "--mapping", str(MAPPING)], env, events=1000)
    part = event_count(store) - start
    assert importing.returncode == -signal.SIGKILL, "the import finished before it could be killed"
    assert part > 0, "the import was killed before it committed a batch"
    again = cli_json("import", str(data), "--mapping", str(MAPPING), env=env)
    good = rows - len(bad)
    assert again["imported"] + again["skipped_already_imported"] == good and again["conflicts"] == 0
    assert again["skipped_already_imported"] > 0 and again["imported"] > 0  # kept what was committed, added the rest
    cases = cli_json("cases", env=env)["cases"]
    assert len(cases) == good  # every good row once: none lost, none twice
    assert cli_json("import", str(data), "--mapping", str(MAPPING), env=env)["imported"] == 0
