"""Owner-only files: every file the engine writes is 0600 and every folder it makes 0700, whatever
the process's umask (SECURITY.md, "Outside probe: files and keys").

A mode given to `open` or `mkdir` is only ever narrowed by the umask, so a file created here is
never wider than 0600; the explicit `chmod` then makes it exactly that (a umask such as 0o177 would
otherwise leave the owner unable to write). SQLite gives a database's `-wal`, `-shm` and `-journal`
files the mode of the database file itself, so a database made owner-only here keeps its
companions owner-only too.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from tasking.errors import DomainError

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _own(fd_or_path: int | str | Path) -> None:
    """Make an open file (or a path) exactly owner-only, when this process owns it."""
    if isinstance(fd_or_path, int):
        if os.fstat(fd_or_path).st_uid == os.geteuid():
            os.fchmod(fd_or_path, FILE_MODE)
    elif os.stat(fd_or_path).st_uid == os.geteuid():
        os.chmod(fd_or_path, FILE_MODE)


def _opener(path: str, flags: int) -> int:
    fd = os.open(path, flags, FILE_MODE)
    _own(fd)
    return fd


def open_private(path: str | Path, mode: str = "w", **kwargs: Any) -> IO[Any]:
    """`open`, for writing, with the file owner-only (created 0600, or narrowed to 0600)."""
    return open(path, mode, opener=_opener, **kwargs)


def write_private_text(path: str | Path, text: str) -> None:
    with open_private(path, "w", encoding="utf-8") as out:
        out.write(text)


def write_private_bytes(path: str | Path, data: bytes) -> None:
    with open_private(path, "wb") as out:
        out.write(data)


def private_folder(path: str | Path) -> Path:
    """Make a folder, and each missing parent, 0700; a folder that already exists is left as it is."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)
    return path


def private_sqlite(path: str | Path) -> None:
    """Before SQLite opens `path`: create it empty and owner-only, or narrow an existing database and
    its `-wal`/`-shm`/`-journal` files to owner-only (SQLite creates those with the database's mode)."""
    path = str(path)
    # Never open (and close) a descriptor on a database that exists: closing any descriptor of a file
    # drops every POSIX lock this process holds on it, so another pooled connection of this process
    # would lose its locks, and another process could then checkpoint and delete the WAL under it
    # (SQLite's "posix advisory locks" pitfall): writes would then be lost. An existing file is
    # narrowed by its path; a new one is created exclusively (no connection can hold it yet).
    try:
        os.close(_opener(path, os.O_CREAT | os.O_EXCL | os.O_RDONLY))
    except FileExistsError:
        _own(path)
    for suffix in SQLITE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            _own(path + suffix)


def refuse_if_others_can_read(path: str | Path, what: str, companions: tuple[str, ...] = ()) -> None:
    """A secret (the key store, the key-encryption key) that a group or other users can read is refused:
    one line naming the file and the `chmod` that mends it."""
    for candidate in (str(path), *(str(path) + suffix for suffix in companions)):
        try:
            mode = stat.S_IMODE(os.stat(candidate).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            raise DomainError(
                what,
                f"{candidate} can be read by other users (mode {mode:04o}); run `chmod 600 {candidate}` and try again",
            )


@contextlib.contextmanager
def exclusive_lock(path: str | Path) -> Iterator[None]:
    """One process at a time, through an owner-only lock file (`flock`)."""
    with open_private(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def owner_only_umask() -> None:
    """Set the umask 077 for the whole process (the CLI and the server do, at entry): a second guard
    for files written by libraries; the helpers above do not rely on it."""
    os.umask(0o077)
