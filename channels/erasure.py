"""Erasure on request (DSGVO Art. 17): `DELETE /conversations/<conversation_id>`.

Rasa's HTTP API can read, append to and replace a conversation, but not delete it: a
replaced tracker keeps its old rows in the SQL store. This endpoint deletes every stored
event of the conversation: 204 when there were any, 404 when there were none, 401 without
the API token (the one of `rasa run --auth-token`, passed as RASA_API_TOKEN; unset, nothing
can be deleted). The token goes as Rasa's API takes it: `?token=...` or `Authorization:
Bearer ...`. Rasa loads this like a channel (credentials.yml), at /conversations beside its
own conversation endpoints; the customer-facing channels know nothing of it.
"""

import logging
from typing import Any, Awaitable, Callable, Dict, Optional

import sqlalchemy as sa
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import credential, prepare_rasa, same_secret
from channels.retention import sql_engine

logger = logging.getLogger(__name__)

_DELETE = sa.text("DELETE FROM events WHERE sender_id = :sender_id")


def delete_conversation(tracker_store: Any, conversation_id: str) -> int:
    """Deletes the conversation's stored events; how many there were."""
    engine = sql_engine(tracker_store)
    if engine is not None:
        with engine.begin() as connection:
            return connection.execute(_DELETE, {"sender_id": conversation_id}).rowcount
    inner = getattr(tracker_store, "_tracker_store", tracker_store)
    stored = getattr(inner, "store", {})  # InMemoryTrackerStore keeps trackers in a dict
    return 1 if stored.pop(conversation_id, None) is not None else 0


def _given_token(request: Request) -> Optional[str]:
    header = request.headers.get("Authorization") or ""
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.args.get("token")


class ErasureInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "erasure"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "ErasureInput":
        return cls(credential(credentials, "token"))

    def __init__(self, token: str = "") -> None:
        self.token = token

    def url_prefix(self) -> str:
        # Rasa joins it to /webhooks/; an absolute path stands on its own.
        return "/conversations"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        prepare_rasa()
        erasure = Blueprint("conversation_erasure", __name__)

        @erasure.route("/<conversation_id:path>", methods=["DELETE"])
        async def erase(request: Request, conversation_id: str) -> HTTPResponse:
            if not same_secret(_given_token(request), self.token):
                return response.json({"status": "failure", "reason": "NotAuthorized"}, status=401)
            agent = request.app.ctx.agent
            async with agent.lock_store.lock(conversation_id):
                deleted = delete_conversation(agent.tracker_store, conversation_id)
            if not deleted:
                return response.json(
                    {"status": "failure", "reason": "UnknownConversation"}, status=404
                )
            logger.info("A conversation was erased on request (%d events)", deleted)
            return response.empty(status=204)

        return erasure
