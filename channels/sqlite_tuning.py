"""SQLite tracker store: write-ahead log, no disk flush per message.

SQLite's defaults (rollback journal, `synchronous=FULL`) flush the file to disk at every
commit, that is for every message, while Rasa's event loop waits. With the write-ahead
log and `synchronous=NORMAL`, a commit is durable when Rasa stops or crashes, the case
the tracker store is for (tests/serving/test_persistence.py); only a power cut can lose
the last messages. PostgreSQL, the scale-out profile, is left as it is.
"""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _tune_sqlite(connection, _record) -> None:
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
