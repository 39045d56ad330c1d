"""Briefing packs: issued once, windows that tile, missed runs; on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from structlog.testing import capture_logs

from tasking.reporting.packs import issue_pack
from tasking.scheduler import run_once
from tests.conftest import Desk, at


def events_named(desk: Desk, name: str) -> int:
    return sum(1 for n in desk.services.app.recorder.select_notifications(0, 100000) if n.topic.endswith(name))


def test_once_at_the_pack_time_writes_the_monday_pack_across_the_dst_change(desk: Desk, tmp_path: Path) -> None:
    inside = [desk.report("2018-03-23T09:00:01"), desk.report("2018-03-25T12:00")]
    desk.report("2018-03-23T08:59")
    result = run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
    assert result["briefing"]["issued"] is True
    pack = json.loads((tmp_path / "2018-03-26" / "briefing.json").read_text())
    assert pack["window"] == {"from": "2018-03-23T09:00:00Z", "to": "2018-03-26T08:00:00Z"}
    assert {r["case"] for r in pack["new_reports"]} == set(inside)
    assert {p.name for p in (tmp_path / "2018-03-26").iterdir()} >= {"briefing.html", "briefing.md", "briefing.json"}


def test_running_once_twice_issues_one_pack(desk: Desk, tmp_path: Path) -> None:
    desk.report("2018-03-25T12:00")
    run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    again = run_once(desk.services, at("2018-03-26T08:45"), tmp_path, "coordinator")
    assert again["briefing"]["issued"] is False
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()} == before
    assert events_named(desk, "Briefing.BriefingIssued") == 1


def test_after_a_missed_day_the_next_pack_starts_where_the_last_one_ended(desk: Desk, tmp_path: Path) -> None:
    tuesday = desk.report("2018-03-27T12:00")  # Tuesday's pack is never made
    wednesday = desk.report("2018-03-28T08:00")
    issue_pack(desk.services, at("2018-03-26T09:00"), tmp_path, "coordinator", at("2018-03-26T08:30"))
    issue_pack(desk.services, at("2018-03-28T09:00"), tmp_path, "coordinator", at("2018-03-28T08:30"))
    pack = json.loads((tmp_path / "2018-03-28" / "briefing.json").read_text())
    assert pack["window"] == {
        "from": "2018-03-26T08:00:00Z",
        "to": "2018-03-28T08:00:00Z",
        "why": "since the last pack issued, for Mon 26 Mar 2018",
    }
    assert (
        "Reports received after Mon 26 Mar 2018 09:00 (since the last pack issued, for Mon 26 Mar 2018) up to "
        "Wed 28 Mar 2018 09:00"
    ) in (tmp_path / "2018-03-28" / "briefing.md").read_text()
    assert [r["case"] for r in pack["new_reports"]] == [tuesday, wednesday]
    issue_pack(desk.services, at("2018-03-29T09:00"), tmp_path, "coordinator", at("2018-03-29T08:30"))
    thursday = json.loads((tmp_path / "2018-03-29" / "briefing.json").read_text())
    assert thursday["window"]["from"] == pack["window"]["to"]
    assert "why" not in thursday["window"]  # the usual window needs no reason
    issued = [dict(r) for r in desk.db.query("SELECT * FROM briefings ORDER BY meeting")]
    assert [r["window_from"] for r in issued[1:]] == [r["window_to"] for r in issued[:-1]]


def test_before_the_pack_time_nothing_is_due(desk: Desk, tmp_path: Path) -> None:
    assert run_once(desk.services, at("2018-03-26T07:00"), tmp_path, "coordinator")["briefing"] is None
    assert not (tmp_path / "2018-03-26").exists()


def test_a_pack_missed_until_after_the_meeting_is_logged_as_a_warning(desk: Desk, tmp_path: Path) -> None:
    with capture_logs() as logs:
        result = run_once(desk.services, at("2018-03-26T10:15"), tmp_path, "coordinator")
    assert result["briefing"] is None
    assert any(e["event"] == "briefing.missed" and e["log_level"] == "warning" for e in logs)


def test_reminders_give_each_agency_its_overdue_taskings(desk: Desk, tmp_path: Path) -> None:
    import datetime as dt

    from tasking.commands import RaiseTasking

    case = desk.report("2018-03-19T10:00")
    desk.send(
        RaiseTasking, when="2018-03-19T11:00", case=case, agency="WARDENS", action="Patrol", due=dt.date(2018, 3, 21)
    )
    result = run_once(desk.services, at("2018-03-26T08:30"), tmp_path, "coordinator")
    assert result["reminders"]["written"] >= 1
    text = (tmp_path / "2018-03-26" / "reminders" / "WARDENS.md").read_text()
    assert case in text and "5 days overdue" in text


def test_a_pack_with_a_restricted_case_due_and_flagged_is_issued_with_outlines(desk: Desk, tmp_path: Path) -> None:
    """A restricted case's due tasking and repeat flag are outlines in the pack; the pack is still
    issued and recorded with every item counted (it once failed on the outlines' missing fields)."""
    import datetime as dt

    from tasking.commands import RaiseTasking

    cases = [
        desk.report(f"2018-03-{day}T10:00", category="domestic-abuse", location="Mill Road") for day in (12, 14, 19)
    ]
    desk.send(
        RaiseTasking,
        when="2018-03-19T11:00",
        case=cases[-1],
        agency="WARDENS",
        action="Visit",
        due=dt.date(2018, 3, 21),
    )
    result = issue_pack(desk.services, at("2018-03-26T09:00"), tmp_path, "coordinator", at("2018-03-26T08:30"))
    assert result["issued"] is True
    brief = json.loads((tmp_path / "2018-03-26" / "briefing.json").read_text())
    assert brief["due_taskings"] == [
        {"case": cases[-1], "area": "Swanley", "received_at": "2018-03-19T10:00:00Z", "restricted": True}
    ]
    assert brief["repeat_flags"] and all(flag.get("restricted") for flag in brief["repeat_flags"])  # place and person
    assert "Visit" not in (tmp_path / "2018-03-26" / "briefing.md").read_text()
    row = desk.db.execute("SELECT due_taskings FROM briefings WHERE meeting_day = '2018-03-26'").fetchone()
    assert row[0] == 1
