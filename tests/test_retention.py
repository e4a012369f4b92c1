"""channels/retention.py: conversations older than RETENTION_DAYS go, newer ones stay whole."""

import time

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from channels.retention import purge, sql_engine
from rasa_patches.fail_closed_store import FailClosedTrackerStore

DAY = 24 * 60 * 60


async def stored(store, sender, *ages_in_days):
    now = time.time()
    events = [
        UserUttered(f"nachricht {i}", timestamp=now - age * DAY)
        for i, age in enumerate(ages_in_days)
    ]
    await store.save(DialogueStateTracker.from_events(sender, events))


def senders(engine):
    with engine.connect() as connection:
        return {
            row[0]: row[1]
            for row in connection.execute(
                sa.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")
            )
        }


async def test_only_conversations_whose_last_event_is_older_go(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    await stored(store, "old", 45, 40, 31)
    await stored(store, "recent", 45, 40, 2)  # began long ago, still going: kept whole
    await stored(store, "new", 1)
    deleted = purge(store.engine, days=30)
    assert deleted == 3
    assert senders(store.engine) == {"recent": 3, "new": 1}
    assert purge(store.engine, days=30) == 0


def test_an_empty_store_has_nothing_to_purge(tmp_path):
    assert purge(sa.create_engine(f"sqlite:///{tmp_path / 'empty.db'}"), days=30) == 0


def test_the_engine_is_found_behind_the_wrappers(tmp_path):
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert sql_engine(FailClosedTrackerStore(store)) is store.engine
