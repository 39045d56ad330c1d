"""A list screens every case against the restricted categories, which it works out once per read
(from the configuration), not once per case; the screening itself is unchanged."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tasking.domain import permissions
from tasking.queries.cases import list_cases
from tests.conftest import Desk

ORIGINAL = permissions.restricted_categories


def count_restricted_categories(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every call of the rule, wherever a module holds it by name (the rule itself still runs)."""
    calls: list[int] = []

    def counted(config: Any) -> set[str]:
        calls.append(1)
        return ORIGINAL(config)

    for module in list(sys.modules.values()):
        if getattr(module, "restricted_categories", None) is ORIGINAL:
            monkeypatch.setattr(module, "restricted_categories", counted)
    return calls


def screened(desk: Desk, monkeypatch: pytest.MonkeyPatch, user: str) -> tuple[int, list[dict[str, Any]]]:
    reader = desk.read(user=user, action="cases")
    with monkeypatch.context() as patch:
        calls = count_restricted_categories(patch)
        found = list_cases(reader)["cases"]
    return len(calls), found


@pytest.mark.parametrize("user", ["coordinator", "warden.grange", "analyst"])
def test_the_cases_list_works_out_the_restricted_categories_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, user: str
) -> None:
    for day in range(2, 8):
        category = "domestic-abuse" if day % 2 else "youth-nuisance"
        desk.report(f"2018-03-0{day}T10:00", category=category, location=f"{day} Quarry Lane")
    calls, found = screened(desk, monkeypatch, user)
    assert len(found) == 6
    restricted = [row for row in found if row.get("restricted")]
    assert len(restricted) == (0 if user == "coordinator" else 3)
    assert calls == 1, f"the restricted categories were worked out {calls} times for one list of 6 cases"
