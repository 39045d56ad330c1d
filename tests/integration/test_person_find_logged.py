"""`person find` is recorded in the access log by its kind and the people found, never by what
was searched for (issue 21, item 23). On both backends."""

from __future__ import annotations

from structlog.testing import capture_logs

from tasking.commands import AddPerson
from tasking.queries.access import access_log
from tasking.queries.people import find_people
from tests.conftest import Desk


def test_each_search_is_logged_by_kind_never_by_value(desk: Desk) -> None:
    phoned = desk.send(AddPerson, name="Robin Quill", phone="01732 456789")["person"]
    app = desk.services.app
    with capture_logs() as logs:
        assert [p["person"] for p in find_people(app, name="smith", user="sgt.jones")] == [desk.people["resident"]]
        assert [p["person"] for p in find_people(app, phone="456789", user="sgt.jones")] == [phoned]
        assert find_people(app, name="nobody-called-this", user="coordinator") == []
    entries = [
        (e["user"], e["agency"], e["action"], e["what"], e["cases"])
        for e in access_log(desk.read())["entries"]
        if e["action"] == "person find"
    ]
    assert entries == [
        ("sgt.jones", "POLICE", "person find", f"search by name; found: {desk.people['resident']}", []),
        ("sgt.jones", "POLICE", "person find", f"search by phone; found: {phoned}", []),
        ("coordinator", "COUNCIL", "person find", "search by name; found: none", []),
    ]
    everything = repr(entries) + repr(logs)
    for value in ("smith", "Smith", "456789", "nobody-called-this", "Quill"):
        assert value not in everything
