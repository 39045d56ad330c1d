"""Issue 25, item 10: `case-review show` tells the review's story, milestone by milestone."""

from __future__ import annotations

from tests.e2e.test_local_times import fixture_desk, invoke  # noqa: F401  (the fixture, by name)


def test_show_tells_the_story_and_what_is_still_to_come(desk: None) -> None:
    assert invoke("case-review", "acknowledge", "CR-2017-001", "--at", "2017-04-28T10:00")[0] == 0
    code, out, err = invoke("case-review", "show", "CR-2017-001")
    assert code == 0, err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "received: Thu 27 Apr 2017 10:00" in lines
    assert "acknowledged: Fri 28 Apr 2017 10:00" in lines
    assert any(line.startswith("threshold: not yet assessed (decide by ") for line in lines), out
    assert any(line.startswith("decision: not yet (due by ") for line in lines), out
    assert "response: not yet" in lines, out
    assert invoke("case-review", "assess", "CR-2017-001", "--at", "2017-04-29T10:00")[0] == 0
    assert (
        invoke(
            "case-review",
            "decide",
            "CR-2017-001",
            "--outcome",
            "review",
            "--reason",
            "Threshold met",
            "--at",
            "2017-04-30T10:00",
        )[0]
        == 0
    )
    lines = [" ".join(line.split()) for line in invoke("case-review", "show", "CR-2017-001")[1].splitlines()]
    assert "threshold: met (assessed Sat 29 Apr 2017 10:00)" in lines, lines
    assert "decision: review (Sun 30 Apr 2017 10:00)" in lines
    assert any(line.startswith("review held: not yet (due by ") for line in lines)
    assert "recommendations (0):" in lines
