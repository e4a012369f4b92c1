"""Telegram channel: webhook authenticated by its secret token, replies via the Bot API.

Used in credentials.yml as `channels.telegram.TelegramInput:` with the keys
`access_token`, `secret_token` and `api_url`; the webhook is
`/webhooks/telegram/webhook`. Unlike the stock connector it never calls `setWebhook`
at server start (that needs the internet and keeps Rasa from starting without it):
the webhook is registered once by hand, with the same secret token (see README).
"""

import hashlib
import json
import logging
import re
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import credentials_of, same_secret, warn_if_missing, webhook_blueprint
from channels.api_client import JsonApi
from channels.delivery import deliver
from channels.limits import WithoutCustomJson, split_text

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

# The Bot API's own limits.
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
_VALID_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")

# Telegram sends "/start" when a customer opens the bot; Rasa would read it as an
# intent "start" the domain does not have, so it is greeted instead.
START_COMMAND = re.compile(r"/start(@\w+)?(\s.*)?", re.DOTALL)
START_PAYLOAD = "/greet"


class CallbackData:
    """Fits button payloads into Telegram's 64-byte `callback_data` and back.

    A longer payload travels as a short key derived from it. The key maps back while
    this process remembers it; after a restart, the button's title stands in for the
    payload, so an old button still says what the customer chose.
    """

    PREFIX = "#k:"

    def __init__(self, capacity: int = 1024) -> None:
        self._payloads: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES and not payload.startswith(
            self.PREFIX
        ):
            return payload
        key = self.PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self._capacity:
            self._payloads.popitem(last=False)
        return key

    def decode(self, data: str, title: Optional[str]) -> Optional[str]:
        if not data.startswith(self.PREFIX):
            return data
        return self._payloads.get(data) or title


def inline_keyboard(buttons: List[Dict[str, Any]], callbacks: CallbackData) -> Dict[str, Any]:
    """One button per row: side by side, titles are cut off on a phone."""
    rows = []
    for button in buttons:
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title)
        if title:
            rows.append([{"text": title, "callback_data": callbacks.encode(payload)}])
    return {"inline_keyboard": rows}


class TelegramOutput(WithoutCustomJson):
    """Sends the bot's answers through the Bot API, as plain text (no Markdown)."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(
        self,
        api: JsonApi,
        callbacks: CallbackData,
        session: Optional[aiohttp.ClientSession] = None,
    ) -> None:
        super().__init__()
        self._api = api
        self._callbacks = callbacks
        self._session = session

    async def call(self, method: str, payload: Dict[str, Any]) -> bool:
        return await self._api.post(self._session, method, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, MAX_TEXT_LENGTH):
            await self.call("sendMessage", {"chat_id": recipient_id, "text": part})

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        """The keyboard goes with the last part, below the end of the answer."""
        *first_parts, last_part = split_text(text, MAX_TEXT_LENGTH) or [""]
        for part in first_parts:
            await self.call("sendMessage", {"chat_id": recipient_id, "text": part})
        if not last_part:
            logger.warning("Telegram cannot show buttons without a text; dropped.")
            return
        await self.call(
            "sendMessage",
            {
                "chat_id": recipient_id,
                "text": last_part,
                "reply_markup": inline_keyboard(buttons, self._callbacks),
            },
        )

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.call("sendPhoto", {"chat_id": recipient_id, "photo": image})


class TelegramInput(InputChannel):
    """Receives Telegram updates; rejects everything until token and secret are set."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TelegramInput":
        return cls(**credentials_of(credentials, "access_token", "secret_token", "api_url"))

    def __init__(
        self,
        access_token: Optional[str] = "",
        secret_token: Optional[str] = "",
        api_url: Optional[str] = "",
    ) -> None:
        self.access_token = (access_token or "").strip()
        self.secret_token = (secret_token or "").strip()
        base_url = (api_url or "").strip().rstrip("/") or DEFAULT_API_URL
        self.api = JsonApi(f"{base_url}/bot{self.access_token}", [self.access_token])
        self.callbacks = CallbackData()
        missing = warn_if_missing(
            "Telegram", {"access_token": self.access_token, "secret_token": self.secret_token}
        )
        if not missing and not _VALID_SECRET_TOKEN.fullmatch(self.secret_token):
            logger.warning(
                "Telegram accepts only 1-256 characters A-Z, a-z, 0-9, _ and - as "
                "secret_token; setWebhook will refuse this one."
            )

    @property
    def accepts_messages(self) -> bool:
        return bool(self.access_token and self.secret_token)

    def get_output_channel(self) -> Optional[TelegramOutput]:
        if not self.accepts_messages:
            return None
        return TelegramOutput(self.api, self.callbacks)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = webhook_blueprint("telegram_own_webhook")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.accepts_messages or not same_secret(
                request.headers.get(SECRET_HEADER), self.secret_token
            ):
                logger.warning("Telegram webhook call without the secret token.")
                return response.text("forbidden", status=403)
            try:
                update = json.loads(request.body)
            except (ValueError, RecursionError):
                return response.text("malformed update", status=400)
            if not isinstance(update, dict):
                return response.text("malformed update", status=400)
            async with self.api.session() as session:
                output = TelegramOutput(self.api, self.callbacks, session)
                await self._handle(update, output, on_new_message, request.app.ctx.agent)
            return response.text("ok")

        return webhook

    async def _handle(
        self,
        update: Dict[str, Any],
        output: TelegramOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any,
    ) -> None:
        callback_query = update.get("callback_query")
        if isinstance(callback_query, dict) and callback_query.get("id"):
            # Until the query is answered, the customer's app shows a spinner.
            await output.call("answerCallbackQuery", {"callback_query_id": callback_query["id"]})
        incoming = self._incoming(update)
        if incoming is None:
            return
        chat_id, text = incoming
        # Telegram redelivers an update that is not answered with 200, and a
        # redelivery would fail the same way; so a failure gets the apology, and the
        # webhook its 200.
        message = UserMessage(text, output, chat_id, input_channel=self.name())
        await deliver(on_new_message, message, agent)

    def _incoming(self, update: Dict[str, Any]) -> Optional[Tuple[str, str]]:
        """(chat, text) of a typed message or a pressed button; None for anything else.

        Edited messages are not answered again: the conversation has moved on.
        """
        callback_query = update.get("callback_query")
        if isinstance(callback_query, dict):
            message = _dict(callback_query.get("message"))
            data = callback_query.get("data")
            chat_id = _dict(message.get("chat")).get("id") or _dict(callback_query.get("from")).get(
                "id"
            )
            if not isinstance(data, str) or not chat_id:
                return None
            text = self.callbacks.decode(data, _button_title(message, data))
            return (str(chat_id), text) if text else None
        message = _dict(update.get("message"))
        text = message.get("text")
        chat_id = _dict(message.get("chat")).get("id")
        if not isinstance(text, str) or not text.strip() or not chat_id:
            return None
        if START_COMMAND.fullmatch(text.strip()):
            text = START_PAYLOAD
        return str(chat_id), text


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _button_title(message: Dict[str, Any], data: str) -> Optional[str]:
    """The title of the pressed button, read from the message that carried it."""
    keyboard = _dict(message.get("reply_markup")).get("inline_keyboard")
    for row in keyboard if isinstance(keyboard, list) else []:
        for button in row if isinstance(row, list) else []:
            if isinstance(button, dict) and button.get("callback_data") == data:
                title = button.get("text")
                return title if isinstance(title, str) else None
    return None
