"""The demo district's plan: two financial years of a CSU modelled on the seed annual report.

Pure data. A seeded random generator decides which cases arrive, when, and what happens to each;
the result is a list of steps (a command class, its fields, and when), in sending order. A field
that needs an earlier command's result (a case or tasking reference, a person reference) holds a
`Ref` that the runner fills in. The statistics code knows nothing of these numbers: the targets
(district.py) describe the district, and the figures come out of the events. A case's own steps are
planned in case_plans.py; this module adds links, risk, closures and corrections, and the setup.
"""

from __future__ import annotations

import datetime as dt

from tasking.commands import (
    AddPerson,
    AddUser,
    AssessRisk,
    CloseCase,
    CorrectCase,
    InitStore,
    LinkCases,
    RecordPoliceMonth,
    UpdateReporter,
)
from tasking.config import default_config_text
from tasking.demo import escalations
from tasking.demo.case_plans import CasePlanner
from tasking.demo.context import police_months
from tasking.demo.district import AREAS, ASB_MIX, DEMO_END, ROSTER, YEARS
from tasking.demo.schedule import District, Plan, Ref, Step
from tasking.demo.wording import FIRST, LAST
from tasking.time.instants import at_local


class Planner(CasePlanner):
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
