import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


@pytest.fixture(scope="session")
def bot(tmp_path_factory):
    """The real bot, started once for every end-to-end test that asks for it."""
    from tests.bot_server import running_bot

    with running_bot(tmp_path_factory.mktemp("bot-logs")) as running:
        yield running


@pytest.fixture(scope="session")
def desk():
    """A fake agent desk on loopback (tests/serving/fake_desk.py)."""
    from tests.serving.fake_desk import FakeDesk

    fake = FakeDesk()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def desk_bot(desk, tmp_path_factory):
    """A second real bot, configured with the fake agent desk."""
    from tests.bot_server import running_bot
    from tests.serving.fake_desk import SECRET

    env = {"HANDOVER_URL": desk.url, "HANDOVER_SECRET": SECRET}
    with running_bot(tmp_path_factory.mktemp("handover-bot"), env) as running:
        yield running
