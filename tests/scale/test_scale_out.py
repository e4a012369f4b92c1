"""Scale-out: two Rasa instances share one PostgreSQL tracker store and one Redis lock store.

One conversation goes to both instances in turn; one instance dies in the middle of the
form (SIGKILL, as a crashed host would); the other finishes the conversation. Nothing of
the conversation may be lost: the diagnosis is right and the tracker holds one user event
per message sent, and its bot events are exactly the replies received.

PostgreSQL stopped in the middle of a conversation: the customer, and a new one, get the
apology instead of an answer made up from an empty tracker; after the restart the
conversation goes on from what was stored, with nothing lost. The Redis lock store stopped:
the same apology, the server keeps answering, and after Redis is back the conversation goes
on from what was stored.

Run by `make test-scale`, not by plain `pytest` (marker `scale`, see pyproject.toml): it
installs PostgreSQL and Redis from Debian's packages when they are missing.
"""

import secrets
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml

from tests.bot_server import Bot, free_port, http
from tests.scale.services import (
    Postgres,
    Redis,
    install_missing,
    postgres,
    redis,
    scale_out_environment,
)
from tests.tracker_check import bot_replies, user_texts, without_recipient

pytestmark = pytest.mark.scale

# (instance, message): "a" and "b" in turn; "a" is killed while the form is active, after it
# has asked two of its questions and before the answer that completes it.
CONVERSATION = [
    ("a", "Hallo"),
    ("b", "Ich bin Privatkunde"),
    ("a", "ja"),
    ("kill a", ""),
    ("b", "gar kein Vertrag zu sehen"),
]
DIAGNOSIS = "link_as_owner"
PROBLEM = "Mein Handyvertrag wird im Kundencenter nicht angezeigt"
APOLOGY = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
)["responses"]["technical_problem"][0]["text"]


def reply_text(replies: List[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


class ScaleOutBot(Bot):
    """The test bot with endpoints.yml pointed at the shared stores."""

    def __init__(
        self, rasa_port: int, action_port: int, token: str, log_dir: Path, stores: Dict[str, str]
    ):
        super().__init__(rasa_port, action_port, token, log_dir)
        self.stores = stores

    def environment(self) -> Dict[str, str]:
        return {**super().environment(), **self.stores}


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Tuple[Postgres, Redis, Dict[str, str]]]:
    log_dir = tmp_path_factory.mktemp("stores")
    install_missing(log_dir / "apt.log")
    with postgres(log_dir) as pg, redis(log_dir) as rd:
        yield pg, rd, scale_out_environment(pg, rd)


@pytest.fixture(scope="module")
def stores(servers) -> Dict[str, str]:
    return servers[2]


@pytest.fixture
def instances(stores, tmp_path) -> Iterator[Dict[str, ScaleOutBot]]:
    """Instance "a" with the action server, instance "b" beside it; stopped also on failure."""
    token, action_port = secrets.token_urlsafe(24), free_port()
    bots = {}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        bots[name] = ScaleOutBot(free_port(), action_port, token, tmp_path / name, stores)
    try:
        bots["a"].start_actions()
        # One after the other: both create the tracker store's tables at start-up.
        bots["a"].start_rasa()
        bots["b"].start_rasa()
        yield bots
    finally:
        for bot in bots.values():
            bot.stop_all()


def stored_event_counts(stores: Dict[str, str], sender: str) -> Dict[str, int]:
    """Events of one conversation as PostgreSQL holds them, by type."""
    import psycopg2

    host, port = stores["TRACKER_STORE_HOST"].split(":")
    with psycopg2.connect(
        host=host,
        port=int(port),
        dbname=stores["TRACKER_STORE_DB"],
        user=stores["TRACKER_STORE_USER"],
        password=stores["TRACKER_STORE_PASSWORD"],
    ) as connection:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT type_name, count(*) FROM events WHERE sender_id = %s GROUP BY type_name",
                (sender,),
            )
            return dict(cursor.fetchall())


def redis_commands_served(stores: Dict[str, str]) -> int:
    import redis as redis_client

    client = redis_client.Redis(host=stores["LOCK_STORE_HOST"], port=int(stores["LOCK_STORE_PORT"]))
    return sum(
        stat["calls"]
        for name, stat in client.info("commandstats").items()
        if name not in ("cmdstat_info", "cmdstat_ping")
    )


