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
from typing import Any, Callable, Dict

import rasa.core.tracker_store
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

# Python waits 5 s for a SQLite file another process keeps locked (a backup, a report), and
# the server's one event loop, every customer with it, waits along; the tracker store's
# retries (rasa_patches/fail_closed_store.py) wait without blocking and try again instead.
# At 0.5 s, a file locked for 15 s held every reply up to 15 s and /status up to 6.4 s
# (make bench-faults): four tries per save, and the apology's save again.
BUSY_TIMEOUT_S = 0.05


def _tuned(engine_kwargs: Callable[[Any], Dict[str, Any]]) -> Callable[[Any], Dict[str, Any]]:
    def tuned_engine_kwargs(url) -> Dict[str, Any]:
        kwargs = engine_kwargs(url)
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # Rasa uses the store from its one event loop thread; the pool may close a
            # connection from another one.
            kwargs["poolclass"] = QueuePool
            kwargs["connect_args"] = {
                **kwargs.get("connect_args", {}),
                "check_same_thread": False,
                "timeout": BUSY_TIMEOUT_S,
            }
        return kwargs

    return tuned_engine_kwargs


def _pragma(connection, statement: str) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute(statement).close()


def _write_ahead(connection, _record) -> None:
    _pragma(connection, "PRAGMA journal_mode=WAL")


def _no_flush_per_commit(connection, _record) -> None:
    _pragma(connection, "PRAGMA synchronous=NORMAL")


def apply() -> None:
    store = rasa.core.tracker_store
    store.create_engine_kwargs = _tuned(store.create_engine_kwargs)
    # The file keeps its journal mode; each connection needs its own `synchronous`.
    event.listen(Engine, "first_connect", _write_ahead)
    event.listen(Engine, "connect", _no_flush_per_commit)
