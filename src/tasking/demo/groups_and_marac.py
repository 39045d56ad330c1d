"""The demo's 2017/18 escalations: nine Task and Finish groups (seven completed, two ongoing at year end),
and the Community MARAC's monthly meetings from 20 September 2017 with the cases referred to it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from tasking.commands import (
    MaracDiscuss,
    MaracMeetingsAdd,
    TfgAction,
    TfgAddCase,
    TfgComplete,
    TfgCompleteAction,
    TfgMeet,
    TfgOpen,
)
from tasking.time.instants import LONDON, at_local

MARAC_MEETINGS = [
    dt.date(2017, 9, 20),
    dt.date(2017, 10, 18),
    dt.date(2017, 11, 15),
    dt.date(2017, 12, 20),
    dt.date(2018, 1, 17),
    dt.date(2018, 2, 21),
    dt.date(2018, 3, 21),
]
MARAC_TIME = dt.time(10, 0)
# Task and Finish groups of 2017/18: (month opened, weeks until completed, or None: ongoing at year end)
GROUPS = [
    ((2017, 5), 8),
    ((2017, 6), 10),
    ((2017, 7), 6),
    ((2017, 8), 9),
    ((2017, 9), 8),
    ((2017, 10), 10),
    ((2017, 11), 9),
    ((2018, 2), None),
    ((2018, 3), None),
]
PROBLEMS = [
    "youth nuisance",
    "repeat neighbour disputes",
    "drug dealing and use",
    "vulnerable residents",
    "vehicle nuisance",
    "street drinking",
]


def task_and_finish_groups(
    at: Callable[..., None], plans: list[Any], rng: random.Random, ref: Callable[[str, Any], Any]
) -> None:
    places = Counter((p.area, p.location) for p in plans if not p.duplicate)
    hotspots: list[tuple[str, str]] = []  # the busiest street of each of the busiest areas
    for (area, street), _ in sorted(places.items(), key=lambda item: (-item[1], item[0])):
        if area not in {a for a, _ in hotspots}:
            hotspots.append((area, street))
    hotspots = hotspots[:6]
    for number, ((year, month), weeks) in enumerate(GROUPS, 1):
        area, street = hotspots[(number - 1) % len(hotspots)]
        opened = at_local(dt.date(year, month, rng.randint(3, 24)), dt.time(11, 0))
        group = ref("group", f"tfg/2017/{number}")
        problem = rng.choice(PROBLEMS)
        at(
            opened,
            TfgOpen,
            group,
            user="coordinator",
            focus=f"{street}: {problem}",
            area=area,
            reason="Repeat reports through the daily tasking meeting",
        )
        recent = [
            p
            for p in plans
            if p.area == area
            and p.location == street
            and not p.duplicate
            and opened - dt.timedelta(days=60) <= p.received < opened
        ][-3:]
        for minute, plan in enumerate(recent, 1):
            at(
                opened + dt.timedelta(minutes=minute),
                TfgAddCase,
                user="coordinator",
                group=group,
                case=ref("case", plan.key),
            )
        actions = [
            ("POLICE", "Targeted patrols at peak times"),
            (rng.choice(["WARDENS", "COUNCIL", "HOUSING"]), "Environmental visual audit and follow-up"),
        ]
        for number_of, (agency, text) in enumerate(actions, 1):
            at(
                opened + dt.timedelta(minutes=10 + number_of),
                TfgAction,
                user="coordinator",
                group=group,
                agency=agency,
                action=text,
                due=(opened + dt.timedelta(days=7 + 7 * number_of)).astimezone(LONDON).date(),
            )
        at(opened + dt.timedelta(days=7), TfgMeet, user="coordinator", group=group, note="Action plan agreed")
        if weeks is None:
            continue
        at(opened + dt.timedelta(days=28), TfgMeet, user="coordinator", group=group, note="Progress reviewed")
        for action in ("A1", "A2"):
            at(
                opened + dt.timedelta(days=30),
                TfgCompleteAction,
                user="coordinator",
                group=group,
                action=action,
                result="Done",
            )
        at(
            opened + dt.timedelta(weeks=weeks),
            TfgComplete,
            user="coordinator",
            group=group,
            outcome=rng.choice(
                [
                    "Reports fell to the usual level",
                    "Problem premises closed",
                    "Support in place for the residents",
                    "Patrols handed to neighbourhood policing",
                ]
            ),
        )


def community_marac(
    at: Callable[..., None],
    every_plan: list[Any],
    plans: list[Any],
    rng: random.Random,
    ref: Callable[[str, Any], Any],
    referred: list[tuple[dt.datetime, int]],
) -> None:
    meetings = [at_local(day, MARAC_TIME) for day in MARAC_MEETINGS]
    for when in meetings:
        at(when, MaracMeetingsAdd, None, user="coordinator")
    # The first meeting took over the medium- and high-risk cases of the monthly ASB Task Group.
    first = meetings[0]
    referred_keys = {key for _, key in referred}
    carried = [
        p
        for p in plans
        if p.risk != "standard"
        and not p.duplicate
        and p.key not in referred_keys
        and first - dt.timedelta(days=45) <= p.received < first - dt.timedelta(days=5)
    ]
    for minute, plan in enumerate(rng.sample(carried, min(3, len(carried))), 1):
        when = first + dt.timedelta(minutes=minute)
        at(
            when,
            MaracDiscuss,
            None,
            user="coordinator",
            case=ref("case", plan.key),
            meeting=first.astimezone(LONDON).date(),
            outcome="Taken over from the ASB Task Group: support plan reviewed",
            discharge=True,
        )
        plan.actions.append(when)
    minute = 0
    for when, key in sorted(referred):
        later = [m for m in meetings if m > when]
        if not later:
            continue  # referred after the last meeting of the year: on the next year's agenda
        plan = every_plan[key]
        first, after = later[0], (later[1] if len(later) > 1 else None)
        minute += 1
        keep = after is not None and (plan.risk != "standard" or rng.random() < 0.5)
        at(
            first + dt.timedelta(minutes=30 + minute),
            MaracDiscuss,
            user="coordinator",
            case=ref("case", key),
            meeting=first.astimezone(LONDON).date(),
            outcome=rng.choice(
                [
                    "Joint visit by police and housing agreed",
                    "Support plan agreed with the resident",
                    "Warning letters and patrols agreed",
                    "Referred on to specialist support",
                ]
            ),
            review_at=after.astimezone(LONDON).date() if keep and after is not None else None,
            discharge=not keep,
        )
        plan.actions.append(first + dt.timedelta(minutes=30 + minute))
        if keep and after is not None:
            at(
                after + dt.timedelta(minutes=30 + minute),
                MaracDiscuss,
                user="coordinator",
                case=ref("case", key),
                meeting=after.astimezone(LONDON).date(),
                outcome="Reviewed: risk reduced",
                discharge=True,
            )
            plan.actions.append(after + dt.timedelta(minutes=30 + minute))
