"""Issue 25, item 7: when a thing occurred needs a time, and an impossible date says so."""

from __future__ import annotations

import pytest

from tests.e2e.test_local_times import fixture_desk, invoke  # noqa: F401  (the fixture, by name)

REPORT = [
    "report",
    "--source",
    "COUNCIL",
    "--category",
    "noise",
    "--area",
    "Swanley",
    "--location",
    "High St",
    "--received",
    "2018-03-05T10:00",
    "--anonymous",
    "--summary",
    "Loud music",
]


def test_a_date_alone_for_occurred_asks_for_the_time(desk: None) -> None:
    code, out, err = invoke(*REPORT, "--occurred", "2018-03-05")
    assert code == 2 and out == ""
    assert "'2018-03-05' has no time of day" in err and "2018-03-05T21:30" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("option", ["--occurred", "--received"])
def test_an_impossible_date_is_not_a_real_date(desk: None, option: str) -> None:
    args = [a for a in REPORT if a != "--received" and a != "2018-03-05T10:00"]
    given = {"--occurred": "2018-03-04T21:00", "--received": "2018-03-05T10:00", option: "2018-02-30T10:00"}
    code, _, err = invoke(*args, "--occurred", given["--occurred"], "--received", given["--received"])
    assert code == 2 and "'2018-02-30T10:00' is not a real date" in err, err


def test_an_impossible_due_date_is_not_a_real_date(desk: None) -> None:
    code, _, err = invoke("task", "CSU-2017-00001", "--agency", "COUNCIL", "--action", "Visit", "--due", "2018-02-30")
    assert code == 2 and "'2018-02-30' is not a real date" in err, err
