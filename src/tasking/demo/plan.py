"""The demo district's plan: two financial years of a CSU modelled on the seed annual report.

Pure data. A seeded random generator decides which cases arrive, when, and what happens to each;
the result is a list of steps (a command class, its fields, and when), in sending order. A field
that needs an earlier command's result (a case or tasking reference, a person reference) holds a
`Ref` that the runner fills in. The statistics code knows nothing of these numbers: the targets
below describe the district, and the figures come out of the events.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tasking.commands import (
    AddPerson,
    AddUser,
    AssessRisk,
    CloseCase,
    Command,
    CompleteTasking,
    CorrectCase,
    InitStore,
    LinkCases,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordPoliceMonth,
    RecordReport,
    Refer,
    UpdateReporter,
    UsePower,
)
from tasking.config import default_config_text
from tasking.demo import escalations
from tasking.demo.context import place, police_months
from tasking.time.instants import LONDON, at_local
from tasking.time.meetings import is_working_day

YEARS = (2016, 2017)
DEMO_END = at_local(dt.date(2018, 3, 31), dt.time(23, 0))

ROSTER = [  # login, name, agency, role
    ("coordinator", "Community Safety Manager", "COUNCIL", "coordinator"),
    ("analyst", "Community Safety Analyst", "COUNCIL", "analyst"),
    ("asb.officer", "SDC ASB Officer", "COUNCIL", "officer"),
    ("admin", "CSU Administrator", "COUNCIL", "admin"),
    ("sgt.csu", "CSU Police Sergeant", "POLICE", "officer"),
    ("pcso.humphreys", "PCSO Humphreys", "POLICE", "officer"),
    ("pcso.fry", "PCSO Fry", "POLICE", "officer"),
    ("pcso.vyp", "Vulnerable Young People's Officer", "POLICE", "officer"),
    ("warden.grange", "Warden Grange", "WARDENS", "officer"),
    ("warden.sharrad", "Warden Sharrad", "WARDENS", "officer"),
    ("wkha.officer", "West Kent Housing Officer", "HOUSING", "officer"),
    ("moat.officer", "MOAT Housing Officer", "MOAT", "officer"),
    ("kfrs.officer", "KFRS Community Safety", "FIRE", "officer"),
    ("davss.worker", "DAVSS Support Worker", "DAVSS", "officer"),
    ("kenward.worker", "Kenward Trust Worker", "KENWARD", "officer"),
    ("youth.worker", "Early Help Youth Worker", "YOUTH", "officer"),
]
STAFF = {
    "POLICE": ["sgt.csu", "pcso.humphreys", "pcso.fry", "pcso.vyp"],
    "COUNCIL": ["asb.officer", "coordinator"],
    "WARDENS": ["warden.grange", "warden.sharrad"],
    "HOUSING": ["wkha.officer"],
    "MOAT": ["moat.officer"],
    "FIRE": ["kfrs.officer"],
    "DAVSS": ["davss.worker"],
    "KENWARD": ["kenward.worker"],
    "YOUTH": ["youth.worker"],
}

AREAS = {  # weight, streets (the hotspots first)
    "Swanley": (18, ["Azalea Shops", "Moultain Hill", "St Mary's Road", "White Oak", "High Street"]),
    "Sevenoaks Town": (14, ["Bradbourne Vale Road", "Bat and Ball Station", "London Road", "High Street"]),
    "Edenbridge": (9, ["St James Road", "High Street", "Stangrove Park"]),
    "New Ash Green": (7, ["The Row", "Punch Croft", "Knatts Valley Road"]),
    "West Kingsdown": (6, ["Hever Road", "London Road", "Pavilion car park"]),
    "Hartley": (5, ["Caxton Close", "Ash Road"]),
    "Hextable": (5, ["College Road", "Egerton Avenue"]),
    "Westerham": (4, ["Market Square", "London Road"]),
    "Otford": (3, ["High Street", "Pilgrims Way"]),
    "Eynsford": (2, ["Riverside"]),
    "Dunton Green": (3, ["London Road", "Station Road"]),
    "Seal": (2, ["Church Street"]),
    "Kemsing": (2, ["West End"]),
    "Farningham": (1, ["High Street"]),
    "Crockenhill": (2, ["Wested Lane"]),
}
ASB_MIX = {
    "youth-nuisance": 30,
    "neighbour-nuisance": 26,
    "noise": 12,
    "vehicle-nuisance": 8,
    "fly-tipping": 7,
    "criminal-damage": 6,
    "drugs": 6,
    "street-drinking": 3,
    "hate-incident": 2,
}


@dataclass(frozen=True)
class Stream:
    """Reports of one kind that arrive at the CSU during a year."""

    source: str
    count: dict[int, int]
    categories: dict[str, int]
    channels: tuple[str, ...]
    resident: bool  # a resident reporter (else an agency passing it on)


STREAMS = [
    Stream("COUNCIL", {2016: 93, 2017: 108}, ASB_MIX, ("phone", "email", "online", "in-person"), True),
    Stream("COUNCIL", {2016: 24, 2017: 27}, {"mental-health-concern": 2, "speeding": 1}, ("phone", "email"), True),
    Stream(
        "POLICE",
        {2016: 238, 2017: 251},
        ASB_MIX | {"acquisitive-crime": 4, "mental-health-concern": 6},
        ("partner-referral",),
        False,
    ),
    Stream(
        "WARDENS",
        {2016: 74, 2017: 82},
        {"fly-tipping": 5, "youth-nuisance": 3, "vulnerable-adult": 4, "criminal-damage": 2},
        ("partner-referral",),
        False,
    ),
    Stream(
        "HOUSING", {2016: 61, 2017: 66}, {"neighbour-nuisance": 6, "noise": 3, "drugs": 1}, ("partner-referral",), False
    ),
    Stream("MOAT", {2016: 18, 2017: 21}, {"neighbour-nuisance": 3, "noise": 1}, ("partner-referral",), False),
    Stream(
        "PARISH",
        {2016: 26, 2017: 31},
        {"youth-nuisance": 3, "fly-tipping": 2, "vehicle-nuisance": 2, "speeding": 2},
        ("email", "phone"),
        False,
    ),
    Stream("DAVSS", {2016: 22, 2017: 26}, {"domestic-abuse": 1}, ("partner-referral",), False),
    Stream("SOCIAL", {2016: 15, 2017: 19}, {"vulnerable-adult": 1}, ("partner-referral",), False),
    Stream("YOUTH", {2016: 14, 2017: 18}, {"vulnerable-young-person": 1}, ("partner-referral",), False),
    Stream("TRADING", {2016: 6, 2017: 9}, {"acquisitive-crime": 1}, ("partner-referral",), False),
    Stream("FIRE", {2016: 8, 2017: 9}, {"criminal-damage": 1}, ("partner-referral",), False),
]
TASKINGS = {2016: 598, 2017: 653}
POWERS = {  # power: (count, agency, earliest month of the year or None)
    2016: {"CPW": 7, "CPN": 3, "warning-letter": 21, "abc": 3, "dispersal": 2},
    2017: {
        "CPW": 9,
        "CPN": 5,
        "CBO": 1,
        "civil-injunction": 1,
        "warning-letter": 26,
        "abc": 4,
        "dispersal": 3,
        "closure-notice": 1,
    },
}
REFERRALS = {
    2016: {
        "adult-safeguarding": 10,
        "children-safeguarding": 5,
        "da-marac": 7,
        "mediation": 9,
        "youth-services": 6,
        "substance-services": 5,
        "task-and-finish": 3,
    },
    2017: {
        "community-marac": 14,
        "channel-panel": 3,
        "adult-safeguarding": 12,
        "children-safeguarding": 6,
        "da-marac": 8,
        "mediation": 10,
        "youth-services": 8,
        "substance-services": 6,
        "task-and-finish": 4,
    },
}
TASKED_BY_CATEGORY = {
    "youth-nuisance": ["POLICE", "WARDENS", "YOUTH"],
    "neighbour-nuisance": ["HOUSING", "COUNCIL", "MOAT"],
    "noise": ["COUNCIL", "HOUSING"],
    "vehicle-nuisance": ["POLICE"],
    "fly-tipping": ["COUNCIL", "WARDENS"],
    "criminal-damage": ["POLICE", "COUNCIL", "FIRE"],
    "drugs": ["POLICE", "KENWARD"],
    "street-drinking": ["POLICE", "KENWARD"],
    "hate-incident": ["POLICE", "COUNCIL"],
    "mental-health-concern": ["COUNCIL", "WARDENS", "POLICE"],
    "domestic-abuse": ["DAVSS", "POLICE"],
    "vulnerable-adult": ["WARDENS", "COUNCIL"],
    "vulnerable-young-person": ["YOUTH", "POLICE"],
    "speeding": ["POLICE"],
    "acquisitive-crime": ["POLICE", "COUNCIL"],
    "unlicensed-music": ["COUNCIL", "POLICE"],
}
ACTIONS_BY_AGENCY = {
    "POLICE": ["Targeted patrols at peak times", "PCSO visit to the address", "Check CCTV and identify those involved"],
    "WARDENS": ["Warden patrol and engagement", "Welfare visit", "Environmental visual audit"],
    "COUNCIL": ["ASB Officer visit and warning", "Environmental Health noise monitoring", "Arrange clearance"],
    "HOUSING": ["Tenancy visit and warning", "Check tenancy conditions"],
    "MOAT": ["Tenancy visit and warning"],
    "YOUTH": ["Youth worker outreach"],
    "KENWARD": ["Substance misuse outreach"],
    "DAVSS": ["Contact and safety plan"],
    "FIRE": ["Home fire safety visit"],
}
# What a report says, by category: varied, the way officers write them, and never a name or a number.
SUMMARIES = {
    "youth-nuisance": [
        "Group of youths gathering in the evenings, shouting and kicking a ball against cars",
        "Teenagers on bikes riding at pedestrians on the footpath",
        "Youths drinking and leaving litter by the benches after dark",
        "Group climbing onto shop roofs and throwing stones",
    ],
    "neighbour-nuisance": [
        "Ongoing dispute with next door over shouting and banging late at night",
        "Neighbour's visitors blocking the shared drive and being abusive",
        "Repeated arguments in the communal hallway; resident feels intimidated",
        "Rubbish dumped in the shared garden and threats when challenged",
    ],
    "noise": [
        "Loud music from a flat most nights until the early hours",
        "Dog barking for hours while the owner is out",
        "Parties every weekend with music and shouting in the garden",
        "Banging and drilling late at night",
    ],
    "vehicle-nuisance": [
        "Cars racing and revving in the car park late at night",
        "Off-road bikes on the recreation ground",
        "Abandoned car with flat tyres left for several weeks",
        "Vehicles doing doughnuts by the shops",
    ],
    "fly-tipping": [
        "Mattresses and bags of rubbish dumped in the lay-by",
        "Builder's waste tipped at the field gate",
        "Fridge and sofa left on the verge",
        "Garden waste repeatedly dumped behind the garages",
    ],
    "criminal-damage": [
        "Bus shelter glass smashed overnight",
        "Graffiti tags sprayed on the underpass and shop shutters",
        "Fence panels kicked in and plant pots broken",
        "Car wing mirrors snapped along the road",
    ],
    "drugs": [
        "Suspected drug dealing from a car in the car park",
        "Strong smell of cannabis and people coming and going",
        "Needles found in the play area",
        "Groups meeting briefly by the alleyway; suspected dealing",
    ],
    "street-drinking": [
        "Group drinking on the benches and urinating in doorways",
        "Street drinkers asking passers-by for money outside the station",
    ],
    "hate-incident": [
        "Verbal abuse targeted at a resident because of their religion",
        "Offensive graffiti aimed at a family on the street",
        "Racist comments shouted from a passing car",
    ],
    "mental-health-concern": [
        "Resident appears confused and distressed, knocking on doors at night",
        "Concern for a resident who has stopped answering the door",
    ],
    "domestic-abuse": [
        "Referral following a domestic incident; victim supported by the service",
        "Repeat domestic incident at the address; safety planning needed",
    ],
    "vulnerable-adult": [
        "Elderly resident targeted by cold callers",
        "Vulnerable adult befriended by people using the flat",
    ],
    "vulnerable-young-person": [
        "Young person going missing and seen with older males",
        "Concern a young person is being drawn into drug running",
    ],
    "speeding": ["Vehicles speeding through the village past the school", "Speeding on the hill at school times"],
    "acquisitive-crime": ["Sheds broken into and tools taken along the road", "Doorstep sellers pressuring residents"],
}
FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Pat",
    "Morgan",
    "Jamie",
    "Taylor",
    "Robin",
    "Lee",
    "Kim",
    "Ashley",
    "Dana",
    "Frankie",
    "Jordan",
    "Casey",
    "Charlie",
    "Rowan",
    "Sasha",
    "Toni",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Wright",
    "Walker",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Baker",
    "Khan",
    "Moore",
]


@dataclass(frozen=True)
class Ref:
    """An earlier command's result: `kind` is its key in that result (case, tasking, person, review, group)."""

    kind: str
    key: Any


