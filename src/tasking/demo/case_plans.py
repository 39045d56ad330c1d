"""A case's life in the demo: its report, taskings, follow-ups, powers and referrals, planned by seed."""

from __future__ import annotations

import datetime as dt

from tasking.commands import (
    CompleteTasking,
    RaiseTasking,
    ReassignTasking,
    RecordFollowUp,
    RecordReport,
    Refer,
    UsePower,
)
from tasking.demo import escalations
from tasking.demo.context import place
from tasking.demo.district import (
    ACTIONS_BY_AGENCY,
    ASB_MIX,
    DEMO_END,
    POWERS,
    REFERRALS,
    STAFF,
    TASKED_BY_CATEGORY,
    TASKINGS,
)
from tasking.demo.schedule import Plan, Ref, Scheduler
from tasking.demo.wording import SUMMARIES
from tasking.time.instants import LONDON, at_local


class CasePlanner(Scheduler):
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