def test_conversation_survives_losing_an_instance(instances, stores):
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    sent: List[str] = []
    received: List[dict] = []
    for step, message in CONVERSATION:
        if step == "kill a":
            instances["a"].processes["rasa"].kill()
            instances["a"].processes["rasa"].wait(timeout=30)
            assert instances["b"].tracker(sender)["active_loop"], "the form should still be active"
            continue
        replies = instances[step].say(sender, message)
        assert replies, f"no answer to {message!r} from instance {step}"
        sent.append(message)
        received += [without_recipient(reply) for reply in replies]

    tracker = instances["b"].tracker(sender)
    assert tracker["slots"]["diagnosis"] == DIAGNOSIS, [reply.get("text") for reply in received]
    assert user_texts(tracker["events"]) == sent
    assert bot_replies(tracker["events"]) == received
    stored = stored_event_counts(stores, sender)
    bot_events = sum(1 for event in tracker["events"] if event["event"] == "bot")
    assert (stored.get("user"), stored.get("bot")) == (len(sent), bot_events)
    assert redis_commands_served(stores) > 0, "the lock store should be Redis"


@pytest.mark.faults
def test_postgresql_down_gets_the_apology_and_the_conversation_goes_on_after(instances, servers):
    pg, _, stores = servers
    bot = instances["a"]
    sender = f"pg-down-{uuid.uuid4().hex[:8]}"
    assert "Privatkunden- oder einen Geschäftskundenvertrag" in reply_text(bot.say(sender, PROBLEM))

    pg.stop()
    try:
        during = bot.say(sender, "Privatkunde")
        newcomer = bot.say(f"pg-new-{uuid.uuid4().hex[:8]}", PROBLEM)
    finally:
        pg.start()

    # Not the next question as if the conversation had just begun: the apology, and only it.
    assert [r.get("text") for r in during] == [APOLOGY]
    assert [r.get("text") for r in newcomer] == [APOLOGY]
    # The first message after the restart is answered from the stored conversation.
    bot.say(sender, "Privatkunde")
    tracker = bot.tracker(sender)
    assert tracker["slots"]["diagnosis"] == DIAGNOSIS
    assert user_texts(tracker["events"]) == [PROBLEM, "Privatkunde"]
    assert stored_event_counts(stores, sender)["user"] == 2


@pytest.mark.faults
def test_redis_down_gets_the_apology_and_the_conversation_goes_on_after(instances, servers):
    _, rd, stores = servers
    bot = instances["a"]
    sender = f"redis-down-{uuid.uuid4().hex[:8]}"
    assert "Privatkunden- oder einen Geschäftskundenvertrag" in reply_text(bot.say(sender, PROBLEM))

    rd.stop()
    try:
        during = bot.say(sender, "Privatkunde")
        newcomer = bot.say(f"redis-new-{uuid.uuid4().hex[:8]}", PROBLEM)
        status_during = http("GET", f"{bot.url}/status?token={bot.token}", timeout=30)[0]
    finally:
        rd.start()

    # Without the lock the message is not processed: the apology, not a guess.
    assert [r.get("text") for r in during] == [APOLOGY]
    assert [r.get("text") for r in newcomer] == [APOLOGY]
    assert status_during == 200 and bot.is_running("rasa")
    # The message of the outage was not kept (the customer was told so), nothing else lost:
    # the customer sends it again and the conversation goes on from what was stored.
    bot.say(sender, "Privatkunde")
    tracker = bot.tracker(sender)
    assert tracker["slots"]["diagnosis"] == DIAGNOSIS
    assert user_texts(tracker["events"]) == [PROBLEM, "Privatkunde"]
    assert stored_event_counts(stores, sender)["user"] == 2


async def test_retention_deletes_old_conversations_from_postgresql(stores):
    import time

    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from channels.retention import purge

    host, port = stores["TRACKER_STORE_HOST"].split(":")
    store = SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host=host,
        port=int(port),
        db=stores["TRACKER_STORE_DB"],
        username=stores["TRACKER_STORE_USER"],
        password=stores["TRACKER_STORE_PASSWORD"],
    )
    old, recent = f"old-{uuid.uuid4().hex[:8]}", f"recent-{uuid.uuid4().hex[:8]}"
    day = 24 * 60 * 60
    for sender, age in ((old, 40), (recent, 1)):
        event = UserUttered("hallo", timestamp=time.time() - age * day)
        await store.save(DialogueStateTracker.from_events(sender, [event]))
    purge(store.engine, days=30)
    assert stored_event_counts(stores, old) == {}
    assert stored_event_counts(stores, recent) == {"user": 1}
