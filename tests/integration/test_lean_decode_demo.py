"""The projections' lean decode reads the demo store's stored bytes into the same events as the
library's mapper, every event, in plain text and under whole-store encryption (issue 22, item 6),
and it does no restoring work that the stored JSON does not need."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher

from tasking.bootstrap import Settings, bootstrap
from tasking.projections.decode import Pages
from tests.helpers.stores import copy_demo


def encrypt_rows(store: str, key: str) -> None:
    """Encrypt every stored row in place with the library's cipher, as an encrypted store holds it."""
    cipher = AESCipher.__new__(AESCipher)
    cipher.key = base64.b64decode(key)
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT rowid, state FROM stored_events").fetchall()
        conn.executemany(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", [(cipher.encrypt(s), r) for r, s in rows]
        )


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_every_demo_event_decodes_lean_as_the_mapper_decodes_it(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    store = copy_demo(demo_template, tmp_path)
    if encrypted:
        key = AESCipher.create_key(32)
        encrypt_rows(store, key)
        monkeypatch.setenv("TASKING_CIPHER_KEY", key)
    services = bootstrap(Settings(store=store, views=str(tmp_path / "views.db")))
    try:
        assert Pages(services.app).mode == ("lean (decrypted first)" if encrypted else "lean")
        lean_rows = Pages(services.app, lean=True).page(0, 10**9)
        mapped_rows = Pages(services.app, lean=False).page(0, 10**9)
        assert len(lean_rows) == len(mapped_rows) == services.app.event_count() > 1000
        for lean, mapped in zip(lean_rows, mapped_rows, strict=True):
            assert (lean.id, lean.topic, lean.state) == (mapped.id, mapped.topic, mapped.state)
            assert type(lean.event) is type(mapped.event)
            assert vars(lean.event) == vars(mapped.event), lean.topic
            assert str(lean.event.originator_id) == str(mapped.event.originator_id)
    finally:
        services.close()


def test_nested_values_without_tags_are_not_walked_again(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request record's command and result are plain JSON: the transcoder's full restore (a walk
    and a copy of every nested list and dict) runs only for values that hold a tagged value."""
    store = copy_demo(demo_template, tmp_path)
    services = bootstrap(Settings(store=store, views=str(tmp_path / "views.db")))
    try:
        pages = Pages(services.app)
        walked: list[object] = []
        restore = pages.decoder.restore
        assert restore is not None

        def counted(value: object) -> object:
            walked.append(value)
            return restore(value)

        pages.decoder.restore = counted
        rows = pages.page(0, 10**9)
        with_nested = [r for r in rows if any(type(v) in (dict, list) for v in vars(r.event).values())]
        assert len(with_nested) > 100
        assert walked == [v for v in walked if "_type_" in repr(v)]
    finally:
        services.close()
