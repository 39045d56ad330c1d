"""The checks made while a store is opened, so that each way it can fail is one line naming the
store (`DomainError("store", ...)`): a missing folder or file, a PostgreSQL that refuses the
connection, events that do not decode with the cipher key, or anything else the library raises.
The composition root (`tasking.bootstrap`) calls them in that order; they hold no wiring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tasking.errors import DomainError
from tasking.store.application import TaskingApp
from tasking.store.postgres_args import connect_args


def check_sqlite_path(store: str, create_tables: bool) -> None:
    """The store's folder must exist, and the store too unless this opening creates it."""
    parent = Path(store).resolve().parent
    if not parent.is_dir():
        raise DomainError("store", f"folder {parent} does not exist")
    if not create_tables and not Path(store).exists():
        # Only `init`, `demo` and a copy's target create a store; a typo must not make an empty one.
        raise DomainError("store", f"{store} does not exist; run `tasking init` (or `tasking demo`) first")


def check_postgres(label: str, env: dict[str, str]) -> None:
    """Connect once, quickly, so that a wrong host, password or database is a one-line error
    (`label`: the store's URL with its password redacted)."""
    import psycopg

    try:
        with psycopg.connect(
            **connect_args(env),
            connect_timeout=5,
            autocommit=True,
        ) as conn:
            if env.get("POSTGRES_SCHEMA"):
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{env["POSTGRES_SCHEMA"]}"')
    except psycopg.Error as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else type(exc).__name__
        raise DomainError("store", f"cannot connect to {label}: {reason}") from None


def check_cipher(app: TaskingApp, label: str) -> None:
    """Decode the first stored event, so that a missing or wrong `TASKING_CIPHER_KEY` is one line."""
    try:
        first = app.recorder.select_notifications(None, 1)
    except Exception:  # noqa: BLE001 - no tables yet: nothing to decode
        return
    if not first:
        return
    try:
        app.mapper.to_domain_event(first[0])
    except Exception:  # noqa: BLE001 - ciphertext read as JSON, or a tag that does not match the key
        rule = (
            "its events do not decrypt with TASKING_CIPHER_KEY (a wrong key, or a store that is not encrypted)"
            if app.mapper.cipher is not None
            else "its events are encrypted; set TASKING_CIPHER_KEY"
        )
        raise DomainError("store", f"{label}: {rule}") from None


@contextmanager
def one_line_errors(label: str) -> Iterator[None]:
    """While the app is built: a domain error passes; any other failure (a connection or an
    authentication refused) becomes one line naming the store."""
    try:
        yield
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - connection and auth failures become one line
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DomainError("store", f"cannot open {label}: {first}") from None
