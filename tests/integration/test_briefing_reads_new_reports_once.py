"""The briefing reads the states of its window's new reports once: the possible duplicates it looks
for among them use the states the queue already holds (and read only their neighbourhood)."""

from __future__ import annotations

import json

from tasking.queries.briefing import briefing, meeting_for
from tests.conftest import at
from tests.integration.test_indexed_reads import statements


def test_the_new_reports_states_are_read_once_for_the_queue_and_the_duplicates(desk) -> None:
    fresh = [
        desk.report("2018-03-02T10:00", location="12 Mill Road", source="COUNCIL"),
        desk.report("2018-03-02T10:30", location="12 Mill Road", source="POLICE"),
        desk.report("2018-03-03T11:00", location="Quarry Lane"),
    ]
    read = desk.read()
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    found: dict = {}
    sql = statements(read.db, lambda: found.update(briefing(read, meeting)))
    assert sorted(item["case"] for item in found["new_reports"]) == sorted(fresh)
    assert [(item["case"], item["other"]) for item in found["possible_duplicates"]] == [tuple(sorted(fresh[:2]))]
    states_read = [statement for statement in sql if statement.startswith("SELECT reference, state FROM case_versions")]
    # the queue's new reports, then the duplicates' neighbourhood (every case received since two
    # hours before the earliest of them occurred): not the new reports a second time on their own,
    # nor the risk reviews' states when no case is at medium or high risk
    assert len(states_read) == 2, states_read
    assert json.dumps(sorted(fresh)) in states_read[0]
