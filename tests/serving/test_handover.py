"""A person takes over with the case in hand: the case goes to a (fake) agent desk, signed
and once; the bot is silent while the agent writes; the agent's messages reach the
customer; the agent ends the hand-over and the bot is back. Without a desk, the customer
gets the case note (tests/serving/test_privacy.py, tests/test_actions.py)."""

import asyncio
import time

import pytest

from tests.serving.fake_desk import SECRET, agent_posts
from tests.serving.helpers import PROBLEM, all_text, domain_text, new_sender, website_chat

AGENT_TAKES_OVER = domain_text("handover_agent")
AGENT_ENDED = domain_text("agent_ended")
ASK_FOR_PERSON = "Ich will mit einem Menschen sprechen"


@pytest.fixture(autouse=True)
def desk_answers(desk):
    desk.failures_left, desk.down = 0, False


def handed_over(bot, sender, *messages) -> str:
    replies = [all_text(bot.say(sender, message)) for message in messages]
    return replies[-1]


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_person_asked_for_gets_the_case_to_the_desk_signed_and_the_bot_pauses(desk_bot, desk):
    sender = new_sender("handover")
    reply = handed_over(
        desk_bot, sender, "da steht nur Nutzer, meine Rufnummer ist 0151 23456789", ASK_FOR_PERSON
    )
    assert AGENT_TAKES_OVER in reply
    assert "Notiz" not in reply  # the desk has the case; no note to pass on
    [post] = desk.posts(sender, "handover")
    assert post["signed"] and post["key"] == post["body"]["idempotency_key"]
    body = post["body"]
    assert body["reason"] == "asked_for_person" and body["channel"] == "rest"
    case = body["case"]
    assert case["problem"] == "da steht nur Nutzer, meine Rufnummer ist [Rufnummer]"
    assert case["facts"] == {"link_status": "nur_nutzer"}
    assert "0151" not in str(body)
    assert "Anliegen in den Worten des Kunden" in case["note"]
    assert desk_bot.tracker(sender)["paused"]


def test_while_paused_the_bot_is_silent_and_the_customer_reaches_the_agent(desk_bot, desk):
    sender = new_sender("paused")
    handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    assert desk_bot.say(sender, "Hallo? Meine Kundennummer ist 1234567890") == []
    assert wait_for(lambda: desk.posts(sender, "customer_message"))
    [forwarded] = desk.posts(sender, "customer_message")
    assert forwarded["signed"]
    assert forwarded["body"]["text"] == "Hallo? Meine Kundennummer ist [Kundennummer]"
    # Nothing the bot would normally say: no apology, no question.
    assert desk_bot.tracker(sender)["latest_message"]["text"].startswith("Hallo?")


def test_the_agents_messages_reach_a_rest_customer_and_the_end_gives_the_bot_back(desk_bot, desk):
    sender = new_sender("agent-rest")
    handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    status, answer = agent_posts(
        desk_bot, {"conversation_id": sender, "text": "Guten Tag, hier ist Frau Berg."}
    )
    assert (status, answer["delivered"]) == (200, True)
    # REST can only answer: the agent's message comes with the reply to the next message.
    assert all_text(desk_bot.say(sender, "Hallo Frau Berg")) == "Guten Tag, hier ist Frau Berg."
    status, _ = agent_posts(desk_bot, {"conversation_id": sender, "end": True})
    assert status == 200
    tracker = desk_bot.tracker(sender)
    assert not tracker["paused"]
    texts = [e.get("text") for e in tracker["events"] if e["event"] == "bot"]
    assert "Guten Tag, hier ist Frau Berg." in texts and AGENT_ENDED in texts
    # The bot answers again, where the facts left off.
    assert "Privatkunden- oder einen Geschäftskundenvertrag" in all_text(
        desk_bot.say(sender, PROBLEM)
    )


