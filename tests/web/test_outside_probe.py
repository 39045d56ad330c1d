"""Issue 21, web and API: the outside probe's findings against the HTTP face, repeated."""

from __future__ import annotations

import pytest

from tasking.commands import AddUser, ApplyRetention, CloseCase, PlaceHold, send
from tasking.domain.errors import DomainError
from tasking.domain.ids import case_id, person_id
from tasking.time.instants import utcnow
from tests.conftest import Desk, at
from tests.web.conftest import bearer, issue

PROBLEM = "application/problem+json"


def admin_token(desk: Desk) -> str:
    desk.send(AddUser, login="admin.kay", name="Kay", agency="COUNCIL", role="admin")
    return issue(desk.services, "admin.kay")


class TestRetentionOverHttp:
    """Item 3: no request body names what retention destroys."""

    def test_the_api_cannot_destroy_a_held_case_or_a_person(self, web, desk) -> None:  # noqa: ANN001
        case = desk.report("2018-03-02T10:00", summary="Shouting outside the flats")
        desk.send(PlaceHold, when="2018-03-11T10:00", case=case, reason="Civil claim LS-881")
        token, keys = admin_token(desk), desk.services.app.keys
        for body in ({"subject": "case", "reference": case, "reason": "probe"},
                     {"subject": "person", "reference": desk.people["resident"], "reason": "probe"}):
            response = web.post("/api/v1/commands/apply-retention", json=body, headers=bearer(token))
            assert response.status_code in (404, 405), response.text
        assert not keys.is_destroyed(case_id(case)) and not keys.is_destroyed(person_id(desk.people["resident"]))
        assert "/api/v1/commands/apply-retention" not in web.get("/openapi.json").json()["paths"]

    def test_the_handler_refuses_a_case_the_rule_does_not_select(self, desk) -> None:  # noqa: ANN001
        open_case = desk.report("2018-03-02T10:00")
        held = desk.report("2018-03-02T11:00")
        recent = desk.report("2018-03-02T12:00")
        for case in (held, recent):
            desk.send(CloseCase, when="2018-03-10T10:00", case=case, reason="resolved", note="Quiet")
        desk.send(PlaceHold, when="2018-03-11T10:00", case=held, reason="Civil claim LS-881")
        app = desk.services.app
        for case, when in ((open_case, utcnow()), (held, utcnow()), (recent, at("2020-03-11T10:00"))):
            with pytest.raises(DomainError) as refused:
                send(app, ApplyRetention(user="coordinator", at=when, subject="case", reference=case, reason="probe"))
            assert refused.value.field == "case"
            assert not app.keys.is_destroyed(case_id(case))
