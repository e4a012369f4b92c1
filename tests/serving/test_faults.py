"""The action server down: the customer gets an apology with the way forward, not silence,
and the conversation goes on once the action server is back."""

import json

import pytest

from actions.linking_rules import LOGIN_LINKS_URL
from tests.serving.helpers import (
    ASK_CUSTOMER_TYPE,
    PROBLEM,
    all_text,
    domain_text,
    events,
    new_sender,
    send,
)

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


def test_new_conversation_without_action_server_gets_the_apology(bot, actions_down):
    replies = say(bot, new_sender("faults-new"), PROBLEM)
    assert APOLOGY in all_text(replies)


def test_answers_that_need_no_action_server_still_come_without_apology(bot, actions_down):
    replies = say(bot, new_sender("faults-greet"), "Hallo")
    text = all_text(replies)
    assert "Kundencenter-Assistent" in text
    assert APOLOGY not in text
