"""A store written before encryption (the 0.1 fixture) is migrated by `store copy`: its person
details and free text are sealed in the copy, which reads the same decrypted and is verified."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import make_store, run_cli
from tasking.bootstrap import Settings, bootstrap
from tasking.commands import ErasePerson, send
from tasking.errors import DomainError
from tasking.queries.audit import audit, show
from tasking.store.migrate import copy_store, verify_copy
from tasking.time.instants import utcnow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = ("CSU-2017-00001", "CSU-2017-00002", "CSU-2017-00003")


@pytest.fixture(name="pair")
def fixture_pair(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store-0.1.db", old)
    source = bootstrap(Settings(store=str(old), views=str(tmp_path / "old-views.db")))
    target_store = make_store(backend, tmp_path, request, name="new")
    target = bootstrap(Settings(store=target_store, views=str(tmp_path / "new-views.db")), create_tables=True)
    yield source, target
    source.close()
    target.close()


def test_the_copy_seals_the_plaintext_and_reads_the_same(pair) -> None:
    source, target = pair
    with pytest.raises(DomainError, match="before encryption"):  # the old store cannot be erased as it is
        send(source.app, ErasePerson(user="coordinator", at=utcnow(), person="PER-00001", reason="Request ER-2"))
    assert copy_store(source, target, user="coordinator") == 31
    assert verify_copy(source, target) == 31
    stored = [n.state for n in target.app.recorder.select_notifications(0, 100)]
    assert not any(b"Pat Smith" in state or b"Groups gathering" in state for state in stored)
    assert any(b"enc:v1:" in state for state in stored)
    for case in CASES:
        before, after = show(source.read(user="coordinator"), case), show(target.read(user="coordinator"), case)
        assert {k: v for k, v in after.items() if k != "position"} == {
            k: v for k, v in before.items() if k != "position"
        }
        assert [e["details"] for e in audit(target.read(user="coordinator"), case)["entries"]] == [
            e["details"] for e in audit(source.read(user="coordinator"), case)["entries"]
        ]
    send(target.app, ErasePerson(user="coordinator", at=utcnow(), person="PER-00001", reason="Request ER-2"))
    assert target.app.get_person("PER-00001").name == "[erased]"


def test_verification_names_a_copy_that_differs(pair) -> None:
    source, target = pair
    copy_store(source, target, user="coordinator")
    target.app.keys.destroy([target.app.get_person("PER-00002").id], "tampered")
    with pytest.raises(DomainError, match="differs from the source at source position"):
        verify_copy(source, target)


def test_the_cli_copy_migrates_and_keeps_the_figures(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store-0.1.db", old)
    done = run_cli("store", "copy", "--from", str(old), "--to", str(tmp_path / "new.db"))
    assert "Verified: 31 events" in done.stdout
    assert b"Pat Smith" not in (tmp_path / "new.db").read_bytes()
    figures = [
        json.loads(run_cli("--store", str(store), "stats", "--year", "2017", "--json").stdout)
        for store in (old, tmp_path / "new.db")
    ]
    assert figures[0]["fingerprint"] == figures[1]["fingerprint"]
