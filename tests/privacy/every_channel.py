"""One conversation on each way into the real bot: REST, the website chat (socketio),
Messenger and Telegram (signed webhook calls, replies to a fake platform API) and the
terminal client of `make chat`.

Each `play_*` sends the messages, waits until the bot has stored all of them and returns
the conversation ID with everything the bot sent back, so that the replies can be searched
too: what is handed on to a platform is kept there.
"""

import asyncio
import hashlib
import hmac
import json
import secrets
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence

from tests.bot_server import ROOT, Bot, http, running_bot
from tests.serving.helpers import website_chat

# Telegram hands on the customer's profile with each update; the bot has no use for it.
TELEGRAM_PROFILE = {"first_name": "Erika", "last_name": "Beispielkundin", "username": "erikab85"}
PROFILE_VALUES = ("Beispielkundin", "erikab85")
STORED_TIMEOUT_S = 180
# With both servers at DEBUG (running_bot's `debug`), Rasa's libraries too: customer text
# that is logged at all is logged then. Unbuffered, so that the log files are complete
# even when a server has to be killed at the end.
DEBUG_LIBRARIES = {"LOG_LEVEL_LIBRARIES": "DEBUG", "PYTHONUNBUFFERED": "1"}
MESSENGER_SECRET = secrets.token_hex(16)
TELEGRAM_SECRET = secrets.token_hex(16)


@dataclass(frozen=True)
class Played:
    sender: str
    stored: List[str]  # the texts of the customer's messages in the tracker store
    replies: str  # everything the bot sent back, as the customer's side received it


