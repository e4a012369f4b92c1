"""A fake agent desk on loopback: records what the bot posts, checks its signature, and can
fail the first posts (503) or all of them, as a real desk might; it also signs the agent's
messages for the bot (channels/agent_desk.py)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Optional

from handover.desk import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, is_signed, signature
from tests.bot_server import http

SECRET = "fake-desk-secret-for-tests"


class FakeDesk:
    def __init__(self) -> None:
        self.received: List[dict] = []  # {"body", "signed", "key"} per POST, failed ones too
        self.failures_left = 0  # answer 503 to this many posts
        self.down = False  # answer 503 to every post
        desk = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                desk.received.append(
                    {
                        "body": json.loads(body),
                        "signed": is_signed(body, self.headers.get(SIGNATURE_HEADER), SECRET),
                        "key": self.headers.get(IDEMPOTENCY_HEADER),
                    }
                )
                failing = desk.down or desk.failures_left > 0
                desk.failures_left = max(0, desk.failures_left - 1)
                self.send_response(503 if failing else 202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cases"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    def posts(self, conversation_id: str, kind: Optional[str] = None) -> List[dict]:
        return [
            post
            for post in self.received
            if post["body"].get("conversation_id") == conversation_id
            and (kind is None or post["body"].get("type") == kind)
        ]


def agent_posts(bot, payload: dict, secret: Optional[str] = SECRET, raw: Optional[bytes] = None):
    """What the agent's desk sends to the bot: (status, JSON answer)."""
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    status, answer = http("POST", f"{bot.url}/webhooks/agent/webhook", body, headers)
    return status, json.loads(answer or b"{}")