@dataclass(frozen=True)
class Step:
    """One command to send: its class, its fields (some may be `Ref`s) and what its result names."""

    when: dt.datetime
    command: type[Command]
    fields: dict[str, Any]
    names: Ref | None = None


@dataclass(frozen=True)
class District:
    seed: int
    steps: tuple[Step, ...]
    cases: int
    people: int


@dataclass
class Plan:
    key: int
    year: int
    received: dt.datetime
    source: str
    channel: str
    category: str
    area: str
    location: str
    reporter: int | None
    victim: int | None
    no_feedback: bool
    risk: str
    report_back: bool
    actions: list[dt.datetime] = field(default_factory=list)
    closes: bool = True
    duplicate: bool = False
    # (when, tasking number, agency) for each tasking raised or reassigned: who is tasked when
    tasked: list[tuple[dt.datetime, int, str]] = field(default_factory=list)


class Planner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.schedule: list[tuple[dt.datetime, int, Step]] = []
        self.person_count = 0
        self.plans: list[Plan] = []
        self.people_pool: list[int] = []
        self.marac_referrals: list[tuple[dt.datetime, int]] = []  # (when, plan key): the MARAC's agenda

    # --- scheduling ------------------------------------------------------------------------

    def at(self, when: dt.datetime, command: type[Command], names: Ref | None = None, **fields: Any) -> None:
        self.schedule.append((when, len(self.schedule), Step(when, command, {"at": when, **fields}, names)))

    def minutes(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(minutes=round(self.rng.uniform(low, high)))

    def working_time(self, after: dt.datetime, low_days: float, high_days: float) -> dt.datetime:
        """A visit, call or update some days after `after`: mostly in working hours, some in the
        early evening, none in the small hours; always after `after`."""
        day = (after + self.minutes(low_days * 1440, high_days * 1440)).astimezone(LONDON).date()
        hour = self.rng.choices(range(8, 21), weights=[3, 8, 10, 10, 8, 9, 10, 10, 8, 6, 5, 4, 2])[0]
        clock = dt.time(hour, self.rng.randrange(60))
        when = at_local(day, clock)
        while when <= after:
            day += dt.timedelta(days=1)
            when = at_local(day, clock)
        return when

    @staticmethod
    def meeting_after(after: dt.datetime, limit: dt.datetime, minute: int = 30) -> dt.datetime | None:
        """`minute` minutes into the first daily tasking meeting after `after` (working days,
        09:00-10:00), or as near it as that meeting allows, by `limit`; None if there is none."""
        day, last = after.astimezone(LONDON).date(), limit.astimezone(LONDON).date()
        while day <= last:
            if is_working_day(day):
                low = max(after + dt.timedelta(minutes=1), at_local(day, dt.time(9, 5)))
                high = min(limit, at_local(day, dt.time(9, 59)))
                if low <= high:
                    return min(max(at_local(day, dt.time(9, 0)) + dt.timedelta(minutes=minute), low), high)
            day += dt.timedelta(days=1)
        return None

    def staff(self, agency: str) -> str:
        return self.rng.choice(STAFF.get(agency, ["coordinator"]))

    def worker(
        self, plan: Plan, agency: str, when: dt.datetime, login: str | None = None, tasking: int | None = None
    ) -> str:
        """A member of the agency's staff for case work at `when`, if the permission rules let an
        officer of that agency do it (it received the case or is tasked on it then; a tasking is
        completed only by the agency it is tasked to then); else the coordinator does it. The same
        random draws either way, so the plan is otherwise unchanged."""
        login = login or self.staff(agency)
        current: dict[int, str] = {}
        for moment, number, tasked in sorted(plan.tasked):
            if moment <= when:
                current[number] = tasked
        if tasking is not None:
            return login if current.get(tasking) == agency else "coordinator"
        return login if agency == plan.source or agency in current.values() else "coordinator"

    # --- the plan ----------------------------------------------------------------------------

    def received_time(self, year: int) -> dt.datetime:
        start = dt.date(year, 4, 1)
        while True:
            day = start + dt.timedelta(days=self.rng.randrange(365))
            summer = 1.35 if day.month in (5, 6, 7, 8) else 1.0
            if self.rng.random() < summer / 1.35:
                break
        hour = self.rng.choice([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21])
        return at_local(day, dt.time(hour, self.rng.randrange(60)))

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def new_person(self) -> int:
        self.person_count += 1
        return self.person_count - 1

    def plan_year(self, year: int) -> list[Plan]:
        plans: list[Plan] = []
        for stream in STREAMS:
            for _ in range(stream.count[year]):
                area = self.pick({name: weight for name, (weight, _) in AREAS.items()})
                streets = AREAS[area][1]
                location = streets[0] if self.rng.random() < 0.3 else self.rng.choice(streets)
                category = self.pick(stream.categories)
                reporter: int | None = None
                if stream.resident:
                    roll = self.rng.random()
                    if roll < 0.14 and self.people_pool:
                        reporter = self.rng.choice(self.people_pool)
                    elif roll < 0.86:
                        reporter = self.new_person()
                        self.people_pool.append(reporter)
                victim = (
                    self.new_person() if category in ("hate-incident", "domestic-abuse", "vulnerable-adult") else None
                )
                risk = (
                    "high"
                    if category in ("hate-incident", "domestic-abuse")
                    else self.rng.choices(["standard", "medium", "high"], weights=[82, 14, 4])[0]
                )
                plans.append(
                    Plan(
                        key=len(self.plans) + len(plans),
                        year=year,
                        received=self.received_time(year),
                        source=stream.source,
                        channel=self.rng.choice(stream.channels),
                        category=category,
                        area=area,
                        location=location,
                        reporter=reporter,
                        victim=victim,
                        no_feedback=reporter is not None and self.rng.random() < 0.06,
                        risk=risk,
                        report_back=stream.source == "PARISH",
                    )
                )
        plans.sort(key=lambda p: (p.received, p.key))
        for index, plan in enumerate(plans):
            plan.key = len(self.plans) + index
        self.plans.extend(plans)
        return plans

    def year_end(self, year: int) -> dt.datetime:
        return min(at_local(dt.date(year + 1, 3, 31), dt.time(22, 0)), DEMO_END)

    def later(
        self, plan: Plan, low_days: float, high_days: float, limit: dt.datetime | None = None
    ) -> dt.datetime | None:
        """A time after the report (and its actions so far); None when it would fall after `limit`."""
        when = self.working_time(max([plan.received, *plan.actions]), low_days, high_days)
        limit = limit or DEMO_END
        return when if when <= limit else None

    # --- actions -------------------------------------------------------------------------

    def report(self, plan: Plan) -> None:
        self.at(
            plan.received,
            RecordReport,
            Ref("case", plan.key),
            user=self.staff(plan.source) if plan.source in STAFF else "coordinator",
            source=plan.source,
            channel=plan.channel,
            category=plan.category,
            area=plan.area,
            location=plan.location,
            occurred_at=plan.received - self.minutes(20, 2 * 1440),
            reporter=Ref("person", plan.reporter) if plan.reporter is not None else None,
            anonymous=plan.reporter is None,
            victim=Ref("person", plan.victim) if plan.victim is not None else None,
            no_feedback=plan.no_feedback,
            risk=plan.risk,
            summary=self.rng.choice(SUMMARIES.get(plan.category, ["Reported for the partnership's attention"])),
            **place(plan.area, plan.location, plan.key),
        )

    def taskings_for(self, plans: list[Plan], year: int) -> None:
        end = self.year_end(year)
        last = end - dt.timedelta(minutes=5)  # tasked at a meeting of the same year
        plans = [p for p in plans if not p.duplicate and self.meeting_after(p.received, last) is not None]
        counts = [self.rng.choice([0, 1, 1, 1, 2]) for _ in plans]
        wanted = TASKINGS[year] - escalations.TASKINGS_RAISED.get(year, 0)  # a recommendation is a tasking too
        while sum(counts) < wanted:
            counts[self.rng.randrange(len(plans))] += 1
        while sum(counts) > wanted:
            index = self.rng.randrange(len(plans))
            if counts[index] > 0:
                counts[index] -= 1
        for plan, count in zip(plans, counts, strict=True):
            for number in range(count):
                minute = self.rng.randrange(5, 56)
                raised = self.meeting_after(
                    plan.received + self.minutes(20, 2 * 1440), last, minute
                ) or self.meeting_after(plan.received, last, minute)
                assert raised is not None
                agency = self.rng.choice(TASKED_BY_CATEGORY.get(plan.category, ["POLICE"]))
                due = raised.astimezone(LONDON).date() + dt.timedelta(days=self.rng.randint(2, 14))
                key = (plan.key, number)
                plan.actions.append(raised)
                plan.tasked.append((raised, number, agency))
                self.at(
                    raised,
                    RaiseTasking,
                    Ref("tasking", key),
                    user="coordinator",
                    case=Ref("case", plan.key),
                    agency=agency,
                    action=self.rng.choice(ACTIONS_BY_AGENCY.get(agency, ["Contact and advise"])),
                    due=due,
                    owner=self.staff(agency) if agency in STAFF and self.rng.random() < 0.6 else None,
                )
                latest = raised
                if self.rng.random() < 0.05:
                    moved = self.meeting_after(raised + self.minutes(60, 2 * 1440), DEMO_END, minute)
                    latest = moved or latest
                    new_agency = self.rng.choice(TASKED_BY_CATEGORY.get(plan.category, ["POLICE"]))
                    if moved is not None:
                        plan.actions.append(moved)
                        plan.tasked.append((moved, number, new_agency))
                        self.at(
                            moved,
                            ReassignTasking,
                            user="coordinator",
                            case=Ref("case", plan.key),
                            tasking=Ref("tasking", key),
                            agency=new_agency,
                            owner=self.staff(new_agency) if new_agency in STAFF else None,
                        )
                if self.rng.random() < 0.985:
                    done = self.working_time(latest, 0.25, 12)
                    if done <= DEMO_END:
                        plan.actions.append(done)
                        self.at(
                            done,
                            CompleteTasking,
                            user=self.worker(plan, agency, done, tasking=number),
                            case=Ref("case", plan.key),
                            tasking=Ref("tasking", key),
                            result="Done: "
                            + self.rng.choice(
                                [
                                    "no further issues seen",
                                    "words of advice given",
                                    "warning given",
                                    "area cleared",
                                    "support accepted",
                                ]
                            ),
                        )

    def follow_ups_for(self, plans: list[Plan]) -> None:
        for plan in plans:
            if plan.duplicate:
                continue
            for _ in range(self.rng.choices([0, 1, 2, 3], weights=[22, 42, 26, 10])[0]):
                when = self.working_time(plan.received, 0.1, 20)
                if when > DEMO_END:
                    continue
                agency = self.rng.choice(["POLICE", "COUNCIL", "WARDENS", "HOUSING"])
                kind = self.rng.choices(["visit", "call", "letter", "email"], weights=[46, 40, 9, 5])[0]
                plan.actions.append(when)
                self.at(
                    when,
                    RecordFollowUp,
                    user=self.worker(plan, agency, when),
                    case=Ref("case", plan.key),
                    kind=kind,
                    outcome=self.rng.choice(
                        [
                            "Spoke to the reporter",
                            "Spoke to those involved",
                            "No reply; card left",
                            "Advice given",
                            "Situation improved",
                        ]
                    ),
                )

    def powers_for(self, plans: list[Plan], year: int) -> None:
        end = self.year_end(year) - dt.timedelta(days=1)
        asb = [
            p for p in plans if p.category in ASB_MIX and not p.duplicate and p.received < end - dt.timedelta(days=35)
        ]
        wanted = POWERS[year]
        cpw_cases = self.rng.sample(asb, wanted.get("CPW", 0))
        for plan in cpw_cases:
            self._power(plan, "CPW", "COUNCIL", 3, 20, end)
        for plan in cpw_cases[: wanted.get("CPN", 0)]:  # a notice follows a written warning
            self._power(plan, "CPN", "COUNCIL", 7, 14, end)
        for power, count in sorted(wanted.items()):
            if power in ("CPW", "CPN"):
                continue
            pool = asb
            if power == "CBO":  # the seed: served in October
                pool = [p for p in asb if p.received.astimezone(LONDON).month in (8, 9)]
            if power == "civil-injunction":
                pool = [p for p in asb if p.category == "neighbour-nuisance"]
            for plan in self.rng.sample(pool, count):
                agency = {"civil-injunction": "HOUSING", "dispersal": "POLICE", "CBO": "POLICE"}.get(power, "COUNCIL")
                if power == "CBO":  # served on an individual in October
                    when = at_local(dt.date(year, 10, self.rng.randint(2, 27)), dt.time(11, 0))
                    plan.actions.append(when)
                    self.at(
                        when,
                        UsePower,
                        user=self.worker(plan, "POLICE", when, "sgt.csu"),
                        case=Ref("case", plan.key),
                        power="CBO",
                    )
                    continue
                self._power(plan, power, agency, 2, 25, end)

    def _power(self, plan: Plan, power: str, agency: str, low: float, high: float, end: dt.datetime) -> None:
        when = self.later(plan, low, high, end) or end - self.minutes(60, 600)
        plan.actions.append(when)
        self.at(when, UsePower, user=self.worker(plan, agency, when), case=Ref("case", plan.key), power=power)

    def referrals_for(self, plans: list[Plan], year: int) -> None:
        end = self.year_end(year) - dt.timedelta(days=1)
        fits = {
            "da-marac": ("domestic-abuse",),
            "adult-safeguarding": ("vulnerable-adult", "mental-health-concern"),
            "children-safeguarding": ("vulnerable-young-person",),
            "channel-panel": ("vulnerable-young-person",),
            "substance-services": ("drugs", "street-drinking"),
            "youth-services": ("youth-nuisance",),
            "mediation": ("neighbour-nuisance", "noise"),
        }
        for target, count in sorted(REFERRALS[year].items()):
            pool = [
                p
                for p in plans
                if p.received < end - dt.timedelta(days=20)
                and not p.duplicate
                and (target not in fits or p.category in fits[target])
            ]
            if target == "community-marac":  # the Community MARAC began in September 2017
                pool = [p for p in pool if p.received >= at_local(dt.date(year, 9, 1), dt.time(0, 0))]
            for plan in self.rng.sample(pool, min(count, len(pool))):
                when = self.later(plan, 1, 15, end) or end - self.minutes(60, 600)
                plan.actions.append(when)
                agency = "POLICE" if target in ("da-marac", "channel-panel", "community-marac") else "COUNCIL"
                if target == "community-marac":
                    self.marac_referrals.append((when, plan.key))
                self.at(when, Refer, user=self.worker(plan, agency, when), case=Ref("case", plan.key), to=target)

    def links_for(self, plans: list[Plan]) -> None:
        """One incident reported to the council and the police: link, and close the second as a duplicate."""
        council = [
            p
            for p in plans
            if p.source == "COUNCIL" and p.category in ASB_MIX and p.received < DEMO_END - dt.timedelta(days=3)
        ]
        police = [p for p in plans if p.source == "POLICE"]
        for first in self.rng.sample(council, 12):
            twin = min(police, key=lambda p: abs((p.received - first.received).total_seconds()))
            police.remove(twin)
            twin.location, twin.area, twin.category = first.location, first.area, first.category
            when = max(first.received, twin.received) + self.minutes(30, 1440)
            twin.actions.append(when)
            self.at(
                when,
                LinkCases,
                user="coordinator",
                case=Ref("case", twin.key),
                to=Ref("case", first.key),
                reason="same-incident",
            )
            twin.closes = False
            twin.duplicate = True
            close_at = when + self.minutes(5, 60)
            self.at(
                close_at,
                CloseCase,
                user="coordinator",
                case=Ref("case", twin.key),
                reason="duplicate",
                note="Same incident as linked case",
            )
            twin.actions.append(close_at)
            twin.report_back = False
            twin.no_feedback = True

    def risk_for(self, plan: Plan) -> None:
        if plan.risk == "standard":
            return
        when = self.later(plan, 10 if plan.risk == "high" else 20, 14 if plan.risk == "high" else 28)
        if when is not None:
            level = self.rng.choice(["standard", plan.risk])
            plan.actions.append(when)
            self.at(
                when,
                AssessRisk,
                user="coordinator",
                case=Ref("case", plan.key),
                level=level,
                reason="Reviewed at the daily tasking meeting",
            )

    def close_and_update(self, plan: Plan) -> None:
        wants = plan.report_back or (plan.reporter is not None and not plan.no_feedback)
        channel = "report-back" if plan.report_back else self.rng.choice(["phone", "email", "letter", "visit"])
        if wants and plan.actions and self.rng.random() < 0.5:  # an interim update
            interim = self.working_time(min(plan.actions), 0.1, 2)
            if interim <= DEMO_END:
                self.at(
                    interim,
                    UpdateReporter,
                    user="coordinator",
                    case=Ref("case", plan.key),
                    channel=channel,
                    note="Told what has been done so far",
                )
        if not plan.closes:
            return
        closed = self.later(plan, 2, 25)
        if closed is None:
            return  # still open at the end of the demo
        reason = self.rng.choices(["resolved", "no-further-action", "referred-elsewhere"], weights=[72, 20, 8])[0]
        self.at(
            closed,
            CloseCase,
            user="coordinator",
            case=Ref("case", plan.key),
            reason=reason,
            complete_taskings="Closed with the case",
        )
        final = self.working_time(closed, 0.05, 3)
        if wants and final <= DEMO_END:
            self.at(
                final,
                UpdateReporter,
                user="coordinator",
                case=Ref("case", plan.key),
                channel=channel,
                note="Told of the outcome and the case closed",
            )

    def corrections_for(self, plans: list[Plan]) -> None:
        for plan in self.rng.sample([p for p in plans[:-60] if not p.duplicate], 4):
            when = plan.received + self.minutes(60, 1440)
            area = self.rng.choice([a for a in AREAS if a != plan.area])
            plan.actions.append(when)
            self.at(
                when,
                CorrectCase,
                user="coordinator",
                case=Ref("case", plan.key),
                field="area",
                value=area,
                reason="Location checked against the parish boundary",
            )

    # --- everything --------------------------------------------------------------------------

    def build(self) -> None:
        for year in YEARS:
            plans = self.plan_year(year)
            applicants = escalations.choose_applicants(plans, year, set(ASB_MIX))
            for plan in plans:
                self.report(plan)
            self.links_for(plans)
            self.corrections_for(plans)
            self.taskings_for(plans, year)
            self.follow_ups_for(plans)
            self.powers_for(plans, year)
            self.referrals_for(plans, year)
            escalations.plan_escalations(self.at, Ref, self.plans, plans, year, applicants, self.marac_referrals)
            for plan in plans:
                if not plan.duplicate:
                    self.risk_for(plan)
                    self.close_and_update(plan)

    def setup(self) -> list[Step]:
        """The partnership, its roster and the residents, before the first report."""
        start = at_local(dt.date(2016, 3, 21), dt.time(9, 0))
        out = [
            Step(
                start,
                InitStore,
                dict(
                    user="coordinator",
                    at=start,
                    name="Community Safety Manager",
                    agency="COUNCIL",
                    config_toml=default_config_text(),
                ),
            )
        ]
        out += [
            Step(start, AddUser, dict(user="coordinator", at=start, login=login, name=name, agency=agency, role=role))
            for login, name, agency, role in ROSTER
            if login != "coordinator"
        ]
        for n in range(self.person_count):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            out.append(
                Step(
                    start,
                    AddPerson,
                    dict(
                        user="coordinator",
                        at=start,
                        name=f"{first} {last}",
                        phone=f"01732 {self.rng.randrange(100000, 999999)}",
                        address=f"{self.rng.randrange(1, 120)} {self.rng.choice(['Mill', 'Church', 'Station', 'Park'])} Road",
                    ),
                    Ref("person", n),
                )
            )
        return out


def plan_district(seed: int) -> District:
    """Every command of the demo district, in sending order, decided by the seed alone."""
    planner = Planner(seed)
    planner.build()
    setup = planner.setup()
    planner.schedule.sort(key=lambda item: (item[0], item[1]))
    # The police-recorded context (data.police.uk months), taken in by the analyst at year end.
    context = [
        Step(DEMO_END, RecordPoliceMonth, {"user": "analyst", "at": DEMO_END, **fields})
        for fields in police_months(seed, AREAS)
    ]
    steps = tuple(setup + [step for _, _, step in planner.schedule] + context)
    return District(seed=seed, steps=steps, cases=len(planner.plans), people=planner.person_count)
