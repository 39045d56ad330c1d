"""The hash chain: `tasking verify` names the first row edited, deleted, inserted or reordered behind the
engine's back, on both backends; a kept head catches a rewrite of the whole chain; rows with no link stay
`unsealed` until an admin seals them on purpose (`tasking seal-chain`, recorded)."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tasking.commands import AddUser, send
from tests.conftest import at, run_cli, seed_roster
from tests.helpers.stores import anonymous_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@contextlib.contextmanager
def dba(store: str) -> Iterator[tuple[object, str, str, str]]:
    """A database administrator's own connection: (connection, events table, position column, chain table)."""
    if store.startswith("postgresql://"):
        import psycopg

        schema = parse_qs(urlsplit(store).query)["schema"][0]
        with psycopg.connect(store.split("?")[0], autocommit=True) as conn:
            yield conn, f'"{schema}".tasking_events', "notification_id", f'"{schema}".tasking_event_chain'
    else:
        conn = sqlite3.connect(store, isolation_level=None)
        try:
            yield conn, "stored_events", "rowid", "stored_event_chain"
        finally:
            conn.close()


def verify(store: str, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    done = run_cli("--store", store, "verify", "--json", *args, check=False)
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(name="chained")
def fixture_chained(services, store) -> str:
    """A store with a roster and three cases, all written through the engine."""
    seed_roster(services)
    for day in ("2018-03-02", "2018-03-03", "2018-03-04"):
        anonymous_report(services, day)
    return store


def add_admin(services) -> None:
    send(
        services.app,
        AddUser(
            user="coordinator",
            at=at("2018-03-01T08:00"),
            login="admin",
            name="Ada Admin",
            agency="COUNCIL",
            role="admin",
        ),
    )


def seal(store: str, user: str = "admin", *args: str):
    return run_cli(
        "--store", store, "--user", user, "seal-chain", "--reason", "Accepted after review, OPS-1", *args, check=False
    )


def report(services, summary: str) -> None:
    anonymous_report(services, "2018-03-06", summary)


def positions(store: str) -> list[int]:
    with dba(store) as (conn, events, pos, _):
        return [row[0] for row in conn.execute(f"SELECT {pos} FROM {events} ORDER BY {pos}").fetchall()]


def test_an_untouched_store_verifies(chained) -> None:
    code, found = verify(chained)
    assert code == 0 and found["ok"] is True and found["first_bad_position"] is None
    assert found["events"] == len(positions(chained)) and found["position"] == positions(chained)[-1]
    assert found["head"].startswith(f"{found['position']}:")


def test_flipping_one_byte_of_a_state_is_named(chained) -> None:
    target = positions(chained)[5]
    with dba(chained) as (conn, events, pos, _):
        state = bytes(conn.execute(f"SELECT state FROM {events} WHERE {pos} = {target}").fetchone()[0])
        flipped = state[:10] + bytes([state[10] ^ 0x01]) + state[11:]
        conn.execute(
            f"UPDATE {events} SET state = {'?' if pos == 'rowid' else '%s'} WHERE {pos} = {target}", (flipped,)
        )
    code, found = verify(chained)
    assert code == 4 and found["ok"] is False
    assert found["first_bad_position"] == target and found["problem"] == "altered"
    assert found["position"] == positions(chained)[4]  # everything before it still verifies


def test_a_deleted_row_is_named(chained) -> None:
    target = positions(chained)[7]
    with dba(chained) as (conn, events, pos, _):
        conn.execute(f"DELETE FROM {events} WHERE {pos} = {target}")
    code, found = verify(chained)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (target, "deleted")


def test_an_inserted_row_is_named_and_the_next_write_does_not_hide_it(chained, services) -> None:
    last = positions(chained)[-1]
    with dba(chained) as (conn, events, pos, _):
        columns = "originator_id, originator_version, topic, state"
        conn.execute(
            f"INSERT INTO {events} ({columns}) SELECT originator_id, originator_version + 1000, topic, state "
            f"FROM {events} WHERE {pos} = {last}"
        )
    inserted = positions(chained)[-1]
    assert inserted > last
    report(services, "after the insert")
    code, found = verify(chained)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (inserted, "inserted")


def test_two_swapped_rows_are_named(chained) -> None:
    first, second = positions(chained)[3], positions(chained)[9]
    with dba(chained) as (conn, events, pos, _):
        conn.execute(f"UPDATE {events} SET {pos} = -1 WHERE {pos} = {first}")
        conn.execute(f"UPDATE {events} SET {pos} = {first} WHERE {pos} = {second}")
        conn.execute(f"UPDATE {events} SET {pos} = {second} WHERE {pos} = -1")
    code, found = verify(chained)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (first, "altered")


def test_a_kept_head_catches_a_rewrite_of_the_whole_chain(chained, services) -> None:
    add_admin(services)
    _, kept = verify(chained)
    target = positions(chained)[2]
    with dba(chained) as (conn, events, pos, chain):
        conn.execute(f"UPDATE {events} SET topic = topic || ' ' WHERE {pos} = {target}")
        conn.execute(f"DELETE FROM {chain}")  # then an admin, misled, seals the edited rows
    assert seal(chained).returncode == 0
    code, found = verify(chained)
    assert code == 0 and found["head"] != kept["head"]  # the rewritten chain is consistent in itself
    code, found = verify(chained, "--head", kept["head"])
    assert code == 4 and found["problem"] == "head-mismatch" and found["first_bad_position"] == kept["position"]
    done = run_cli("--store", chained, "verify", "--head", kept["head"], check=False)
    assert done.returncode == 4 and f"first bad position {kept['position']}" in done.stdout


def test_a_kept_head_passes_after_more_writes_and_fails_beyond_the_end(chained, services) -> None:
    _, kept = verify(chained)
    report(services, "later")
    code, found = verify(chained, "--head", kept["head"])
    assert code == 0 and found["checked_head"] == kept["head"] and found["position"] > kept["position"]
    beyond = f"{found['position'] + 10}:{'0' * 64}"
    code, found = verify(chained, "--head", beyond)
    assert code == 4 and found["problem"] == "head-beyond-end"
    bad = run_cli("--store", chained, "verify", "--head", "12:nothex", check=False)
    assert bad.returncode == 2 and bad.stderr.strip().startswith("Error: head:")


def test_a_store_written_before_the_chain_stays_unsealed_until_an_admin_seals_it(tmp_path) -> None:
    """The upgrade path: an old store keeps working (reads and writes), and verifies once sealed on purpose."""
    store = str(tmp_path / "old.db")
    shutil.copy(FIXTURES / "store-0.1.db", store)
    code, found = verify(store)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (1, "unsealed")
    run_cli("--store", store, "--user", "coordinator", "person", "add", "--name", "New Person")
    run_cli(
        "--store",
        store,
        "--user",
        "coordinator",
        "users",
        "add",
        "admin",
        "--name",
        "Ada Admin",
        "--agency",
        "COUNCIL",
        "--role",
        "admin",
    )
    code, found = verify(store)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (1, "unsealed")
    done = seal(store)
    assert done.returncode == 0, done.stderr
    code, found = verify(store)
    assert code == 0 and found["events"] == len(positions(store)) == found["position"] > 31


def test_a_write_refused_by_the_chain_check_leaves_nothing(chained) -> None:
    """A write that fails inside its transaction (here the chain's own check, which finds a link already
    at a later position) is rolled back whole on both backends: no rows, no links, verify still passes."""
    before = positions(chained)
    with dba(chained) as (conn, _events, _pos, chain):
        mark = "?" if chain == "stored_event_chain" else "%s"
        conn.execute(f"INSERT INTO {chain} (position, hash) VALUES ({mark}, {mark})", (before[-1] + 1000, "0" * 64))
    # A new process: its first write takes the recorder's transaction path, not the database function.
    done = run_cli("--store", chained, "--user", "coordinator", "person", "add", "--name", "New Person", check=False)
    assert done.returncode != 0 and "event chain already holds position" in done.stderr
    assert positions(chained) == before
    with dba(chained) as (conn, _events, _pos, chain):
        conn.execute(f"DELETE FROM {chain} WHERE position = {before[-1] + 1000}")
    code, found = verify(chained)
    assert code == 0 and found["events"] == len(before)


def test_deleting_every_link_then_reads_and_writes_leaves_the_store_unsealed(chained, services) -> None:
    """No read and no write chains rows that have no link: the probe's silent re-seal."""
    first = positions(chained)[0]
    with dba(chained) as (conn, _events, _pos, chain):
        conn.execute(f"DELETE FROM {chain}")
    run_cli("--store", chained, "--user", "coordinator", "show", "CSU-2017-00001")  # an ordinary read
    run_cli("--store", chained, "--user", "coordinator", "briefing", "--at", "2018-03-05T09:00")
    run_cli("--store", chained, "--user", "coordinator", "person", "add", "--name", "New Person")  # a new process
    report(services, "a write from a process that had written before")  # PostgreSQL: the database function
    code, found = verify(chained)
    assert code == 4 and (found["first_bad_position"], found["problem"]) == (first, "unsealed")
    assert "tasking seal-chain" in found["detail"]


def test_sealing_is_for_admins_on_purpose_and_is_recorded(chained, services) -> None:
    add_admin(services)
    done = seal(chained)
    assert done.returncode == 1 and "nothing to seal" in done.stderr  # the chain verifies
    with dba(chained) as (conn, _events, _pos, chain):
        conn.execute(f"DELETE FROM {chain}")
    refused = seal(chained, "coordinator")
    assert refused.returncode == 3 and refused.stderr.count("\n") == 1
    assert verify(chained)[1]["problem"] == "unsealed"
    refusals = [n for n in services.app.recorder.select_notifications(0, 10000) if "AccessRefusal" in n.topic]
    assert any(b"seal-chain" in n.state for n in refusals)
    done = seal(chained, "admin", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["unsealed_from"] == positions(chained)[0]
    code, found = verify(chained)
    assert code == 0 and found["events"] == len(positions(chained))
    sealed = [n for n in services.app.recorder.select_notifications(0, 10000) if n.topic.endswith("ChainSeal.Sealed")]
    assert len(sealed) == 1 and sealed[0].id == positions(chained)[-1]
    event = services.app.mapper.to_domain_event(sealed[0])
    assert (event.user, event.agency, event.reason) == ("admin", "COUNCIL", "Accepted after review, OPS-1")


def test_a_broken_chain_is_not_sealed_over(chained, services) -> None:
    add_admin(services)
    target = positions(chained)[4]
    with dba(chained) as (conn, events, pos, _):
        conn.execute(f"UPDATE {events} SET topic = topic || ' ' WHERE {pos} = {target}")
    done = seal(chained)
    assert done.returncode == 1 and f"broken at position {target} (altered)" in done.stderr
    assert verify(chained)[1]["first_bad_position"] == target
    # Unsealed rows first, then linked ones (chained from the genesis by later writes), one of them edited.
    with dba(chained) as (conn, events, pos, chain):
        conn.execute(f"UPDATE {events} SET topic = rtrim(topic) WHERE {pos} = {target}")
        conn.execute(f"DELETE FROM {chain}")
    report(services, "first write after the links went")
    report(services, "second write after the links went")
    later = positions(chained)[-1]
    with dba(chained) as (conn, events, pos, _):
        conn.execute(f"UPDATE {events} SET topic = topic || ' ' WHERE {pos} = {later}")
    code, found = verify(chained)
    assert code == 4 and found["problem"] == "unsealed"
    done = seal(chained)
    assert done.returncode == 1 and f"broken at position {later} (altered), not only unsealed" in done.stderr


def test_a_row_deleted_with_its_link_is_named_by_its_own_position(chained) -> None:
    """The probe deleted row 5000 and its link; verify named 5001. It names the missing position."""
    for index in (6, 0):  # in the middle, and the very first row
        target = positions(chained)[index]
        with dba(chained) as (conn, events, pos, chain):
            conn.execute(f"DELETE FROM {events} WHERE {pos} = {target}")
            conn.execute(f"DELETE FROM {chain} WHERE position = {target}")
        code, found = verify(chained)
        assert code == 4 and (found["first_bad_position"], found["problem"]) == (target, "deleted")
