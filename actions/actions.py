"""Rasa glue around the linking rules: the form asks what the rules miss, the diagnosis
action answers with the texts of domain.yml.
"""

import os
from typing import Any, List, Mapping, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import normaliser
from actions.case_note import Case, case_from
from actions.conversation import (
    PERSON,
    PERSON_WITH_CASE_NOTE,
    Message,
    is_statement,
    take_turn,
    told_values,
)
from actions.facts import DESCRIPTION_INTENTS, facts_from_slots
from actions.linking_rules import DIAGNOSES_BY_ID, Diagnosis, MissingFact, diagnose
from channels.retention import retention_days
from handover import desk

FORM = "diagnosis_form"
# The questions about the article that action_answer_question answers (data/rules).
QUESTION_INTENTS = frozenset(
    {
        "how_to_delete_link",
        "how_to_merge_customer_numbers",
        "question_roles",
        "question_bsp",
        "question_login_links_page",
        "question_other_contracts_linked",
        "question_link_after_termination",
        "question_mixed_customer_number",
    }
)

# Where the website serves web/img; Messenger needs an address it can reach.
PUBLIC_URL = os.environ.get("BOT_PUBLIC_URL", "http://localhost:8080")
# The operator's privacy page, if there is one; no address is made up here.
PRIVACY_URL = os.environ.get("PRIVACY_URL", "").strip()
# The operator's contact page of the Kundenservice, if set; the article names none.
KUNDENSERVICE_URL = os.environ.get("KUNDENSERVICE_URL", "").strip()
PRIVACY_NOTICE = "privacy_notice"
PRIVACY_NOTICE_WITH_LINK = "privacy_notice_with_link"


def _response_text(domain: DomainDict, response: Text, slots: Mapping[Text, Any]) -> Text:
    """The text Rasa would choose: the first variation whose slot conditions hold, else
    the first one without conditions."""
    variations = domain["responses"][response]
    for variation in variations:
        conditions = variation.get("condition")
        if conditions and all(slots.get(c["name"]) == c["value"] for c in conditions):
            return variation["text"]
    return next(v["text"] for v in variations if not v.get("condition"))


def _numbered_steps(diagnosis: Diagnosis, domain: DomainDict, slots: Mapping[Text, Any]) -> Text:
    return "\n".join(
        f"{number}. {_response_text(domain, f'step_{step}', slots)}"
        for number, step in enumerate(diagnosis.steps, start=1)
    )


def _latest_message(tracker: Tracker) -> Message:
    latest = tracker.latest_message
    intent = latest.get("intent") or {}
    return Message(
        text=latest.get("text") or "",
        intent=intent.get("name"),
        intent_confidence=1.0 if intent.get("confidence") is None else intent["confidence"],
        other_facts_confidence=next(
            (
                ranked.get("confidence") or 0.0
                for ranked in latest.get("intent_ranking") or []
                if ranked.get("name") == "inform" and intent.get("name") != "inform"
            ),
            0.0,
        ),
        button_values={
            e["entity"]: e.get("value") for e in latest.get("entities", []) if "entity" in e
        },
    )


def _tells_new_facts(tracker: Tracker) -> bool:
    """Whether the latest message, read without a question, changes a fact: "nein, es ist
    doch ein Geschäftsvertrag" after an answer is a correction, not "did not help"."""
    message = _latest_message(tracker)
    reading = normaliser.Reading() if message.is_button else normaliser.read(message.text)
    slots = tracker.current_slot_values()
    return any(
        slots.get(fact) != value for fact, value in told_values(message, reading, None).items()
    )


