"""The terminal chat of `make chat`: the project's own server, over its REST channel.

`rasa shell` builds Rasa's stock command-line channel inside its own server: none of this
project's channels, cuts or apologies, so support agents would test something customers
never get. Here `make chat` starts the same servers as `make serve` and this client talks
to their REST webhook with Rasa's own console request (`send_message_receive_block`), so a
message takes the customer's path through channels/delivery.py. Buttons are listed with
numbers; typing a number presses the button.
"""

import argparse
import asyncio
import sys
import time
import uuid
import warnings
from typing import Any, Dict, Iterable, List, Optional

# The pinned stack warns about its own dependencies on import; the agent sees only the bot.
warnings.simplefilter("ignore")

import aiohttp  # noqa: E402
from rasa.core.channels.console import send_message_receive_block  # noqa: E402

STOP = "/stop"
WELCOME = (
    "Kundencenter-Assistent im Terminal (derselbe Server wie für die Kundschaft). "
    f"Schreiben Sie eine Nachricht, eine Zahl wählt einen Knopf, {STOP} beendet."
)
STARTING = "Der Assistent startet, bitte einen Moment ..."
START_TIMEOUT_S = 300


def render(replies: Iterable[Dict[str, Any]]) -> List[str]:
    """The bot's replies as terminal lines: texts, pictures as links, numbered buttons."""
    lines = []
    number = 0
    for reply in replies:
        if reply.get("text"):
            lines.append(f"Bot: {reply['text']}")
        if reply.get("image"):
            lines.append(f"Bot: [Bild] {reply['image']}")
        for button in reply.get("buttons") or []:
            number += 1
            lines.append(f"  {number}: {button.get('title', '')}")
    return lines


def buttons_of(replies: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [button for reply in replies for button in reply.get("buttons") or []]


def message_for(typed: str, buttons: List[Dict[str, Any]]) -> str:
    """A number of a listed button sends its payload; anything else is sent as typed."""
    choice = typed.strip()
    if choice.isdigit() and 1 <= int(choice) <= len(buttons):
        return buttons[int(choice) - 1].get("payload") or buttons[int(choice) - 1].get("title", "")
    return typed


async def exchange(url: str, sender: str, text: str) -> List[Dict[str, Any]]:
    """The bot's replies to one message, as the REST channel gives them."""
    return await send_message_receive_block(url, "", sender, text)


async def wait_until_up(url: str, timeout_s: float = START_TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(f"{url}/webhooks/rest/") as response:
                    if response.status == 200:
                        return True
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.5)
    return False


def read_line() -> Optional[str]:
    try:
        return input("Sie: ")
    except EOFError:
        return None


async def chat(url: str, sender: str) -> int:
    print(STARTING, flush=True)
    if not await wait_until_up(url):
        print(f"Der Server unter {url} antwortet nicht; siehe run/rasa.log.", file=sys.stderr)
        return 1
    print(WELCOME, flush=True)
    buttons: List[Dict[str, Any]] = []
    while True:
        typed = read_line()
        if typed is None or typed.strip() == STOP:
            return 0
        try:
            replies = await exchange(url, sender, message_for(typed, buttons))
        except aiohttp.ClientResponseError as error:
            print(f"(Der Server lehnt die Nachricht ab: HTTP {error.status}.)", flush=True)
            continue
        except aiohttp.ClientError:
            print("(Der Server ist nicht erreichbar.)", flush=True)
            continue
        for line in render(replies):
            print(line, flush=True)
        buttons = buttons_of(replies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--sender", default=f"terminal-{uuid.uuid4().hex[:12]}")
    args = parser.parse_args()
    try:
        return asyncio.run(chat(args.url.rstrip("/"), args.sender))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
