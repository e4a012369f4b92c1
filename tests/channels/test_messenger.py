"""The Messenger channel against a fake Graph API, served as `rasa run` serves it."""

import hashlib
import hmac
import json
import re
from typing import Any, Callable, Dict, List, Optional

import pytest

from channels.delivery import MAX_MESSAGE_LENGTH, clean_text
from channels.messenger import MessengerInput, is_signed
from tests.channels.conftest import APOLOGY

pytestmark = pytest.mark.asyncio

VERIFY = "verify-token-test"
SECRET = "app-secret-test"
TOKEN = "page-access-token-test"
WEBHOOK = "/webhooks/messenger/webhook"
SENDER = "4711"

GREETING = {
    "text": "Guten Tag! Worum geht es?",
    "buttons": [
        {"title": "Vertrag fehlt", "payload": "/contract_not_shown"},
        {"title": "Nur als Nutzer", "payload": "/linked_only_as_user"},
    ],
}


def _step(number: int) -> str:
    return (
        f"{number}. Öffnen Sie im Kundencenter die Seite „Login-Verknüpfungen“ und "
        f"prüfen Sie dort den Eintrag {number}. Die Anleitung dazu finden Sie hier:\n"
        f"https://www.telekom.de/hilfe/vertrag-meine-daten/login-verknuepfung/"
        f"schritt-{number}?quelle=chatbot&fall=mobilfunk"
    )


LONG_ANSWER = (
    "Sie haben einen Privatkundenvertrag und sehen im Kundencenter unter "
    "„Login-Verknüpfungen“ alle Mobilfunkverträge nur als „Nutzer“, keinen als "
    "„Vertragsinhaber“ – dann gehen Sie so vor:\n"
) + "\n".join(_step(number) for number in range(1, 19))
LINKS = re.findall(r"https://\S+", LONG_ANSWER)


def _hmac(secret: str, body: bytes, algorithm: str) -> str:
    return hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


def signed(body: bytes, secret: str = SECRET) -> Dict[str, str]:
    return {"X-Hub-Signature-256": "sha256=" + _hmac(secret, body, "sha256")}


def event(*messaging: Dict[str, Any], sender: str = SENDER) -> bytes:
    items = [{"sender": {"id": sender}, "recipient": {"id": "page"}, **m} for m in messaging]
    return json.dumps(
        {"object": "page", "entry": [{"id": "page", "time": 1, "messaging": items}]}
    ).encode()


def text_event(text: str) -> bytes:
    return event({"message": {"mid": "m1", "text": text}})


def messenger(fake_api, **overrides: Optional[str]) -> MessengerInput:
    """Built like `rasa run` builds it: from the credentials.yml mapping."""
    credentials = {
        "verify": VERIFY,
        "secret": SECRET,
        "page-access-token": TOKEN,
        "graph-api-url": fake_api.url,
        **overrides,
    }
    return MessengerInput.from_credentials(credentials)


def sent_messages(fake_api) -> List[Dict[str, Any]]:
    assert all(call.path == "/me/messages" for call in fake_api.calls)
    assert all(call.body["recipient"] == {"id": SENDER} for call in fake_api.calls)
    return [call.body["message"] for call in fake_api.calls]


async def post(server, body: bytes, headers: Dict[str, str]):
    return await server.request(
        "POST", WEBHOOK, data=body, headers={"Content-Type": "application/json", **headers}
    )


# --- webhook verification handshake ---------------------------------------------------


async def test_handshake_echoes_the_challenge(fake_api, serve):
    async with serve(messenger(fake_api), []) as server:
        status, text = await server.request(
            "GET",
            WEBHOOK,
            params={
                "hub.mode": "subscribe",
                "hub.verify_token": VERIFY,
                "hub.challenge": "1158201444",
            },
        )
    assert (status, text) == (200, "1158201444")


