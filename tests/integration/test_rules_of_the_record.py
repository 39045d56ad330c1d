"""Issue 25, item 7: rules of the record a new user tripped on."""

from __future__ import annotations

import pytest

from tasking.commands import CloseCase, ReopenCase, UpdateReporter
from tasking.domain.case import Case
from tasking.errors import DomainError
from tasking.queries.stats import year_stats
from tests.conftest import Desk, at


class TestAnAnonymousCaseHasNoReporterToUpdate:
    def test_an_update_is_refused(self, desk: Desk) -> None:
        case = desk.report("2018-03-05T10:00", anonymous=True)
        with pytest.raises(DomainError, match="reported anonymously: there is no reporter to update"):
            desk.send(UpdateReporter, when="2018-03-06T10:00", case=case, channel="phone", note="Told")

    def test_one_recorded_before_the_rule_is_not_counted(self, desk: Desk) -> None:
        named = desk.report("2018-03-05T10:00")
        desk.send(UpdateReporter, when="2018-03-06T10:00", case=named, channel="phone", note="Told")
        case = desk.report("2018-03-05T11:00", anonymous=True)
        app = desk.services.app
        old = app.repository.get(Case.create_id(case))  # as an older version recorded it, without the guard
        old._reporter_updated(
            user="coordinator", agency="COUNCIL", at=at("2018-03-06T11:00"), channel="phone", note="x"
        )
        app.save(old)
        read = desk.read()
        assert year_stats(read.db, read.config, 2017, read.point.position)["reporter_updates"] == 1


def test_a_reopening_before_the_closure_is_refused(desk: Desk) -> None:
    case = desk.report("2018-03-05T10:00")
    desk.send(CloseCase, when="2018-03-07T10:00", case=case, reason="resolved")
    with pytest.raises(
        DomainError, match=r"at: Tue 06 Mar 2018 10:00 is before CSU-2017-00001 was closed \(Wed 07 Mar"
    ):
        desk.send(ReopenCase, when="2018-03-06T10:00", case=case, reason="Reported again")
    desk.send(ReopenCase, when="2018-03-08T10:00", case=case, reason="Reported again")
