"""The one composition root: it opens what the settings (`tasking.settings`) name, the app and its views.

It only wires: the checks made while a store opens are the store's (`tasking.store.opening`), and
what it hands back (`Services`, re-exported here) is `tasking.services`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasking.settings import DEFAULT_STORE, Settings, cipher_env, postgres_env, redact
from tasking.store.application import TaskingApp
from tasking.store.opening import check_cipher, check_postgres, check_sqlite_path, one_line_errors
from tasking.services import Services
from tasking.files import private_sqlite

if TYPE_CHECKING:
    from tasking.store.keys import KeyStore

# The settings are re-exported: the CLI, the web and the tests build a store from here.
__all__ = ["DEFAULT_STORE", "Services", "Settings", "bootstrap", "cipher_env", "postgres_env", "redact"]


def open_keys(settings: Settings, env: dict[str, str], create_tables: bool = False) -> KeyStore:
    """The key store beside the events: a file of its own on SQLite, a table of its own on PostgreSQL."""
    from tasking.store.key_backends import PostgresKeyStore, SqliteKeyStore
    from tasking.store.keys import keys_path

    if settings.is_postgres:
        return PostgresKeyStore(env, settings.kek_path, create=create_tables)
    return SqliteKeyStore(keys_path(settings.store), settings.kek_path)


def bootstrap(
    settings: Settings | None = None, create_tables: bool = False, batching: bool = False, keys: KeyStore | None = None
) -> Services:
    """Build the app and its views. On PostgreSQL, `create_tables` is for `tasking init` alone.

    `batching` builds a `BatchingApp` for bulk paths: same handlers, one save per batch.
    `keys`: a key store already open (`open_keys`), shared by the apps of one web pool, which
    opens it once and closes it; by default each app opens its own and closes it with itself.
    """
    settings = settings or Settings.from_env()
    if not settings.is_postgres:
        check_sqlite_path(settings.store, create_tables)
    env = settings.event_store_env(create_tables)
    label = redact(settings.store)
    if settings.is_postgres:
        check_postgres(label, env)
    else:
        private_sqlite(settings.store)  # owner-only before the library creates or opens it
    with one_line_errors(label):
        app_class = TaskingApp
        if batching:
            from tasking.store.batch import BatchingApp

            app_class = BatchingApp
        app = app_class(env=env, store_label=label, keys=keys or open_keys(settings, env, create_tables))
        check_cipher(app, label)
    return Services(settings=settings, app=app, owns_keys=keys is None)
