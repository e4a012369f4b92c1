"""SQL tracker store: a save writes the new events without counting the stored ones first.

Rasa 3.6 saves a tracker two or more times per message, and every save first counts the
conversation's stored events with a query over the latest session, to know which of the
tracker's events are new. Under load that count was 9 % of the Rasa process's CPU, and
building the query to read a tracker and ORM objects for every event another 10 %
(`make bench-load`, py-spy); the read query is now built once, rows go in and out as is.
Only one message of a conversation is processed at a time (the lock store, in both
profiles), so a tracker read from the store holds exactly the stored events of its
latest session, and after a save exactly those plus the ones it saved: the tracker keeps
that number (a new one starts at 0: Rasa creates it when `retrieve` found no rows). A
tracker that was not read that way (e.g. all sessions for the HTTP API) is saved the way
Rasa does it. Rows are the same as Rasa's, in SQLite and PostgreSQL, with one exception:
when a session expires, Rasa's count sees only the new session and wrote the old one again.
"""

import itertools
import json
from typing import Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

_STORED = "_kundencenter_stored_events"
rasa_retrieve = SQLTrackerStore.retrieve
rasa_save = SQLTrackerStore.save


def _latest_session_query() -> sa.sql.Select:
    """Rasa's query for the events of the latest session, built once instead of per read."""
    events = SQLTrackerStore.SQLEvent.__table__
    sender = sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(events.c.sender_id == sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    return (
        sa.select(events.c.data)
        .where(events.c.sender_id == sender)
        .where(sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
        .order_by(events.c.id)
    )


_LATEST_SESSION = _latest_session_query()


async def _retrieve(self: SQLTrackerStore, sender_id: Text) -> Optional[DialogueStateTracker]:
    with self.session_scope() as session:
        rows = session.execute(_LATEST_SESSION, {"sender_id": sender_id}).scalars().all()
    if not rows or not self.domain:
        return None
    tracker = DialogueStateTracker.from_dict(
        sender_id, [json.loads(data) for data in rows], self.domain.slots
    )
    setattr(tracker, _STORED, len(rows))
    return tracker


async def _create_tracker(
    self: TrackerStore, sender_id: Text, append_action_listen: bool = True
) -> DialogueStateTracker:
    # Rasa creates a tracker when `retrieve` found no rows of the conversation. Rasa calls
    # it on the wrappers around the SQL store, whose `save` then reaches it.
    tracker = self.init_tracker(sender_id)
    setattr(tracker, _STORED, 0)
    if append_action_listen:
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    await self.save(tracker)
    return tracker


async def _save(self: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
    await self.stream_events(tracker)
    stored = getattr(tracker, _STORED, None)
    with self.session_scope() as session:
        if stored is None or stored > len(tracker.events):
            new_events = list(self._additional_events(session, tracker))
        else:
            new_events = list(itertools.islice(tracker.events, stored, None))
        if new_events:
            session.execute(
                self.SQLEvent.__table__.insert(),
                [_row(tracker.sender_id, event) for event in new_events],
            )
            session.commit()
    setattr(tracker, _STORED, len(tracker.events))


def _row(sender_id: Text, event) -> dict:
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def apply() -> None:
    SQLTrackerStore.retrieve = _retrieve
    TrackerStore.create_tracker = _create_tracker
    SQLTrackerStore.save = _save
