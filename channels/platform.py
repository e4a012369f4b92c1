"""What the Messenger and Telegram connectors share: a platform that calls our webhook
and is answered through its own HTTP API.

`PlatformInput` owns the webhook: it rejects every call until the channel's secrets are
set, checks the platform's authentication, parses the body, opens one API session for
all replies to the call, and hands each customer message to `deliver`. A connector says
only how the platform authenticates, what its events look like and how it is answered.

`PlatformOutput` sends an answer cut to the platform's size (channels/limits.py), with
the buttons on its last part, below the end of the answer.
"""

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Tuple, Type

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import credentials_of, webhook_blueprint
from channels.api_client import JsonApi
from channels.delivery import deliver
from channels.limits import WithoutCustomJson, split_text

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class PlatformOutput(WithoutCustomJson):
    # The channel's name in credentials.yml's connectors and in the conversations.
    platform: str
    max_text_length: int

    @classmethod
    def name(cls) -> str:
        return cls.platform

    def __init__(
        self, channel: "PlatformInput", session: Optional[aiohttp.ClientSession] = None
    ) -> None:
        super().__init__()
        self._channel = channel
        self._session = session

    async def post(
        self, path: str, payload: Dict[str, Any], params: Optional[Dict[str, str]] = None
    ) -> bool:
        return await self._channel.api.post(self._session, path, payload, params)

    async def send_part(
        self, recipient_id: str, text: str, buttons: Optional[List[Dict[str, Any]]] = None
    ) -> None:
        """Sends one message of at most max_text_length, with the buttons if any."""
        raise NotImplementedError

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_text(text, self.max_text_length):
            await self.send_part(recipient_id, part)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        *first_parts, last_part = split_text(text, self.max_text_length) or [""]
        for part in first_parts:
            await self.send_part(recipient_id, part)
        if not last_part:
            logger.warning("%s cannot show buttons without a text; dropped.", self.name())
            return
        await self.send_part(recipient_id, last_part, buttons)

    async def send_quick_replies(
        self,
        recipient_id: str,
        text: str,
        quick_replies: List[Dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class PlatformInput(InputChannel):
    output_class: Type[PlatformOutput]
    # The keys of the channel's entry in credentials.yml, passed to __init__ ("-" as "_").
    credential_keys: Tuple[str, ...]
    api: JsonApi
    # Rasa's stock connectors already use "<name>_webhook" for their blueprints.
    blueprint_name: str
    # What the platform expects as the body of a 200.
    acknowledgement = "ok"

    @property
    def accepts_messages(self) -> bool:
        """Whether every secret the platform needs is set; else every call is rejected."""
        raise NotImplementedError

    def is_authentic(self, request: Request) -> bool:
        raise NotImplementedError

    @classmethod
    def name(cls) -> str:
        return cls.output_class.platform

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "PlatformInput":
        return cls(**credentials_of(credentials, *cls.credential_keys))

    def output(self, session: Optional[aiohttp.ClientSession]) -> PlatformOutput:
        return self.output_class(self, session)

    async def messages(
        self, event: Dict[str, Any], output: PlatformOutput
    ) -> Iterable[Tuple[str, str]]:
        """(sender, text) of each customer message in an event.

        Raises ValueError for an event that is not shaped like the platform's at all.
        """
        raise NotImplementedError

    def add_routes(self, webhook: Blueprint) -> None:
        """Routes besides POST /webhook, such as a subscription handshake."""

    def get_output_channel(self) -> Optional[PlatformOutput]:
        return self.output(None) if self.accepts_messages else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = webhook_blueprint(self.blueprint_name)
        self.add_routes(webhook)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.accepts_messages or not self.is_authentic(request):
                logger.warning("%s webhook call without valid authentication.", self.name())
                return response.text("forbidden", status=403)
            try:
                event = json.loads(request.body)
            except (ValueError, RecursionError):
                event = None
            if not isinstance(event, dict):
                return response.text("malformed webhook event", status=400)
            async with self.api.session() as session:
                output = self.output(session)
                try:
                    messages = list(await self.messages(event, output))
                except ValueError:
                    return response.text("malformed webhook event", status=400)
                for sender_id, text in messages:
                    # The platform redelivers an event not answered with 200, and a
                    # redelivery would fail the same way; so a failure gets the
                    # apology (in deliver), and the webhook its 200.
                    message = UserMessage(text, output, sender_id, input_channel=self.name())
                    await deliver(on_new_message, message, request.app.ctx.agent)
            return response.text(self.acknowledgement)

        return webhook
