"""Helpers for tests that talk to the running bot (the session fixture `bot`) over raw HTTP."""

import json
import uuid
from pathlib import Path
from typing import List, Optional, Tuple

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
