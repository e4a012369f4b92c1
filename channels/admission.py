"""A few messages in Rasa's processing at a time; the others wait their turn, in order.

Rasa processes every message in one event loop. A message that calls the action server
gives the loop away while it waits, and under load each of its steps then queues behind
the steps of all other messages in progress: with 50 conversations at once, a message
with three steps took three times as long as a greeting (`make bench-load`: p95 2.6 s
against p50 1.2 s). Admitted in order of arrival and a few at a time, each message runs
almost without interruption; throughput stays the same, as the CPU is the limit either
way, and the slowest answers come much sooner (p95 1.5 s, 2, 4 and 6 measured alike).
More than one admitted keeps the CPU busy while a message waits for the action server.
"""

import asyncio
import os
from contextlib import asynccontextmanager
from typing import AsyncIterator
from weakref import WeakKeyDictionary

MAX_CONCURRENT_MESSAGES = int(os.environ.get("BOT_MAX_CONCURRENT_MESSAGES") or 4)

# One semaphore per event loop: a semaphore serves only the loop it was first used in.
_semaphores: "WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]" = WeakKeyDictionary()


@asynccontextmanager
async def admitted() -> AsyncIterator[None]:
    loop = asyncio.get_running_loop()
    semaphore = _semaphores.get(loop)
    if semaphore is None:
        semaphore = _semaphores[loop] = asyncio.Semaphore(MAX_CONCURRENT_MESSAGES)
    async with semaphore:
        yield
