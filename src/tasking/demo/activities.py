"""The demo partnership's activities: PACT panels and meetings, nights of action, EVAs, events and training."""

from __future__ import annotations

import datetime as dt

from tasking.commands.year import (
    ActivityRecord,
    PactAdd,
)
from tasking.demo.schedule import YearSteps
from tasking.demo.partnership_year import NIGHTS_AREAS, PANELS
from tasking.time.instants import at_local


def plan_activities(out: YearSteps) -> None:
    for name, area in PANELS:
        out.at(at_local(dt.date(2016, 4, 5), dt.time(19, 0)), PactAdd, name=name, area=area)
    out.at(at_local(dt.date(2017, 12, 5), dt.time(19, 0)), PactAdd, name="Westerham", area="Westerham")
    for year in (2016, 2017):
        for quarter, month in enumerate((5, 8, 11, 2)):
            for index, (name, area) in enumerate(PANELS):
                day = dt.date(year + (month < 4), month, 8 + 3 * index + quarter)
                out.at(
                    at_local(day, dt.time(19, 0)),
                    ActivityRecord,
                    user="sgt.csu",
                    kind="pact-meeting",
                    areas=(area,),
                    lead="POLICE",
                    partners=("COUNCIL", "WARDENS", "PARISH"),
                    attendance=12 + 2 * index + quarter,
                    panel=name,
                    outcome="Local priorities reviewed",
                    actions=("Joint walkabout with housing and wardens", "Community litter pick"),
                )
    out.at(
        at_local(dt.date(2017, 12, 5), dt.time(19, 30)),
        ActivityRecord,
        user="sgt.csu",
        kind="pact-meeting",
        areas=("Westerham",),
        lead="POLICE",
        partners=("COUNCIL", "PARISH", "BUSINESS"),
        attendance=24,
        panel="Westerham",
        outcome="Set up after a rise in ASB and burglary; action plan agreed",
        actions=("Evening patrols at Market Square", "Burglary prevention leaflets"),
    )
    out.at(
        at_local(dt.date(2018, 3, 1), dt.time(19, 0)),
        ActivityRecord,
        user="sgt.csu",
        kind="pact-meeting",
        areas=("Westerham",),
        lead="POLICE",
        partners=("COUNCIL", "PARISH"),
        attendance=15,
        panel="Westerham",
        outcome="Action plan reviewed",
        actions=("Shed alarms for allotment holders",),
    )
    nights = {2016: 12, 2017: 16}
    for year, count in nights.items():
        for number in range(count):
            month = (4 + (number * 12) // count - 1) % 12 + 1
            day = dt.date(year + (month < 4), month, 6 + number % 3 * 7)
            area = NIGHTS_AREAS[number % len(NIGHTS_AREAS)]
            out.at(
                at_local(day, dt.time(21, 0)),
                ActivityRecord,
                user="sgt.csu",
                kind="night-of-action",
                areas=(area,),
                lead="POLICE",
                partners=("WARDENS", "COUNCIL"),
                outcome="Proactive patrols; licensed premises and hotspots visited",
            )
    out.at(
        at_local(dt.date(2016, 9, 14), dt.time(18, 0)),
        ActivityRecord,
        kind="eva",
        areas=("Swanley",),
        lead="COUNCIL",
        partners=("POLICE", "HOUSING"),
        outcome="Lighting and cut-backs at White Oak",
    )
    out.at(
        at_local(dt.date(2017, 7, 12), dt.time(18, 0)),
        ActivityRecord,
        kind="eva",
        areas=("West Kingsdown",),
        lead="COUNCIL",
        partners=("POLICE", "WARDENS", "PARISH"),
        attendance=14,
        outcome="Hever Road: litter, lighting and graffiti actions agreed",
    )
    out.at(
        at_local(dt.date(2017, 11, 15), dt.time(18, 0)),
        ActivityRecord,
        kind="eva",
        areas=("New Ash Green",),
        lead="COUNCIL",
        partners=("POLICE", "HOUSING", "PARISH"),
        attendance=11,
        outcome="Shopping centre: fly-tipping and youth shelter actions agreed",
    )
    for number, area in enumerate(["Hextable", "New Ash Green", "West Kingsdown", "Hartley", "Swanley"]):
        out.at(
            at_local(dt.date(2017, 5 + number, 13), dt.time(11, 0)),
            ActivityRecord,
            kind="community-event",
            areas=(area,),
            lead="COUNCIL",
            partners=("POLICE", "FIRE", "WARDENS"),
            outcome="Weekend community safety event",
        )
    for when, area, attendance, outcome in [
        (dt.date(2017, 6, 16), "Sevenoaks Town", 35, "Modern slavery and human trafficking: spotting and reporting"),
        (dt.date(2017, 9, 15), "Sevenoaks Town", 11, "Connect 5 mental health awareness"),
        (dt.date(2017, 10, 18), "Sevenoaks Town", 30, "Prevent training for new staff"),
        (dt.date(2018, 2, 21), "Sevenoaks Town", 30, "Gangs training for front line workers"),
    ]:
        out.at(
            at_local(when, dt.time(10, 0)),
            ActivityRecord,
            kind="training",
            areas=(area,),
            lead="COUNCIL",
            partners=("POLICE",),
            attendance=attendance,
            outcome=outcome,
        )
    out.at(
        at_local(dt.date(2017, 9, 4), dt.time(10, 0)),
        ActivityRecord,
        kind="campaign",
        areas=("Sevenoaks Town",),
        lead="COUNCIL",
        outcome="Talking Letters video: how to report ASB and what partners do",
    )
    out.at(
        at_local(dt.date(2018, 3, 5), dt.time(10, 0)),
        ActivityRecord,
        kind="campaign",
        areas=("Sevenoaks Town",),
        lead="COUNCIL",
        partners=("POLICE", "YOUTH"),
        outcome="CSE day: online and social media messaging",
    )
    out.at(
        at_local(dt.date(2017, 11, 21), dt.time(10, 0)),
        ActivityRecord,
        user="sgt.csu",
        kind="operation",
        areas=("Swanley", "Sevenoaks Town", "Edenbridge"),
        lead="POLICE",
        partners=("COUNCIL", "TRADING"),
        outcome="Nail bars and car washes visited: modern slavery checks",
    )
