"""The key store: one AES-256-GCM key per person and per case, kept apart from the events.

Destroying a key erases what was encrypted with it (crypto-shredding): the events stay, with
their figures and attribution, but their personal details and free text can no longer be read.

- On SQLite the keys live in a file of their own next to the store (`tasking.keys.db` beside
  `tasking.db`), with `secure_delete` on, so a destroyed key's bytes are zeroed, not left in free
  pages (in WAL mode, as the store: the WAL is checkpointed and emptied after a destruction);
  on PostgreSQL in a table of their own (`tasking_keys`), vacuumed after a destruction.
- A destroyed key leaves a tombstone row (owner, when, why): a new key is never made for it.
- Every key is stored wrapped (AES key wrap) with a key-encryption key kept outside the database
  (`tasking.store.kek`), rotated by the nightly retention job and `person erase --now`: a destroyed
  key left in a WAL, a free page or a backup cannot be unwrapped after the next rotation. A store
  whose keys were stored bare (before this) has them wrapped when it is first opened.
- A value is sealed as a token, `enc:v1:<owner id>:<field>:<base64 nonce+ciphertext>`, with a
  random 96-bit nonce, and the owner id and field as associated data: a token moved to another
  owner or field, or edited, does not decrypt.

The storage and the KEK are in `tasking.store.key_storage`, the SQLite and PostgreSQL stores in
`tasking.store.key_backends`.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tasking.errors import DomainError
from tasking.store.kek import KekFile
from tasking.store.key_storage import KeyStorage

PREFIX = "enc:v1:"
ERASED = "[erased]"
UNREADABLE = "[unreadable]"


def kek_path(store: str) -> str:
    """The key-encryption key beside a SQLite event store: `x.db` -> `x.kek`."""
    path = Path(store)
    return str(path.with_name(path.stem + ".kek"))


def keys_path(store: str) -> str:
    """The key store file beside a SQLite event store: `x.db` -> `x.keys.db`."""
    path = Path(store)
    return str(path.with_name(path.stem + ".keys" + (path.suffix or ".db")))


class KeyStore(KeyStorage):
    """Keys by owner id (text). Subclasses give the connection and the SQL dialect (`key_backends`)."""

    def __init__(self, kek: str) -> None:
        self.kek = KekFile(kek)
        self.kek.check_private()
        self._kek_id: str | None = None
        self._kek = b""
        # None: destroyed; bytes: a key read but not used yet (made into a cipher on first use)
        self._ciphers: dict[str, AESGCM | bytes | None] = {}
        self._loaded = False
        self._misses = 0
        self.destroyed = 0  # keys destroyed through this store: kept plaintext must be dropped
        # One connection, possibly shared by the threads of a web pool: each statement, and each
        # transaction as a whole, holds this lock (re-entrant: a transaction's statements take it again).
        self._lock = threading.RLock()

    # --- keys -------------------------------------------------------------------------------

    def _load_all(self) -> None:
        for owner, key in self._execute("SELECT owner, key FROM tasking_keys"):
            self._ciphers[owner] = key if key is None else self._unwrap(key)  # a read of many uses few
        self._loaded = True

    def _cipher(self, owner: str) -> AESGCM | None:
        """The owner's cipher; None when destroyed; KeyError when it never had a key. Keys are read
        one by one for a few owners, all at once for a read that needs many (a briefing, stats)."""
        if owner not in self._ciphers:
            self._misses += 1
            if not self._loaded and self._misses > 32:
                with self._lock:  # a web pool's threads share the store: one of them reads every key
                    if not self._loaded:
                        self._load_all()
            else:
                self._read([owner])
        found = self._ciphers[owner]
        if isinstance(found, bytes):
            found = self._ciphers[owner] = AESGCM(found)
        return found

    def _read(self, owners: list[str]) -> None:
        """Read these owners' rows into the cache (in chunks)."""
        for i in range(0, len(owners), 500):
            chunk = owners[i : i + 500]
            marks = ", ".join([self.placeholder] * len(chunk))
            for owner, key in self._execute(f"SELECT owner, key FROM tasking_keys WHERE owner IN ({marks})", chunk):
                self._ciphers[owner] = AESGCM(self._unwrap(key)) if key is not None else None

    def ensure(self, owners: Iterable[Any]) -> None:
        """Make a key for each owner that has none (one transaction); a destroyed key stays destroyed.
        A key another process made first is kept: the stored row is read back."""
        # each owner looked up: a set minus the keys view would walk every key held (all, once loaded)
        missing = sorted({owner for owner in map(str, owners) if owner not in self._ciphers})
        if missing and not self._loaded:
            self._read(missing)
            missing = [owner for owner in missing if owner not in self._ciphers]
        if not missing:
            return
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        made = [(owner, AESGCM.generate_key(bit_length=256), now) for owner in missing]
        with self._transaction():  # wrapped with the KEK the store names now, not one rotated away
            self._use_kek(self._stored_kek_id() or "")
            self._insert_many([(owner, self._wrap(key), at) for owner, key, at in made])
        self._read(missing)

    def is_destroyed(self, owner: Any) -> bool:
        try:
            return self._cipher(str(owner)) is None
        except KeyError:
            return False

    def destroy(self, owners: Iterable[Any], reason: str) -> list[str]:
        """Destroy the owners' keys (tombstones kept); returns those destroyed now."""
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        destroyed, p = [], self.placeholder
        for owner in sorted({str(o) for o in owners}):
            if self.is_destroyed(owner):
                continue
            with self._transaction():  # not interleaved with a rotation's re-wrapping
                self._execute(f"DELETE FROM tasking_keys WHERE owner = {p}", (owner,))
                self._execute(
                    f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                    f"VALUES ({p}, NULL, {p}, {p}, {p})",
                    (owner, now, now, reason),
                )
            self._ciphers[owner] = None
            destroyed.append(owner)
            self.destroyed += 1
        if destroyed:
            self._after_destroy()
        return destroyed

    def export(self) -> list[tuple[str, bytes | None, str, str | None, str | None]]:
        """Every row, keys unwrapped, for a store copy (which wraps them with its own KEK)."""
        return [
            (o, self._unwrap(k) if k is not None else None, c, d, r)
            for o, k, c, d, r in self._execute(
                "SELECT owner, key, created_at, destroyed_at, reason FROM tasking_keys ORDER BY owner"
            )
        ]

    def import_rows(self, rows: list[tuple[str, bytes | None, str, str | None, str | None]]) -> None:
        p = self.placeholder
        with self._transaction():
            self._use_kek(self._stored_kek_id() or "")
            for owner, key, *rest in rows:
                self._execute(
                    f"INSERT INTO tasking_keys (owner, key, created_at, destroyed_at, reason) "
                    f"VALUES ({p}, {p}, {p}, {p}, {p})",
                    (owner, key if key is None else self._wrap(key), *rest),
                )
        self._ciphers.clear()
        self._loaded = False

    # --- values -----------------------------------------------------------------------------

    def seal(self, owner: Any, field: str, value: str | None) -> str | None:
        """Encrypt one value of an owner's field as a token (None stays None)."""
        if value is None:
            return None
        owner = str(owner)
        try:
            cipher = self._cipher(owner)
        except KeyError:
            self.ensure([owner])
            cipher = self._cipher(owner)
        if cipher is None:
            raise DomainError(field, "the details this would add to were erased; nothing can be added to them")
        nonce = os.urandom(12)
        sealed = cipher.encrypt(nonce, value.encode("utf-8"), f"{owner}:{field}".encode())
        return f"{PREFIX}{owner}:{field}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def reveal(self, value: Any, owner: Any = None) -> Any:
        """The plaintext of a token; `[erased]` when its key was destroyed; anything else as it is
        (values stored before encryption are plaintext). With `owner`, a token of another owner is
        `[unreadable]`."""
        if type(value) is not str or not value.startswith(PREFIX):
            return value
        try:
            token_owner, field, data = value[len(PREFIX) :].split(":", 2)
            UUID(token_owner)
        except ValueError:
            return value  # text that merely starts like a token
        if owner is not None and str(owner) != token_owner:
            return UNREADABLE
        try:
            cipher = self._cipher(token_owner)
        except KeyError:
            return UNREADABLE
        if cipher is None:
            return ERASED
        try:
            raw = base64.urlsafe_b64decode(data)
            return cipher.decrypt(raw[:12], raw[12:], f"{token_owner}:{field}".encode()).decode("utf-8")
        except (InvalidTag, ValueError):
            return UNREADABLE
