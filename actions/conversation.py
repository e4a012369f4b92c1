"""One customer message while the bot collects facts: what it sets, and what becomes of
the question the bot had asked.

A question is repeated only after a reply that did not answer it, and only once, in other
words with help to find the answer; after a second such reply the bot stops asking and
gives the article's way forward for that fact instead. A wish for a person ends the asking
at once when a person can take over. A reply that is no answer ("weiß nicht", a wish for a
person, "das hilft nicht", a question, another topic) sets no fact for the question, but
every fact it does state counts. Nothing here imports Rasa.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from actions import normaliser
from actions.facts import INTENT_FACTS, facts_from_slots, is_known_value
from actions.linking_rules import MissingFact, diagnose
from actions.normaliser import Reading


@dataclass(frozen=True)
class Message:
    text: str
    intent: Optional[str] = None
    # Exact fact values, as buttons send them ('/inform{"customer_type":"privat"}').
    button_values: Optional[Mapping[str, str]] = None
    intent_confidence: float = 1.0
    # What the NLU gives to `inform`, the intent of the other facts: "bin Privatkunde, bei mir
    # steht nur Nutzer" splits between the two, and both parts hold.
    other_facts_confidence: float = 0.0

    @property
    def is_button(self) -> bool:
        return self.text.startswith("/")


def is_statement(message: Message) -> bool:
    """Typed, and asks nothing: no "?", no question form."""
    return not (message.is_button or "?" in message.text or normaliser.read(message.text).question)


# `Turn.gave_up` when the customer asked for a person and one can take over (an agent
# desk): the bot stops asking at once. Without one, the customer gets the case note to
# pass on (`say`), and the bot goes on helping.
PERSON = "person"
PERSON_WITH_CASE_NOTE = "handover_person"


@dataclass(frozen=True)
class Turn:
    changed: Dict[str, str]  # fact slots with their new values
    repeat: bool = False  # the open question is asked again, in other words
    gave_up: Optional[str] = None  # the fact that could not be learned, or PERSON
    say: Tuple[str, ...] = ()  # responses before the next question


# Whether the kind of a first description (its intent) tells its facts, by the confidence
# of the intent and `inform` together: at SURE_ENOUGH_ALONE by itself, from
# SURE_ENOUGH_WITH_WORDS when its words say them too ("da steht nur Nutzer"); otherwise the
# facts are asked. `make nlu-cv-choices` (5-fold CV of data/nlu, 3 shuffles, 2026-12-03,
# docs/benchmarks.md), right descriptions asked (one question more) / wrong ones kept (a wrong
# answer unless corrected): 0.85 / 0.5: 282 / 283; the kind alone at 0.7 (before): 289 / 335;
# 0.8 / 0.5: 217 / 312; 0.85 / 0.6: 350 / 268; 0.9 / 0.5: 388 / 255. From 0.8 to 0.85 is
# 2.2 questions per wrong answer saved, as 0.6 to 0.7 alone was; the steps further cost 4.
# The binary model's own probability, not normalised, was worse at every threshold (0.4:
# 695 / 233).
SURE_ENOUGH_ALONE = 0.85
SURE_ENOUGH_WITH_WORDS = 0.5


def kind_tells(
    intent: Optional[str],
    sure: float,
    text: str,
    alone: float = SURE_ENOUGH_ALONE,
    with_words: float = SURE_ENOUGH_WITH_WORDS,
) -> bool:
    if sure >= alone:
        return True
    described = INTENT_FACTS.get(intent or "", {})
    return sure >= with_words and all(_words_say(text, f, v) for f, v in described.items())


def _described(
    message: Message, reading: Reading, asked: Optional[str], first: bool
) -> Dict[str, str]:
    """What the kind of the message (its intent) tells: all of it for the conversation's
    first description. Later (a correction after an answer too), what the page shows when
    that was the question, and otherwise only what the words say too ("Privatkunde, bei
    mir steht nur Nutzer"): a short answer ("sogar mehrere") is often taken for a
    description. A question in between ("Wie bekomme ich einen Login?") or a non-answer
    tells nothing. The first description keeps what it tells when it also says "weiß ich
    nicht" ("da steht Nutzer, aber keine Rufnummer, ich weiß nicht, was das ist"): no
    question is open that it could leave unanswered."""
    if (reading.is_non_answer and not first) or (reading.question and asked):
        return {}
    described = INTENT_FACTS.get(message.intent or "", {})
    if first:
        sure = message.intent_confidence + message.other_facts_confidence
        return dict(described) if kind_tells(message.intent, sure, message.text) else {}
    if asked == "other_link":
        # "ja, eine als Nutzer": the role of that other link, not of the customer's contract.
        described = {f: v for f, v in described.items() if f not in ("link_status", "number_shown")}
    return {
        fact: value
        for fact, value in described.items()
        if (fact == asked == "link_status") or _words_say(message.text, fact, value)
    }


# What the page shows, in words that say it: "Nutzer", "Inhaber", or a contract that is not
# there. "nichts zu Nummer oder Tarif" or "komplett auf mich" answer other questions.
PAGE_SAYS = re.compile(
    r" (?:nutzer|user|vertragsinhaber|inhaber)|(?:kein|keine|keinen|nichts|nix|nicht|nirgends)(?: [a-z]+){0,3} "
    r"(?:vertr|verknupf|angezeigt|sichtbar|zu sehen)|(?:vertr|verknupf)[a-z]*(?: [a-z]+){0,4} "
    r"(?:fehlt|fehlen|nicht|nirgends)"
)


def _words_say(text: str, fact: str, value: str) -> bool:
    words = normaliser.normalise(text)
    if fact == "only_user_possible":
        return " nutzer" in words and normaliser.read(text).values.get(fact) != "nein"
    if fact == "link_status":
        return (
            PAGE_SAYS.search(words) is not None
            and normaliser.read(text, fact).values.get(fact) == value
        )
    return normaliser.read(text).values.get(fact) == value


def told_values(
    message: Message, reading: Reading, asked: Optional[str], first: bool = False
) -> Dict[str, str]:
    """Every fact the message states, the words read before the kind of description;
    `first`: the conversation's first description."""
    if message.is_button:
        # '/inform{"same_name":"nein"}' or '/linked_only_as_user': exact, whatever was asked.
        told = {**INTENT_FACTS.get(message.intent or "", {}), **(message.button_values or {})}
        return {fact: value for fact, value in told.items() if is_known_value(fact, value)}
    values = _described(message, reading, asked, first)
    if reading.values.get("only_user_possible") == "ja":
        # "es geht nur als Nutzer" is an attempt to link, not a page that shows "Nutzer":
        # the page the intent guessed is left to the questions.
        values.pop("link_status", None)
        values.pop("number_shown", None)
    values.update(reading.values)
    for fact in reading.unclear:
        values.pop(fact, None)
    return {fact: value for fact, value in values.items() if is_known_value(fact, value)}


def _wants_person(message: Message, reading: Reading) -> bool:
    return reading.wants_person or message.intent == "request_human"


def _why_not_answered(message: Message, reading: Reading, asked: str) -> Tuple[str, ...]:
    if _wants_person(message, reading):
        return (PERSON_WITH_CASE_NOTE,)
    if reading.unhelpful:
        return ("utter_sorry_unhelpful",)
    if asked in reading.unclear:
        return (
            "utter_unclear_customer_type" if asked == "customer_type" else "utter_unclear_answer",
        )
    if message.intent == "out_of_scope" and not reading.values:
        return ("utter_out_of_scope",)
    return ()


def take_turn(
    slots: Mapping[str, Any],
    asked: Optional[str],
    repeating: bool,
    message: Message,
    reading: Reading,
    person_available: bool = False,
) -> Turn:
    """`asked` is the fact the bot asked for last (None before the first question);
    `repeating` whether that question was already asked a second time; `person_available`
    whether an agent desk can take over."""
    first = asked is None and not slots.get("diagnosis") and not slots.get("gave_up")
    told = told_values(message, reading, asked, first)
    changed = {fact: value for fact, value in told.items() if slots.get(fact) != value}
    if asked is not None and person_available and _wants_person(message, reading):
        return Turn(changed, gave_up=PERSON)
    outcome = diagnose(facts_from_slots({**slots, **told}))
    still_open = asked is not None and isinstance(outcome, MissingFact) and outcome.name == asked
    if not still_open:
        return Turn(changed)
    say = _why_not_answered(message, reading, asked)
    if repeating:
        return Turn(changed, gave_up=asked, say=say)
    return Turn(changed, repeat=True, say=say)
