"""What a conversation's tracker holds, in the terms its REST client saw.

One bot event can reach the client as several REST messages: Rasa's CollectingOutputChannel
splits a text at blank lines and sends an image, a custom payload or an attachment as
messages of their own. To count the tracker's bot events against the replies received,
each bot event is turned into its REST messages by that same output channel.
"""

import asyncio
from typing import Dict, List

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.events import BotUttered


def user_texts(events: List[Dict]) -> List[str]:
    """The customer's messages, in the order the tracker holds them."""
    return [event.get("text") for event in events if event["event"] == "user"]


def bot_replies(events: List[Dict]) -> List[Dict]:
    """The REST messages that the tracker's bot events are sent as, without recipient_id."""

    async def collect() -> List[Dict]:
        collector = CollectingOutputChannel()
        for event in events:
            if event["event"] == "bot":
                message = BotUttered(event.get("text"), event.get("data") or {}).message()
                await collector.send_response("", message)
        return collector.messages

    return [without_recipient(reply) for reply in asyncio.run(collect())]


def without_recipient(reply: Dict) -> Dict:
    return {key: value for key, value in reply.items() if key != "recipient_id"}
