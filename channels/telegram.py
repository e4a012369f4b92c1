"""Telegram channel: webhook authenticated by its secret token, replies via the Bot API.

Used in credentials.yml as `channels.telegram.TelegramInput:` with the keys
`access_token`, `secret_token` and `api_url`; the webhook is
`/webhooks/telegram/webhook`. Unlike the stock connector it never calls `setWebhook`
at server start (that needs the internet and keeps Rasa from starting without it):
the webhook is registered once by hand, with the same secret token (see README).
"""

import hashlib
import logging
import re
from collections import OrderedDict
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sanic.request import Request

from channels import same_secret, warn_if_missing
from channels.api_client import JsonApi
from channels.platform import PlatformInput, PlatformOutput

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


class TelegramOutput(PlatformOutput):
    """Sends the bot's answers through the Bot API, as plain text (no Markdown)."""

    platform = "telegram"
    max_text_length = MAX_TEXT_LENGTH

    async def send_part(
        self, recipient_id: str, text: str, buttons: Optional[List[Dict[str, Any]]] = None
    ) -> None:
        message: Dict[str, Any] = {"chat_id": recipient_id, "text": text}
        if buttons:
            message["reply_markup"] = inline_keyboard(buttons, self._channel.callbacks)
        await self.post("sendMessage", message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.post("sendPhoto", {"chat_id": recipient_id, "photo": image})


class TelegramInput(PlatformInput):
    """Receives Telegram updates; rejects everything until token and secret are set."""

    output_class = TelegramOutput
    # Not "telegram_webhook": that is the stock connector's blueprint.
    blueprint_name = "telegram_own_webhook"

    credential_keys = ("access_token", "secret_token", "api_url")

    def __init__(self, access_token: str = "", secret_token: str = "", api_url: str = "") -> None:
        self.access_token = access_token
        self.secret_token = secret_token
        base_url = api_url.rstrip("/") or DEFAULT_API_URL
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

    def is_authentic(self, request: Request) -> bool:
        return same_secret(request.headers.get(SECRET_HEADER), self.secret_token)

    async def messages(
        self, event: Dict[str, Any], output: PlatformOutput
    ) -> Iterable[Tuple[str, str]]:
        callback_query = event.get("callback_query")
        if isinstance(callback_query, dict) and callback_query.get("id"):
            # Until the query is answered, the customer's app shows a spinner.
            await output.post("answerCallbackQuery", {"callback_query_id": callback_query["id"]})
        incoming = self._incoming(event)
        return [incoming] if incoming else []

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
