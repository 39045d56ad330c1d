"""What the API says of the commands follows the one registry: a write route per command, in the
registry's order, whose body is named for its command class and never for the module it lives in
(moving a command between modules changes nothing a client sees)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasking.bootstrap import Settings
from tasking.cli import run
from tasking.commands import COMMAND_HANDLERS
from tasking.web.api_commands import path_name
from tasking.web.app import create_app


@pytest.fixture(name="schema")
def fixture_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(tmp_path)
    assert run(["--store", "api.db", "init", "--admin", "docs", "--name", "Docs Site", "--agency", "COUNCIL"]) == 0
    app = create_app(Settings(store="api.db"), pool_size=1, secret="test")
    try:
        return app.openapi()
    finally:
        app.state.pool.close()


def test_the_write_routes_follow_the_registry_and_name_their_bodies_by_command_class(schema: dict) -> None:
    paths = schema["paths"]
    # (the briefing's route is its own: the server makes the pack, so its body is the meeting)
    routes = {f"/api/v1/commands/{path_name(cls)}": cls for cls in COMMAND_HANDLERS if cls.__name__ != "IssueBriefing"}
    listed = [path for path in paths if path in routes]
    assert listed == [path for path in routes if path in paths]  # the registry's order
    assert len(listed) > 40
    for path in listed:
        body = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{routes[path].__name__}"}
    assert [name for name in schema["components"]["schemas"] if "__" in name or "tasking" in name] == []
