"""The tracker store cannot be written: the customer gets the apology, not an answer the bot
will not remember, nothing stored is overwritten, and the conversation goes on afterwards."""

import sqlite3
import threading
import time

from tests.bot_server import http
from tests.serving.helpers import (
    ASK_CUSTOMER_TYPE,
    PROBLEM,
    all_text,
    domain_text,
    events,
    new_sender,
)
from tests.serving.test_faults import say

APOLOGY = domain_text("technical_problem")


def test_a_locked_sqlite_file_gets_the_apology_and_loses_nothing(bot):
    sender = new_sender("locked")
    assert ASK_CUSTOMER_TYPE in all_text(say(bot, sender, PROBLEM))
    stored = events(bot, sender)

    # A backup or a report holds the write lock of the file for a while.
    lock = sqlite3.connect(bot.log_dir / "tracker.db", timeout=5, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    status_while_locked = []
    try:

        def ask_status():
            time.sleep(0.3)  # while the bot waits for the file
            status_while_locked.append(
                http("GET", f"{bot.url}/status?token={bot.token}", timeout=30)[0]
            )

        other = threading.Thread(target=ask_status)
        other.start()
        replies = say(bot, sender, "privat")
        other.join(timeout=60)
    finally:
        lock.execute("ROLLBACK")
        lock.close()

    assert [r.get("text") for r in replies] == [APOLOGY]  # no diagnosis the bot would forget
    assert status_while_locked == [200]  # the server kept answering others
    assert events(bot, sender) == stored  # nothing overwritten, nothing made up

    time.sleep(0.1)
    say(bot, sender, "privat")  # the customer tries again: it goes on where it was stored
    assert bot.tracker(sender)["slots"]["diagnosis"] == "link_as_owner"
