"""Issue 21, items 1 and 2 over HTTP: the taskings list and the MARAC agenda give an uninvolved
reader the outline of a restricted case, and log the cases they show in full."""

from __future__ import annotations

from tasking.commands import MaracMeetingsAdd, RaiseTasking, Refer
from tasking.commands.setup import AddUser
from tasking.queries.access import access_log
from tests.conftest import at
from tests.web.conftest import bearer, issue

SECRET = "Visit the victim at the refuge"


def test_taskings_and_the_agenda_are_outlines_for_the_uninvolved_and_logged_in_full(web, services, desk) -> None:
    desk.send(AddUser, login="keeper", name="Keeper", agency="COUNCIL", role="admin")
    case = desk.report("2018-03-02T10:00", category="domestic-abuse")
    desk.send(
        RaiseTasking,
        when="2018-03-02T11:00",
        case=case,
        agency="POLICE",
        action=SECRET,
        due=at("2018-03-09T12:00").date(),
    )
    desk.send(Refer, when="2018-03-02T12:00", case=case, to="community-marac")
    desk.send(MaracMeetingsAdd, when="2018-03-08T10:00")
    query = {"agency": "POLICE", "at": "2018-03-06T12:00"}
    for login in ("warden.grange", "analyst", "keeper"):
        answer = web.get("/api/v1/taskings", params=query, headers=bearer(issue(services, login, by=login)))
        assert answer.status_code == 200 and SECRET not in answer.text and "domestic-abuse" not in answer.text
        assert answer.json()["taskings"] == [
            {"case": case, "area": "Swanley", "received_at": "2018-03-02T10:00:00Z", "restricted": True}
        ]
    agenda = web.get(
        "/api/v1/marac/agenda",
        params={"at": "2018-03-06T12:00"},
        headers=bearer(issue(services, "warden.grange", by="warden.grange")),
    )
    assert agenda.status_code == 200 and SECRET not in agenda.text
    police = bearer(issue(services, "sgt.jones", by="sgt.jones"))
    assert SECRET in web.get("/api/v1/taskings", params=query, headers=police).text
    assert SECRET in web.get("/api/v1/marac/agenda", params={"at": "2018-03-06T12:00"}, headers=police).text
    logged = [(e["user"], e["action"], e["cases"]) for e in access_log(desk.read())["entries"] if not e["refused"]]
    assert logged == [("sgt.jones", "taskings", [case]), ("sgt.jones", "marac agenda", [case])]
