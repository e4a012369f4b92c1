"""rasa_patches/fail_closed_store.py: a store fault is retried, then raised; never an empty
tracker, never a save to memory, never the customer's text in the log."""

import logging
import socket

import aiohttp
import pytest
import rasa.core.tracker_store
from rasa.core.agent import Agent
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

import rasa_patches
from channels import webhook_blueprint
from rasa_patches import fail_closed_store
from rasa_patches.fail_closed_store import FailClosedTrackerStore, TrackerStoreUnavailable

rasa_patches.apply()  # as every Rasa server of the project does

SECRET_TEXT = "Meine Kundennummer ist 4711 und mein Passwort geheim"


class FlakyStore(InMemoryTrackerStore):
    """Fails its first `failures` calls with an error that quotes the customer's text."""

    def __init__(self, failures: int) -> None:
        super().__init__(Domain.empty())
        self.failures = failures
        self.calls = 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"(sqlite3.OperationalError) database is locked: {SECRET_TEXT}")

    async def retrieve(self, sender_id):
        self._maybe_fail()
        return await super().retrieve(sender_id)

    async def save(self, tracker):
        self._maybe_fail()
        await super().save(tracker)


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr(fail_closed_store, "RETRY_DELAYS_S", (0, 0, 0))


def tracker(sender="anna"):
    return DialogueStateTracker.from_events(sender, [UserUttered(SECRET_TEXT)])


async def test_a_short_fault_is_retried_and_the_call_succeeds():
    inner = FlakyStore(failures=2)
    await InMemoryTrackerStore.save(inner, tracker())
    store = FailClosedTrackerStore(inner)
    assert (await store.retrieve("anna")).latest_message.text == SECRET_TEXT
    assert inner.calls == 3


async def test_a_lasting_fault_raises_and_logs_no_customer_text(caplog):
    inner = FlakyStore(failures=100)
    store = FailClosedTrackerStore(inner)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(TrackerStoreUnavailable):
            await store.retrieve("anna")
        with pytest.raises(TrackerStoreUnavailable):
            await store.save(tracker())
    assert inner.calls == 2 * (len(fail_closed_store.RETRY_DELAYS_S) + 1)
    assert "RuntimeError" in caplog.text
    assert (
        SECRET_TEXT not in caplog.text and "4711" not in caplog.text and "anna" not in caplog.text
    )


async def test_a_failed_save_goes_nowhere_else():
    inner = FlakyStore(failures=100)
    store = FailClosedTrackerStore(inner)
    with pytest.raises(TrackerStoreUnavailable):
        await store.save(tracker())
    inner.failures = 0
    assert await store.retrieve("anna") is None  # not stored, and no copy in memory either


def test_the_agent_gets_the_fail_closed_store():
    store = Agent._create_tracker_store(InMemoryTrackerStore(Domain.empty()), Domain.empty())
    assert isinstance(store, FailClosedTrackerStore)


def test_server_databases_check_connections_and_sqlite_waits_briefly(tmp_path):
    create_engine_kwargs = rasa.core.tracker_store.create_engine_kwargs  # the patched one
    postgres = create_engine_kwargs("postgresql://rasa@localhost:5432/rasa")
    assert postgres["pool_pre_ping"] is True
    sqlite = create_engine_kwargs(f"sqlite:///{tmp_path / 'tracker.db'}")
    # Each try blocks the event loop for this long (make bench-faults): far under a second.
    assert 0 < sqlite["connect_args"]["timeout"] <= 0.1
    assert sqlite["connect_args"]["check_same_thread"] is False
    assert "pool_pre_ping" not in sqlite


async def test_the_http_api_answers_a_store_fault_with_503(monkeypatch):
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = Sanic("store_fault_test", configure_logging=False)
    app.blueprint(webhook_blueprint("store_fault_webhook"), url_prefix="/webhooks/rest")

    @app.get("/conversations/<conversation_id>/tracker")
    async def retrieve(_request, conversation_id):
        raise TrackerStoreUnavailable("retrieve failed: OperationalError")

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/conversations/anna/tracker"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 503
            assert (await response.json())["reason"] == "TrackerStoreUnavailable"
    finally:
        await server.close()
