"""Conversations are kept for RETENTION_DAYS after their last event, then deleted.

The bot needs a conversation while it runs and a while after (a customer who comes back,
the support team's report); nothing longer. Every Rasa server of the project deletes the
conversations whose last event is older than RETENTION_DAYS (default 30) at start and then
once a day (the channels start it, see channels/__init__.py); `make purge` does the same
once, for the tracker store that endpoints.yml names through the same variables. SQLite
and PostgreSQL alike: one statement over Rasa's `events` table.
"""

import asyncio
import logging
import os
import sys
import time
from typing import Any, Optional

import sqlalchemy as sa

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
PURGE_INTERVAL_S = 24 * 60 * 60
_PURGE = sa.text(
    "DELETE FROM events WHERE sender_id IN ("
    " SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
)


def retention_days() -> int:
    return int(os.environ.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)


def purge(engine: sa.engine.Engine, days: int, now: Optional[float] = None) -> int:
    """Deletes every conversation whose last event is older than `days`; the events deleted."""
    cutoff = (time.time() if now is None else now) - days * 24 * 60 * 60
    if not sa.inspect(engine).has_table("events"):
        return 0
    with engine.begin() as connection:
        return connection.execute(_PURGE, {"cutoff": cutoff}).rowcount


def sql_engine(tracker_store: Any) -> Optional[sa.engine.Engine]:
    """The SQL engine behind the agent's tracker store (inside Rasa's and our wrappers)."""
    for _ in range(3):
        engine = getattr(tracker_store, "engine", None)
        if engine is not None:
            return engine
        tracker_store = getattr(tracker_store, "_tracker_store", None)
    return None


async def purge_daily(app: Any) -> None:
    """At server start and every day after, for as long as the server runs."""
    while True:
        agent = getattr(app.ctx, "agent", None)
        engine = sql_engine(getattr(agent, "tracker_store", None)) if agent is not None else None
        if agent is not None and engine is None:
            return  # an in-memory store forgets by itself
        if engine is not None:
            try:
                deleted = await asyncio.get_running_loop().run_in_executor(
                    None, purge, engine, retention_days()
                )
                logger.info(
                    "Retention: %d events older than %d days deleted", deleted, retention_days()
                )
            except Exception as error:  # noqa: BLE001 - the next day tries again
                logger.error(
                    "Retention: deleting old conversations failed: %s", type(error).__name__
                )
        await asyncio.sleep(PURGE_INTERVAL_S if engine is not None else 5)


def main() -> int:
    """`make purge`: once, for the store of endpoints.yml's variables."""
    from rasa.core.tracker_store import SQLTrackerStore

    host, _, port = (os.environ.get("TRACKER_STORE_HOST") or "").partition(":")
    url = SQLTrackerStore.get_db_url(
        dialect=os.environ.get("TRACKER_STORE_DIALECT") or "sqlite",
        host=host or None,
        port=int(port) if port else None,
        db=os.environ["TRACKER_STORE_DB"],
        username=os.environ.get("TRACKER_STORE_USER") or None,
        password=os.environ.get("TRACKER_STORE_PASSWORD") or None,
    )
    deleted = purge(sa.create_engine(url), retention_days())
    print(f"{deleted} events of conversations older than {retention_days()} days deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
