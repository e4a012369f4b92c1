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
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.faults import apologize, process

# Room for a 10,000-character message even when every character arrives JSON-escaped
# (an emoji as "\ud83d\ude00": 12 bytes), far below what a chat client ever sends.
MAX_BODY_BYTES = 256 * 1024
# The tracker stores key conversations by a column of 255 characters.
MAX_SENDER_LENGTH = 128
# A problem description takes a few sentences. Longer messages are cut before the NLU: it
# runs in the server's one event loop, and its time grows faster than the number of tokens
# (measured, /model/parse: 10,000 emoji 26 s, 2,000 emoji 0.7 s, 1,000 emoji 0.3 s; German
# text 2.6 s / 0.15 s / 0.08 s), so one pasted text would hold up every other conversation.
# The tracker also keeps less of what was pasted.
MAX_MESSAGE_LENGTH = 1000

# Line breaks and tabs are whitespace to the tokenizer; other control characters are noise.
_WHITESPACE_CONTROLS = {"\n", "\t", "\r"}


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
        raise Rejected(400, "The body is not valid UTF-8.")
    except (ValueError, RecursionError):
        raise Rejected(400, "The body is not valid JSON.")
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
    return Incoming(sender, clean_text(text), metadata)


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
        0 < len(sender) <= MAX_SENDER_LENGTH
        and sender.isprintable()
        and sender.strip() == sender
    )


def clean_text(text: str) -> str:
    """What the NLU gets: composed umlauts, no control characters, at most MAX_MESSAGE_LENGTH.

    Lone surrogates (possible in JSON as "\\ud800") cannot be stored or encoded, and other
    control characters only disturb the tokenizer; both are dropped, line breaks become
    spaces. NFC turns an "u" followed by a combining diaeresis (as some systems send it)
    into the "ü" the NLU learnt.
    """
    kept = []
    for character in unicodedata.normalize("NFC", text):
        category = unicodedata.category(character)
        if character in _WHITESPACE_CONTROLS:
            kept.append(" ")
        elif category not in ("Cc", "Cs"):
            kept.append(character)
    return "".join(kept).strip()[:MAX_MESSAGE_LENGTH].strip()


class RestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

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
            outcome = await process(on_new_message, message)
            # Every message of this bot gets an answer, so none means something went wrong.
            if outcome.failed or not collector.messages:
                await apologize(message, request.app.ctx.agent)
            return response.json(collector.messages)

        return webhook
