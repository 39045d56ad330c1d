"""The case aggregate decides by its guards, then records; it never reads the clock."""

from __future__ import annotations

import datetime as dt

import pytest

from tasking.domain.case import Case
from tasking.errors import DomainError

UTC = dt.timezone.utc
RECEIVED = dt.datetime(2018, 3, 5, 10, 0, tzinfo=UTC)


def new_case() -> Case:
    return Case(
        reference="CSU-2017-00001",
        user="coordinator",
        agency="COUNCIL",
        at=RECEIVED,
        occurred_at=RECEIVED - dt.timedelta(hours=12),
        source="COUNCIL",
        channel="phone",
        category="noise",
        area="Swanley",
        location="High Street",
        reporter="PER-00001",
        victim=None,
        feedback="resident",
        risk="standard",
        summary="Loud music",
    )


WHO = ("sgt.jones", "POLICE")
LATER = RECEIVED + dt.timedelta(days=1)


class TestTaskings:
    def test_raising_numbers_taskings_in_order(self) -> None:
        case = new_case()
        assert case.raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 9)) == "T1"
        assert case.raise_tasking(*WHO, LATER, "POLICE", None, "Visit", dt.date(2018, 3, 9)) == "T2"

    def test_refuses_a_due_date_before_it_was_raised(self) -> None:
        with pytest.raises(DomainError, match="due"):
            new_case().raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 5))

    def test_refuses_completing_an_unknown_tasking(self) -> None:
        with pytest.raises(DomainError, match="tasking: .* has no tasking 'T9'"):
            new_case().complete(*WHO, LATER, "T9", "done")

    def test_refuses_completing_twice(self) -> None:
        case = new_case()
        case.raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 9))
        case.complete(*WHO, LATER, "T1", "done")
        with pytest.raises(DomainError, match="already completed"):
            case.complete(*WHO, LATER, "T1", "again")

    def test_refuses_completion_before_raising(self) -> None:
        case = new_case()
        case.raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 9))
        with pytest.raises(DomainError, match="before it was raised"):
            case.complete(*WHO, RECEIVED, "T1", "done")


class TestClosedCase:
    def test_refuses_a_follow_up_on_a_closed_case(self) -> None:
        case = new_case()
        case.close(*WHO, LATER, "resolved", None)
        with pytest.raises(DomainError, match="case: CSU-2017-00001 is closed"):
            case.follow_up(*WHO, LATER, "visit", "x")

    @pytest.mark.parametrize(
        ("decide", "recorded", "status"),
        [
            (lambda c: c.update_reporter(*WHO, LATER, "phone", "told"), "ReporterUpdated", "closed"),
            (lambda c: c.correct(*WHO, LATER, "area", "Hextable", "boundary"), "Corrected", "closed"),
            (lambda c: c.reopen(*WHO, LATER, "back again"), "Reopened", "open"),
        ],
    )
    def test_allows_update_correct_and_reopen_when_closed(self, decide, recorded: str, status: str) -> None:
        case = new_case()
        case.close(*WHO, LATER, "resolved", None)
        decide(case)
        events = case.collect_events()
        assert [type(e).__name__ for e in events[-2:]] == ["Closed", recorded]
        assert case.status == status
        if recorded == "Corrected":
            assert case.area == "Hextable"

    def test_reopen_refuses_an_open_case(self) -> None:
        with pytest.raises(DomainError, match="not closed"):
            new_case().reopen(*WHO, LATER, "why")

    def test_events_carry_user_agency_and_effective_time(self) -> None:
        case = new_case()
        case.follow_up(*WHO, LATER, "call", "spoke")
        event = case.collect_events()[-1]
        assert (event.user, event.agency, event.at, event.kind) == ("sgt.jones", "POLICE", LATER, "call")


class TestLinks:
    def test_refuses_linking_to_itself(self) -> None:
        with pytest.raises(DomainError, match="to: a case cannot be linked to itself"):
            new_case().link(*WHO, LATER, "CSU-2017-00001", "same-incident")

    def test_refuses_a_second_identical_link(self) -> None:
        case = new_case()
        case.link(*WHO, LATER, "CSU-2017-00002", "same-incident")
        with pytest.raises(DomainError, match="already linked"):
            case.link(*WHO, LATER, "CSU-2017-00002", "same-problem")


class TestEffectiveTimes:
    @pytest.mark.parametrize(
        "decide",
        [
            lambda c, t: c.follow_up(*WHO, t, "visit", "x"),
            lambda c, t: c.use_power(*WHO, t, "CPW"),
            lambda c, t: c.refer(*WHO, t, "mediation"),
            lambda c, t: c.update_reporter(*WHO, t, "phone", "told"),
            lambda c, t: c.close(*WHO, t, "resolved", None),
            lambda c, t: c.raise_tasking(*WHO, t, "WARDENS", None, "Patrol", dt.date(2018, 3, 9)),
            lambda c, t: c.link(*WHO, t, "CSU-2017-00002", "same-problem"),
        ],
    )
    def test_nothing_is_recorded_before_the_report_was_received(self, decide) -> None:
        with pytest.raises(DomainError, match="at: .* is before CSU-2017-00001 was received"):
            decide(new_case(), RECEIVED - dt.timedelta(days=400))

    def test_a_corrected_occurrence_cannot_be_after_receipt(self) -> None:
        with pytest.raises(DomainError, match="value: the behaviour cannot have occurred after"):
            new_case().correct(*WHO, LATER, "occurred", "2030-01-01T00:00:00Z", "typo")


class TestBackDatedReassignment:
    """A reassignment effective before its tasking was raised: refused now; one already stored
    changes nothing at effective times before the raise (the fold used to fail with a KeyError)."""

    def test_refuses_reassigning_before_raising(self) -> None:
        case = new_case()
        case.raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 9))
        with pytest.raises(DomainError, match="at: T1 cannot be reassigned before it was raised"):
            case.reassign(*WHO, LATER - dt.timedelta(hours=1), "T1", "POLICE", None)

    def test_a_stored_one_is_folded_only_from_the_raise(self) -> None:
        from tasking.domain.case_state import fact_of, fold

        case = new_case()
        case.raise_tasking(*WHO, LATER, "WARDENS", None, "Patrol", dt.date(2018, 3, 9))
        case.reassign(*WHO, LATER, "T1", "POLICE", None)
        report, raised, reassigned = (fact_of(e) for e in case.collect_events())
        early = {**reassigned, "at": "2018-03-05T12:00:00Z"}  # before the raise (2018-03-06T10:00Z)
        assert fold([report, raised, early]).taskings["T1"].tasked_agency == "POLICE"
        assert fold([report, early]).taskings == {}  # as at a time before the raise
