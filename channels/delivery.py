"""Every channel's one way into the bot: `deliver`.

REST, socketio (the website), Messenger, Telegram and the terminal (`make chat`, through
REST) hand each customer message to `deliver`, which cleans and cuts its text, waits for
admission (channels/admission.py), has Rasa process it, and sends an apology when that
failed. What is to happen to every message, whatever its channel, belongs here.

The text is cleaned and cut before the NLU: a pasted text would hold up every other
conversation, as the NLU runs in the server's one event loop, and the tracker keeps less
of what was pasted.

Rasa 3.6's MessageProcessor catches the exception of a failing action (the action server
down, say), logs it and goes on without that action's events: the customer gets no answer,
or half of one, and nothing tells the channel. `process` notices such an exception in the
processor's log record while it processes the message, and any exception that escapes the
processor (a tracker store that is down); `deliver` then calls `apologize`, which sends
the response `technical_problem` from domain.yml: it shows the way forward without the bot.

The apology is also added to the conversation as a bot utterance, so the tracker holds what
the customer saw. It is no action: the dialogue policies do not see it, and the conversation
goes on where it was once the fault is gone.
"""

import asyncio
import logging
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any, Awaitable, Callable, Iterable, Optional, Set

from rasa.core.actions.action import create_bot_utterance
from rasa.core.agent import Agent
from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationResumed,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from channels.admission import admitted
from channels.erasure import delete_conversation
from channels.masking import mask
from handover import desk

logger = logging.getLogger(__name__)

TECHNICAL_PROBLEM = "technical_problem"
# Sent when the agent ends a hand-over: the bot answers again.
AGENT_ENDED = "agent_ended"
# Marks the agent's messages in the conversation (BotUttered metadata).
FROM_AGENT = "from_agent"
# A problem description takes a few sentences. The NLU's time grows with the text (measured
# with the DIET pipeline, /model/parse: 10,000 emoji 26 s, 1,000 emoji 0.3 s), and a
# customer's pasted text does not help the diagnosis past its first lines.
MAX_MESSAGE_LENGTH = 1000
# Line breaks and tabs are whitespace to the NLU; other control characters are noise.
_WHITESPACE_CONTROLS = {"\n", "\t", "\r"}
# The logger of rasa.core.processor.MessageProcessor, which logs a failed action with
# `logger.exception(...)` and carries on.
PROCESSOR_LOGGER = "rasa.core.processor"


@dataclass
class Outcome:
    failed: bool = False


_current: ContextVar[Optional[Outcome]] = ContextVar("message_outcome", default=None)


