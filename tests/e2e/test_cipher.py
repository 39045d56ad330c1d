"""Whole-store encryption at rest (`TASKING_CIPHER_KEY`): no plaintext in the stored events, reads and the
hash chain still work, the views are built by the lean decode after decryption, and a missing or wrong key is one line."""

from __future__ import annotations

import json

from eventsourcing.cryptography import AESCipher

from tests.conftest import run_cli
from tests.e2e.test_chain import dba
from tests.helpers.cli import report_args
from tests.helpers.stores import ADMIN


def test_an_encrypted_store_keeps_no_plaintext_and_still_reads_and_verifies(store, tmp_path) -> None:
    env = {
        "TASKING_CIPHER_KEY": AESCipher.create_key(32),
        "TASKING_STORE": store,
        "TASKING_VIEWS": str(tmp_path / "views.db"),
        "TASKING_USER": "coordinator",
    }
    run_cli("init", *ADMIN, env=env)
    run_cli(
        *report_args(location="Acacia Avenue", occurred="2018-03-02T23:00", summary="Trumpets after midnight"), env=env
    )
    with dba(store) as (conn, events, _, _chain):
        stored = b"".join(bytes(row[0]) for row in conn.execute(f"SELECT state FROM {events}").fetchall())
    assert stored and b"Trumpets" not in stored and b"Acacia" not in stored and b"Sevenoaks" not in stored
    shown = json.loads(run_cli("show", "CSU-2017-00001", "--json", env=env).stdout)
    assert shown["summary"] == "Trumpets after midnight"
    assert json.loads(run_cli("verify", "--json", env=env).stdout)["ok"] is True
    assert "lean (decrypted first)" in run_cli("projections", "status", env=env).stdout
    for key, says in (
        ("", "set TASKING_CIPHER_KEY"),
        (AESCipher.create_key(32), "do not decrypt"),
        ("not-a-key", "must be a base64 AES key"),
    ):
        done = run_cli("show", "CSU-2017-00001", env={**env, "TASKING_CIPHER_KEY": key}, check=False)
        assert done.returncode == 1 and says in done.stderr and len(done.stderr.strip().splitlines()) == 1
