"""Signed JSON between the bot and the operator's agent desk (docs/handover.md).

Both directions are signed the same way: `X-Signature-256: sha256=<hex>`, the HMAC-SHA256
of the raw body with HANDOVER_SECRET, as GitHub signs its webhooks. Every POST to the desk
carries an `Idempotency-Key`; a retry sends the same key, so the desk can drop a copy it
already has.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import os
from datetime import datetime, timezone
from typing import Any, Mapping, Optional, Sequence

import aiohttp

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Signature-256"
IDEMPOTENCY_HEADER = "Idempotency-Key"
# Seconds before the 2nd, 3rd and 4th attempt. Rasa waits for an action at most 10 s
# (DEFAULT_REQUEST_TIMEOUT of its action endpoint), so all attempts fit in 5 s.
RETRY_DELAYS_S = (0.3, 0.8, 1.6)
ATTEMPT_TIMEOUT_S = 2.0


def desk_url() -> str:
    return os.environ.get("HANDOVER_URL", "").strip()


def desk_secret() -> str:
    return os.environ.get("HANDOVER_SECRET", "").strip()


def configured() -> bool:
    """A desk needs both: an unsigned hand-over would let anyone pose as the bot."""
    return bool(desk_url() and desk_secret())


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(body: bytes, header: Optional[str], secret: str) -> bool:
    """Constant-time check; never true without a secret."""
    if not secret or not header:
        return False
    return hmac.compare_digest(header.encode(errors="replace"), signature(body, secret).encode())


def idempotency_key(conversation_id: str, case: str) -> str:
    """One key per conversation and case: the same case is sent once, a new case anew."""
    return hashlib.sha256(f"{conversation_id}\x1f{case}".encode()).hexdigest()[:32]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def handover_payload(
    conversation_id: str,
    channel: Optional[str],
    reason: str,
    key: str,
    case: Mapping[str, Any],
) -> dict:
    return {
        "type": "handover",
        "idempotency_key": key,
        "conversation_id": conversation_id,
        "channel": channel,
        "reason": reason,
        "sent_at": _now(),
        "case": dict(case),
    }


def customer_message_payload(conversation_id: str, message_id: str, text: str) -> dict:
    return {
        "type": "customer_message",
        "idempotency_key": idempotency_key(conversation_id, f"message:{message_id}"),
        "conversation_id": conversation_id,
        "text": text,
        "sent_at": _now(),
    }


async def post(
    payload: Mapping[str, Any],
    url: Optional[str] = None,
    secret: Optional[str] = None,
    delays: Sequence[float] = RETRY_DELAYS_S,
) -> bool:
    """POSTs the signed payload; retries on network errors, 5xx and 429, not on other 4xx
    (the desk refused the message: a retry would be refused too). True when accepted."""
    url = url or desk_url()
    secret = secret or desk_secret()
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(body, secret),
        IDEMPOTENCY_HEADER: payload["idempotency_key"],
    }
    timeout = aiohttp.ClientTimeout(total=ATTEMPT_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for attempt, delay in enumerate((0.0, *delays), start=1):
            if delay:
                await asyncio.sleep(delay)
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    if response.status < 300:
                        return True
                    if response.status < 500 and response.status != 429:
                        logger.error(
                            "The agent desk refused a %s: %s", payload["type"], response.status
                        )
                        return False
                    logger.warning("Agent desk answered %s (attempt %d)", response.status, attempt)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                logger.warning(
                    "Agent desk unreachable (attempt %d): %s", attempt, type(error).__name__
                )
    logger.error("The agent desk did not take a %s", payload["type"])
    return False
