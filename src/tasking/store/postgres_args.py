"""psycopg's connection arguments from a store's PostgreSQL settings (`tasking.settings.postgres_env`):
one place for the connections the library does not open itself (the store check, the key store)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def connect_args(env: Mapping[str, str]) -> dict[str, Any]:
    """The database, host, port, user and password (none when empty) of `env`."""
    return {
        "dbname": env["POSTGRES_DBNAME"],
        "host": env["POSTGRES_HOST"],
        "port": env["POSTGRES_PORT"],
        "user": env["POSTGRES_USER"],
        "password": env["POSTGRES_PASSWORD"] or None,
    }
