"""Exports and the analysts' Datasette database follow the outline rule (issue 21, items 6 and 26):
a restricted case the reader may not see in full is its outline in every row, and the restricted
cases shown in full are recorded in the access log. Real files, both backends."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tasking.commands import RaiseTasking, Refer
from tasking.interchange.export import KINDS, export
from tasking.queries.access import access_log
from tests.conftest import Desk, at

STREET = "Quarry Lane"


@pytest.fixture(name="cases")
def fixture_cases(desk: Desk) -> dict[str, str]:
    """A domestic-abuse case, a case made restricted by a DA MARAC referral, and a plain case."""
    found = {
        "category": desk.report("2018-03-02T10:00", category="domestic-abuse", location=STREET, lat=51.38, lon=0.17),
        "referral": desk.report("2018-03-02T11:00", category="noise", location=STREET),
        "plain": desk.report("2018-03-02T12:00", category="noise", location="Azalea Shops"),
    }
    desk.send(Refer, when="2018-03-02T13:00", case=found["referral"], to="da-marac")
    for case in found.values():
        desk.send(
            RaiseTasking,
            when="2018-03-02T14:00",
            case=case,
            agency="POLICE",
            action="Patrol",
            due=at("2018-03-09T12:00").date(),
        )
    return found


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


@pytest.mark.parametrize("kind", KINDS)
def test_an_analyst_s_export_holds_restricted_cases_as_outlines(
    desk: Desk, cases: dict[str, str], kind: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{kind}.csv"
    export(desk.read(user="analyst", action="export"), kind, "csv", out)
    text = out.read_text(encoding="utf-8")
    assert STREET not in text and "domestic-abuse" not in text and "da-marac" not in text and "51.38" not in text
    rows = read_csv(out)
    restricted = [r for r in rows if r["restricted"] == "True"]
    plain = [r for r in rows if cases["plain"] in r.get("case", r.get("reference", r.get("incident", "")))]
    assert restricted and plain and all(r["restricted"] == "False" for r in plain)
    assert any(r.get("category", "noise") == "noise" for r in plain)
    assert not [e for e in access_log(desk.read())["entries"] if e["action"] == "export"]


def test_a_coordinator_s_export_is_in_full_and_recorded(desk: Desk, cases: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "cases.json"
    export(desk.read(action="export"), "cases", "json", out)
    rows = {r["case"]: r for r in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    assert rows[cases["category"]]["category"] == "domestic-abuse" and rows[cases["referral"]]["location"] == STREET
    assert rows[cases["category"]]["restricted"] is True and rows[cases["plain"]]["restricted"] is False
    [entry] = [e for e in access_log(desk.read())["entries"] if e["action"] == "export"]
    assert entry["user"] == "coordinator" and entry["cases"] == sorted([cases["category"], cases["referral"]])


def test_the_analysts_database_holds_outlines_no_free_text_and_pseudonyms(
    desk: Desk, cases: dict[str, str], tmp_path: Path, monkeypatch
) -> None:
    """Written through the CLI (in-process), opened with Datasette, and searched byte by byte."""
    import asyncio

    from datasette.app import Datasette

    from tasking.cli import run

    monkeypatch.setenv("TASKING_VIEWS", desk.services.settings.views_path)
    out = tmp_path / "analysts.db"
    args = ["--store", desk.services.settings.store, "--user", "analyst", "export", "datasette", "--out", str(out)]
    assert run(args) == 0
    assert out.stat().st_mode & 0o077 == 0
    data = out.read_bytes()
    for secret in (STREET, "Azalea Shops", "domestic-abuse", "da-marac", "51.38", "PER-0", "analyst", "coordinator"):
        assert secret.encode() not in data, secret

    async def browse() -> list[dict]:
        datasette = Datasette([str(out)])
        await datasette.invoke_startup()
        answer = await datasette.client.get("/analysts/cases.json?_shape=array")
        assert answer.status_code == 200
        return answer.json()

    found = {row["case"]: row for row in asyncio.run(browse())}
    assert set(found) == set(cases.values())
    assert found[cases["category"]]["category"] is None and found[cases["category"]]["restricted"] == 1
    assert found[cases["plain"]]["category"] == "noise" and "location" not in found[cases["plain"]]
    assert found[cases["plain"]]["reporter"].startswith("p-")  # a keyed hash, new for each database
    assert run(args) == 0
    again = {row["case"]: row for row in asyncio.run(browse())}
    assert again[cases["plain"]]["reporter"] != found[cases["plain"]]["reporter"]
