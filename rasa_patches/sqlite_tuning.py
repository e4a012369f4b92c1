"""SQLite tracker store: one kept connection, write-ahead log, no disk flush per message.

Rasa 3.6 opens and closes a SQLite connection for every session, several per message, and
SQLite's defaults (rollback journal, `synchronous=FULL`) flush the file to disk at every
commit while Rasa's event loop waits. Kept connections and the write-ahead log with
`synchronous=NORMAL` took about a sixth of the Rasa process's CPU per message off
(`make bench-load`, py-spy). A commit stays durable when Rasa stops or crashes, the case
the tracker store is for (tests/serving/test_persistence.py); only a power cut can lose
the last messages. PostgreSQL, the scale-out profile, is left as it is.
"""

import sqlite3
from typing import Any, Dict

import rasa.core.tracker_store
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

_rasa_engine_kwargs = rasa.core.tracker_store.create_engine_kwargs


def _engine_kwargs(url) -> Dict[str, Any]:
    kwargs = _rasa_engine_kwargs(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # Rasa uses the store from its one event loop thread; the pool may close a
        # connection from another one.
        kwargs.update(poolclass=QueuePool, connect_args={"check_same_thread": False})
    return kwargs


def _pragma(connection, statement: str) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute(statement).close()


def _write_ahead(connection, _record) -> None:
    _pragma(connection, "PRAGMA journal_mode=WAL")


def _no_flush_per_commit(connection, _record) -> None:
    _pragma(connection, "PRAGMA synchronous=NORMAL")


def apply() -> None:
    rasa.core.tracker_store.create_engine_kwargs = _engine_kwargs
    # The file keeps its journal mode; each connection needs its own `synchronous`.
    event.listen(Engine, "first_connect", _write_ahead)
    event.listen(Engine, "connect", _no_flush_per_commit)
