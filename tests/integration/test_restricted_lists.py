"""Every list that carries case details follows the rule `show` follows (issue 21, items 1 and 2): a
restricted case is its outline for readers not involved in it, and a list that shows it in full
leaves an access entry. Through the real queries, on both backends."""

from __future__ import annotations

import json

import pytest

from tasking.commands import MaracDiscuss, MaracMeetingsAdd, RaiseTasking, Refer
from tasking.commands.setup import AddUser
from tasking.queries.access import access_log
from tasking.queries.cases import list_cases
from tasking.queries.reads import (
    feedback_owed_read,
    marac_agenda_read,
    marac_meetings_read,
    open_taskings_read,
)
from tests.conftest import Desk, at

SECRET = "Visit the victim at the refuge"
OUTLINE = {"case", "area", "received_at", "restricted"}
NOW = at("2018-03-06T12:00")


@pytest.fixture(name="restricted")
def fixture_restricted(desk: Desk) -> str:
    """A domestic-abuse case received by the council and tasked to the police, referred to the
    Community MARAC and discussed there; plus an admin, who does no case work."""
    desk.send(AddUser, login="keeper", name="Keeper", agency="COUNCIL", role="admin")
    case = desk.report("2018-03-02T10:00", category="domestic-abuse", location="Quarry Lane")
    desk.send(
        RaiseTasking,
        when="2018-03-02T11:00",
        case=case,
        agency="POLICE",
        action=SECRET,
        due=at("2018-03-05T12:00").date(),
    )
    desk.send(Refer, when="2018-03-02T12:00", case=case, to="community-marac")
    desk.send(MaracMeetingsAdd, when="2018-03-01T10:00")
    desk.send(MaracMeetingsAdd, when="2018-03-08T10:00")
    desk.send(MaracDiscuss, case=case, meeting=at("2018-03-01T12:00").date(), outcome="Safety plan agreed")
    return case


def entries(desk: Desk, user: str, action: str) -> list[list[str]]:
    return [e["cases"] for e in access_log(desk.read())["entries"] if e["user"] == user and e["action"] == action]


class TestTheTaskingsList:
    @pytest.mark.parametrize("user", ["warden.grange", "analyst", "keeper"])
    def test_is_an_outline_for_the_uninvolved_and_logs_nothing_shown(
        self, desk: Desk, restricted: str, user: str
    ) -> None:
        found = open_taskings_read(desk.read(user=user, action="cases"), "POLICE", None, NOW)
        [item] = [t for t in found["taskings"] if t["case"] == restricted]
        assert set(item) == OUTLINE and item["restricted"] is True
        assert SECRET not in json.dumps(found) and "domestic-abuse" not in json.dumps(found)
        assert entries(desk, user, "taskings") == []

    @pytest.mark.parametrize("user", ["coordinator", "sgt.jones"])
    def test_is_in_full_for_the_involved_and_recorded_in_the_access_log(
        self, desk: Desk, restricted: str, user: str
    ) -> None:
        found = open_taskings_read(desk.read(user=user, action="cases"), "POLICE", None, NOW)
        [item] = [t for t in found["taskings"] if t["case"] == restricted]
        assert item["action"] == SECRET and item["category"] == "domestic-abuse"
        assert entries(desk, user, "taskings") == [[restricted]]


class TestTheMaracAgendaAndMeetings:
    def test_an_uninvolved_officer_sees_outlines_and_nothing_is_logged(self, desk: Desk, restricted: str) -> None:
        read = desk.read(user="warden.grange", action="marac agenda")
        agenda = marac_agenda_read(read, at("2018-03-08T10:00").date(), None, NOW)
        [item] = [i for i in agenda["items"] if i["case"] == restricted]
        assert set(item) == OUTLINE
        meetings = marac_meetings_read(desk.read(user="warden.grange", action="marac agenda"), None, NOW)
        [discussion] = [d for m in meetings["meetings"] for d in m["discussions"]]
        assert set(discussion) == OUTLINE
        assert SECRET not in json.dumps(agenda) and "Safety plan" not in json.dumps(meetings)
        assert entries(desk, "warden.grange", "marac agenda") == []

    @pytest.mark.parametrize("user", ["coordinator", "sgt.jones"])
    def test_the_involved_see_it_in_full_and_the_read_is_logged(self, desk: Desk, restricted: str, user: str) -> None:
        agenda = marac_agenda_read(
            desk.read(user=user, action="marac agenda"), at("2018-03-08T10:00").date(), None, NOW
        )
        [item] = [i for i in agenda["items"] if i["case"] == restricted]
        assert [a["action"] for a in item["open_actions"]] == [SECRET]
        assert entries(desk, user, "marac agenda") == [[restricted]]


class TestOtherLists:
    def test_the_case_list_records_the_restricted_cases_it_shows_in_full(self, desk: Desk, restricted: str) -> None:
        plain = desk.report("2018-03-03T10:00")
        rows = {r["case"]: r for r in list_cases(desk.read(action="cases"))["cases"]}
        assert rows[restricted]["category"] == "domestic-abuse" and plain in rows
        assert entries(desk, "coordinator", "cases") == [[restricted]]
        list_cases(desk.read(user="analyst", action="cases"))
        assert entries(desk, "analyst", "cases") == []

    def test_feedback_owed_is_an_outline_for_the_uninvolved(self, desk: Desk, restricted: str) -> None:
        found = feedback_owed_read(desk.read(user="analyst", action="feedback-owed"), at("2018-03-20T09:00"), NOW)
        [item] = [i for i in found["feedback_owed"] if i["case"] == restricted]
        assert set(item) == OUTLINE
        found = feedback_owed_read(desk.read(user="coordinator", action="feedback-owed"), at("2018-03-20T09:00"), NOW)
        assert "owed_since" in next(i for i in found["feedback_owed"] if i["case"] == restricted)


def test_person_show_records_the_restricted_cases_it_shows_in_full(desk: Desk, restricted: str) -> None:
    from tasking.queries.people import person_with_cases

    resident = desk.people["resident"]
    found = person_with_cases(desk.read(user="warden.grange", action="person show"), resident)
    assert [set(c) for c in found["cases"]] == [OUTLINE]
    found = person_with_cases(desk.read(action="person show"), resident)
    assert found["cases"][0]["category"] == "domestic-abuse"
    assert entries(desk, "coordinator", "person show") == [[restricted]]
    assert entries(desk, "warden.grange", "person show") == []
