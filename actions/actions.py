"""Rasa glue around the linking rules: the form asks what the rules miss, the diagnosis
action answers with the texts of domain.yml.
"""
import os
from typing import List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.facts import FACT_SLOTS, facts_from_slots, told_value
from actions.linking_rules import DIAGNOSES_BY_ID, Diagnosis, MissingFact, diagnose

FORM = "diagnosis_form"

# The answers whose goal is a Vertragsinhaber link get the picture of such a link.
OWNER_LINK_GOAL = {"register_login", "link_as_owner", "replace_user_link", "replace_stale_owner_link"}
# Where the website serves web/img; Messenger needs an address it can reach.
PUBLIC_URL = os.environ.get("BOT_PUBLIC_URL", "http://localhost:8080")


def _response_text(domain: DomainDict, response: Text) -> Text:
    return domain["responses"][response][0]["text"]


def _numbered_steps(diagnosis: Diagnosis, domain: DomainDict) -> Text:
    return "\n".join(
        f"{number}. {_response_text(domain, f'step_{step}')}"
        for number, step in enumerate(diagnosis.steps, start=1)
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
        """Ask only for the one fact the rules need next, none when they can decide."""
        outcome = diagnose(facts_from_slots(tracker.current_slot_values()))
        return [outcome.name] if isinstance(outcome, MissingFact) else []

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Every fact told in the message, not only the one asked for (customers tell
        several at once), becomes a value the rules know or is cleared, so the form asks
        again instead of guessing. Rasa runs this for every message while the form is
        active and, at its start, for the facts told before."""
        entities = tracker.latest_message.get("entities", [])
        return [
            SlotSet(slot, told_value(slot, value, entities))
            for slot, value in tracker.slots_to_validate().items()
            if slot in FACT_SLOTS
        ]


class ActionDiagnose(Action):
    def name(self) -> Text:
        return "action_diagnose"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        outcome = diagnose(facts_from_slots(tracker.current_slot_values()))
        if isinstance(outcome, MissingFact):
            return [FollowupAction(FORM)]

        dispatcher.utter_message(
            text=f"{_response_text(domain, f'diagnosis_{outcome.id}')}\n"
            f"{_numbered_steps(outcome, domain)}"
        )
        for note in outcome.notes:
            dispatcher.utter_message(response=f"note_{note}")
        if outcome.id in OWNER_LINK_GOAL:
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
        diagnosis = DIAGNOSES_BY_ID.get(tracker.get_slot("diagnosis"))
        if diagnosis is None:
            dispatcher.utter_message(response="ask_problem")
        else:
            dispatcher.utter_message(response=f"handover_{diagnosis.handover}")
        return []