class _FailureNoticer(logging.Handler):
    """Marks the message being processed as failed when the processor logs an exception.

    Log handlers run in the task that logs, so the context variable names the message
    whose processing failed, also when several conversations are processed at once.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        outcome = _current.get()
        if outcome is not None and record.exc_info:
            outcome.failed = True


def _notice_failures() -> None:
    # Attached at the first message rather than at import: Rasa configures logging at
    # start-up, and a handler attached earlier would not be sure to survive that.
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if not any(isinstance(handler, _FailureNoticer) for handler in processor_logger.handlers):
        processor_logger.addHandler(_FailureNoticer())


def clean_text(text: str) -> str:
    """What the NLU gets: composed umlauts, no control characters, at most MAX_MESSAGE_LENGTH.

    Lone surrogates (possible in JSON as "\\ud800") cannot be stored or encoded, and other
    control characters only disturb the NLU; both are dropped, line breaks become spaces.
    NFC turns an "u" followed by a combining diaeresis (as some systems send it) into the
    "ü" the NLU learnt.
    """
    kept = []
    for character in unicodedata.normalize("NFC", text):
        if character in _WHITESPACE_CONTROLS:
            kept.append(" ")
        elif unicodedata.category(character) not in ("Cc", "Cs"):
            kept.append(character)
    return "".join(kept).strip()[:MAX_MESSAGE_LENGTH].strip()


async def deliver(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    agent: Agent,
    answered: Callable[[], bool] = lambda: True,
    take_back: Callable[[], None] = lambda: None,
) -> None:
    """Cleans the text, has Rasa process the message, apologises when anything failed.

    `answered` tells, after processing, whether the customer got a reply at all; a channel
    that collects the replies (REST) knows, and every message of this bot gets one. When
    processing failed (an action, or the store: an answer the bot will not remember),
    `take_back` withdraws the replies not sent yet (REST's): the customer gets the apology.
    """
    message.text = mask(clean_text(message.text or ""))
    # Only with an agent desk can a conversation be paused; then one more read.
    paused = desk.configured() and await _is_paused(agent, message.sender_id)
    outcome = await _process(on_new_message, message)
    if outcome.failed:
        # What came before the failure is half an answer, or one made on a state without
        # the failed action ("nicht verstanden" after a failed session start or form
        # validation, seen in make bench-faults): the customer gets the apology alone.
        take_back()
        await apologize(message, agent)
    elif paused:
        # A person has the conversation: the bot is silent on purpose.
        await _to_the_agent(message, agent)
    elif not answered():
        await apologize(message, agent)


async def _process(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage
) -> Outcome:
    """Hands the message to Rasa; the outcome says whether anything failed on the way."""
    _notice_failures()
    outcome = Outcome()
    token = _current.set(outcome)
    try:
        async with admitted():
            await on_new_message(message)
    except Exception as error:  # the customer gets an answer whatever failed
        # Only the type: an exception's text can quote the customer's message.
        logger.error("Processing a message failed: %s", type(error).__name__)
        logger.debug("Processing a message failed", exc_info=True)
        outcome.failed = True
    finally:
        _current.reset(token)
    return outcome


async def apologize(message: UserMessage, agent: Agent) -> None:
    """Sends `technical_problem` and adds it to the conversation when possible."""
    tracker = DialogueStateTracker(message.sender_id, slots=[])
    reply = await agent.nlg.generate(TECHNICAL_PROBLEM, tracker, message.output_channel.name())
    if not reply:
        # No model loaded yet, or a domain without the response.
        logger.error("No response %s to send", TECHNICAL_PROBLEM)
        return
    utterance = create_bot_utterance(reply)
    await message.output_channel.send_response(message.sender_id, utterance.message())
    await _record(agent, message.sender_id, utterance)


async def _record(agent: Agent, sender_id: str, utterance: BotUttered) -> None:
    """Adds the apology to a conversation that has begun. One whose session start failed
    (the action server down at the first message) or that the store never kept is
    forgotten instead: the next message begins it properly, privacy notice first."""
    try:
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.tracker_store.retrieve(sender_id)
            if tracker is not None and any(isinstance(e, SessionStarted) for e in tracker.events):
                tracker.update(utterance)
                await agent.tracker_store.save(tracker)
            elif tracker is not None:
                delete_conversation(agent.tracker_store, sender_id)
    except Exception as error:  # noqa: BLE001 - the store may be what failed; the customer has the answer
        logger.warning("The apology could not be stored: %s", type(error).__name__)


# Forwarding tasks in flight: the event loop keeps only weak references to tasks.
_forwarding: Set["asyncio.Task[bool]"] = set()


async def _is_paused(agent: Agent, sender_id: str) -> bool:
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - processing will meet the fault and apologise
        return False
    return tracker is not None and tracker.is_paused()


async def _to_the_agent(message: UserMessage, agent: Agent) -> None:
    """While a person has the conversation, the customer's message goes to the agent desk;
    a channel that can only answer (REST) gets the agent's messages since the last one."""
    task = asyncio.create_task(
        desk.post(
            desk.customer_message_payload(message.sender_id, message.message_id, message.text)
        )
    )
    _forwarding.add(task)
    task.add_done_callback(_forwarding.discard)
    if isinstance(message.output_channel, CollectingOutputChannel):
        tracker = await agent.tracker_store.retrieve(message.sender_id)
        for text in _agent_messages_since_last_customer_message(tracker):
            await message.output_channel.send_text_message(message.sender_id, text)


def _agent_messages_since_last_customer_message(tracker: DialogueStateTracker) -> list:
    texts = []
    user_messages = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            user_messages += 1
            if user_messages == 2:
                break
        elif isinstance(event, BotUttered) and (event.metadata or {}).get(FROM_AGENT):
            texts.append(event.text)
    return texts[::-1]


class AgentDelivery(str, Enum):
    DELIVERED = "delivered"
    UNKNOWN = "No such conversation."
    NOT_PAUSED = "The conversation is not handed over to a person."


async def deliver_from_agent(
    agent: Agent,
    input_channels: Iterable[InputChannel],
    sender_id: str,
    text: Optional[str],
    end: bool,
) -> AgentDelivery:
    """The agent's message to the customer, on the channel they last wrote on, and into the
    conversation (masked, like every stored text); `end` gives the conversation back to the
    bot (ConversationResumed) and tells the customer so."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is None:
            return AgentDelivery.UNKNOWN
        if not tracker.is_paused():
            return AgentDelivery.NOT_PAUSED
        output = _output_channel(input_channels, tracker.get_latest_input_channel())
        if text:
            text = clean_text(text)
            await output.send_text_message(sender_id, text)
            tracker.update(BotUttered(mask(text), metadata={FROM_AGENT: True}))
        if end:
            tracker.update(ConversationResumed())
            reply = await agent.nlg.generate(AGENT_ENDED, tracker, output.name())
            if reply:
                utterance = create_bot_utterance(reply)
                await output.send_response(sender_id, utterance.message())
                tracker.update(utterance)
            # The pause stopped the bot before it listened; the policies predict the next
            # message from a listening bot, as after every answer.
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        await agent.tracker_store.save(tracker)
    return AgentDelivery.DELIVERED


def _output_channel(input_channels: Iterable[InputChannel], name: Optional[str]) -> OutputChannel:
    """The channel that can reach the customer unasked (socketio, Messenger, Telegram), or a
    collector: REST hands the agent's messages over with its next answer."""
    for channel in input_channels:
        if channel.name() == name:
            output = channel.get_output_channel()
            if output is not None:
                return output
    return CollectingOutputChannel()
