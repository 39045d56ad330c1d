"""The meeting room: the briefing's row actions, each the CLI's own command, back to the same row."""

from __future__ import annotations

import re

from tasking.queries.audit import audit, show
from tests.conftest import at
from tests.web.conftest import issue
from tests.web.test_pages import csrf, sign_in

DAY = "2018-03-05"


def _events(services, case: str) -> list[str]:
    return [e["event"] for e in audit(services.read(user="coordinator", action="audit"), case)["entries"]]


def test_a_new_report_s_row_tasks_links_sets_risk_assigns_and_is_marked_discussed(web, services, desk) -> None:
    case, other = desk.report("2018-03-03T08:10"), desk.report("2018-03-02T10:00", location="Elm Road")
    sign_in(web, issue(services, "coordinator"))
    page = web.get(f"/briefing/{DAY}")
    assert f'<tr id="row-{case}"' in page.text and f"Actions for {case}" in page.text
    token = csrf(page.text)
    steps = [
        ("task", {"agency": "WARDENS", "owner": "", "action": "Patrol 8-10pm", "due": "2018-03-09"}, "TaskingRaised"),
        ("link", {"to": other, "reason": "same-problem"}, "Linked"),
        ("risk", {"level": "medium", "reason": "Escalating"}, "RiskAssessed"),
        ("assign", {"lead": "warden.grange"}, "LeadAssigned"),
        ("discussed", {"note": "Discussed at the daily tasking meeting"}, "Reviewed"),
    ]
    for action, fields, event in steps:
        done = web.post(
            f"/briefing/{DAY}/{action}",
            data={"case": case, "csrf_token": token, "at": "2018-03-05T09:30", **fields},
            follow_redirects=False,
        )
        assert done.status_code == 303, (action, done.text[:300])
        assert done.headers["location"].endswith(f"#row-{case}"), done.headers["location"]
        assert any(event in name for name in _events(services, case)), (action, _events(services, case))
    shown = show(services.read(user="coordinator", action="show"), case)
    assert shown["risk"] == "medium" and shown["lead"] == "warden.grange"
    assert [t["tasked_agency"] for t in shown["taskings"]] == ["WARDENS"]
    back = web.get(done.headers["location"].split("#")[0])
    assert "Marked discussed" in back.text


def test_a_row_closes_a_case(web, services, desk) -> None:
    case = desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "coordinator"))
    token = csrf(web.get(f"/briefing/{DAY}").text)
    closed = web.post(
        f"/briefing/{DAY}/close",
        data={"case": case, "reason": "resolved", "csrf_token": token, "at": "2018-03-05T09:30"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert show(services.read(user="coordinator", action="show"), case)["status"] == "closed"


def test_a_refused_row_action_comes_back_to_its_row_with_what_was_typed(web, services, desk) -> None:
    case = desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "coordinator"))
    token = csrf(web.get(f"/briefing/{DAY}").text)
    refused = web.post(
        f"/briefing/{DAY}/task",
        data={
            "case": case,
            "agency": "WARDENS",
            "action": "Patrol the shops",
            "due": "2018-02-30",
            "csrf_token": token,
            "at": "2018-03-05T09:30",
        },
    )
    assert refused.status_code == 422
    assert "Not recorded: Due:" in refused.text and "Value error" not in refused.text
    row = refused.text.split(f'id="row-{case}"', 1)[1]
    assert "<details open>" in row and 'value="Patrol the shops"' in row
    assert not any("Tasking" in name for name in _events(services, case))


def test_a_possible_duplicate_is_confirmed_or_dismissed_and_a_repeat_flag_acknowledged(web, services, desk) -> None:
    one = desk.report("2018-03-03T22:00", source="POLICE", occurred_at=at("2018-03-03T21:00"), anonymous=True)
    two = desk.report("2018-03-03T22:10", source="COUNCIL", occurred_at=at("2018-03-03T21:10"), anonymous=True)
    three = desk.report("2018-03-04T10:00", source="POLICE", location="Elm Road", occurred_at=at("2018-03-04T09:00"))
    four = desk.report("2018-03-04T10:05", source="COUNCIL", location="Elm Road", occurred_at=at("2018-03-04T09:30"))
    sign_in(web, issue(services, "coordinator"))
    page = web.get(f"/briefing/{DAY}")
    assert f'id="dup-{one}-{two}"' in page.text and f'id="dup-{three}-{four}"' in page.text
    token = csrf(page.text)
    confirmed = web.post(
        f"/briefing/{DAY}/confirm",
        data={"case": one, "other": two, "csrf_token": token, "at": "2018-03-05T09:20"},
        follow_redirects=False,
    )
    assert confirmed.headers["location"].endswith(f"#dup-{one}-{two}")
    assert any(
        link["reason"] == "same-incident"
        for link in show(services.read(user="coordinator", action="show"), one)["links"]
    )
    dismissed = web.post(
        f"/briefing/{DAY}/dismiss",
        data={
            "case": three,
            "other": four,
            "reason": "Different groups",
            "csrf_token": token,
            "at": "2018-03-05T09:20",
        },
        follow_redirects=False,
    )
    assert dismissed.status_code == 303
    assert f'id="dup-{one}-{two}"' in web.get(f"/briefing/{DAY}").text  # the meeting's own point (09:00) stands
    after = web.get("/briefing/2018-03-06").text  # the next meeting's queue: both pairs decided
    assert f'id="dup-{one}-{two}"' not in after and f'id="dup-{three}-{four}"' not in after
    flag = re.search(r'id="(flag-[A-Z]-[0-9A-F]+)"', after)
    assert flag is not None, "the shops' reports raise a location flag"
    acknowledged = web.post(
        "/briefing/2018-03-06/acknowledge",
        data={"flag": flag.group(1)[5:], "note": "Patrols agreed", "csrf_token": token, "at": "2018-03-06T09:20"},
        follow_redirects=False,
    )
    assert acknowledged.status_code == 303 and acknowledged.headers["location"].endswith("#" + flag.group(1))
    assert f'id="{flag.group(1)}"' not in web.get("/briefing/2018-03-07").text


def test_the_coordinator_issues_the_day_s_pack_once(web, services, desk, tmp_path) -> None:
    desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "coordinator"))
    page = web.get(f"/briefing/{DAY}")
    assert "Issue the day&#39;s pack" in page.text or "Issue the day's pack" in page.text
    issued = web.post(f"/briefing/{DAY}/issue", data={"csrf_token": csrf(page.text)}, follow_redirects=False)
    assert issued.status_code == 303 and "Pack%20issued" in issued.headers["location"]
    assert (tmp_path / "packs" / DAY / "briefing.html").exists()
    assert "has been issued" in web.get(f"/briefing/{DAY}").text


def test_officers_see_the_briefing_without_the_room_s_forms_and_are_refused_its_writes(web, services, desk) -> None:
    case = desk.report("2018-03-03T08:10")
    sign_in(web, issue(services, "sgt.jones"))
    page = web.get(f"/briefing/{DAY}")
    assert page.status_code == 200 and f"Actions for {case}" not in page.text and "Issue the day" not in page.text
    for action, fields in [
        ("task", {"agency": "WARDENS", "action": "Patrol", "due": "2018-03-09"}),
        ("close", {"reason": "resolved"}),
        ("issue", {}),
    ]:
        refused = web.post(f"/briefing/{DAY}/{action}", data={"case": case, "csrf_token": csrf(page.text), **fields})
        assert refused.status_code == 403 and "may not" in refused.text, (action, refused.status_code)
    assert show(services.read(user="coordinator", action="show"), case)["taskings"] == []
