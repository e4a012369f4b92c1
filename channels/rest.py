"""REST channel: a 4xx for every malformed request, and an answer for every message.

Same name, URL and protocol as Rasa's stock `rest` channel: `POST /webhooks/rest/webhook`
with `{"sender": "...", "message": "...", "metadata": {...}}` (metadata optional), answered
with the JSON list of the bot's messages. Registered in credentials.yml as
`channels.rest.RestInput:`. Where the stock channel falls short (RASA-NOTES.md):
- an empty body or `[]` gives HTTP 500: here every malformed request gets a 4xx;
- a client can name another input channel (`input_channel`): here it is always "rest";
- a failure is logged with the customer's text and answered with silence: here nothing the
  customer typed is logged, and a failure is answered with `technical_problem`.
The `stream` option of the stock channel is not offered.
"""

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import webhook_blueprint
from channels.delivery import deliver

# Room for a 10,000-character message even when every character arrives JSON-escaped
# (an emoji as "\ud83d\ude00": 12 bytes), far below what a chat client ever sends.
MAX_BODY_BYTES = 256 * 1024
# The tracker stores key conversations by a column of 255 characters.
MAX_SENDER_LENGTH = 128


class Rejected(Exception):
    """A request the channel does not take, with the HTTP status that says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Incoming:
    sender: str
    text: str
    metadata: Optional[Dict[str, Any]]


def parse_request(content_type: Optional[str], body: bytes) -> Incoming:
    """The sender, cleaned text and metadata of a webhook call, or `Rejected` with a 4xx."""
    if len(body) > MAX_BODY_BYTES:
        raise Rejected(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    _check_content_type(content_type)
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise Rejected(400, "The body is not valid UTF-8.") from None
    except (ValueError, RecursionError):
        raise Rejected(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise Rejected(400, "The body must be a JSON object.")

    sender = data.get("sender")
    if not isinstance(sender, str) or not is_valid_sender(sender):
        raise Rejected(
            400,
            f"'sender' must be a string of 1 to {MAX_SENDER_LENGTH} printable characters.",
        )
    text = data.get("message")
    if not isinstance(text, str):
        raise Rejected(400, "'message' must be a string.")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Rejected(400, "'metadata' must be a JSON object.")
    return Incoming(sender, text, metadata)


def _check_content_type(content_type: Optional[str]) -> None:
    media_type, _, parameters = (content_type or "").partition(";")
    if media_type.strip().lower() != "application/json":
        raise Rejected(415, "The body must be sent as application/json.")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip(' "').lower() not in {"utf-8", "utf8"}:
            raise Rejected(415, "The body must be encoded in UTF-8.")


def is_valid_sender(sender: str) -> bool:
    """A conversation ID: short, printable, without surrounding whitespace."""
    return (
        0 < len(sender) <= MAX_SENDER_LENGTH and sender.isprintable() and sender.strip() == sender
    )


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = webhook_blueprint(f"custom_webhook_{type(self).__name__}")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = parse_request(request.headers.get("content-type"), request.body)
            except Rejected as rejected:
                return response.json({"error": rejected.reason}, status=rejected.status)

            collector = CollectingOutputChannel()
            message = UserMessage(
                incoming.text,
                collector,
                incoming.sender,
                input_channel=self.name(),
                metadata=incoming.metadata,
            )
            await deliver(
                on_new_message,
                message,
                request.app.ctx.agent,
                answered=lambda: bool(collector.messages),
                take_back=collector.messages.clear,
            )
            return response.json(collector.messages)

        return webhook
