"""From the stored events to the report's figures, in one pass over the store.

A conversation is one Rasa session: it begins with `session_started` (a customer who comes
back after the session expired starts a new one; the privacy notice just before that event
is the new session's) and is counted on the day it began. The figures are counted per
conversation unless a name says messages:

- a diagnosis: the last value of the slot `diagnosis` (a correction replaces the first);
- "Hat Ihnen das geholfen?": every bot response `ask_helped`, answered by the next customer
  message: intent affirm (or thank) is yes, deny is no, anything else or nothing is no
  answer; counted for the diagnosis the slot holds at that answer;
- a hand-over: the slot `handover_reason` (asked_for_person, not_helped, loop_breaker).
  Conversations of a bot before that slot existed carry none: for them the reason is read
  from what the bot sent (`handover_person` a person was asked for, `case_note` after "nein"
  to the steps) and from the slot `gave_up` naming a fact (the loop breaker);
- turns to the answer: the customer messages up to the one the first diagnosis answered;
- where a conversation without a diagnosis ended: the question the bot asked last
  (`utter_ask_<fact>`, else the last `requested_slot`), or none asked;
- fallback and out-of-scope rates: of the messages the customer typed (button payloads are
  not judged by the NLU), and of the conversations with at least one.
"""

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Dict, Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

from insights.store import FALLBACK_INTENT, Row

OUT_OF_SCOPE_INTENT = "out_of_scope"
ASK_HELPED = "ask_helped"
ASK_PREFIX = "utter_ask_"
# "Ja, danke" typed is `thank` to the NLU; after the question it is a yes.
HELPED_BY_INTENT = {"affirm": "yes", "thank": "yes", "deny": "no"}
# What older bots sent where today's set handover_reason (actions/actions.py history).
INFERRED_REASONS = {
    "handover_person": "asked_for_person",
    "handover_person_with_link": "asked_for_person",
    "case_note": "not_helped",
    "case_note_with_link": "not_helped",
}


@dataclass(slots=True)
class Conversation:
    started: float
    messages: int = 0
    typed: int = 0
    fallbacks: int = 0
    out_of_scope: int = 0
    diagnosis: Optional[str] = None
    turns_to_answer: Optional[int] = None
    helped: List[Tuple[Optional[str], str]] = field(default_factory=list)
    helped_pending: bool = False
    reason_slot_seen: bool = False
    reasons: set = field(default_factory=set)
    inferred_reasons: set = field(default_factory=set)
    last_question: Optional[str] = None

    def close(self) -> None:
        if self.helped_pending:
            self.helped.append((self.diagnosis, "none"))
            self.helped_pending = False

    @property
    def handover_reasons(self) -> set:
        return self.reasons if self.reason_slot_seen else self.inferred_reasons


@dataclass(frozen=True)
class UnsureMessage:
    text: str  # masked, as stored; the first of the spellings counted together
    count: int
    intent: str  # what the NLU answered: nlu_fallback or the intent it was unsure of
    guess: Optional[str]  # the intent the classifier ranked first (for a fallback, below it)
    confidence: float  # the lowest confidence among the messages counted


@dataclass
class Figures:
    since: date
    until: date
    per_day: Dict[date, int]
    conversations: int = 0
    diagnoses: Counter = field(default_factory=Counter)
    helped: Dict[str, Counter] = field(default_factory=dict)
    handovers: int = 0
    handover_reasons: Counter = field(default_factory=Counter)
    messages: int = 0
    typed: int = 0
    fallback_messages: int = 0
    out_of_scope_messages: int = 0
    fallback_conversations: int = 0
    out_of_scope_conversations: int = 0
    turns_to_answer: List[int] = field(default_factory=list)
    ended_without_answer: Counter = field(default_factory=Counter)
    unsure: List[UnsureMessage] = field(default_factory=list)

    @property
    def with_diagnosis(self) -> int:
        return sum(self.diagnoses.values())

    @property
    def turns_median(self) -> Optional[float]:
        return statistics.median(self.turns_to_answer) if self.turns_to_answer else None

    @property
    def turns_p90(self) -> Optional[int]:
        """Nearest rank: the smallest number of turns that 90 % of the answers needed."""
        if not self.turns_to_answer:
            return None
        ordered = sorted(self.turns_to_answer)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive
    zone: ZoneInfo

    def bounds(self) -> Tuple[float, float]:
        start = datetime.combine(self.since, datetime.min.time(), self.zone)
        end = datetime.combine(self.until + timedelta(days=1), datetime.min.time(), self.zone)
        return start.timestamp(), end.timestamp()

    def day(self, timestamp: float) -> date:
        return datetime.fromtimestamp(timestamp, self.zone).date()

    def days(self) -> List[date]:
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]


def fetch_window(period: Period, session_expiration_s: float) -> Tuple[float, float]:
    """The events to read for the conversations begun in the period. A session has no gap
    longer than its expiration time (a later message starts a new one), so whatever was
    stored that long before the period belongs to a conversation begun before it, and is
    read only to know that. After the period, a day covers any conversation still going."""
    start, end = period.bounds()
    return start - session_expiration_s, end + 24 * 60 * 60


