"""rasa_patches/sqlite_tuning.py: Rasa's SQLite tracker store writes ahead, and keeps what it wrote."""

import sqlite3

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_patches

rasa_patches.apply()  # as every Rasa server of the project does


async def test_tracker_store_file_uses_the_write_ahead_log_and_keeps_events(tmp_path):
    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = DialogueStateTracker("customer", slots=[])
    tracker.update(UserUttered("Mein Vertrag fehlt"))
    await store.save(tracker)

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    reopened = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    events = (await reopened.retrieve("customer")).events
    assert [e.text for e in events if isinstance(e, UserUttered)] == ["Mein Vertrag fehlt"]
