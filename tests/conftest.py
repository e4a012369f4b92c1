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
