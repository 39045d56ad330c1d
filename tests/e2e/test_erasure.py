"""Erasure by crypto-shredding through the real CLI: after `person erase`, none of the person's
details is left in any file under the store's folder (store, key store, views, WAL, packs,
exports) or in the logs, on both backends; `show` and `audit` say `[erased]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import cli_json, make_store, run_cli
from tests.helpers.cli import report_args

NAME, PHONE, EMAIL, ADDRESS = "Zebedee Quarrington", "01732 555 917", "zq@example.org", "17 Nowhere Lane, Otford"
NEEDLES = [NAME, "Quarrington", "555 917", "555917", EMAIL, "Nowhere Lane"]


def _everything_in(folder: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _postgres_text(store: str) -> str:
    """Every row of every table in the store's schema, as text (PostgreSQL has no file of its own here)."""
    import psycopg
    from urllib.parse import parse_qs, urlsplit

    schema = parse_qs(urlsplit(store).query)["schema"][0]
    url = store.split("?")[0]
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
            ).fetchall()
        ]
        return "\n".join(
            str(row) for table in tables for row in conn.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
        )


@pytest.fixture(name="desk_env")
def fixture_desk_env(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    folder = tmp_path / "csu"
    folder.mkdir()
    store = make_store(backend, folder, request) if backend == "postgres" else str(folder / "tasking.db")
    env = {
        "TASKING_STORE": store,
        "TASKING_VIEWS": str(folder / "tasking.views.db"),
        "TASKING_USER": "amy",
        "TASKING_LOG_FILE": str(folder / "tasking.log"),
        "TASKING_LOG_LEVEL": "debug",
    }
    run_cli("init", "--admin", "amy", "--name", "Amy Coordinator", "--agency", "COUNCIL", env=env)
    return env


def test_an_erased_person_leaves_no_trace_in_the_folder_or_the_logs(desk_env: dict[str, str], tmp_path: Path) -> None:
    env, folder = desk_env, tmp_path / "csu"
    person = cli_json(
        "person",
        "add",
        "--name",
        NAME,
        "--phone",
        PHONE,
        "--email",
        EMAIL,
        "--address",
        ADDRESS,
        "--at",
        "2018-03-01T09:00",
        env=env,
    )["person"]
    other = cli_json("person", "add", "--name", "Olive Other", "--at", "2018-03-01T09:00", env=env)["person"]
    case = cli_json(
        *report_args(
            category="youth-nuisance",
            location="Azalea Shops",
            occurred="2018-03-02T20:00",
            received=None,
            at="2018-03-02T21:00",
            reporter=person,
            victim=other,
            summary="Youths kicking a ball at windows",
        ),
        env=env,
    )["case"]
    run_cli(
        "follow-up", case, "--kind", "visit", "--outcome", "Spoke to the group", "--at", "2018-03-03T10:00", env=env
    )
    assert cli_json("person", "find", "--name", "quarr", env=env)[0]["phone"] == PHONE
    assert NAME in run_cli("person", "show", person, env=env).stdout
    run_cli("briefing", "issue", "--at", "2018-03-05T09:00", "--output", str(folder / "packs"), env=env)
    run_cli("export", "cases", "--format", "csv", "--out", str(folder / "cases.csv"), env=env)
    before = json.loads(run_cli("stats", "--year", "2017", "--json", env=env).stdout)

    assert cli_json("person", "erase", person, "--reason", "Erasure request ER-1", env=env)["erased"] is True
    run_cli("export", "cases", "--format", "csv", "--out", str(folder / "cases-after.csv"), env=env)
    run_cli("audit", case, env=env)  # reads after the erasure are logged too

    for path, data in _everything_in(folder).items():
        for needle in NEEDLES:
            assert needle.encode() not in data, f"{needle!r} found in {path}"
    if env["TASKING_STORE"].startswith("postgresql://"):
        text = _postgres_text(env["TASKING_STORE"])
        assert "Olive Other" not in text and "Youths kicking" not in text  # sealed, not merely absent
        for needle in NEEDLES:
            assert needle not in text
    shown = run_cli("person", "show", person, env=env).stdout
    assert "[erased]" in shown and NAME not in shown
    assert "PER-00001 [erased]" in run_cli("show", case, env=env).stdout
    assert "reporter: [erased]" in run_cli("audit", case, env=env).stdout
    assert cli_json("show", case, env=env)["erased"] == ["reporter"]
    assert cli_json("show", case, env=env)["summary"] == "Youths kicking a ball at windows"  # the case's text stays
    assert cli_json("person", "find", "--name", "quarr", env=env) == []
    assert (
        json.loads(run_cli("stats", "--year", "2017", "--json", env=env).stdout)["fingerprint"] == before["fingerprint"]
    )
    again = run_cli("person", "erase", person, "--reason", "twice", env=env, check=False)
    assert again.returncode == 1 and "already erased" in again.stderr
