"""The Telegram channel against a fake Bot API, served as `rasa run` serves it."""

import json
import re
from typing import Any, Dict, List, Optional

import pytest

from channels.delivery import MAX_MESSAGE_LENGTH, clean_text
from channels.telegram import TelegramInput
from tests.channels.conftest import APOLOGY

pytestmark = pytest.mark.asyncio

TOKEN = "123456:bot-token-test"
SECRET = "webhook-secret_test-1"
WEBHOOK = "/webhooks/telegram/webhook"
CHAT = 987654321

LONG_PAYLOAD = (
    '/inform{"customer_type": "privat", "link_status": "nur_nutzer", "number_shown": "nein"}'
)
QUESTION = {
    "text": "Sehen Sie bei dem Vertrag eine Rufnummer?",
    "buttons": [
        {"title": "Ja", "payload": "/affirm"},
        {"title": "Nein, keine Nummer", "payload": LONG_PAYLOAD},
    ],
}


def _step(number: int) -> str:
    return (
        f"{number}. Öffnen Sie im Kundencenter die Seite „Login-Verknüpfungen“ und "
        f"löschen Sie die Verknüpfung als „Nutzer“ für den Vertrag {number}:\n"
        f"https://www.telekom.de/hilfe/vertrag-meine-daten/login-verknuepfung/"
        f"nutzer-loeschen-{number}?quelle=chatbot"
    )


LONG_ANSWER = "Dann gehen Sie so vor:\n" + "\n".join(_step(n) for n in range(1, 41))
LINKS = re.findall(r"https://\S+", LONG_ANSWER)


def telegram(fake_api, **overrides: Optional[str]) -> TelegramInput:
    """Built like `rasa run` builds it: from the credentials.yml mapping."""
    credentials = {
        "access_token": TOKEN,
        "secret_token": SECRET,
        "api_url": fake_api.url,
        **overrides,
    }
    return TelegramInput.from_credentials(credentials)


def message_update(text: str) -> Dict[str, Any]:
    return {
        "update_id": 1,
        "message": {
            "message_id": 10,
            "date": 1700000000,
            "chat": {"id": CHAT, "type": "private"},
            "from": {"id": CHAT, "is_bot": False, "first_name": "Erika"},
            "text": text,
        },
    }


def callback_update(data: str, keyboard: List[List[Dict[str, str]]]) -> Dict[str, Any]:
    return {
        "update_id": 2,
        "callback_query": {
            "id": "cbq-1",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Erika"},
            "data": data,
            "message": {
                "message_id": 11,
                "chat": {"id": CHAT, "type": "private"},
                "text": QUESTION["text"],
                "reply_markup": {"inline_keyboard": keyboard},
            },
        },
    }


async def post(server, update: Any, secret: Optional[str] = SECRET):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return await server.request("POST", WEBHOOK, data=body, headers=headers)


def calls_to(fake_api, method: str) -> List[Dict[str, Any]]:
    return [call.body for call in fake_api.calls if call.path == f"/bot{TOKEN}/{method}"]


async def test_failed_message_gets_the_apology_with_the_way_forward(fake_api, serve):
    async with serve(telegram(fake_api), [QUESTION], failing=True) as server:
        status, _ = await post(server, message_update("Mein Vertrag fehlt"))

        assert status == 200
        assert server.agent.received == [(str(CHAT), "Mein Vertrag fehlt", "telegram")]
    [sent] = calls_to(fake_api, "sendMessage")
    assert sent["text"] == APOLOGY
    assert "https://www.telekom.de/kundencenter/login-verknuepfungen" in APOLOGY


async def test_text_is_cleaned_and_cut_before_the_nlu_as_on_every_channel(fake_api, serve):
    async with serve(telegram(fake_api), [QUESTION]) as server:
        await post(server, message_update("Ver\x00trag\nfehlt " + "x" * 5000))

        [(_, text, _)] = server.agent.received
    assert text == clean_text("Ver\x00trag\nfehlt " + "x" * 5000)
    assert text.startswith("Vertrag fehlt x") and len(text) == MAX_MESSAGE_LENGTH


