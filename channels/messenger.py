"""Facebook Messenger channel: webhook with SHA-256 signatures, replies via the Graph API.

Used in credentials.yml as `channels.messenger.MessengerInput:` with the keys `verify`,
`secret`, `page-access-token` and `graph-api-url`; the webhook is
`/webhooks/messenger/webhook`.
"""

import hashlib
import hmac
import logging
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import same_secret, warn_if_missing
from channels.api_client import JsonApi
from channels.limits import truncate
from channels.platform import PlatformInput, PlatformOutput

logger = logging.getLogger(__name__)

# A Graph API version lives about two years; the URL is configurable for that reason.
DEFAULT_GRAPH_API_URL = "https://graph.facebook.com/v21.0"

# Messenger's own limits for one message.
MAX_TEXT_LENGTH = 2000
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
MAX_QUICK_REPLY_PAYLOAD = 1000

_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})")


def is_signed(app_secret: str, body: bytes, signature_header: Optional[str]) -> bool:
    """Checks `X-Hub-Signature-256`, the HMAC-SHA256 of the raw body with the app secret.

    Only SHA-256 is accepted: letting the header name the algorithm, as the stock
    connector does, lets a sender choose a weak one.
    """
    if not app_secret or not signature_header:
        return False
    match = _SIGNATURE.fullmatch(signature_header.strip())
    if not match:
        return False
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def graph_params(access_token: str, app_secret: str) -> Dict[str, str]:
    """Query parameters of every Graph API call.

    appsecret_proof proves the token is used by the app's own server; Meta requires it
    once "Require App Secret" is switched on for the app.
    """
    proof = hmac.new(
        app_secret.encode("utf-8"), access_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return {"access_token": access_token, "appsecret_proof": proof}


def quick_replies(buttons: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    """Rasa buttons as Messenger quick replies, cut to what Messenger accepts."""
    if len(buttons) > MAX_QUICK_REPLIES:
        logger.warning(
            "Messenger shows at most %s quick replies; %s buttons dropped.",
            MAX_QUICK_REPLIES,
            len(buttons) - MAX_QUICK_REPLIES,
        )
    replies = []
    for button in buttons[:MAX_QUICK_REPLIES]:
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title)
        if not title or len(payload) > MAX_QUICK_REPLY_PAYLOAD:
            logger.warning("Button without title or with a too long payload dropped.")
            continue
        replies.append(
            {
                "content_type": "text",
                "title": truncate(title, MAX_QUICK_REPLY_TITLE),
                "payload": payload,
            }
        )
    return replies


class MessengerOutput(PlatformOutput):
    """Sends the bot's answers through the Graph API's Send API."""

    platform = "messenger"
    max_text_length = MAX_TEXT_LENGTH

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Sends an image before the text, not after it, when the text has buttons.

        Messenger hides quick replies as soon as another message follows them.
        """
        message = dict(message)
        if message.get("image") and (message.get("buttons") or message.get("quick_replies")):
            await self.send_image_url(recipient_id, message.pop("image"))
        await super().send_response(recipient_id, message)

    async def _send(self, recipient_id: str, message: Dict[str, Any]) -> bool:
        payload = {
            "recipient": {"id": recipient_id},
            "messaging_type": "RESPONSE",
            "message": message,
        }
        return await self.post("me/messages", payload, self._channel.graph_params)

    async def send_part(
        self, recipient_id: str, text: str, buttons: Optional[List[Dict[str, Any]]] = None
    ) -> None:
        message: Dict[str, Any] = {"text": text}
        replies = quick_replies(buttons or [])
        if replies:
            message["quick_replies"] = replies
        await self._send(recipient_id, message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        attachment = {"type": "image", "payload": {"url": image, "is_reusable": True}}
        await self._send(recipient_id, {"attachment": attachment})


class MessengerInput(PlatformInput):
    """Receives Messenger webhooks; rejects everything until all secrets are set."""

    output_class = MessengerOutput
    blueprint_name = "messenger_webhook"
    acknowledgement = "EVENT_RECEIVED"

    credential_keys = ("verify", "secret", "page-access-token", "graph-api-url")

    def __init__(
        self,
        verify: str = "",
        secret: str = "",
        page_access_token: str = "",
        graph_api_url: str = "",
    ) -> None:
        self.verify = verify
        self.secret = secret
        self.page_access_token = page_access_token
        self.graph_params = graph_params(self.page_access_token, self.secret)
        self.api = JsonApi(
            graph_api_url or DEFAULT_GRAPH_API_URL,
            [self.page_access_token, self.secret, self.graph_params["appsecret_proof"]],
        )
        warn_if_missing(
            "Messenger",
            {
                "verify": self.verify,
                "secret": self.secret,
                "page-access-token": self.page_access_token,
            },
        )

    @property
    def accepts_messages(self) -> bool:
        return bool(self.secret and self.page_access_token)

    def is_authentic(self, request: Request) -> bool:
        return is_signed(self.secret, request.body, request.headers.get("X-Hub-Signature-256"))

    async def messages(
        self, event: Dict[str, Any], output: PlatformOutput
    ) -> Iterable[Tuple[str, str]]:
        return list(incoming_messages(event))

    def add_routes(self, webhook: Blueprint) -> None:
        @webhook.route("/webhook", methods=["GET"])
        async def verify_webhook(request: Request) -> HTTPResponse:
            """Meta's subscription handshake: echo the challenge to the right token."""
            if request.args.get("hub.mode") != "subscribe" or not same_secret(
                request.args.get("hub.verify_token"), self.verify
            ):
                logger.warning("Messenger webhook verification with a wrong token.")
                return response.text("forbidden", status=403)
            challenge = request.args.get("hub.challenge")
            if not challenge:
                return response.text("missing hub.challenge", status=400)
            return response.text(challenge)


def incoming_messages(event: Any) -> Iterator[Tuple[str, str]]:
    """(sender, text) of each customer message in a webhook event.

    Typed text, quick replies and postbacks count; echoes of the page's own messages,
    delivery and read receipts and attachments do not.
    Raises ValueError for an event that is not shaped like a Messenger event at all.
    """
    if not isinstance(event, dict) or not isinstance(event.get("entry", []), list):
        raise ValueError("not a webhook event")
    if event.get("object") != "page":
        return
    for entry in event.get("entry", []):
        messaging = entry.get("messaging") if isinstance(entry, dict) else None
        for item in messaging if isinstance(messaging, list) else []:
            if not isinstance(item, dict):
                continue
            sender = item.get("sender")
            sender_id = sender.get("id") if isinstance(sender, dict) else None
            text = _text_of(item)
            if sender_id and text:
                yield str(sender_id), text


def _text_of(item: Dict[str, Any]) -> Optional[str]:
    message = item.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return None
        quick_reply = message.get("quick_reply")
        if isinstance(quick_reply, dict) and isinstance(quick_reply.get("payload"), str):
            return quick_reply["payload"]
        return message["text"] if isinstance(message.get("text"), str) else None
    postback = item.get("postback")
    if isinstance(postback, dict) and isinstance(postback.get("payload"), str):
        return postback["payload"]
    return None
