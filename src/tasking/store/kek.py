"""The key-encryption key (KEK): a file outside the database that wraps every key in the key store.

A key destroyed by `person erase` or retention can still sit in a database's write-ahead log, its
free pages or a backup. Each key is therefore stored wrapped (AES key wrap, RFC 3394, from the
`cryptography` package) with a KEK kept in a file of its own, and the KEK is rotated (the live keys
re-wrapped with a new one, then the old file overwritten and unlinked) by the nightly retention
job and by `person erase --now`. After a rotation, a key left anywhere in the database's files
cannot be unwrapped: there is no file left that holds its KEK.

The file is one line, `tasking-kek v1 <id> <base64 key>`; the key store records the id of the KEK
that wraps its keys. A rotation writes the new KEK to `<file>.next` first, commits the re-wrapped
keys with the new id, then destroys the old file and moves `.next` into its place; a reader that
meets the store between those steps finds the KEK the store names in either file.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import time
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tasking.errors import DomainError
from tasking.files import open_private, refuse_if_others_can_read

MAGIC = "tasking-kek v1"


class KekFile:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.next = Path(str(path) + ".next")

    def check_private(self) -> None:
        refuse_if_others_can_read(self.path, "kek", (".next",))

    @staticmethod
    def read(path: Path) -> tuple[str, bytes] | None:
        """The (id, key) a file holds; None when it is missing or is not a KEK file."""
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        parts = text.split(" ")
        if len(parts) != 4 or " ".join(parts[:2]) != MAGIC:
            return None
        try:
            key = base64.b64decode(parts[3], validate=True)
        except ValueError:
            return None
        return (parts[2], key) if len(key) == 32 else None

    def find(self, kek_id: str, wait: float = 2.0) -> bytes:
        """The KEK with this id, from the file or from a rotation's `.next` (a rotation in another
        process may be moving one onto the other: looked for again for up to `wait` seconds)."""
        deadline = time.monotonic() + wait
        while True:
            for path in (self.path, self.next):
                found = self.read(path)
                if found is not None and found[0] == kek_id:
                    return found[1]
            if time.monotonic() >= deadline:
                raise DomainError(
                    "kek",
                    f"{self.path} does not hold this store's key-encryption key ({kek_id}); "
                    "restore that file, or set TASKING_KEK to where it is",
                )
            time.sleep(0.05)

    @staticmethod
    def _write(path: Path) -> tuple[str, bytes]:
        kek_id, key = secrets.token_hex(8), AESGCM.generate_key(bit_length=256)
        with open_private(path, "w", encoding="ascii") as out:
            out.write(f"{MAGIC} {kek_id} {base64.b64encode(key).decode('ascii')}\n")
            out.flush()
            os.fsync(out.fileno())
        return kek_id, key

    def create(self) -> tuple[str, bytes]:
        """A first KEK (or the one already in the file, left by an open that did not commit)."""
        found = self.read(self.path)
        if found is not None:
            return found
        if self.path.exists():
            raise DomainError("kek", f"{self.path} exists and is not a key-encryption key; move it away")
        return self._write(self.path)

    def write_next(self) -> tuple[str, bytes]:
        return self._write(self.next)

    def promote(self) -> None:
        """Destroy the old KEK (overwritten, then unlinked by the move) and put `.next` in its place."""
        shred_contents(self.path)
        os.replace(self.next, self.path)
        _sync_folder(self.path.parent)

    def discard_next(self) -> None:
        """A `.next` left by a rotation that did not commit."""
        if self.next.exists():
            shred_contents(self.next)
            self.next.unlink(missing_ok=True)


def shred_contents(path: Path) -> None:
    """Overwrite a file's bytes in place (and sync), before it is unlinked."""
    with contextlib.suppress(FileNotFoundError), open(path, "r+b") as handle:
        size = os.fstat(handle.fileno()).st_size
        handle.write(os.urandom(max(size, 1)))
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
