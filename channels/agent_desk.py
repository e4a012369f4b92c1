"""The agent desk's way into a conversation a person took over: `POST /webhooks/agent/webhook`.

The bot hands a case over in the action server (actions/actions.py, handover/desk.py) and
pauses the conversation. The agent's desk then posts here, signed like everything between
the two (`X-Signature-256: sha256=<HMAC-SHA256 of the body with HANDOVER_SECRET>`):

    {"conversation_id": "...", "text": "Guten Tag, ..."}   a message for the customer
    {"conversation_id": "...", "end": true}                  the bot takes over again

Answers: 200 when delivered, 400 for a malformed body, 401 for a missing or wrong
signature, 403 while no secret is configured, 404 for an unknown conversation, 409 when
the conversation is not handed over (the bot would be talking at the same time). The
message reaches the customer on the channel they last wrote on (channels/delivery.py).
"""

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import credential, warn_if_missing, webhook_blueprint
from channels.delivery import MAX_MESSAGE_LENGTH, AgentDelivery, deliver_from_agent
from channels.rest import is_valid_sender
from handover import desk

logger = logging.getLogger(__name__)

STATUS = {AgentDelivery.DELIVERED: 200, AgentDelivery.UNKNOWN: 404, AgentDelivery.NOT_PAUSED: 409}


class AgentDeskInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "agent"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "AgentDeskInput":
        return cls(credential(credentials, "secret"))

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        warn_if_missing("Agent desk", {"secret": secret})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = webhook_blueprint("agent_desk_webhook")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.secret:
                return _error(403, "No agent desk is configured.")
            if not desk.is_signed(
                request.body, request.headers.get(desk.SIGNATURE_HEADER), self.secret
            ):
                return _error(401, f"Missing or wrong {desk.SIGNATURE_HEADER}.")
            try:
                conversation_id, text, end = _parse(request.body)
            except ValueError as error:
                return _error(400, str(error))
            outcome = await deliver_from_agent(
                request.app.ctx.agent,
                getattr(request.app.ctx, "input_channels", None) or [],
                conversation_id,
                text,
                end,
            )
            status = STATUS[outcome]
            if status != 200:
                return _error(status, outcome.value)
            return response.json({"delivered": True, "ended": end})

        return webhook


def _parse(body: bytes):
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("The body must be JSON.") from None
    if not isinstance(data, dict):
        raise ValueError("The body must be a JSON object.")
    conversation_id = data.get("conversation_id")
    if not isinstance(conversation_id, str) or not is_valid_sender(conversation_id):
        raise ValueError("'conversation_id' must name a conversation.")
    text, end = data.get("text"), data.get("end", False)
    if text is not None and (not isinstance(text, str) or not text.strip()):
        raise ValueError("'text' must be a non-empty string.")
    if text is not None and len(text) > MAX_MESSAGE_LENGTH:
        raise ValueError(f"'text' must be at most {MAX_MESSAGE_LENGTH} characters.")
    if not isinstance(end, bool) or (text is None and not end):
        raise ValueError("Send 'text', or 'end': true.")
    return conversation_id, text, end


def _error(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)
