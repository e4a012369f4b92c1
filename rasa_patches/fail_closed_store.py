"""A tracker store that fails closed: retried briefly, then an error, never a made-up tracker.

Rasa 3.6 wraps every tracker store in its FailSafeTrackerStore (`Agent._create_tracker_store`):
a failed read returns no tracker, so the processor starts a new conversation and answers
the customer's "Privatkunde" with the first question again, a wrong answer; a failed save
goes to an in-memory store, and the stored conversation silently misses that message. Its
log line quotes the database error, and with it the sender ID and the event JSON, i.e. what
the customer typed. Here the agent's store is wrapped in `FailClosedTrackerStore` instead:
each call is tried again after short pauses (a database restarting, a SQLite file locked by
a backup), then it raises `TrackerStoreUnavailable`. The processor does not catch it, so the
delivery path (channels/delivery.py) answers with the apology and nothing is overwritten;
the HTTP API answers 503. Errors are logged by type only. Connections to a server database
are checked before use, so the first message after a PostgreSQL restart does not fail on a
stale pooled connection.
"""

import asyncio
import logging
from typing import Any, Callable, Dict, Iterable, Optional, Text

import rasa.core.tracker_store
from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

# Pauses between the tries of one call: about a second in all, within a customer's patience.
RETRY_DELAYS_S = (0.1, 0.3, 0.6)


class TrackerStoreUnavailable(Exception):
    """The tracker store could not be read or written, after retries."""


class FailClosedTrackerStore(TrackerStore):
    """Passes every call to the project's store; retries, then raises, never falls back."""

    def __init__(self, tracker_store: TrackerStore) -> None:
        self._tracker_store = tracker_store
        super().__init__(tracker_store.domain, tracker_store.event_broker)

    @property
    def domain(self) -> Domain:
        return self._tracker_store.domain

    @domain.setter
    def domain(self, domain: Domain) -> None:
        self._tracker_store.domain = domain

    async def _call(self, name: str, *args: Any) -> Any:
        for delay in (*RETRY_DELAYS_S, None):
            try:
                return await getattr(self._tracker_store, name)(*args)
            except Exception as error:  # noqa: BLE001 - every store fault is retried, then raised
                # The type only: a database error quotes the SQL, the sender ID and the events.
                if delay is None:
                    logger.error(
                        "Tracker store %s failed: %s; giving up", name, type(error).__name__
                    )
                    raise TrackerStoreUnavailable(
                        f"{name} failed: {type(error).__name__}"
                    ) from None
                logger.warning(
                    "Tracker store %s failed: %s; trying again", name, type(error).__name__
                )
                await asyncio.sleep(delay)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._call("retrieve", sender_id)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._call("retrieve_full_tracker", sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._call("save", tracker)

    async def keys(self) -> Iterable[Text]:
        return await self._call("keys")


def _create_tracker_store(store: Optional[TrackerStore], domain: Domain) -> TrackerStore:
    if store is None:
        store = InMemoryTrackerStore(domain)
    store.domain = domain
    return FailClosedTrackerStore(store)


def _checked(engine_kwargs: Callable[[Any], Dict[str, Any]]) -> Callable[[Any], Dict[str, Any]]:
    def checked_engine_kwargs(url) -> Dict[str, Any]:
        kwargs = engine_kwargs(url)
        if make_url(url).get_backend_name() != "sqlite":
            kwargs["pool_pre_ping"] = True
        return kwargs

    return checked_engine_kwargs


def apply() -> None:
    Agent._create_tracker_store = staticmethod(_create_tracker_store)
    store = rasa.core.tracker_store
    store.create_engine_kwargs = _checked(store.create_engine_kwargs)
