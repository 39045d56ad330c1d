"""The plan's records (`Ref`, `Step`, `District`, `Plan`) and the `Scheduler`: when each command is sent."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tasking.commands import (
    Command,
)
from tasking.demo.district import AREAS, DEMO_END, STAFF, STREAMS
from tasking.time.instants import LONDON, at_local
from tasking.time.meetings import is_working_day


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


class Scheduler:
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


class YearSteps:
    """The partnership year's steps, in the order they are added (each sent as `user`, coordinator by default)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def at(
        self, when: dt.datetime, command: type, names: Ref | None = None, user: str = "coordinator", **fields: Any
    ) -> None:
        self.steps.append(Step(when, command, {"user": user, "at": when, **fields}, names))
