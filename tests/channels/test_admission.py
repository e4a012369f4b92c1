"""channels/admission.py: a few messages in processing at once, the rest in order of arrival."""

import asyncio

from channels.admission import MAX_CONCURRENT_MESSAGES, admitted


async def test_at_most_the_limit_runs_and_the_others_wait_in_order():
    running, most_running, started = 0, 0, []

    async def message(number: int) -> None:
        nonlocal running, most_running
        async with admitted():
            started.append(number)
            running += 1
            most_running = max(most_running, running)
            await asyncio.sleep(0.01)  # waits for the action server, say
            running -= 1

    await asyncio.gather(*(message(number) for number in range(3 * MAX_CONCURRENT_MESSAGES)))

    assert most_running == MAX_CONCURRENT_MESSAGES
    assert started == list(range(3 * MAX_CONCURRENT_MESSAGES))


async def test_a_failing_message_gives_its_place_back():
    for _ in range(MAX_CONCURRENT_MESSAGES + 1):
        try:
            async with admitted():
                raise RuntimeError("action server down")
        except RuntimeError:
            pass
    await asyncio.wait_for(_enter_once(), timeout=1)


async def _enter_once() -> None:
    async with admitted():
        pass
