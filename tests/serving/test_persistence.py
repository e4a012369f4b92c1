"""Every conversation is kept in the tracker store (SQLite here): a restart of Rasa in the
middle of the form loses nothing, and the conversation goes on where it was."""

import json
import signal
import sqlite3
import time
from contextlib import closing

import pytest

from tests.serving.helpers import ASK_CUSTOMER_TYPE, PROBLEM, all_text, events, new_sender, send


@pytest.mark.faults
def test_conversation_survives_a_restart_of_rasa_in_the_middle_of_the_form(bot):
    sender = new_sender("restart")
    status, body = send(bot, sender, PROBLEM)
    assert ASK_CUSTOMER_TYPE in all_text(json.loads(body))
    before = events(bot, sender)

    bot.stop("rasa")
    started = time.monotonic()
    bot.start_rasa()
    print(f"Rasa restarted in {time.monotonic() - started:.1f} s")

    tracker = bot.tracker(sender)
    assert tracker["events"] == before
    assert tracker["active_loop"]["name"] == "diagnosis_form"
    assert tracker["slots"]["requested_slot"] == "customer_type"

    status, body = send(bot, sender, "privat")
    assert status == 200, body[:300]
    assert bot.tracker(sender)["slots"]["diagnosis"] == "link_as_owner", all_text(json.loads(body))


def test_conversation_is_kept_in_the_sqlite_file(bot):
    sender = new_sender("sqlite")
    send(bot, sender, PROBLEM)
    with closing(sqlite3.connect(bot.log_dir / "tracker.db")) as database:
        texts = [
            row[0]
            for row in database.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
            )
        ]
    assert [json.loads(text)["text"] for text in texts] == [PROBLEM]


@pytest.mark.faults
def test_sigterm_says_not_ready_at_once_keeps_answering_then_stops_cleanly(bot):
    from tests.bot_server import http

    ready = f"{bot.url}/webhooks/rest/ready"
    assert http("GET", ready)[0] == 200
    process = bot.processes["rasa"]
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        # The signal reaches the server's loop within moments; until it stops, /ready is 503.
        statuses = []
        for _ in range(100):
            statuses.append(http("GET", ready)[0])
            if statuses[-1] == 503:
                break
            time.sleep(0.01)
        assert statuses[-1] == 503, statuses
        status, body = send(bot, new_sender("draining"), PROBLEM)  # in the notice: still answered
        assert status == 200 and ASK_CUSTOMER_TYPE in all_text(json.loads(body))
        assert process.wait(timeout=60) == 0
        print(f"stopped {time.monotonic() - signalled:.1f} s after SIGTERM")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
        bot.processes.pop("rasa", None)
        started = time.monotonic()
        bot.start_rasa()
        print(f"Rasa started again in {time.monotonic() - started:.1f} s")
    assert http("GET", ready)[0] == 200