class ValidateDiagnosisForm(FormValidationAction):
    def name(self) -> Text:
        return f"validate_{FORM}"

    async def required_slots(
        self,
        domain_slots: List[Text],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        """Ask only for the one fact the rules need next, none when they can decide or
        the customer could not tell it."""
        if tracker.get_slot("gave_up"):
            return []
        outcome = diagnose(facts_from_slots(tracker.current_slot_values()))
        return [outcome.name] if isinstance(outcome, MissingFact) else []

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Every message while the form runs comes here, answers and non-answers alike:
        the normaliser reads the facts it states, the conversation decides about the open
        question. Rasa runs this for every message while the form is active and at its
        start, for the message that started it."""
        asked = tracker.get_slot("requested_slot")
        message = _latest_message(tracker)
        reading = (
            normaliser.Reading() if message.is_button else normaliser.read(message.text, asked)
        )
        turn = take_turn(
            tracker.current_slot_values(),
            asked,
            bool(tracker.get_slot("repeat_question")),
            message,
            reading,
            person_available=desk.configured(),
        )
        if asked is not None and message.intent == "goodbye" and not reading.values:
            # "tschüss" mid-way ends the conversation, not the question's count
            # (data/rules/interruptions.yml): no slot set, Rasa rejects the form.
            return []
        if (
            asked is not None
            and message.intent in QUESTION_INTENTS
            and _asks_rather_than_answers(message, reading, asked)
        ):
            # No slot set: Rasa rejects the form for this message, and the rule for
            # questions while the form asks answers it (data/rules/interruptions.yml). The
            # facts a question names are no answer ("und wenn die Verträge auf
            # verschiedene Namen laufen?"). Before the first question the message is the
            # statement that started the form (action_answer_question): its facts count.
            return []
        events: List[EventType] = []
        for response in turn.say:
            if response == PERSON_WITH_CASE_NOTE:
                # No desk: the case note, and the question again (the customer may go on).
                events += await hand_over(dispatcher, tracker, domain, ASKED_FOR_PERSON)
            else:
                dispatcher.utter_message(response=response)
        # Always some events: an empty answer would make Rasa reject the form and let the
        # policies guess instead.
        return (
            events
            + [SlotSet(fact, value) for fact, value in turn.changed.items()]
            + [SlotSet("repeat_question", turn.repeat), SlotSet("gave_up", turn.gave_up)]
        )


def _asks_rather_than_answers(message: Message, reading: normaliser.Reading, asked: Any) -> bool:
    """A question about the article, unless it is the answer in the question's words:
    "nicht privat, geschäftlich" reads like the question about mixed Kundennummern."""
    if message.is_button or "?" in message.text or reading.question:
        return True
    return asked not in reading.values


class ActionDiagnose(Action):
    def name(self) -> Text:
        return "action_diagnose"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        outcome = diagnose(facts_from_slots(tracker.current_slot_values()))
        gave_up = tracker.get_slot("gave_up")
        if gave_up == PERSON:
            return await hand_over(dispatcher, tracker, domain, ASKED_FOR_PERSON)
        if isinstance(outcome, MissingFact) and gave_up:
            # The article's way forward for what the customer could not tell, and a person.
            dispatcher.utter_message(response=f"utter_give_up_{gave_up}")
            return await hand_over(dispatcher, tracker, domain, LOOP_BREAKER)
        if isinstance(outcome, MissingFact):
            return [FollowupAction(FORM)]

        slots = tracker.current_slot_values()
        dispatcher.utter_message(
            text=f"{_response_text(domain, f'diagnosis_{outcome.id}', slots)}\n"
            f"{_numbered_steps(outcome, domain, slots)}"
        )
        for note in outcome.notes:
            dispatcher.utter_message(response=f"note_{note}")
        if outcome.shows_owner_link_picture:
            dispatcher.utter_message(response="picture_owner_link", public_url=PUBLIC_URL)
        dispatcher.utter_message(response="ask_helped")
        return [SlotSet("diagnosis", outcome.id)]


class ActionHandover(Action):
    """The article's way forward when the steps did not help, often the Kundenservice."""

    def name(self) -> Text:
        return "action_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if _tells_new_facts(tracker):
            return [FollowupAction(FORM)]
        diagnosis = DIAGNOSES_BY_ID.get(tracker.get_slot("diagnosis"))
        if diagnosis is None:
            dispatcher.utter_message(response="ask_problem")
            return []
        dispatcher.utter_message(response=f"handover_{diagnosis.handover}")
        return await hand_over(dispatcher, tracker, domain, NOT_HELPED, helped=False)


# Why the bot hands over (slot handover_reason, read by make report).
ASKED_FOR_PERSON = "asked_for_person"
NOT_HELPED = "not_helped"
LOOP_BREAKER = "loop_breaker"
# Without an agent desk, the case note as text ("_with_link" when KUNDENSERVICE_URL is set):
# after the steps did not help or the bot gave up, and when a person was asked for.
CASE_NOTE = "case_note"
CASE_NOTE_IF_STUCK = "case_note_if_stuck"
AGENT_TAKES_OVER = "handover_agent"


async def hand_over(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    reason: Text,
    helped: Any = None,
) -> List[EventType]:
    """To the agent desk when one is configured and takes the case: the conversation is
    paused until the agent ends it. Otherwise the customer gets the case note to pass on."""
    case = _case(tracker, domain, _helped(tracker) if helped is None else helped)
    events: List[EventType] = [SlotSet("handover_reason", reason)]
    if desk.configured():
        # Once per conversation and case; after an agent ended a hand-over, a new one.
        resumed = sum(1 for event in tracker.events if event.get("event") == "resume")
        key = desk.idempotency_key(tracker.sender_id, f"{case.diagnosis or '-'}/{resumed}")
        sent = tracker.get_slot("handover_key") == key or await desk.post(
            desk.handover_payload(
                tracker.sender_id,
                tracker.get_latest_input_channel(),
                reason,
                key,
                case.as_json(),
            )
        )
        if sent:
            dispatcher.utter_message(response=AGENT_TAKES_OVER)
            return events + [SlotSet("handover_key", key), ConversationPaused()]
    response = {ASKED_FOR_PERSON: PERSON_WITH_CASE_NOTE, LOOP_BREAKER: CASE_NOTE_IF_STUCK}.get(
        reason, CASE_NOTE
    )
    dispatcher.utter_message(
        response=f"{response}_with_link" if KUNDENSERVICE_URL else response,
        case_note=case.text(),
        kundenservice_url=KUNDENSERVICE_URL,
    )
    return events


def _case(tracker: Tracker, domain: DomainDict, helped: Any) -> Case:
    problem = next(
        (
            e.get("text")
            for e in tracker.events
            if e.get("event") == "user" and e.get("text") and not e["text"].startswith("/")
        ),
        None,
    )
    diagnosis = DIAGNOSES_BY_ID.get(tracker.get_slot("diagnosis"))
    slots = tracker.current_slot_values()
    responses = (domain or {}).get("responses", {})
    # The form's validation gets no responses (enable_selective_domain): the step's key then.
    steps = tuple(
        _response_text(domain, f"step_{step}", slots).splitlines()[0].rstrip(":")
        if f"step_{step}" in responses
        else step
        for step in (diagnosis.steps if diagnosis else ())
    )
    return case_from(problem, slots, diagnosis.id if diagnosis else None, steps, helped)


def _helped(tracker: Tracker) -> Any:
    """The customer's answer to the last "Hat Ihnen das geholfen?": True, False or None."""
    helped, asked = None, False
    for event in tracker.events:
        if event.get("event") == "bot":
            asked = (event.get("metadata") or {}).get("utter_action") == "ask_helped"
        elif event.get("event") == "user" and asked:
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            # "Ja, danke" typed is `thank` to the NLU; after the question it is a yes.
            helped = {"affirm": True, "thank": True, "deny": False}.get(intent, helped)
            asked = False
    return helped


class ActionHandoverToPerson(Action):
    """A customer who wants a person gets one, or the way to one, with the case."""

    def name(self) -> Text:
        return "action_handover_to_person"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return await hand_over(dispatcher, tracker, domain, ASKED_FOR_PERSON)


class ActionAnswerQuestion(Action):
    """A question about the article gets the article's answer (answer_<intent>), at any
    time; while the form asks, the form goes on afterwards (rules). Before
    any diagnosis the bot offers one: the facts a question names are no description of the
    customer's case ("Was ist, wenn ich Geschäftskunde bin?")."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        before_diagnosis = not (
            tracker.active_loop_name or tracker.get_slot("diagnosis") or tracker.get_slot("gave_up")
        )
        statement = before_diagnosis and is_statement(_latest_message(tracker))
        if statement and _tells_new_facts(tracker):
            # "Fehler im Kundencenter, die Verträge laufen auf verschiedene Namen" names
            # the topic of a question, but tells the customer's own case.
            return [FollowupAction(FORM)]
        dispatcher.utter_message(response=f"answer_{intent}")
        if intent in SHOWS_OWNER_LINK_PICTURE:
            dispatcher.utter_message(response="picture_owner_link", public_url=PUBLIC_URL)
        if tracker.active_loop_name:
            # The open question stays unanswered: the form asks it once more, in other
            # words; asked twice already, the bot gives the article's way forward for it
            # instead (the loop breaker: no question is asked a third time).
            if tracker.get_slot("repeat_question"):
                return [SlotSet("gave_up", tracker.get_slot("requested_slot"))]
            return [SlotSet("repeat_question", True)]
        if not tracker.get_slot("diagnosis"):
            if statement and _problem_close_behind(tracker):
                # Answered as a question, and it may be the customer's own case: what the
                # rules need is asked at once, with the page's buttons.
                return [FollowupAction(FORM)]
            dispatcher.utter_message(response="question_followup")
        return []


# "Nach der Kündigung meines alten Handyvertrags ist die Verknüpfung als Vertragsinhaber
# stehen geblieben." reads as the question about links after a termination (0.50) and as
# that very problem (0.49). Both hold: the article's answer, then the diagnosis's first
# question instead of the offer to check. `make nlu-cv-choices` (5-fold CV of data/nlu, 3
# shuffles, 2026-12-03): of 329 statements without facts taken for an article question with
# a problem second, within 0.3 are 38: 21 problems and 12 questions (0.2: 29, 15, 9; 0.5:
# 64, 24, 34). A question read this way gets its answer, and then the diagnosis asks its
# first question.
PROBLEM_CLOSE_BEHIND = 0.3


def _problem_close_behind(tracker: Tracker) -> bool:
    ranking = tracker.latest_message.get("intent_ranking") or []
    if len(ranking) < 2:
        return False
    first, second = ranking[0], ranking[1]
    return (
        second.get("name") in DESCRIPTION_INTENTS
        and (first.get("confidence") or 0.0) - (second.get("confidence") or 0.0)
        <= PROBLEM_CLOSE_BEHIND
    )


# "was ist eine Vertragsinhaber-Verknüpfung?": the article shows one.
SHOWS_OWNER_LINK_PICTURE = {"question_roles"}


NOT_UNDERSTOOD_RESPONSES = {"out_of_scope": "utter_out_of_scope", "dont_know": "ask_problem"}


class ActionNotUnderstood(Action):
    """What the NLU could not place may still state facts in the customer's own words
    ("Geschäfts- und Privatverträge auf einer Kundennummer, ..."): then the diagnosis
    starts with them; otherwise the customer is asked to rephrase. Another topic or "weiß
    nicht" after an answer may be a correction ("laut Rechnung laufen doch alle Verträge
    auf mich", "Warte, ich hab falsch geantwortet, das ist privat")."""

    def name(self) -> Text:
        return "action_not_understood"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        other_topic = intent == "out_of_scope"
        may_tell_facts = not other_topic or tracker.get_slot("diagnosis") is not None
        if may_tell_facts and _tells_new_facts(tracker):
            return [FollowupAction(FORM)]
        dispatcher.utter_message(response=NOT_UNDERSTOOD_RESPONSES.get(intent, "utter_rephrase"))
        return []


class ActionSessionStart(Action):
    """Every conversation, on every channel, begins with what the customer should know: an
    automated chat, personal data not needed and masked, how long the conversation is kept."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(
            response=PRIVACY_NOTICE_WITH_LINK if PRIVACY_URL else PRIVACY_NOTICE,
            retention_days=retention_days(),
            privacy_url=PRIVACY_URL,
        )
        return [SessionStarted(), ActionExecuted("action_listen")]
