"""Issue 25, item 11: the small things a new user tripped on."""

from __future__ import annotations

import json

from tests.e2e.test_local_times import fixture_desk, invoke  # noqa: F401  (the fixture, by name)


def test_explaining_task_and_finish_groups_counts_groups(desk: None) -> None:
    code, out, err = invoke("stats", "--year", "2017", "--explain", "task_and_finish_groups.ongoing")
    assert code == 0, err
    assert "1 events on 1 group" in " ".join(out.split()) and "cases" not in out.split("\n", 1)[0]


def test_a_refusal_reads_as_english(desk: None) -> None:
    assert invoke("users", "add", "analyst", "--name", "Ann Lyst", "--agency", "COUNCIL", "--role", "analyst")[0] == 0
    code, _, err = invoke("--user", "analyst", "briefing", "--at", "2018-03-05")
    assert code == 3 and "an analyst may not use `tasking briefing`" in err, err


def test_reassigning_to_a_new_owner_keeps_the_agency(desk: None) -> None:
    assert invoke("reassign", "CSU-2017-00001", "T1", "--owner", "coordinator", "--at", "2017-04-25T10:00")[0] == 0
    tasking = json.loads(invoke("show", "CSU-2017-00001", "--json")[1])["taskings"][0]
    assert (tasking["tasked_agency"], tasking["owner"]) == ("COUNCIL", "coordinator")
    code, _, err = invoke("reassign", "CSU-2017-00001", "T1", "--at", "2017-04-25T10:05")
    assert code == 1 and "agency: give the agency to reassign to (--agency), the new owner (--owner), or both" in err


def test_the_top_level_help_says_reads_need_a_user_too() -> None:
    code, out, _ = invoke("--help")
    assert code == 0 and "reads too" in " ".join(out.split())


def test_show_mentions_a_tasking_s_reassignment(desk: None) -> None:
    assert invoke("reassign", "CSU-2017-00001", "T1", "--agency", "POLICE", "--at", "2017-04-25T10:00")[0] == 0
    code, out, err = invoke("show", "CSU-2017-00001")
    assert code == 0, err
    assert "Reassignments (1)" in out and "Tue 25 Apr 2017 10:00 coordinator (COUNCIL): T1 to POLICE" in out, out
    shown = json.loads(invoke("show", "CSU-2017-00001", "--json")[1])
    assert [(r["tasking"], r["tasked_agency"]) for r in shown["reassignments"]] == [("T1", "POLICE")]