class _Unsure:
    __slots__ = ("text", "count", "intents", "guesses", "confidence")

    def __init__(self, text: str):
        self.text, self.count, self.confidence = text, 0, 1.0
        self.intents: Counter = Counter()
        self.guesses: Counter = Counter()


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def compute(rows: Iterable[tuple], period: Period, form_facts: Iterable[str]) -> Figures:
    """The figures of the conversations begun in the period. `form_facts` are the slots the
    form asks: the slot `gave_up` names one of them when the loop breaker stopped asking."""
    facts = frozenset(form_facts)
    start, end = period.bounds()
    open_: Dict[str, Conversation] = {}
    done: List[Conversation] = []
    unsure: Dict[str, _Unsure] = {}
    for row in rows:
        sender, kind, timestamp, intent, name, value, payload, text = row[:8]
        conversation = open_.get(sender)
        if conversation is None:
            conversation = open_[sender] = Conversation(timestamp)
        elif kind == "session_started" and conversation.messages:
            conversation.close()
            done.append(conversation)
            conversation = open_[sender] = Conversation(timestamp)
        if kind == "session_started":
            # action_session_start sends the privacy notice just before this event: it
            # belongs to the session that begins here.
            continue
        if kind == "user":
            if conversation.helped_pending:
                answer = HELPED_BY_INTENT.get(intent, "none")
                conversation.helped.append((conversation.diagnosis, answer))
                conversation.helped_pending = False
            conversation.messages += 1
            if payload:
                continue
            conversation.typed += 1
            if intent == FALLBACK_INTENT:
                conversation.fallbacks += 1
            elif intent == OUT_OF_SCOPE_INTENT:
                conversation.out_of_scope += 1
            if text is not None and start <= conversation.started < end:
                _count_unsure(unsure, Row(*row))
        elif kind == "bot":
            response = value
            if response == ASK_HELPED:
                conversation.helped_pending = True
            elif response in INFERRED_REASONS:
                conversation.inferred_reasons.add(INFERRED_REASONS[response])
            elif isinstance(response, str) and response.startswith(ASK_PREFIX):
                conversation.last_question = response[len(ASK_PREFIX) :]
        elif kind == "slot":
            _set_slot(conversation, name, value, facts)
    for conversation in open_.values():
        conversation.close()
        done.append(conversation)
    figures = Figures(period.since, period.until, {day: 0 for day in period.days()})
    for conversation in done:
        if start <= conversation.started < end:
            _add(figures, conversation, period)
    figures.unsure = sorted(
        (
            UnsureMessage(
                entry.text,
                entry.count,
                entry.intents.most_common(1)[0][0],
                entry.guesses.most_common(1)[0][0] if entry.guesses else None,
                entry.confidence,
            )
            for entry in unsure.values()
        ),
        key=lambda message: (-message.count, message.confidence, message.text),
    )
    return figures


def _set_slot(
    conversation: Conversation, slot: Optional[str], value: object, facts: frozenset
) -> None:
    if slot == "diagnosis":
        if value is not None:
            conversation.diagnosis = str(value)
            if conversation.turns_to_answer is None:
                conversation.turns_to_answer = conversation.messages
    elif slot == "handover_reason":
        conversation.reason_slot_seen = True
        if value is not None:
            conversation.reasons.add(str(value))
    elif slot == "requested_slot":
        if value is not None:
            conversation.last_question = str(value)
    elif slot == "gave_up" and value in facts:
        conversation.inferred_reasons.add("loop_breaker")


def _count_unsure(unsure: Dict[str, _Unsure], row: Row) -> None:
    key = _normal(row.text)
    entry = unsure.get(key)
    if entry is None:
        entry = unsure[key] = _Unsure(row.text)
    entry.count += 1
    entry.intents[row.intent_name] += 1
    fallback = row.intent_name == FALLBACK_INTENT
    guess = row.guess if fallback else row.intent_name
    if guess:
        entry.guesses[guess] += 1
    confidence = row.guess_confidence if fallback else row.value
    if confidence is not None:
        entry.confidence = min(entry.confidence, float(confidence))


def _add(figures: Figures, conversation: Conversation, period: Period) -> None:
    figures.conversations += 1
    day = period.day(conversation.started)
    figures.per_day[day] = figures.per_day.get(day, 0) + 1
    if conversation.diagnosis:
        figures.diagnoses[conversation.diagnosis] += 1
        if conversation.turns_to_answer:
            figures.turns_to_answer.append(conversation.turns_to_answer)
    else:
        figures.ended_without_answer[conversation.last_question] += 1
    for diagnosis, answer in conversation.helped:
        figures.helped.setdefault(diagnosis or "", Counter())[answer] += 1
    reasons = conversation.handover_reasons
    if reasons:
        figures.handovers += 1
        figures.handover_reasons.update(reasons)
    figures.messages += conversation.messages
    figures.typed += conversation.typed
    figures.fallback_messages += conversation.fallbacks
    figures.out_of_scope_messages += conversation.out_of_scope
    figures.fallback_conversations += conversation.fallbacks > 0
    figures.out_of_scope_conversations += conversation.out_of_scope > 0
