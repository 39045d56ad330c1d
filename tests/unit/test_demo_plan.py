"""Issue 25, item 4: the demo district looks like a working CSU. Its plan is pure data, so these
read the plan the demo sends, command by command."""

from __future__ import annotations

from collections import Counter

import pytest

from tasking.commands import CompleteTasking, RaiseTasking, RecordFollowUp, RecordReport, UpdateReporter
from tasking.demo.plan import plan_district
from tasking.demo.wording import FIRST, LAST
from tasking.time.instants import LONDON
from tasking.time.meetings import is_working_day

DEMO_SEED = 2017  # `tasking demo`'s default seed


@pytest.fixture(name="steps", scope="module")
def fixture_steps() -> list:
    return list(plan_district(DEMO_SEED).steps)


def local(step) -> object:
    return step.when.astimezone(LONDON)


def test_taskings_are_raised_at_the_daily_meeting(steps: list) -> None:
    raised = [local(s) for s in steps if s.command is RaiseTasking]
    assert len(raised) > 1000
    assert all(is_working_day(when.date()) and when.hour == 9 for when in raised)


def test_visits_calls_and_updates_happen_in_working_hours_and_early_evening(steps: list) -> None:
    for command in (RecordFollowUp, CompleteTasking, UpdateReporter):
        hours = Counter(local(s).hour for s in steps if s.command is command)
        total = sum(hours.values())
        night = sum(n for hour, n in hours.items() if hour >= 22 or hour < 7)
        working = sum(n for hour, n in hours.items() if 8 <= hour < 18)
        assert night == 0, command.__name__
        assert working / total > 0.8, command.__name__


def test_summaries_read_like_reports_and_name_no_one(steps: list) -> None:
    summaries = [s.fields["summary"] for s in steps if s.command is RecordReport]
    assert len(set(summaries)) >= 40
    assert not [text for text in summaries if " reported at " in text]
    words = {word.strip(",.;'") for text in summaries for word in text.split()}
    assert not words & (set(FIRST) | set(LAST)) - {"Green", "Hill", "Wood", "Ward"}
    assert not any(char.isdigit() for text in summaries for char in text)