async def test_message_with_secret_is_answered_through_the_bot_api(fake_api, serve):
    async with serve(telegram(fake_api), [QUESTION]) as server:
        status, _ = await post(server, message_update("Mein Vertrag fehlt"))

        assert status == 200
        assert server.agent.received == [(str(CHAT), "Mein Vertrag fehlt", "telegram")]
    [sent] = calls_to(fake_api, "sendMessage")
    assert len(fake_api.calls) == 1
    assert sent["chat_id"] == str(CHAT)
    assert sent["text"] == QUESTION["text"]
    keyboard = sent["reply_markup"]["inline_keyboard"]
    assert [[button["text"] for button in row] for row in keyboard] == [
        ["Ja"],
        ["Nein, keine Nummer"],
    ]
    assert keyboard[0][0]["callback_data"] == "/affirm"
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)


async def test_server_start_contacts_no_one(fake_api, serve):
    """The stock connector calls setWebhook at start, which fails without internet."""
    async with serve(telegram(fake_api), [QUESTION]):
        pass
    assert fake_api.calls == []


@pytest.mark.parametrize(
    "configured, sent",
    [
        (SECRET, None),
        (SECRET, "wrong-secret"),
        (SECRET, SECRET.upper()),
        (SECRET, SECRET + "x"),
        (SECRET, ""),
        ("", ""),
        (None, ""),
    ],
    ids=[
        "no header",
        "wrong secret",
        "case differs",
        "longer",
        "empty header",
        "empty secret configured",
        "null secret configured",
    ],
)
async def test_update_without_the_secret_is_refused_unprocessed(fake_api, serve, configured, sent):
    async with serve(telegram(fake_api, secret_token=configured), [QUESTION]) as server:
        status, _ = await post(server, message_update("Hallo"), secret=sent)

        assert status == 403
        assert server.agent.received == []
    assert fake_api.calls == []


async def test_channel_without_credentials_starts_and_refuses(fake_api, serve):
    channel = TelegramInput.from_credentials(None)
    assert channel.get_output_channel() is None
    async with serve(channel, [QUESTION]) as server:
        status, _ = await post(server, message_update("Hallo"), secret="")
        assert status == 403
        assert server.agent.received == []


async def test_empty_token_refuses_even_with_the_secret(fake_api, serve):
    async with serve(telegram(fake_api, access_token=""), [QUESTION]) as server:
        status, _ = await post(server, message_update("Hallo"))
        assert status == 403
        assert server.agent.received == []
    assert fake_api.calls == []


@pytest.mark.parametrize(
    "body, expected_status",
    [
        (b"", 400),
        (b"{not json", 400),
        (b"[]", 400),
        (b"\xff\xfe", 400),
        (b"[" * 100_000, 400),
        (b'{"update_id": 3}', 200),
        (b'{"message": "x"}', 200),
        (b'{"message": {"chat": {"id": 1}, "text": 5}}', 200),
        (b'{"message": {"chat": {}, "text": "Hallo"}}', 200),
        (b'{"message": {"chat": {"id": 1}, "sticker": {}}}', 200),
        (b'{"edited_message": {"chat": {"id": 1}, "text": "Hallo"}}', 200),
        (b'{"callback_query": {"data": 5, "message": {"chat": {"id": 1}}}}', 200),
        (b'{"callback_query": {"data": "#k:unknown", "message": {"chat": {"id": 1}}}}', 200),
    ],
    ids=[
        "empty",
        "broken json",
        "list",
        "not utf-8",
        "deeply nested",
        "no message",
        "message not an object",
        "text not a string",
        "no chat id",
        "sticker",
        "edited message",
        "callback data not a string",
        "unknown callback key",
    ],
)
async def test_malformed_update_gets_a_4xx_or_is_ignored(fake_api, serve, body, expected_status):
    async with serve(telegram(fake_api), [QUESTION]) as server:
        status, _ = await post(server, body)

        assert status == expected_status
        assert server.agent.received == []
    assert calls_to(fake_api, "sendMessage") == []


