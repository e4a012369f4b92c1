"""The website chat's channel (socketio, session persistence on): replies reach the browser,
and with the action server down the apology does."""

import asyncio
from typing import List

import socketio

from tests.serving.helpers import PROBLEM, domain_text, new_sender

APOLOGY = domain_text("technical_problem")
TIMEOUT_S = 60


async def chat(bot, text: str, expected: str) -> List[str]:
    """Sends `text` as the website chat does and returns the replies once `expected` is among them."""
    client = socketio.AsyncClient()
    replies: List[str] = []
    confirmed = asyncio.get_running_loop().create_future()
    client.on("session_confirm", lambda session_id: confirmed.set_result(session_id))
    client.on("bot_uttered", lambda reply: replies.append(reply.get("text") or ""))
    # Long-polling: this python-engineio's websocket client needs a newer aiohttp than rasa's.
    await client.connect(bot.url, socketio_path="/socket.io", transports=["polling"])
    try:
        await client.emit("session_request", {"session_id": new_sender("socketio")})
        session_id = await asyncio.wait_for(confirmed, TIMEOUT_S)
        await client.emit("user_uttered", {"message": text, "session_id": session_id})
        for _ in range(TIMEOUT_S * 10):
            if any(expected in reply for reply in replies):
                return replies
            await asyncio.sleep(0.1)
        raise AssertionError(f"{expected!r} not among the replies {replies!r}")
    finally:
        await client.disconnect()


async def test_reply_reaches_the_browser_of_a_persistent_session(bot):
    await chat(bot, "Hallo", "Kundencenter-Assistent")


async def test_apology_reaches_the_browser_when_the_action_server_is_down(bot):
    bot.stop("actions")
    try:
        await chat(bot, PROBLEM, APOLOGY)
    finally:
        bot.start_actions()
