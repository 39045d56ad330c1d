"""Retention: six years after closure a case's free text and its people's details are destroyed,
unless a legal hold applies or the person is on a case that is kept; a dry run writes nothing."""

from __future__ import annotations

import pytest

from tests.conftest import Desk, at
from tasking import retention
from tasking.commands import CloseCase, PlaceHold, RecordFollowUp, ReleaseHold, ReopenCase
from tasking.errors import DomainError
from tasking.queries.audit import show


def _close(desk: Desk, case: str, when: str) -> None:
    desk.send(CloseCase, when=when, case=case, reason="resolved", note="Quiet since the visit")


@pytest.fixture(name="closed")
def fixture_closed(desk: Desk) -> dict[str, str]:
    """A case per rule: `gone` closed 2018-03-10; `held` closed then too, under a hold; `newer`
    open, by the same reporter as `gone`."""
    gone = desk.report("2018-03-02T10:00", summary="Ball games against the shop shutters")
    desk.send(RecordFollowUp, when="2018-03-03T10:00", case=gone, kind="visit", outcome="Spoke to the parents")
    _close(desk, gone, "2018-03-10T10:00")
    held = desk.report("2018-03-02T11:00", reporter=desk.people["victim"], summary="Shouting outside the flats")
    _close(desk, held, "2018-03-10T10:00")
    desk.send(PlaceHold, when="2018-03-11T10:00", case=held, reason="Civil claim LS-881")
    newer = desk.report("2018-03-20T10:00", summary="Back again at the shops")
    return {"gone": gone, "held": held, "newer": newer}


def test_nothing_is_due_before_six_years(desk: Desk, closed: dict[str, str]) -> None:
    found = retention.due(desk.services, at("2024-03-09T10:00"))
    assert found["cases"] == [] and found["people"] == []


def test_a_dry_run_says_what_and_writes_nothing(desk: Desk, closed: dict[str, str]) -> None:
    app = desk.services.app
    count, keys = app.event_count(), app.keys.export()
    found = retention.run(desk.services, at("2024-03-11T03:00"), "coordinator", dry_run=True)
    assert [c["case"] for c in found["cases"]] == [closed["gone"]] and found["held"] == [closed["held"]]
    assert found["people"] == [] and found["people_kept"] == [desk.people["resident"]]
    assert app.event_count() == count and app.keys.export() == keys


def test_six_years_after_closure_the_free_text_goes_the_figures_stay(desk: Desk, closed: dict[str, str]) -> None:
    from tasking.queries.stats import year_stats

    def fingerprint() -> str:
        read = desk.read()
        return year_stats(read.db, read.config, 2017, read.point.position)["fingerprint"]

    before = fingerprint()
    retention.run(desk.services, at("2024-03-11T03:00"), "coordinator")
    gone = show(desk.read(), closed["gone"])
    assert gone["summary"] == "[erased]" and gone["follow_ups"][0]["text"] == "[erased]"
    assert gone["closures"][0]["text"] == "[erased]" and gone["erased"] == ["free-text"]
    assert show(desk.read(), closed["held"])["summary"] == "Shouting outside the flats"  # held
    assert show(desk.read(), closed["newer"])["summary"] == "Back again at the shops"
    resident = desk.services.app.get_person(desk.people["resident"])
    assert resident.name == "Pat Smith"  # on a newer open case: kept
    assert fingerprint() == before
    with pytest.raises(DomainError, match="erased"):  # nothing new is written into destroyed text
        desk.send(ReopenCase, when="2024-03-12T10:00", case=closed["gone"], reason="Reported again")


def test_a_released_hold_lets_retention_take_the_case_and_its_people(desk: Desk, closed: dict[str, str]) -> None:
    desk.send(ReleaseHold, when="2024-03-01T10:00", case=closed["held"], reason="Claim settled")
    found = retention.run(desk.services, at("2024-03-11T03:00"), "coordinator")
    assert {c["case"] for c in found["cases"]} == {closed["gone"], closed["held"]}
    assert found["people"] == [{"person": desk.people["victim"], "cases": [closed["held"]]}]
    assert desk.services.app.get_person(desk.people["victim"]).name == "[erased]"
    assert show(desk.read(), closed["held"])["erased"] == ["reporter", "free-text"]
    again = retention.run(desk.services, at("2024-03-12T03:00"), "coordinator")
    assert again["cases"] == [] and again["people"] == []  # done once


def test_the_schedulers_nightly_job_runs_the_same_retention(desk: Desk, closed: dict[str, str], tmp_path) -> None:
    from tasking.scheduler import run_once

    done = run_once(desk.services, at("2024-03-11T02:00"), tmp_path, "coordinator")["retention"]
    assert done == {"cases": 1, "people": 0, "held": 1}
    assert show(desk.read(), closed["gone"])["summary"] == "[erased]"
