"""The website chat's channel (socketio, session persistence on): replies reach the browser,
and with the action server down the apology does."""

from typing import List

from tests.serving.helpers import PROBLEM, domain_text, website_chat

APOLOGY = domain_text("technical_problem")


async def chat(bot, text: str, expected: str) -> List[str]:
    """Sends `text` as the website chat does and returns the replies once `expected` is among them."""
    async with website_chat(bot) as session:
        await session.say(text)
        if not await session.until(lambda: any(expected in r for r in session.replies)):
            raise AssertionError(f"{expected!r} not among the replies {session.replies!r}")
        return session.replies


async def test_reply_reaches_the_browser_of_a_persistent_session(bot):
    await chat(bot, "Hallo", "Kundencenter-Assistent")


async def test_apology_reaches_the_browser_when_the_action_server_is_down(bot):
    bot.stop("actions")
    try:
        await chat(bot, PROBLEM, APOLOGY)
    finally:
        bot.start_actions()
