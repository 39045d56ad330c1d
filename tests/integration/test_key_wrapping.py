"""Keys are wrapped with a key-encryption key kept outside the database, and rotated, so a destroyed
key left in a write-ahead log, a free page or a backup cannot be unwrapped (issue 21, item 5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap

from tasking.bootstrap import Services, Settings, bootstrap
from tasking.cli import run
from tasking.domain.ids import person_id
from tasking.store.kek import KekFile
from tasking.store.keys import keys_path


def stored_key(services: Services, owner: str) -> bytes | None:
    """The key row as the database holds it, read on a connection of its own."""
    store = services.settings.store
    if services.settings.is_postgres:
        import psycopg

        schema = parse_qs(urlsplit(store).query)["schema"][0]
        with psycopg.connect(store.split("?")[0], autocommit=True) as conn:
            row = conn.execute(f'SELECT key FROM "{schema}".tasking_keys WHERE owner = %s', [owner]).fetchone()
    else:
        import sqlite3

        conn = sqlite3.connect(keys_path(store))
        row = conn.execute("SELECT key FROM tasking_keys WHERE owner = ?", [owner]).fetchone()
        conn.close()
    return None if row is None or row[0] is None else bytes(row[0])


def kek_on_disk(services: Services) -> list[bytes]:
    """Every KEK any file beside the configured path holds now."""
    kek = KekFile(services.settings.kek_path)
    return [found[1] for found in (kek.read(kek.path), kek.read(kek.next)) if found is not None]


def test_a_person_erased_now_leaves_a_key_no_kek_on_disk_can_unwrap(
    services: Services, people: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = str(person_id(people["resident"]))
    wrapped = stored_key(services, owner)
    assert wrapped is not None and len(wrapped) == 40  # wrapped (AES key wrap), never the bare 32 bytes
    old_file = Path(services.settings.kek_path).read_bytes()
    # What a copy of the database's log holds today can be unwrapped with the KEK on disk today...
    bare = aes_key_unwrap(kek_on_disk(services)[0], wrapped)
    monkeypatch.setenv("TASKING_STORE", services.settings.store)
    monkeypatch.setenv("TASKING_VIEWS", services.settings.views_path)
    monkeypatch.setenv("TASKING_KEK", services.settings.kek_path)
    code = run(["--user", "coordinator", "person", "erase", people["resident"], "--reason", "Erasure ER-1", "--now"])
    assert code == 0
    # ... and after `person erase --now`, by no KEK left on disk: the old one was overwritten and unlinked.
    keks = kek_on_disk(services)
    assert keks and not Path(services.settings.kek_path + ".next").exists()
    assert Path(services.settings.kek_path).read_bytes() != old_file
    for kek in keks:
        with pytest.raises(InvalidUnwrap):
            aes_key_unwrap(kek, wrapped)
    assert stored_key(services, owner) is None  # the tombstone
    if not services.settings.is_postgres:  # the key store's file and its WAL hold neither form of the key
        for path in tmp_path.rglob("*"):
            if path.is_file():
                assert wrapped not in path.read_bytes() and bare not in path.read_bytes(), path
    # The other person's details still read: their key was re-wrapped with the new KEK.
    fresh = bootstrap(services.settings)
    try:
        victim = str(person_id(people["victim"]))
        assert fresh.app.keys.reveal(services.app.keys.seal(victim, "name", "Chris Doe")) == "Chris Doe"
        assert fresh.app.keys.is_destroyed(owner)
    finally:
        fresh.close()


def test_the_nightly_retention_job_rotates_the_kek_after_an_erasure(services: Services, people: dict[str, str]) -> None:
    from tasking.commands import ErasePerson, send
    from tasking.scheduler import retention

    night = dt.datetime(2018, 3, 6, 2, 0, tzinfo=dt.timezone.utc)
    before = kek_on_disk(services)
    retention(services, night, "coordinator")
    assert kek_on_disk(services) == before  # nothing destroyed since the last rotation: nothing written
    wrapped = stored_key(services, str(person_id(people["resident"])))
    assert wrapped is not None
    send(services.app, ErasePerson(user="coordinator", at=night, person=people["resident"], reason="Erasure ER-2"))
    retention(services, night, "coordinator")
    after = kek_on_disk(services)
    assert len(after) == 1 and after[0] not in before
    with pytest.raises(InvalidUnwrap):
        aes_key_unwrap(after[0], wrapped)
    victim = str(person_id(people["victim"]))
    wrapped = stored_key(services, victim)
    assert wrapped is not None
    aes_key_unwrap(after[0], wrapped)  # the live keys are wrapped with the new KEK


def test_a_rotation_by_another_process_does_not_strand_new_keys(services: Services, people: dict[str, str]) -> None:
    """A process that read the old KEK wraps a new key with the KEK the store names when it writes it."""
    other = bootstrap(services.settings)
    try:
        other.app.keys.rotate()
        owner = "6a1f0f1e-0000-4000-8000-000000000001"
        token = services.app.keys.seal(owner, "name", "New Person")  # a new key, made by the stale process
        third = bootstrap(services.settings)
        try:
            assert third.app.keys.reveal(token) == "New Person"
        finally:
            third.close()
        assert other.app.keys.reveal(token) == "New Person"
    finally:
        other.close()


def test_a_store_whose_keys_are_bare_has_them_wrapped_when_first_opened(
    services: Services, people: dict[str, str]
) -> None:
    """Stores written before wrapping: their bare keys are wrapped on the first open (one transaction)."""
    keys = services.app.keys
    owner = str(person_id(people["resident"]))
    token = keys.seal(owner, "name", "Pat Smith")
    rows = keys.export()  # bare keys, as an older version stored them
    p = keys.placeholder
    for row_owner, key, *_ in rows:
        keys._execute(f"UPDATE tasking_keys SET key = {p} WHERE owner = {p}", (key, row_owner))
    keys._execute("DELETE FROM tasking_kek")
    assert len(stored_key(services, owner) or b"") == 32
    reopened = bootstrap(services.settings)
    try:
        assert len(stored_key(services, owner) or b"") == 40
        assert reopened.app.keys.reveal(token) == "Pat Smith"
    finally:
        reopened.close()


def test_a_kek_that_others_can_read_is_refused(services: Services, people: dict[str, str]) -> None:
    import os

    from tasking.errors import DomainError

    path = services.settings.kek_path
    os.chmod(path, 0o640)
    with pytest.raises(DomainError, match=f"kek: {path} can be read by other users .*chmod 600 {path}"):
        bootstrap(services.settings)
    os.chmod(path, 0o600)


def test_a_missing_kek_is_one_line_and_no_new_one_is_made(
    services: Services, people: dict[str, str], tmp_path: Path
) -> None:
    from tasking.errors import DomainError

    elsewhere = Settings(
        store=services.settings.store, views=services.settings.views_path, kek=str(tmp_path / "nowhere.kek")
    )
    with pytest.raises(DomainError, match="does not hold this store's key-encryption key"):
        bootstrap(elsewhere)
    assert not (tmp_path / "nowhere.kek").exists()
