"""Possible duplicates: two agencies' reports of one incident, suggested, confirmed or dismissed."""

from __future__ import annotations

import pytest

from tasking.commands import DismissDuplicate, LinkCases
from tasking.errors import DomainError
from tasking.queries.briefing import briefing, meeting_for
from tasking.queries.duplicates import distance_m, possible_duplicates
from tasking.queries.stats import year_stats
from tests.conftest import Desk, at


def suggestions(desk: Desk, **point: object) -> set[tuple[str, str]]:
    read = desk.read(**point)
    return {(item["case"], item["other"]) for item in possible_duplicates(read.db, read.config, read.point)}


def test_the_same_place_within_two_hours_from_another_agency_is_suggested(desk: Desk) -> None:
    council = desk.report("2018-03-03T08:10", occurred_at=at("2018-03-02T21:30"), location="Azalea Shops")
    police = desk.report(
        "2018-03-03T09:00",
        source="POLICE",
        occurred_at=at("2018-03-02T22:45"),
        location="azalea shops.",
        anonymous=True,
        category="noise",
    )  # same ASB type: nuisance
    desk.report(
        "2018-03-03T09:10",
        source="POLICE",
        occurred_at=at("2018-03-02T21:00"),
        location="Azalea Shops",
        anonymous=True,
        category="neighbour-nuisance",
    )  # personal: another type
    desk.report(
        "2018-03-03T09:20",
        source="HOUSING",
        occurred_at=at("2018-03-03T00:00"),
        location="Azalea Shops",
        anonymous=True,
    )  # more than 2 hours after the council's report, but within 2 of the police's
    desk.report(
        "2018-03-03T09:30",
        source="COUNCIL",
        occurred_at=at("2018-03-02T21:40"),
        location="Azalea Shops",
        anonymous=True,
    )  # same agency as the council's report
    # 1-2: 75 minutes apart; 2-4 and 2-5 too. 1-4 are 150 minutes apart, 1-5 one agency, 3 another ASB type.
    assert council == "CSU-2017-00001" and police == "CSU-2017-00002"
    assert suggestions(desk) == {(council, police), (police, "CSU-2017-00004"), (police, "CSU-2017-00005")}


def test_coordinates_within_150_metres_match_when_the_words_differ(desk: Desk) -> None:
    one = desk.report("2018-03-03T08:10", location="Bus shelter by the Co-op", lat=51.39720, lon=0.17310)
    near = desk.report(
        "2018-03-03T08:20", source="POLICE", location="Azalea Drive", anonymous=True, lat=51.39800, lon=0.17350
    )  # about 93 m away
    desk.report(
        "2018-03-03T08:30", source="WARDENS", location="Swanley Park", anonymous=True, lat=51.40100, lon=0.17310
    )  # about 420 m away
    assert round(distance_m((51.39720, 0.17310), (51.39800, 0.17350))) < 150
    read = desk.read()
    items = possible_duplicates(read.db, read.config, read.point)
    assert [(i["case"], i["other"], i["match"]) for i in items] == [(one, near, "within-150m")]


def test_confirming_changes_the_years_incidents_by_one_and_dismissing_is_for_ever(desk: Desk) -> None:
    a = desk.report("2018-03-03T08:10", occurred_at=at("2018-03-02T21:30"))
    b = desk.report("2018-03-03T09:00", source="POLICE", occurred_at=at("2018-03-02T22:00"), anonymous=True)
    c = desk.report("2018-03-03T09:30", source="WARDENS", occurred_at=at("2018-03-02T22:10"), anonymous=True)
    assert suggestions(desk) == {(a, b), (a, c), (b, c)}
    read = desk.read()
    before = year_stats(read.db, read.config, 2017, read.point.position)["reports"]
    desk.send(LinkCases, when="2018-03-05T09:20", case=b, to=a, reason="same-incident")
    read = desk.read()
    assert year_stats(read.db, read.config, 2017, read.point.position)["reports"] == before - 1
    assert suggestions(desk) == {(a, c), (b, c)}
    desk.send(DismissDuplicate, when="2018-03-05T09:25", case=c, other=a, reason="A different group, other end")
    assert suggestions(desk) == {(b, c)}
    desk.send(DismissDuplicate, when="2018-03-05T09:26", case=b, other=c, reason="Different group")
    assert suggestions(desk) == set()
    with pytest.raises(DomainError, match="already dismissed"):
        desk.send(DismissDuplicate, when="2018-03-05T09:27", case=a, other=c, reason="Again")
    # Never again: not after more reports, nor after the cases change.
    desk.report("2018-03-06T09:00", occurred_at=at("2018-03-05T20:00"))
    assert suggestions(desk) == set()
    # A read at the position before the dismissal still shows what was suggested then.
    assert (a, c) in suggestions(desk, position=read.point.position)


def test_the_briefing_lists_possible_duplicates_among_its_new_reports(desk: Desk) -> None:
    a = desk.report("2018-03-03T08:10", occurred_at=at("2018-03-02T21:30"))
    b = desk.report("2018-03-03T09:00", source="POLICE", occurred_at=at("2018-03-02T22:00"), anonymous=True)
    result = briefing(desk.read(), meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00")))
    assert [(i["case"], i["other"]) for i in result["possible_duplicates"]] == [(a, b)]
    earlier = briefing(desk.read(), meeting_for(desk.config, at("2018-03-02T09:00"), at("2018-03-02T09:00")))
    assert earlier["possible_duplicates"] == []