@pytest.mark.parametrize(
    "configured, params",
    [
        (VERIFY, {"hub.mode": "subscribe", "hub.verify_token": "wrong"}),
        (VERIFY, {"hub.mode": "subscribe"}),
        (VERIFY, {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY}),
        (VERIFY, {"hub.mode": "subscribe", "hub.verify_token": VERIFY.upper()}),
        ("", {"hub.mode": "subscribe", "hub.verify_token": ""}),
    ],
    ids=["wrong token", "no token", "wrong mode", "case differs", "none configured"],
)
async def test_handshake_refuses(fake_api, serve, configured, params):
    channel = messenger(fake_api, verify=configured)
    async with serve(channel, []) as server:
        status, text = await server.request(
            "GET", WEBHOOK, params={**params, "hub.challenge": "1158201444"}
        )
    assert status == 403
    assert "1158201444" not in text


async def test_failed_message_gets_the_apology_with_the_way_forward(fake_api, serve):
    async with serve(messenger(fake_api), [GREETING], failing=True) as server:
        body = text_event("Mein Vertrag fehlt")
        status, _ = await post(server, body, signed(body))

        assert status == 200
        assert server.agent.received == [(SENDER, "Mein Vertrag fehlt", "messenger")]
    [message] = sent_messages(fake_api)
    assert message["text"] == APOLOGY
    assert "https://www.telekom.de/kundencenter/login-verknuepfungen" in APOLOGY


# --- signature -------------------------------------------------------------------------


async def test_text_is_cleaned_and_cut_before_the_nlu_as_on_every_channel(fake_api, serve):
    async with serve(messenger(fake_api), [GREETING]) as server:
        body = text_event("Ver\x00trag\nfehlt " + "x" * 5000)
        await post(server, body, signed(body))

        [(_, text, _)] = server.agent.received
    assert text == clean_text("Ver\x00trag\nfehlt " + "x" * 5000)
    assert text.startswith("Vertrag fehlt x") and len(text) == MAX_MESSAGE_LENGTH


async def test_signed_message_is_answered_through_the_graph_api(fake_api, serve):
    async with serve(messenger(fake_api), [GREETING]) as server:
        body = text_event("Hallo, mein Vertrag fehlt")
        status, _ = await post(server, body, signed(body))

        assert status == 200
        assert server.agent.received == [(SENDER, "Hallo, mein Vertrag fehlt", "messenger")]
    [call] = fake_api.calls
    assert call.query["access_token"] == TOKEN
    assert call.query["appsecret_proof"] == _hmac(SECRET, TOKEN.encode(), "sha256")
    assert call.body["messaging_type"] == "RESPONSE"
    assert sent_messages(fake_api) == [
        {
            "text": "Guten Tag! Worum geht es?",
            "quick_replies": [
                {
                    "content_type": "text",
                    "title": "Vertrag fehlt",
                    "payload": "/contract_not_shown",
                },
                {
                    "content_type": "text",
                    "title": "Nur als Nutzer",
                    "payload": "/linked_only_as_user",
                },
            ],
        }
    ]


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda body: {},
        lambda body: signed(body, secret="another-app-secret"),
        lambda body: signed(b"another body"),
        lambda body: {"X-Hub-Signature": "sha1=" + _hmac(SECRET, body, "sha1")},
        lambda body: {"X-Hub-Signature-256": "md5=" + _hmac(SECRET, body, "md5")},
        lambda body: {"X-Hub-Signature-256": "sha1=" + _hmac(SECRET, body, "sha1")},
        lambda body: {"X-Hub-Signature-256": "foo=bar"},
        lambda body: {"X-Hub-Signature": "foo=bar"},
        lambda body: {"X-Hub-Signature-256": _hmac(SECRET, body, "sha256")},
        lambda body: {"X-Hub-Signature-256": "sha256=" + _hmac(SECRET, body, "sha256")[:-1]},
        lambda body: {"X-Hub-Signature-256": "sha256=" + "zz" * 32},
        lambda body: {"X-Hub-Signature-256": ""},
    ],
    ids=[
        "unsigned",
        "wrong secret",
        "signature of another body",
        "sha1 only",
        "md5 chosen by sender",
        "sha1 in sha256 header",
        "foo=bar",
        "foo=bar in sha1 header",
        "digest without prefix",
        "truncated digest",
        "not hex",
        "empty header",
    ],
)
async def test_badly_signed_message_is_refused_unprocessed(
    fake_api, serve, headers_for: Callable[[bytes], Dict[str, str]]
):
    async with serve(messenger(fake_api), [GREETING]) as server:
        body = text_event("Hallo")
        status, _ = await post(server, body, headers_for(body))

        assert status == 403
        assert server.agent.received == []
    assert fake_api.calls == []


