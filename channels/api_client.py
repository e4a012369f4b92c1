"""The one way the channels talk to a platform's HTTP API (Graph API, Bot API).

Credentials travel in the URL (Telegram's bot token is part of the path), so nothing
here logs a URL or an exception text without removing them first. A failed send is
logged and reported as False rather than raised: one lost reply must not keep the
rest of the answer, or the processing of the customer's message, from going through.
"""

import asyncio
import logging
from typing import Any, Dict, Iterable, Optional

import aiohttp

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=10)


class JsonApi:
    def __init__(self, base_url: str, credentials: Iterable[str]) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = [credential for credential in credentials if credential]

    @staticmethod
    def session() -> aiohttp.ClientSession:
        """A session for all replies to one message, so they share a connection."""
        return aiohttp.ClientSession(timeout=TIMEOUT)

    async def post(
        self,
        session: Optional[aiohttp.ClientSession],
        path: str,
        payload: Dict[str, Any],
        params: Optional[Dict[str, str]] = None,
    ) -> bool:
        # Rasa keeps an output channel for reminders beyond the message that created
        # it, by which time that message's session is closed.
        if session is None or session.closed:
            async with self.session() as own_session:
                return await self._post(own_session, path, payload, params)
        return await self._post(session, path, payload, params)

    async def _post(
        self,
        session: aiohttp.ClientSession,
        path: str,
        payload: Dict[str, Any],
        params: Optional[Dict[str, str]],
    ) -> bool:
        try:
            async with session.post(
                f"{self.base_url}/{path}", json=payload, params=params
            ) as response:
                if response.status < 300:
                    return True
                body = await response.text()
                logger.warning(
                    "API call %s failed: HTTP %s %s",
                    self._redact(path),
                    response.status,
                    self._redact(body[:500]),
                )
        except (aiohttp.ClientError, OSError, ValueError) as error:
            logger.warning(
                "API call %s failed: %s %s",
                self._redact(path),
                type(error).__name__,
                self._redact(str(error)),
            )
        except asyncio.TimeoutError:
            logger.warning("API call %s timed out", self._redact(path))
        return False

    def _redact(self, text: str) -> str:
        for credential in self._credentials:
            text = text.replace(credential, "***")
        return text
