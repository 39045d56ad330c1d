"""Case reviews, Task and Finish groups, the Community MARAC and risk reviews through the real
`tasking` entry point, on both backends."""

from __future__ import annotations

import pytest

from tests.conftest import cli_json, run_cli
from tests.helpers.cli import report_args
from tests.helpers.stores import cli_store, event_count


@pytest.fixture(name="env")
def fixture_env(store: str, tmp_path) -> dict[str, str]:
    return cli_store(store, tmp_path / "views.db")


def report(env: dict[str, str], person: str, received: str, occurred: str, category: str = "noise") -> str:
    return cli_json(
        *report_args(category=category, location="Azalea Shops", occurred=occurred, received=received, reporter=person),
        env=env,
    )["case"]


def test_apply_assess_and_the_milestones(env: dict[str, str]) -> None:
    person = cli_json("person", "add", "--name", "Pat Smith", env=env)["person"]
    counted = [report(env, person, f"2018-02-0{d}T08:00", f"2018-02-0{d - 1}T22:00") for d in (2, 3, 4)]
    late = report(env, person, "2018-02-05T08:00", "2017-12-01T22:00")
    assert cli_json("case-review", "apply", "--applicant", person, "--received", "2018-03-01T10:00", env=env) == {
        "review": "CR-2017-001"
    }
    result = cli_json("case-review", "assess", "CR-2017-001", "--at", "2018-03-02T10:00", env=env)
    assert {k: result[k] for k in ("review", "threshold_met", "qualifying", "excluded", "rules_applied")} == {
        "review": "CR-2017-001",
        "threshold_met": True,
        "qualifying": counted,
        "excluded": [{"case": late, "reason": "received more than one month after the behaviour"}],
        "rules_applied": ["threshold: 3 qualifying complaints"],
    }
    for args in (
        ["acknowledge", "--at", "2018-03-02T11:00"],
        ["decide", "--outcome", "review", "--reason", "Threshold met", "--at", "2018-03-05T10:00"],
        ["hold", "--at", "2018-03-20T14:00"],
    ):
        run_cli("case-review", args[0], "CR-2017-001", *args[1:], env=env)
    made = cli_json(
        "case-review",
        "recommend",
        "CR-2017-001",
        "--agency",
        "HOUSING",
        "--action",
        "Tenancy visit",
        "--due",
        "2018-04-06",
        "--at",
        "2018-03-20T15:00",
        env=env,
    )
    assert made == {"review": "CR-2017-001", "recommendation": "R1", "case": counted[-1], "tasking": "T1"}
    listed = cli_json("case-review", "list", "--open", "--at", "2018-04-01T10:00", env=env)
    assert [r["review"] for r in listed["reviews"]] == ["CR-2017-001"]
    assert listed["reviews"][0]["overdue"] == [{"milestone": "respond", "due": "2018-03-27", "days_overdue": 5}]
    shown = run_cli("case-review", "show", "CR-2017-001", env=env).stdout
    assert f"excluded {late}: received more than one month after the behaviour" in shown


def test_refusals_are_one_line_and_write_nothing(env: dict[str, str]) -> None:
    before = event_count(env["TASKING_STORE"])
    for args, message in [
        (
            ["case-review", "apply", "--applicant", "PER-99999", "--received", "2018-03-01T10:00"],
            "applicant: unknown person",
        ),
        (["case-review", "assess", "CR-2017-009"], "review: unknown case review"),
        (["tfg", "open", "--focus", "x", "--area", "Atlantis", "--reason", "y"], "area: unknown area"),
        (
            [
                "marac",
                "discuss",
                "CSU-2017-00001",
                "--meeting",
                "2017-09-20",
                "--outcome",
                "x",
                "--action",
                "POLICE-no-due",
            ],
            "action: 'POLICE-no-due' is not AGENCY:TEXT:DUE",
        ),
        (
            [
                "marac",
                "discuss",
                "CSU-2017-00001",
                "--meeting",
                "2017-09-20",
                "--outcome",
                "x",
                "--review-at",
                "2017-10-18",
                "--discharge",
            ],
            "review-at: give either",
        ),
        (["review", "CSU-2017-00001", "--note", "x", "--level", "extreme"], "level:"),
    ]:
        done = run_cli(*args, env=env, check=False)
        assert done.returncode != 0, args
        assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert event_count(env["TASKING_STORE"]) == before


def test_groups_meetings_and_risk_reviews(env: dict[str, str]) -> None:
    person = cli_json("person", "add", "--name", "Pat Smith", env=env)["person"]
    case = report(env, person, "2017-09-02T08:00", "2017-09-01T22:00")
    group = cli_json(
        "tfg",
        "open",
        "--focus",
        "Azalea Shops",
        "--area",
        "Swanley",
        "--case",
        case,
        "--reason",
        "Repeat reports",
        "--at",
        "2017-09-05T11:00",
        env=env,
    )
    assert group == {"group": "TFG-2017-01"}
    assert (
        cli_json(
            "tfg",
            "action",
            "TFG-2017-01",
            "--agency",
            "WARDENS",
            "--action",
            "Patrols",
            "--due",
            "2017-09-30",
            "--at",
            "2017-09-05T11:05",
            env=env,
        )["action"]
        == "A1"
    )
    run_cli("tfg", "meet", "TFG-2017-01", "--at", "2017-09-12T14:00", "--note", "Plan agreed", env=env)
    run_cli("tfg", "complete", "TFG-2017-01", "--outcome", "Quiet", "--at", "2017-10-30T14:00", env=env)
    assert [g["status"] for g in cli_json("tfg", "list", "--at", "2017-10-01T00:00", env=env)["groups"]] == ["open"]
    assert cli_json("tfg", "list", "--open", env=env)["groups"] == []
    assert cli_json("tfg", "show", "TFG-2017-01", env=env)["outcome"] == "Quiet"

    run_cli("refer", case, "--to", "community-marac", "--at", "2017-09-10T10:00", env=env)
    assert cli_json("marac", "meetings", "add", "--at", "2017-09-20T10:00", env=env) == {"meeting": "2017-09-20"}
    agenda = cli_json("marac", "agenda", "--meeting", "2017-09-20", env=env)
    assert [(i["case"], i["why"], i["risk"]) for i in agenda["items"]] == [(case, "referred", "standard")]
    made = cli_json(
        "marac",
        "discuss",
        case,
        "--meeting",
        "2017-09-20",
        "--outcome",
        "Joint visit",
        "--action",
        "POLICE:Visit: with housing:2017-09-29",
        "--review-at",
        "2017-10-18",
        env=env,
    )
    assert made == {"meeting": "2017-09-20", "case": case, "taskings": ["T1"]}
    assert cli_json("show", case, env=env)["taskings"][0]["action"] == "Visit: with housing"
    assert cli_json("review", case, "--note", "Raised", "--level", "high", "--at", "2017-09-21T10:00", env=env) == {
        "case": case,
        "risk": "high",
    }
