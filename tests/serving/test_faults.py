"""The action server down, or the tracker store locked: the customer gets an apology with
the way forward, not silence and not an answer the bot will not remember, nothing stored is
overwritten, and the conversation goes on once the fault is gone."""

import json
import sqlite3
import threading
import time

import pytest

from actions.linking_rules import LOGIN_LINKS_URL
from tests.bot_server import http
from tests.serving.helpers import (
    ASK_CUSTOMER_TYPE,
    PROBLEM,
    all_text,
    domain_text,
    events,
    new_sender,
    send,
)

pytestmark = pytest.mark.faults

APOLOGY = domain_text("technical_problem")


@pytest.fixture
def actions_down(bot):
    bot.stop("actions")
    try:
        yield
    finally:
        bot.start_actions()


def say(bot, sender, message):
    status, body = send(bot, sender, message)
    assert status == 200, body[:300]
    return json.loads(body)


def test_apology_keeps_the_link_to_the_login_links_page():
    assert LOGIN_LINKS_URL in APOLOGY


def test_form_answer_without_action_server_gets_the_apology_and_goes_on_later(bot):
    sender = new_sender("faults-form")
    assert ASK_CUSTOMER_TYPE in all_text(say(bot, sender, PROBLEM))

    bot.stop("actions")
    try:
        replies = say(bot, sender, "privat")
        assert APOLOGY in all_text(replies)
        assert LOGIN_LINKS_URL in all_text(replies)
        stored = [e.get("text") for e in events(bot, sender) if e["event"] == "bot"]
        assert stored[-1] == APOLOGY
    finally:
        bot.start_actions()

    say(bot, sender, "privat")
    assert bot.tracker(sender)["slots"]["diagnosis"] == "link_as_owner"


def test_new_conversation_without_action_server_gets_the_apology_and_begins_later(bot):
    sender = new_sender("faults-new")
    bot.stop("actions")
    try:
        assert APOLOGY in all_text(say(bot, sender, PROBLEM))
    finally:
        bot.start_actions()
    # The session start had failed: the conversation begins now, privacy notice first.
    replies = all_text(say(bot, sender, PROBLEM))
    assert "automatischen Assistenten" in replies and ASK_CUSTOMER_TYPE in replies


def test_answers_that_need_no_action_server_still_come_without_apology(bot):
    # A conversation begins with the privacy notice of the action server; once begun, the
    # answers that come from rules alone need no action server.
    sender = new_sender("faults-greet")
    say(bot, sender, "Hallo")
    bot.stop("actions")
    try:
        replies = say(bot, sender, "Hallo")
    finally:
        bot.start_actions()
    text = all_text(replies)
    assert "Kundencenter-Assistent" in text
    assert APOLOGY not in text


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