async def test_long_button_payload_travels_as_a_short_key_and_comes_back(fake_api, serve):
    assert len(LONG_PAYLOAD.encode()) > 64
    channel = telegram(fake_api)
    async with serve(channel, [QUESTION]) as server:
        await post(server, message_update("Hallo"))
        [sent] = calls_to(fake_api, "sendMessage")
        keyboard = sent["reply_markup"]["inline_keyboard"]
        key = keyboard[1][0]["callback_data"]
        assert len(key.encode()) <= 64
        assert key != LONG_PAYLOAD

        status, _ = await post(server, callback_update(key, keyboard))

        assert status == 200
        assert server.agent.received[-1] == (str(CHAT), LONG_PAYLOAD, "telegram")
    assert calls_to(fake_api, "answerCallbackQuery") == [{"callback_query_id": "cbq-1"}]


async def test_short_button_payload_comes_back_as_is(fake_api, serve):
    keyboard = [[{"text": "Ja", "callback_data": "/affirm"}]]
    async with serve(telegram(fake_api), []) as server:
        await post(server, callback_update("/affirm", keyboard))
        assert server.agent.received == [(str(CHAT), "/affirm", "telegram")]


async def test_after_a_restart_an_old_long_button_stands_for_its_title(fake_api, serve):
    async with serve(telegram(fake_api), [QUESTION]) as server:
        await post(server, message_update("Hallo"))
    keyboard = calls_to(fake_api, "sendMessage")[0]["reply_markup"]["inline_keyboard"]
    key = keyboard[1][0]["callback_data"]

    async with serve(telegram(fake_api), []) as restarted:
        await post(restarted, callback_update(key, keyboard))
        assert restarted.agent.received == [(str(CHAT), "Nein, keine Nummer", "telegram")]


async def test_start_command_greets(fake_api, serve):
    async with serve(telegram(fake_api), []) as server:
        await post(server, message_update("/start"))
        assert server.agent.received == [(str(CHAT), "/greet", "telegram")]


async def test_long_answer_is_split_between_steps_with_links_intact(fake_api, serve):
    assert 9000 <= len(LONG_ANSWER) <= 10000
    # Cutting every 4096 characters would break a link: the test can tell the difference.
    naive_cuts = [LONG_ANSWER[i : i + 4096] for i in range(0, len(LONG_ANSWER), 4096)]
    assert not all(any(link in cut for cut in naive_cuts) for link in LINKS)
    async with serve(telegram(fake_api), [{"text": LONG_ANSWER}]) as server:
        await post(server, message_update("Ich sehe nur Nutzer"))

    texts = [body["text"] for body in calls_to(fake_api, "sendMessage")]
    assert len(texts) >= 3
    assert all(len(text) <= 4096 for text in texts)
    assert "\n".join(texts) == LONG_ANSWER
    assert all(re.match(r"\d+\. ", text) for text in texts[1:])
    assert all(any(link in text for text in texts) for link in LINKS)


async def test_image_is_sent_as_a_photo(fake_api, serve):
    image = "https://www.telekom.de/resources/images/login-verknuepfungen.png"
    response = {"text": "So sieht die Seite aus:", "image": image}
    async with serve(telegram(fake_api), [response]) as server:
        await post(server, message_update("Wo finde ich das?"))

    assert calls_to(fake_api, "sendMessage") == [
        {"chat_id": str(CHAT), "text": "So sieht die Seite aus:"}
    ]
    assert calls_to(fake_api, "sendPhoto") == [{"chat_id": str(CHAT), "photo": image}]


async def test_failing_bot_api_neither_breaks_the_webhook_nor_logs_the_token(
    fake_api, serve, caplog
):
    fake_api.status = 400
    async with serve(telegram(fake_api), [QUESTION, {"text": "Zweite Nachricht"}]) as server:
        status, _ = await post(server, message_update("Hallo"))

    assert status == 200
    assert len(fake_api.calls) == 2
    assert "HTTP 400" in caplog.text
    assert TOKEN not in caplog.text


async def test_personal_data_are_masked_before_the_bot_sees_them(fake_api, serve):
    async with serve(telegram(fake_api), [QUESTION]) as server:
        await post(server, message_update("Rufnummer 0151 23456789, Kd.-Nr. 4711081512"))

        [(_, text, _)] = server.agent.received
    assert text == "Rufnummer [Rufnummer], Kd.-Nr. [Kundennummer]"