@pytest.mark.parametrize(
    "payload, secret, raw, status",
    [
        ({"text": "Hallo"}, "wrong-secret", None, 401),
        ({"text": "Hallo"}, None, None, 401),
        (None, SECRET, b"{not json", 400),
        ({"text": ""}, SECRET, None, 400),
        ({}, SECRET, None, 400),
    ],
    ids=["wrong signature", "unsigned", "not JSON", "empty text", "neither text nor end"],
)
def test_the_agent_endpoint_refuses_what_is_not_a_signed_agent_message(
    desk_bot, payload, secret, raw, status
):
    sender = new_sender("refused")
    handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    body = None if payload is None else {"conversation_id": sender, **payload}
    assert agent_posts(desk_bot, body, secret, raw)[0] == status
    assert desk_bot.say(sender, "noch da?") == []  # nothing reached the customer


def test_no_agent_message_into_a_conversation_the_bot_still_has(desk_bot):
    sender = new_sender("not-paused")
    desk_bot.say(sender, PROBLEM)
    assert agent_posts(desk_bot, {"conversation_id": sender, "text": "Hallo"})[0] == 409
    assert (
        agent_posts(desk_bot, {"conversation_id": new_sender("nobody"), "text": "Hallo"})[0] == 404
    )


def test_a_failing_desk_gets_the_case_again_with_the_same_key(desk_bot, desk):
    desk.failures_left = 2
    sender = new_sender("retry")
    assert AGENT_TAKES_OVER in handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    posts = desk.posts(sender, "handover")
    assert len(posts) == 3 and len({post["key"] for post in posts}) == 1


def test_a_desk_that_is_down_leaves_the_customer_the_case_note(desk_bot, desk):
    desk.down = True
    sender = new_sender("desk-down")
    reply = handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    assert "Geben Sie dem Kundenservice bitte diese Notiz" in reply
    assert not desk_bot.tracker(sender)["paused"]


def test_not_helped_sends_the_diagnosis_the_steps_and_the_no(desk_bot, desk):
    sender = new_sender("not-helped")
    reply = handed_over(desk_bot, sender, PROBLEM, "privat", "nein, hat nicht geklappt")
    assert AGENT_TAKES_OVER in reply
    [post] = desk.posts(sender, "handover")
    body = post["body"]
    assert body["reason"] == "not_helped"
    case = body["case"]
    assert case["diagnosis"] == "link_as_owner" and case["helped"] is False
    assert case["article_case"].startswith("Noch kein Mobilfunkvertrag angezeigt")
    assert case["facts"] == {"customer_type": "privat", "link_status": "keine"}
    assert len(case["steps_given"]) == 2
    print("\nThe case as the agent desk received it:\n" + str(body))


def test_a_new_hand_over_after_the_agent_ended_is_a_new_case(desk_bot, desk):
    sender = new_sender("twice")
    handed_over(desk_bot, sender, PROBLEM, ASK_FOR_PERSON)
    agent_posts(desk_bot, {"conversation_id": sender, "end": True})
    assert AGENT_TAKES_OVER in handed_over(desk_bot, sender, ASK_FOR_PERSON)
    keys = [post["key"] for post in desk.posts(sender, "handover")]
    assert len(keys) == 2 and keys[0] != keys[1]


async def test_the_agents_message_reaches_the_website_chat(desk_bot):
    async with website_chat(desk_bot, "socket-handover") as chat:
        for text in (PROBLEM, ASK_FOR_PERSON):
            await chat.say(text)
            await asyncio.sleep(2)
        assert await chat.until(lambda: AGENT_TAKES_OVER in chat.replies)
        message = {"conversation_id": chat.session_id, "text": "Hier Frau Berg."}
        assert (await asyncio.to_thread(agent_posts, desk_bot, message))[0] == 200
        assert await chat.until(lambda: "Hier Frau Berg." in chat.replies)
        end = {"conversation_id": chat.session_id, "end": True}
        await asyncio.to_thread(agent_posts, desk_bot, end)
        assert await chat.until(lambda: AGENT_ENDED in chat.replies)
