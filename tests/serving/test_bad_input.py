"""Bad input over the REST channel of the running bot: 4xx, or 2xx with a German answer.

All of it goes into one diagnosis conversation that waits for an answer, so the last test
also shows that the conversation is not harmed: it ends in its diagnosis, and its tracker
still holds the events from before.
"""

import json

import pytest

from tests.serving.helpers import (
    ASK_CUSTOMER_TYPE,
    PROBLEM,
    all_text,
    events,
    new_sender,
    post,
    send,
)

SENDER = new_sender("bad-input")

MALFORMED = [
    ("empty body", b"", "application/json", 400),
    ("empty list", b"[]", "application/json", 400),
    ("JSON string", b'"Hallo"', "application/json", 400),
    ("invalid JSON", b'{"sender": "x", "message": "Hallo"', "application/json", 400),
    (
        "invalid UTF-8",
        b'{"sender": "%s", "message": "Vertr\xe4ge \xff"}' % SENDER.encode(),
        "application/json",
        400,
    ),
    ("deeply nested JSON", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    (
        "message not a string",
        json.dumps({"sender": SENDER, "message": {"text": "Hallo"}}).encode(),
        "application/json",
        400,
    ),
    ("no message", json.dumps({"sender": SENDER}).encode(), "application/json", 400),
    ("no sender", json.dumps({"message": "Hallo"}).encode(), "application/json", 400),
    (
        "sender a number",
        json.dumps({"sender": 7, "message": "Hallo"}).encode(),
        "application/json",
        400,
    ),
    (
        "wrong content type",
        json.dumps({"sender": SENDER, "message": "Hallo"}).encode(),
        "text/plain",
        415,
    ),
    ("no content type", json.dumps({"sender": SENDER, "message": "Hallo"}).encode(), None, 415),
    (
        "1 MB body",
        json.dumps({"sender": SENDER, "message": "Vertrag " * 131_072}).encode(),
        "application/json",
        413,
    ),
]

MESSAGES = [
    ("empty", ""),
    ("whitespace only", "   \n\t  "),
    ("10,000 characters", ("Mein Vertrag fehlt im Kundencenter. " * 300)[:10_000]),
    ("10,000 emoji", "😀" * 10_000),
    ("emoji only", "😀👍🏽🙈"),
    ("control characters", "\x00\x01\x02\x1b[2J\x7f\x9b"),
    ("HTML and JavaScript", "<script>alert('x')</script><img src=x onerror=alert(1)>"),
    ("SQL fragments", "'; DROP TABLE events; -- \" OR 1=1 --"),
    ("English", "My mobile contract is not shown in the customer center"),
    ("Turkish", "Cep telefonu sözleşmem müşteri merkezinde görünmüyor"),
    ("Unicode oddities", "\u202eVertrag\u200b\ufeff \U0010ffff"),
]


@pytest.fixture(scope="module")
def conversation(bot):
    """A diagnosis conversation that has just been asked for the customer type."""
    status, body = send(bot, SENDER, PROBLEM)
    assert status == 200, body[:300]
    assert ASK_CUSTOMER_TYPE in all_text(json.loads(body))
    return SENDER


def assert_alive(bot):
    assert bot.is_running("rasa")
    status, _ = post(bot, b"")
    assert status == 400


@pytest.mark.parametrize(
    "raw, content_type, status", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_request_gets_its_4xx(bot, conversation, raw, content_type, status):
    answer_status, body = post(bot, raw, content_type)
    assert answer_status == status, body[:300]
    assert "error" in json.loads(body)
    assert_alive(bot)


@pytest.mark.parametrize("message", [m[1] for m in MESSAGES], ids=[m[0] for m in MESSAGES])
def test_odd_message_gets_a_german_answer(bot, conversation, message):
    status, body = send(bot, conversation, message)
    assert status == 200, body[:300]
    replies = json.loads(body)
    text = all_text(replies)
    assert text.strip(), replies
    assert any(word in text.split() for word in ("Sie", "Ihr", "Ihre", "Ihnen", "bitte")), text
    # The bot answers with its own texts and never repeats what it was sent.
    assert "<script>" not in text and "DROP TABLE" not in text
    assert_alive(bot)


def test_conversation_goes_on_after_all_of_it(bot, conversation):
    before = events(bot, conversation)
    status, body = send(bot, conversation, "privat")
    assert status == 200, body[:300]
    assert bot.tracker(conversation)["slots"]["diagnosis"] == "link_as_owner", all_text(
        json.loads(body)
    )
    after = events(bot, conversation)
    assert after[: len(before)] == before
    assert [e.get("text") for e in after if e["event"] == "user"][0] == PROBLEM
