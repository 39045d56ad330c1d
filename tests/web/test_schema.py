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
from schemathesis.checks import (  # noqa: E402, I001
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 4
FEW = 2
TOKEN: dict[str, str] = {}


@pytest.fixture(name="api_schema", scope="module")
def fixture_api_schema(tmp_path_factory):  # noqa: ANN001, ANN201
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
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_api_conforms_to_its_schema_and_never_fails(api_schema) -> None:  # noqa: ANN001
    """Every operation, `EXAMPLES` generated requests each (derandomized, so the same ones every run)."""
    from hypothesis import given

    headers = {"Authorization": f"Bearer {TOKEN['value']}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # noqa: ANN001
            case.call_and_validate(headers=headers, checks=checks)

        check()


def test_every_check_with_fresh_request_ids(api_schema) -> None:  # noqa: ANN001
    """Every schemathesis check but positive-data acceptance, a fresh `Request-Id` on every write,
    `FEW` examples per operation. Left out: rules no static schema can state (a write's effective
    time between the partnership's `earliest_date` and a day after now; `as_of` or `position`, not
    both), which the descriptions give and a 422 names."""
    import uuid

    from hypothesis import given
    from schemathesis.checks import CHECKS, positive_data_acceptance

    every = CHECKS.get_all()
    for operation in [result.ok() for result in api_schema.get_all_operations()]:
        write = operation.method.upper() == "POST"
        checks = [c for c in every if c is not positive_data_acceptance]

        @given(case=operation.as_strategy())
        @settings(max_examples=FEW, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def check(case) -> None:  # noqa: ANN001
            headers = {"Authorization": f"Bearer {TOKEN['value']}"}
            if write:
                headers["Request-Id"] = uuid.uuid4().hex
            case.call_and_validate(headers=headers, checks=checks)

        check()
