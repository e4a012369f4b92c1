"""rasa_patches/sql_saving.py stores the same rows as Rasa's own SQL tracker store, without the count."""

import sqlite3
import time
from pathlib import Path
from unittest import mock

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

import rasa_patches
from rasa_patches import sql_saving

rasa_patches.apply()  # as every Rasa server of the project does

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = "sender_id, type_name, timestamp, intent_name, action_name, data"


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


async def _conversation(store: SQLTrackerStore, T: float) -> None:
    """What Rasa's processor does with a store: the first message, then two more."""
    tracker = await store.get_or_create_tracker("kunde", append_action_listen=False)
    tracker.update(ActionExecuted("action_session_start", timestamp=T + 1))
    tracker.update(SessionStarted(timestamp=T + 2))
    tracker.update(ActionExecuted("action_listen", timestamp=T + 3))
    tracker.update(
        UserUttered("bin privatkunde", {"name": "inform", "confidence": 1.0}, timestamp=T + 4)
    )
    await store.save(tracker)

    tracker = await store.retrieve("kunde")
    tracker.update(SlotSet("customer_type", "privat", timestamp=T + 5))
    tracker.update(ActionExecuted("action_listen", timestamp=T + 6))
    await store.save(tracker)
    await store.save(tracker)  # nothing new: nothing written

    tracker = await store.retrieve("kunde")
    tracker.update(
        UserUttered("habe keinen login", {"name": "no_login", "confidence": 1.0}, timestamp=T + 7)
    )
    await store.save(tracker)
    tracker.update(ActionExecuted("action_listen", timestamp=T + 8))
    await store.save(tracker)


def _rows(path: Path):
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT {COLUMNS} FROM events ORDER BY id").fetchall()


async def test_rows_and_retrieved_tracker_are_rasas(domain, tmp_path):
    T = time.time()
    ours = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "ours.db"))
    await _conversation(ours, T)
    rasas = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    with (
        mock.patch.object(SQLTrackerStore, "retrieve", sql_saving.rasa_retrieve),
        mock.patch.object(SQLTrackerStore, "save", sql_saving.rasa_save),
    ):
        await _conversation(rasas, T)
        rasa_tracker = await rasas.retrieve("kunde")

    assert len(_rows(tmp_path / "ours.db")) == 8  # the repeated save wrote nothing
    assert _rows(tmp_path / "ours.db") == _rows(tmp_path / "rasa.db")
    our_tracker = await ours.retrieve("kunde")
    assert our_tracker.current_state() == rasa_tracker.current_state()
    assert [e.type_name for e in our_tracker.events] == [
        "session_started",
        "action",
        "user",
        "slot",
        "action",
        "user",
        "action",
    ]


async def test_a_session_that_expires_mid_tracker_is_stored_once(domain, tmp_path):
    # Rasa's count sees only the new session in the database and wrote the old one again.
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    T = time.time()
    tracker = await store.get_or_create_tracker("kunde", append_action_listen=False)
    tracker.update(SessionStarted(timestamp=T + 1))
    tracker.update(UserUttered("mein vertrag fehlt", timestamp=T + 2))
    await store.save(tracker)
    tracker = await store.retrieve("kunde")
    tracker.update(ActionExecuted("action_session_start", timestamp=T + 3))
    tracker.update(SessionStarted(timestamp=T + 4))
    await store.save(tracker)
    tracker.update(UserUttered("hallo", timestamp=T + 5))
    await store.save(tracker)

    assert [row[1] for row in _rows(tmp_path / "t.db")] == [
        "session_started",
        "user",
        "action",
        "session_started",
        "user",
    ]
    assert [e.type_name for e in (await store.retrieve("kunde")).events] == [
        "session_started",
        "user",
    ]


async def test_events_another_writer_stored_are_not_written_twice(domain, tmp_path):
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    tracker = await store.get_or_create_tracker("kunde")
    tracker.update(UserUttered("mein vertrag fehlt"))
    await store.save(tracker)
    # A tracker built without the store (nothing known about stored events) is counted.
    stranger = await SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db")).retrieve(
        "kunde"
    )
    object.__delattr__(stranger, sql_saving._STORED)
    stranger.update(ActionExecuted("action_listen"))
    await store.save(stranger)

    assert [row[1] for row in _rows(tmp_path / "t.db")] == ["action", "user", "action"]
