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
from typing import Any

from tasking.commands.year import (
    ActivityRecord,
    CctvAdd,
    CctvDeploy,
    FundingAllocate,
    FundingGrant,
    FundingSpend,
    PactAdd,
    PlanAdd,
    PlanUpdate,
)
from tasking.demo.schedule import District, Ref, Step
from tasking.time.instants import at_local

# year: (priority, lead, [actions]); the statuses at year end: every action achieved but the last
# `missed` (not achieved), and one more added then dropped in 2017/18.
PLANS = {
    2016: (
        [
            ("asb-environmental-crime", "COUNCIL", 3),
            ("safeguarding", "COUNCIL", 3),
            ("road-safety", "POLICE", 2),
            ("domestic-abuse", "DAVSS", 3),
            ("substance-misuse", "KENWARD", 3),
            ("organised-crime-groups", "POLICE", 2),
            ("repeat-locations-and-victims", "POLICE", 2),
            ("mental-health", "COUNCIL", 2),
        ],
        3,
    ),
    2017: (
        [
            ("asb-environmental-crime", "COUNCIL", 4),
            ("safeguarding", "COUNCIL", 3),
            ("road-safety", "POLICE", 3),
            ("domestic-abuse", "DAVSS", 3),
            ("substance-misuse", "KENWARD", 3),
            ("organised-crime-groups", "POLICE", 3),
            ("repeat-locations-and-victims", "POLICE", 3),
            ("mental-health", "COUNCIL", 3),
        ],
        2,
    ),
    2018: (
        [
            ("domestic-abuse", "DAVSS", 2),
            ("organised-crime-groups", "POLICE", 2),
            ("asb-environmental-crime", "COUNCIL", 2),
            ("substance-misuse", "KENWARD", 2),
            ("mental-health", "COUNCIL", 2),
            ("safeguarding", "COUNCIL", 2),
            ("acquisitive-crime", "POLICE", 2),
        ],
        0,
    ),
}
ACTIONS = {
    "asb-environmental-crime": [
        "Joint walkabouts with housing officers and wardens",
        "Use the 2014 Act powers early",
        "Fly-tipping enforcement days",
        "Youth diversion in hotspot areas",
    ],
    "safeguarding": [
        "Gangs working group at Bat and Ball and Swanley",
        "Prevent training for new staff",
        "Modern slavery awareness training",
    ],
    "road-safety": [
        "Speed watch groups and speed boards",
        "KFRS motorbike skills day",
        "Speed checks at repeat locations",
    ],
    "domestic-abuse": [
        "Freedom programmes across the district",
        "Medium risk victims support (DAVSS)",
        "Annual domestic abuse conference",
    ],
    "substance-misuse": [
        "Kenward Trust detached youth work",
        "Substance misuse conference",
        "Hotspot tasking of outreach",
    ],
    "organised-crime-groups": [
        "Serious and tactical crime group",
        "Partnership disruption plans for OCGs",
        "Fraud protection with the banks",
    ],
    "repeat-locations-and-victims": [
        "Repeat victims reviewed at the daily meeting",
        "Community MARAC for medium risk",
        "Mobile CCTV at repeat locations",
    ],
    "mental-health": ["Mental health action plan", "Connect 5 training", "Drop-in services bid to the PCC"],
    "acquisitive-crime": ["Shed alarms and card protectors", "Shop safe radio scheme"],
}
PANELS = [
    ("Swanley", "Swanley"),
    ("Edenbridge", "Edenbridge"),
    ("West Kingsdown", "West Kingsdown"),
    ("New Ash Green", "New Ash Green"),
]
NIGHTS_AREAS = ["New Ash Green", "Westerham", "Sevenoaks Town", "West Kingsdown", "Swanley"]
CAMERAS = [  # location, area, lat, lon, from, to, the Task and Finish group (demo key) it answered
    ("Azalea Shops", "Swanley", 51.3976, 0.1707, dt.date(2017, 5, 29), dt.date(2017, 7, 28), "tfg/2017/1"),
    (
        "Bradbourne Vale Road",
        "Sevenoaks Town",
        51.2858,
        0.1879,
        dt.date(2017, 6, 26),
        dt.date(2017, 8, 31),
        "tfg/2017/2",
    ),
    ("Moultain Hill", "Swanley", 51.3937, 0.1851, dt.date(2017, 7, 31), dt.date(2017, 9, 29), "tfg/2017/3"),
    ("Caxton Close", "Hartley", 51.3857, 0.3047, dt.date(2017, 8, 28), dt.date(2017, 10, 31), "tfg/2017/4"),
    ("Caxton Close", "Hartley", 51.3857, 0.3047, dt.date(2017, 11, 27), dt.date(2018, 1, 31), "tfg/2017/7"),
    ("Moultain Hill", "Swanley", 51.3937, 0.1851, dt.date(2018, 1, 8), dt.date(2018, 3, 9), "tfg/2017/7"),
]
FUNDING = [  # organisation, project, first half, second half (pounds)
    ("Kenward Trust", "Substance Misuse Youth Worker", "6000", "6000"),
    ("CDAP", "Community Domestic Abuse Perpetrators Programme", "1500", None),
    ("SDC Community Safety Unit", "CSU Initiatives", "5750", "5750"),
    ("DAVSS", "Medium Risk DA Victims", "3050", "3057"),
]
CSU_SPEND = [
    "KFRS Motorbike Skills Day; photo booth for the Sevenoaks Town Council Youth Day; dog poop bags; "
    "street art mural competition; Dunton Green Parish Council match funding for CCTV",
    "Commando socket MDK008 for the mobile cameras; Digital Sunset e-safety film; Reform Restore Respect; "
    "purse minder bells; shed alarms; card protectors",
]


class _Steps:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def at(
        self, when: dt.datetime, command: type, names: Ref | None = None, user: str = "coordinator", **fields: Any
    ) -> None:
        self.steps.append(Step(when, command, {"user": user, "at": when, **fields}, names))


def _plans(out: _Steps) -> None:
    for year, (priorities, missed) in PLANS.items():
        added = (
            at_local(dt.date(year, 4, 3), dt.time(10, 0))
            if year < 2018
            else at_local(dt.date(2018, 3, 27), dt.time(10, 0))
        )
        keys = []
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


def _activities(out: _Steps) -> None:
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


def _funding(out: _Steps) -> None:
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


def _cameras(out: _Steps) -> None:
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
    out = _Steps()
    _plans(out)
    _activities(out)
    _funding(out)
    _cameras(out)
    return dataclasses.replace(district, steps=district.steps + tuple(out.steps))
