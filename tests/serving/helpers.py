"""Helpers for tests that talk to the running bot (the session fixture `bot`) over raw HTTP."""

import asyncio
import json
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator, Callable, List, Optional, Tuple

import yaml

from tests.bot_server import Bot, http

ROOT = Path(__file__).resolve().parents[2]
WEBHOOK = "/webhooks/rest/webhook"
PROBLEM = "Mein Handyvertrag wird im Kundencenter nicht angezeigt"
ASK_CUSTOMER_TYPE = "Privatkunden- oder einen Geschäftskundenvertrag"


def domain_text(response: str) -> str:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][response][0]["text"]


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def post(
    bot: Bot, raw: bytes, content_type: Optional[str] = "application/json"
) -> Tuple[int, bytes]:
    headers = {"Content-Type": content_type} if content_type else {}
    return http("POST", bot.url + WEBHOOK, raw, headers)


def send(bot: Bot, sender: str, message: object) -> Tuple[int, bytes]:
    return post(bot, json.dumps({"sender": sender, "message": message}).encode())


def all_text(replies: List[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def events(bot: Bot, sender: str) -> List[dict]:
    return bot.tracker(sender)["events"]


class WebsiteChat:
    """A socket.io client as the website chat is: a persistent session, replies collected."""

    def __init__(self, client, session_id: str, replies: List[str]) -> None:
        self.client, self.session_id, self.replies = client, session_id, replies

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def until(self, condition: Callable[[], bool], timeout: float = 60) -> bool:
        for _ in range(int(timeout * 10)):
            if condition():
                return True
            await asyncio.sleep(0.1)
        return condition()


@asynccontextmanager
async def website_chat(bot: Bot, prefix: str = "socketio") -> AsyncIterator[WebsiteChat]:
    import socketio

    client = socketio.AsyncClient()
    replies: List[str] = []
    confirmed = asyncio.get_running_loop().create_future()
    client.on("session_confirm", lambda session_id: confirmed.set_result(session_id))
    client.on("bot_uttered", lambda reply: replies.append(reply.get("text") or ""))
    # Long-polling: this python-engineio's websocket client needs a newer aiohttp than rasa's.
    await client.connect(bot.url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": new_sender(prefix)})
        session_id = await asyncio.wait_for(confirmed, 60)
        yield WebsiteChat(client, session_id, replies)
    finally:
        await client.disconnect()
