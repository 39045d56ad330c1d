"""The demo's partnership year (issue 26), modelled on the seed annual report: the action plans of
2016/17 (85% achieved) and 2017/18 (92%) and the next year's seven priorities, PACT panels and
their quarterly meetings, nights of action, EVAs, community events and training, the PCC and
KFRS funding table, and five mobile CCTV cameras at the four named places.

Pure data, sent by the runner after the district's steps through the real commands. The figures
come out of the events: nothing here is counted for the statistics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from tasking.commands.year import (
    CctvAdd,
    CctvDeploy,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PlanAdd,
    PlanUpdate,
)
from tasking.demo.activities import plan_activities
from tasking.demo.partnership_year import ACTIONS, CAMERAS, CSU_SPEND, FUNDING, PLANS
from tasking.demo.schedule import District, Ref, YearSteps
from tasking.time.instants import at_local


def _plans(out: YearSteps) -> None:
    for year, (priorities, missed) in PLANS.items():
        added = (
            at_local(dt.date(year, 4, 3), dt.time(10, 0))
            if year < 2018
            else at_local(dt.date(2018, 3, 27), dt.time(10, 0))
        )
        keys: list[Ref] = []
        for priority, lead, count in priorities:
            for number in range(count):
                key = Ref("action", f"plan/{year}/{len(keys)}")
                keys.append(key)
                out.at(
                    added,
                    PlanAdd,
                    key,
                    year=year,
                    priority=priority,
                    action=ACTIONS[priority][number],
                    lead=lead,
                    due=dt.date(year + 1, 3, 31),
                )
        if year == 2018:
            continue
        review = at_local(dt.date(year, 10, 2), dt.time(10, 0))
        for key in keys:
            out.at(review, PlanUpdate, action=key, status="on-track")
        closing = at_local(dt.date(year + 1, 3, 20), dt.time(10, 0))
        for index, key in enumerate(keys):
            out.at(
                closing, PlanUpdate, action=key, status="not-achieved" if index >= len(keys) - missed else "achieved"
            )
        if year == 2017:
            dropped = Ref("action", "plan/2017/dropped")
            out.at(
                added,
                PlanAdd,
                dropped,
                year=2017,
                priority="road-safety",
                action="School gate parking patrols",
                lead="POLICE",
                due=dt.date(2018, 3, 31),
            )
            out.at(
                review,
                PlanUpdate,
                action=dropped,
                status="dropped",
                reason="Taken over by the county's road safety team",
            )


def _funding(out: YearSteps) -> None:
    agreed = at_local(dt.date(2017, 3, 28), dt.time(10, 0))
    pcc, kfrs = Ref("grant", "grant/2017/pcc"), Ref("grant", "grant/2017/kfrs")
    out.at(
        agreed,
        FundingGrant,
        pcc,
        funder="PCC",
        amount="31107",
        year=2017,
        note="Police and Crime Commissioner funding for partnership projects",
    )
    out.at(agreed, FundingGrant, kfrs, funder="KFRS", amount="3500", year=2017, note="Towards partnership projects")
    for organisation, project, first, second in FUNDING:
        for half, amount in (("first", first), ("second", second)):
            if amount:
                out.at(
                    agreed,
                    FundingAllocate,
                    grant=pcc,
                    organisation=organisation,
                    project=project,
                    half=half,
                    amount=amount,
                )
    for half in ("first", "second"):
        out.at(
            agreed,
            FundingAllocate,
            grant=kfrs,
            organisation="SDC Community Safety Unit",
            project="Partnership projects (KFRS)",
            half=half,
            amount="1750",
        )
    # The CSU Initiatives (allocations F4 and F5 of the PCC grant), spent in each half.
    for allocation, when, note in (
        ("F4", dt.date(2017, 9, 29), CSU_SPEND[0]),
        ("F5", dt.date(2018, 3, 23), CSU_SPEND[1]),
    ):
        out.at(at_local(when, dt.time(12, 0)), FundingSpend, grant=pcc, allocation=allocation, amount="5750", note=note)


def _cameras(out: YearSteps) -> None:
    added = at_local(dt.date(2017, 4, 3), dt.time(9, 30))
    refs = [Ref("camera", f"camera/{number}") for number in range(1, 6)]
    for number, ref in enumerate(refs, 1):
        out.at(added, CctvAdd, ref, description=f"Mobile CCTV camera {number}, monitored by the CSU")
    for index, (location, area, lat, lon, start, end, group) in enumerate(CAMERAS):
        out.at(
            at_local(start, dt.time(9, 0)),
            CctvDeploy,
            camera=refs[index % len(refs)],
            location=location,
            area=area,
            lat=lat,
            lon=lon,
            start=start,
            end=end,
            group=Ref("group", group),
        )


def with_partnership_year(district: District) -> District:
    """The district's steps, then its partnership's year."""
    out = YearSteps()
    _plans(out)
    plan_activities(out)
    _funding(out)
    _cameras(out)
    return dataclasses.replace(district, steps=district.steps + tuple(out.steps))