async def test_a_signature_made_with_an_empty_secret_is_never_valid():
    body = text_event("Hallo")
    assert is_signed(SECRET, body, signed(body)["X-Hub-Signature-256"])
    assert not is_signed("", body, signed(body, secret="")["X-Hub-Signature-256"])


@pytest.mark.parametrize(
    "overrides",
    [{"secret": ""}, {"secret": None}, {"page-access-token": ""}],
    ids=["empty secret", "null secret", "empty page token"],
)
async def test_unconfigured_channel_refuses_every_message(fake_api, serve, overrides):
    channel = messenger(fake_api, **overrides)
    assert channel.get_output_channel() is None
    async with serve(channel, [GREETING]) as server:
        body = text_event("Hallo")
        # Signed with what is configured: an empty key is no secret at all.
        secret = overrides.get("secret", SECRET) or ""
        status, _ = await post(server, body, signed(body, secret=secret))

        assert status == 403
        assert server.agent.received == []
    assert fake_api.calls == []


async def test_channel_without_credentials_starts_and_refuses(fake_api, serve):
    channel = MessengerInput.from_credentials(None)
    async with serve(channel, [GREETING]) as server:
        body = text_event("Hallo")
        status, _ = await post(server, body, signed(body, secret=""))
        handshake, _ = await server.request(
            "GET", WEBHOOK, params={"hub.mode": "subscribe", "hub.challenge": "1"}
        )
        assert (status, handshake) == (403, 403)
        assert server.agent.received == []


# --- malformed input: 4xx, never 5xx ---------------------------------------------------


@pytest.mark.parametrize(
    "body, expected_status",
    [
        (b"", 400),
        (b"{not json", 400),
        (b"[]", 400),
        (b'"page"', 400),
        (b"\xff\xfe", 400),
        (b"[" * 100_000, 400),
        (b'{"object": "page", "entry": "x"}', 400),
        (b'{"object": "page", "entry": [1, {"messaging": "x"}, {"messaging": [2]}]}', 200),
        (
            b'{"object": "page", "entry": [{"messaging": [{"sender": {}, "message": {"text": "x"}}]}]}',
            200,
        ),
        (
            b'{"object": "page", "entry": [{"messaging": [{"sender": {"id": "1"}, "message": {"text": 5}}]}]}',
            200,
        ),
        (b'{"object": "instagram", "entry": []}', 200),
    ],
    ids=[
        "empty",
        "broken json",
        "list",
        "string",
        "not utf-8",
        "deeply nested",
        "entry not a list",
        "junk entries",
        "no sender",
        "text not a string",
        "other object",
    ],
)
async def test_malformed_signed_body_gets_a_4xx_or_is_ignored(
    fake_api, serve, body, expected_status
):
    async with serve(messenger(fake_api), [GREETING]) as server:
        status, _ = await post(server, body, signed(body))

        assert status == expected_status
        assert server.agent.received == []
    assert fake_api.calls == []


# --- what comes in ---------------------------------------------------------------------


async def test_quick_reply_postback_and_batch_are_all_processed_echoes_are_not(fake_api, serve):
    body = event(
        {"message": {"text": "Vertrag fehlt", "quick_reply": {"payload": "/contract_not_shown"}}},
        {"postback": {"title": "Los", "payload": "/greet"}},
        {"message": {"text": "Antwort der Seite", "is_echo": True}},
        {"message": {"attachments": [{"type": "image", "payload": {"url": "https://x"}}]}},
        {"read": {"watermark": 1}},
        {"message": {"text": "Danke"}},
    )
    async with serve(messenger(fake_api), []) as server:
        status, _ = await post(server, body, signed(body))

        assert status == 200
        assert [text for _, text, _ in server.agent.received] == [
            "/contract_not_shown",
            "/greet",
            "Danke",
        ]


# --- what goes out: Messenger's limits -------------------------------------------------


