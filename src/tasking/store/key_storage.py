"""The key store's storage, per backend, and its key-encryption key: every key is stored wrapped
(AES key wrap) with a KEK kept outside the database (`tasking.store.kek`), and rotated."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from tasking.store.kek import KekFile

BARE = 32  # a key stored before wrapping: 32 bytes; wrapped, it is 40


class KeyStorage:
    """What `KeyStore` stands on: subclasses give the connection and the SQL dialect."""

    placeholder = "?"
    kek: KekFile
    _kek_id: str | None
    _kek: bytes

    # --- storage, per backend ----------------------------------------------------------------

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def _insert_many(self, rows: list[tuple[str, bytes, str]]) -> None:
        raise NotImplementedError

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        """One write transaction that excludes every other writer of the key store."""
        raise NotImplementedError

    def _rotation_lock(self) -> contextlib.AbstractContextManager[None]:
        """Held for a whole rotation, past its commit, while the KEK files change."""
        raise NotImplementedError

    def _update_many(self, rows: list[tuple[bytes, str]]) -> None:
        p = self.placeholder
        for key, owner in rows:
            # Never onto a tombstone: a key destroyed meanwhile stays destroyed.
            self._execute(f"UPDATE tasking_keys SET key = {p} WHERE owner = {p} AND key IS NOT NULL", (key, owner))

    def _after_destroy(self) -> None:
        """Make the destroyed key's bytes unrecoverable from the database files."""

    def close(self) -> None:
        pass

    # --- the key-encryption key -------------------------------------------------------------

    def _stored_kek_id(self) -> str | None:
        found = self._execute("SELECT id FROM tasking_kek")
        return found[0][0] if found else None

    def _set_kek_id(self, kek_id: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        self._execute("DELETE FROM tasking_kek")
        self._execute(
            f"INSERT INTO tasking_kek (id, rotated_at) VALUES ({self.placeholder}, {self.placeholder})", (kek_id, now)
        )

    def _use_kek(self, kek_id: str) -> None:
        if kek_id != self._kek_id:
            self._kek, self._kek_id = self.kek.find(kek_id), kek_id

    def _open_kek(self) -> None:
        """Load the KEK the store names; on a new store, or one whose keys are bare, make the KEK file
        and wrap every key, in one transaction (the bare keys are then vacuumed away)."""
        kek_id = self._stored_kek_id()
        if kek_id is not None:
            self._use_kek(kek_id)
            return
        with self._transaction():
            kek_id = self._stored_kek_id()
            if kek_id is not None:  # another process got here first
                self._use_kek(kek_id)
                return
            self._kek_id, self._kek = self.kek.create()
            bare = [
                (self._wrap(bytes(key)), owner)
                for owner, key in self._execute("SELECT owner, key FROM tasking_keys WHERE key IS NOT NULL")
                if len(key) == BARE
            ]
            self._update_many(bare)
            self._set_kek_id(self._kek_id)
        if bare:
            self._after_destroy()

    def _wrap(self, key: bytes) -> bytes:
        return aes_key_wrap(self._kek, key)

    def _unwrap(self, stored: bytes) -> bytes:
        stored = bytes(stored)
        if len(stored) == BARE:
            return stored
        try:
            return aes_key_unwrap(self._kek, stored)
        except InvalidUnwrap:  # rotated by another process since this one read the KEK
            kek_id = self._stored_kek_id()
            if kek_id is None or kek_id == self._kek_id:
                raise
            self._use_kek(kek_id)
            return aes_key_unwrap(self._kek, stored)

    def rotate(self) -> str:
        """Wrap every live key with a new KEK, then destroy the old KEK file; returns the new KEK's id.
        From then on a key destroyed before, wherever its wrapped bytes linger, cannot be unwrapped."""
        with self._rotation_lock():
            kek_id = self._stored_kek_id()
            found = self.kek.read(self.kek.next)
            if found is not None and found[0] == kek_id:  # a rotation committed, then stopped
                self.kek.promote()
            else:
                self.kek.discard_next()
            new_id, new_key = self.kek.write_next()
            with self._transaction():
                self._use_kek(self._stored_kek_id() or "")
                live = [
                    (owner, self._unwrap(key))
                    for owner, key in self._execute("SELECT owner, key FROM tasking_keys WHERE key IS NOT NULL")
                ]
                self._update_many([(aes_key_wrap(new_key, key), owner) for owner, key in live])
                self._set_kek_id(new_id)
            self.kek.promote()
            self._kek_id, self._kek = new_id, new_key
        self._after_destroy()
        return new_id

    def rotate_if_destroyed(self) -> str | None:
        """Rotate when a key was destroyed since the last rotation (the nightly retention job); else
        nothing is written. Returns the new KEK's id, or None."""
        p = self.placeholder
        found = self._execute(
            f"SELECT 1 FROM tasking_keys WHERE destroyed_at > (SELECT MAX(rotated_at) FROM tasking_kek) LIMIT {p}", (1,)
        )
        return self.rotate() if found else None