class FakePlatform:
    """The Graph API and the Bot API in one: records each call's body, answers success."""

    def __init__(self) -> None:
        self.bodies: List[str] = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length") or 0)
                platform.bodies.append(self.rfile.read(length).decode("utf-8", "replace"))
                answer = json.dumps({"ok": True, "result": {}, "message_id": "m"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: object) -> None:
                pass  # the test's output is the bot's, not this server's

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def fake_platform() -> Iterator[FakePlatform]:
    platform = FakePlatform()
    thread = threading.Thread(target=platform.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        platform.server.shutdown()
        platform.server.server_close()


def channel_environment(platform: FakePlatform) -> Dict[str, str]:
    """credentials.yml's secrets, with both platforms' APIs on the fake."""
    return {
        "MESSENGER_VERIFY_TOKEN": secrets.token_hex(8),
        "MESSENGER_APP_SECRET": MESSENGER_SECRET,
        "MESSENGER_PAGE_ACCESS_TOKEN": secrets.token_hex(16),
        "MESSENGER_GRAPH_API_URL": platform.url,
        "TELEGRAM_ACCESS_TOKEN": f"123456:{secrets.token_hex(12)}",
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_URL": platform.url,
    }


def wait_until_stored(bot: Bot, sender: str, messages: int) -> List[str]:
    """The stored texts of the customer's messages, once all are stored and the bot listens.

    The website chat answers asynchronously; the store is what the search reads, so the
    conversation must be complete in it before the bot stops.
    """
    deadline = time.monotonic() + STORED_TIMEOUT_S
    while True:
        tracker = bot.tracker(sender)
        texts = [event.get("text") for event in tracker["events"] if event["event"] == "user"]
        if len(texts) >= messages and tracker.get("latest_action_name") == "action_listen":
            return texts
        if time.monotonic() > deadline:
            raise AssertionError(f"{sender}: {len(texts)} of {messages} messages stored")
        time.sleep(0.5)


def play_rest(bot: Bot, messages: Sequence[str]) -> Played:
    sender = f"privacy-rest-{uuid.uuid4().hex[:8]}"
    replies = [bot.say(sender, text) for text in messages]
    stored = wait_until_stored(bot, sender, len(messages))
    return Played(sender, stored, json.dumps(replies, ensure_ascii=False))


def play_socketio(bot: Bot, messages: Sequence[str]) -> Played:
    async def conversation() -> Played:
        async with website_chat(bot, "privacy-socketio") as chat:
            for text in messages:
                before = len(chat.replies)
                await chat.say(text)
                if not await chat.until(
                    lambda before=before: len(chat.replies) > before, timeout=120
                ):
                    raise AssertionError(f"no reply to {text!r} on the website chat")
            # In a thread: the socket.io client needs the loop while the store is read.
            stored = await asyncio.to_thread(wait_until_stored, bot, chat.session_id, len(messages))
            return Played(chat.session_id, stored, "\n".join(chat.replies))

    return asyncio.run(conversation())


def _webhook(bot: Bot, channel: str, body: bytes, headers: Dict[str, str]) -> None:
    status, answer = http(
        "POST",
        f"{bot.url}/webhooks/{channel}/webhook",
        body,
        {"Content-Type": "application/json", **headers},
        timeout=180,
    )
    assert status == 200, (channel, status, answer[:300])


def _platform_play(
    bot: Bot,
    platform: FakePlatform,
    sender: str,
    messages: Sequence[str],
    send: Callable[[int, str], None],
) -> Played:
    first = len(platform.bodies)
    for number, text in enumerate(messages):
        send(number, text)
    stored = wait_until_stored(bot, sender, len(messages))
    return Played(sender, stored, "\n".join(platform.bodies[first:]))


def play_messenger(bot: Bot, platform: FakePlatform, messages: Sequence[str]) -> Played:
    sender = str(10**15 + secrets.randbelow(10**15))

    def send(number: int, text: str) -> None:
        messaging = {
            "sender": {"id": sender},
            "recipient": {"id": "page"},
            "timestamp": 1700000000000 + number,
            "message": {"mid": f"m-{number}", "text": text},
        }
        body = json.dumps(
            {"object": "page", "entry": [{"id": "page", "time": 1, "messaging": [messaging]}]}
        ).encode()
        signature = hmac.new(MESSENGER_SECRET.encode(), body, hashlib.sha256).hexdigest()
        _webhook(bot, "messenger", body, {"X-Hub-Signature-256": f"sha256={signature}"})

    return _platform_play(bot, platform, sender, messages, send)


def play_telegram(bot: Bot, platform: FakePlatform, messages: Sequence[str]) -> Played:
    chat_id = 10**9 + secrets.randbelow(10**9)

    def send(number: int, text: str) -> None:
        update = {
            "update_id": number + 1,
            "message": {
                "message_id": number + 10,
                "date": 1700000000 + number,
                "chat": {"id": chat_id, "type": "private", **TELEGRAM_PROFILE},
                "from": {"id": chat_id, "is_bot": False, **TELEGRAM_PROFILE},
                "text": text,
            },
        }
        body = json.dumps(update).encode()
        _webhook(bot, "telegram", body, {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})

    return _platform_play(bot, platform, str(chat_id), messages, send)


def play_terminal(bot: Bot, messages: Sequence[str]) -> Played:
    """`make chat`'s client as an agent uses it, typing into its standard input."""
    sender = f"privacy-terminal-{uuid.uuid4().hex[:8]}"
    typed = "".join(f"{text}\n" for text in messages) + "/stop\n"
    result = subprocess.run(
        [sys.executable, "-m", "channels.terminal", "--url", bot.url, "--sender", sender],
        input=typed,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120 + 60 * len(messages),
    )
    assert result.returncode == 0, result.stderr
    stored = wait_until_stored(bot, sender, len(messages))
    return Played(sender, stored, result.stdout + result.stderr)


CHANNELS = ("rest", "socketio", "messenger", "telegram", "terminal")


def play_everywhere(bot: Bot, platform: FakePlatform, messages: Sequence[str]) -> Dict[str, Played]:
    return {
        "rest": play_rest(bot, messages),
        "socketio": play_socketio(bot, messages),
        "messenger": play_messenger(bot, platform, messages),
        "telegram": play_telegram(bot, platform, messages),
        "terminal": play_terminal(bot, messages),
    }


def play_with_debug_logs(
    log_dir: Path, messages: Sequence[str], store: Optional[Dict[str, str]] = None
) -> Dict[str, Played]:
    """Each channel's conversation, on a bot that logs at DEBUG into log_dir; when this
    returns, both servers have stopped and their logs and the store are complete."""
    with fake_platform() as platform:
        environment = {**DEBUG_LIBRARIES, **channel_environment(platform), **(store or {})}
        with running_bot(log_dir, environment, debug=True) as bot:
            return play_everywhere(bot, platform, messages)