async def test_long_answer_is_split_between_steps_with_links_intact(fake_api, serve):
    assert 4400 <= len(LONG_ANSWER) <= 4600
    # Cutting every 2000 characters would break a link: the test can tell the difference.
    naive_cuts = [LONG_ANSWER[i : i + 2000] for i in range(0, len(LONG_ANSWER), 2000)]
    assert not all(any(link in cut for cut in naive_cuts) for link in LINKS)

    async with serve(messenger(fake_api), [{"text": LONG_ANSWER}]) as server:
        body = text_event("Ich sehe nur Nutzer")
        await post(server, body, signed(body))

    texts = [message["text"] for message in sent_messages(fake_api)]
    assert len(texts) >= 3
    assert all(len(text) <= 2000 for text in texts)
    assert "\n".join(texts) == LONG_ANSWER
    assert all(re.match(r"\d+\. ", text) for text in texts[1:])
    assert all(any(link in text for text in texts) for link in LINKS)


async def test_buttons_go_with_the_last_part_of_a_long_answer(fake_api, serve):
    response = {"text": LONG_ANSWER, "buttons": GREETING["buttons"]}
    async with serve(messenger(fake_api), [response]) as server:
        body = text_event("Ich sehe nur Nutzer")
        await post(server, body, signed(body))

    messages = sent_messages(fake_api)
    assert len(messages) >= 3
    assert ["quick_replies" in message for message in messages] == [False] * (len(messages) - 1) + [
        True
    ]
    assert "\n".join(message["text"] for message in messages) == LONG_ANSWER


async def test_fifteen_buttons_become_thirteen_short_quick_replies(fake_api, serve):
    buttons = [
        {"title": f"Antwortmöglichkeit Nummer {n}", "payload": f'/inform{{"n": {n}}}'}
        for n in range(1, 16)
    ]
    response = {"text": "Welche trifft zu?", "buttons": buttons}
    async with serve(messenger(fake_api), [response]) as server:
        body = text_event("Hallo")
        await post(server, body, signed(body))

    [message] = sent_messages(fake_api)
    replies = message["quick_replies"]
    assert len(replies) == 13
    assert all(len(reply["title"]) <= 20 for reply in replies)
    assert replies[0]["title"].startswith("Antwortmöglichkeit")
    assert [reply["payload"] for reply in replies] == [b["payload"] for b in buttons[:13]]


async def test_image_becomes_an_attachment(fake_api, serve):
    image = "https://www.telekom.de/resources/images/login-verknuepfungen.png"
    response = {"text": "So sieht die Seite aus:", "image": image}
    async with serve(messenger(fake_api), [response]) as server:
        body = text_event("Wo finde ich das?")
        await post(server, body, signed(body))

    assert sent_messages(fake_api) == [
        {"text": "So sieht die Seite aus:"},
        {"attachment": {"type": "image", "payload": {"url": image, "is_reusable": True}}},
    ]


async def test_image_goes_before_a_text_with_buttons_that_would_hide_them(fake_api, serve):
    image = "https://www.telekom.de/resources/images/login-verknuepfungen.png"
    response = {**GREETING, "image": image}
    async with serve(messenger(fake_api), [response]) as server:
        body = text_event("Hallo")
        await post(server, body, signed(body))

    messages = sent_messages(fake_api)
    assert [sorted(message) for message in messages] == [
        ["attachment"],
        ["quick_replies", "text"],
    ]


async def test_failing_graph_api_neither_breaks_the_webhook_nor_logs_the_token(
    fake_api, serve, caplog
):
    fake_api.status = 400
    async with serve(messenger(fake_api), [GREETING, {"text": "Zweite Nachricht"}]) as server:
        body = text_event("Hallo")
        status, _ = await post(server, body, signed(body))

    assert status == 200
    assert len(fake_api.calls) == 2
    assert "HTTP 400" in caplog.text
    assert TOKEN not in caplog.text
    assert SECRET not in caplog.text


async def test_personal_data_are_masked_before_the_bot_sees_them(fake_api, serve):
    async with serve(messenger(fake_api), [GREETING]) as server:
        body = text_event("Rufnummer 0151 23456789, Kd.-Nr. 4711081512")
        await post(server, body, signed(body))

        [(_, text, _)] = server.agent.received
    assert text == "Rufnummer [Rufnummer], Kd.-Nr. [Kundennummer]"
