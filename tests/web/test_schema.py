"""Schemathesis against `/openapi.json`, with a valid token and a fixed number of examples per
operation: no server errors, and every response matches the schema (status, content type, body)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from tasking.bootstrap import Settings, bootstrap
from tasking.web import create_app
from tasking.web.auth import FailedAttempts
from tests.conftest import Desk, seed_roster
from tests.web.conftest import issue

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 4
FEW = 3
TOKEN: dict[str, str] = {}


@pytest.fixture(name="api_schema", scope="module")
def fixture_api_schema(tmp_path_factory):
    """The real app over a real SQLite store with a roster, a case and a tasking."""
    folder: Path = tmp_path_factory.mktemp("schema")
    services = bootstrap(Settings(store=str(folder / "store.db"), views=str(folder / "views.db")), create_tables=True)
    desk = Desk(services, seed_roster(services))
    case = desk.report("2018-03-03T08:10")
    from tasking.commands import RaiseTasking

    desk.send(RaiseTasking, when="2018-03-05T09:30", case=case, agency="WARDENS", action="Patrol", due="2018-03-09")
    TOKEN["value"] = issue(services, "coordinator", days=3650)
    services.close()
    app = create_app(services.settings, pool_size=2, secret="s", attempts=FailedAttempts(limit=10**9))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    keep_to_the_dynamic_rules(schema)
    return schema


# A valid meeting (a working day at 09:00 Europe/London) and a time inside the effective-time window.
MEETING = "2018-03-05T09:00:00Z"
INSIDE = "2018-03-06T10:00:00Z"


def _inside_window(text: object) -> bool:
    """From the partnership's `earliest_date` (2000-01-01) to now: the window the server checks."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return dt.datetime(2000, 1, 2, tzinfo=dt.UTC) <= moment <= dt.datetime.now(dt.UTC)


def keep_to_the_dynamic_rules(schema) -> None:
    """The rules no static schema can state, kept by the generator rather than by widening what the
    positive-data check accepts. Each is refused with a 422 that names the field and the rule:
    - a write's effective time `at` lies between the partnership's `earliest_date` and now (it moves
      with the clock), and a report's `occurred_at` is not after its `at`;
    - a pack is issued for a real meeting (a working day, not a bank holiday, at the meeting time);
    - a deployment's `end` is not before its `start`;
    - a read takes `as_of` or `position`, not both.
    Everything a schema can say (formats, enums, patterns, one-of and if-then rules) is in the schema."""

    @schema.hook
    def map_body(ctx, body):
        if not isinstance(body, dict):
            return body
        body = dict(body)
        if "at" in body and body["at"] is not None and not _inside_window(body["at"]):
            body["at"] = INSIDE
        if "occurred_at" in body and body["occurred_at"] is not None and not _inside_window(body["occurred_at"]):
            body["occurred_at"] = INSIDE
        if body.get("occurred_at") and body.get("at") and body["occurred_at"] > body["at"]:
            body["occurred_at"] = body["at"]
        if ctx.operation is not None and ctx.operation.path.endswith("/issue-briefing"):
            body["meeting"] = MEETING
        if "start" in body and "end" in body and str(body["end"]) < str(body["start"]):
            body["start"], body["end"] = body["end"], body["start"]
        return body

    @schema.hook
    def map_query(ctx, query):
        if isinstance(query, dict) and query.get("as_of") is not None and query.get("position") is not None:
            query = {name: value for name, value in query.items() if name != "position"}
        return query


def test_the_api_conforms_to_its_schema_and_never_fails(api_schema) -> None:
    """Every operation, `EXAMPLES` generated requests each (derandomized, so the same ones every run)."""
    from hypothesis import given

    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        check()


def test_every_check_with_fresh_request_ids(api_schema) -> None:
    """Every schemathesis check, positive-data acceptance included (data the schema calls valid is
    never refused as invalid, 422), a fresh `Request-Id` on every write, `FEW` examples per operation.
    The rules no static schema can state are kept by the generator (`keep_to_the_dynamic_rules`)."""
    import uuid

    from hypothesis import given
    from schemathesis.checks import CHECKS

    checks = CHECKS.get_all()
    for operation in [result.ok() for result in api_schema.get_all_operations()]:
        write = operation.method.upper() == "POST"

        @given(case=operation.as_strategy())
        @settings(
            max_examples=FEW,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            headers = {"Authorization": f"Bearer {TOKEN['value']}"}
            if write:
                headers["Request-Id"] = uuid.uuid4().hex
            case.call_and_validate(headers=headers, checks=checks)

        check()


def test_the_figure_pattern_takes_every_name_explain_lists(tmp_path, monkeypatch, capsys) -> None:
    """The schema's `figure` pattern and `tasking stats --explain` agree: every count it lists matches,
    every `GROUP.NAME` matches with an entry and not bare, and a name it does not know does not match."""
    import re

    from tasking.cli import run
    from tasking.web.schema import FIGURES

    monkeypatch.chdir(tmp_path)
    assert run(["init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL"]) == 0
    capsys.readouterr()
    assert run(["--user", "coordinator", "stats", "--year", "2017", "--explain", "nonsense"]) != 0
    listed = capsys.readouterr().err.split("explainable: ", 1)[1].strip().split(", ")
    assert len(listed) > 20
    for name in listed:
        if name.endswith(".NAME"):
            assert re.fullmatch(FIGURES, name[: -len("NAME")] + "x"), name
            assert not re.fullmatch(FIGURES, name[: -len(".NAME")]), name
        else:
            assert re.fullmatch(FIGURES, name), name
    for other in ("police_recorded.asb_incidents", "funding.by_funder.PCC", "cctv.deployments"):
        assert re.fullmatch(FIGURES, other), other
    for wrong in ("nonsense", "taskings.x", "powers", "police", "police_recorded"):
        assert not re.fullmatch(FIGURES, wrong), wrong
