"""Year statistics on both backends: financial-year boundaries, effective times, as-of positions."""

from __future__ import annotations

import datetime as dt

from tasking.commands import CorrectCase, RaiseTasking, UsePower
from tasking.queries.stats import explain, year_stats
from tests.conftest import Desk


def stats(desk: Desk, year: int, **recorded: object) -> dict:
    read = desk.read(**recorded)
    return year_stats(read.db, read.config, year, read.point.position)


def head(desk: Desk) -> int:
    return desk.read().point.position


def test_the_financial_year_boundary_is_midnight_uk_time(desk: Desk) -> None:
    late = desk.report("2018-03-31T23:30")  # BST: 22:30 UTC on 31 March
    early = desk.report("2018-04-01T00:30")  # BST: 23:30 UTC on 31 March
    assert (late, early) == ("CSU-2017-00001", "CSU-2018-00001")
    assert stats(desk, 2017)["reports"] == 1 and stats(desk, 2018)["reports"] == 1
    assert [i["case"] for i in explain(desk.db, desk.config, 2018, head(desk), "reports")["items"]] == [early]


def test_events_count_by_their_effective_time(desk: Desk) -> None:
    case = desk.report("2018-03-30T10:00")
    desk.send(RaiseTasking, when="2018-04-03T09:30", case=case, agency="POLICE", action="a", due=dt.date(2018, 4, 9))
    desk.send(UsePower, when="2018-03-31T10:00", case=case, power="CPW")
    figures = stats(desk, 2017)
    assert (figures["reports"], figures["taskings"], figures["powers"]["CPW"]) == (1, 0, 1)
    assert stats(desk, 2018)["taskings"] == 1


def test_a_later_correction_changes_current_figures_but_not_as_of_ones(desk: Desk) -> None:
    case = desk.report("2017-06-01T10:00", area="Swanley")
    before = head(desk)
    moment = dt.datetime.now(dt.timezone.utc)
    desk.send(CorrectCase, when="2017-06-02T10:00", case=case, field="area", value="Hextable", reason="Boundary")
    now = stats(desk, 2017)
    assert (now["by_area"]["Swanley"], now["by_area"]["Hextable"]) == (0, 1)
    then = stats(desk, 2017, position=before)
    assert (then["by_area"]["Swanley"], then["by_area"]["Hextable"]) == (1, 0)
    assert stats(desk, 2017, as_of=moment)["by_area"]["Swanley"] == 1
    assert then["fingerprint"] != now["fingerprint"] and then["position"] == before


def test_the_previous_year_and_its_change(desk: Desk) -> None:
    desk.report("2016-05-01T10:00")
    for day in (1, 2, 3):
        desk.report(f"2017-05-0{day}T10:00")
    change = stats(desk, 2017)["previous_year"]
    assert (change["financial_year"], change["reports"]) == ("2016/17", 1)
    assert change["change"]["reports"] == {"absolute": 2, "percent": 200.0}


def test_one_incident_reported_to_two_agencies_counts_once_at_its_earliest_report(desk: Desk) -> None:
    from tasking.commands import LinkCases

    police = desk.report(
        "2017-06-01T09:00", source="POLICE", channel="partner-referral", anonymous=True, area="Edenbridge"
    )
    council = desk.report("2017-06-01T10:00", source="COUNCIL", area="Swanley")
    before = head(desk)
    desk.send(LinkCases, when="2017-06-02T10:00", case=council, to=police, reason="same-incident")
    figures = stats(desk, 2017)
    assert (figures["reports"], figures["reports_received"], figures["asb_reports"]) == (1, 2, 1)
    # The incident's details are its earliest report's: the police referral's area.
    assert (figures["by_area"]["Edenbridge"], figures["by_area"]["Swanley"]) == (1, 0)
    # Each receiving agency counts once; the resident's report to the council stays counted.
    assert (figures["by_source"]["POLICE"], figures["by_source"]["COUNCIL"]) == (1, 1)
    assert figures["asb_reports_from_residents"] == {"COUNCIL": 1}
    items = explain(desk.db, desk.config, 2017, head(desk), "reports")["items"]
    assert [(i["case"], i["reports"]) for i in items] == [(police, [police, council])]
    # A link recorded after the position does not count there.
    assert stats(desk, 2017, position=before)["reports"] == 2


def test_links_join_incidents_transitively_and_a_second_report_from_one_agency_counts_once(desk: Desk) -> None:
    from tasking.commands import LinkCases

    a = desk.report("2017-07-01T09:00")
    b = desk.report("2017-07-01T09:30", source="POLICE", channel="partner-referral", anonymous=True)
    c = desk.report("2017-07-01T11:00")  # the council again, same incident
    desk.send(LinkCases, when="2017-07-02T10:00", case=b, to=a, reason="same-incident")
    desk.send(LinkCases, when="2017-07-02T10:05", case=c, to=b, reason="same-incident")
    figures = stats(desk, 2017)
    assert (figures["reports"], figures["reports_received"]) == (1, 3)
    assert (figures["by_source"]["COUNCIL"], figures["by_source"]["POLICE"]) == (1, 1)
    assert figures["asb_reports_from_residents"] == {"COUNCIL": 1}


def test_an_incident_counts_in_the_year_of_its_earliest_report(desk: Desk) -> None:
    from tasking.commands import LinkCases

    early = desk.report("2018-03-31T22:00")  # 2017/18
    late = desk.report("2018-04-01T08:00", source="POLICE", channel="partner-referral", anonymous=True)  # 2018/19
    desk.send(LinkCases, when="2018-04-01T09:00", case=late, to=early, reason="same-incident")
    this, following = stats(desk, 2017), stats(desk, 2018)
    assert (this["reports"], following["reports"]) == (1, 0)
    assert (this["reports_received"], following["reports_received"]) == (1, 1)
    assert following["by_source"]["POLICE"] == 1  # the police's own first report of it is in 2018/19


def test_a_correction_of_the_earliest_report_moves_the_incident(desk: Desk) -> None:
    from tasking.commands import LinkCases

    first = desk.report("2017-08-01T09:00", area="Swanley")
    second = desk.report("2017-08-01T10:00", source="POLICE", channel="partner-referral", anonymous=True, area="Otford")
    desk.send(LinkCases, when="2017-08-01T11:00", case=second, to=first, reason="same-incident")
    desk.send(CorrectCase, when="2017-08-02T10:00", case=first, field="area", value="Hextable", reason="Boundary")
    assert {k: v for k, v in stats(desk, 2017)["by_area"].items() if v} == {"Hextable": 1}
