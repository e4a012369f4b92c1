"""The actions with rasa_sdk's Tracker and CollectingDispatcher, no server."""

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerQuestion,
    ActionDiagnose,
    ActionHandover,
    ActionNotUnderstood,
    ValidateDiagnosisForm,
)
from actions.linking_rules import DIAGNOSES, DIAGNOSES_BY_ID

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

# Slots that lead to each diagnosis, as the NLU and the buttons fill them.
SLOTS_FOR = {
    "business_portal": {"customer_type": "geschaeft"},
    "register_login": {"customer_type": "privat", "has_login": "nein"},
    "link_as_owner": {"customer_type": "privat", "link_status": "keine"},
    "replace_user_link": {
        "customer_type": "privat",
        "link_status": "nur_nutzer",
        "number_shown": "ja",
    },
    "merge_customer_numbers": {
        "customer_type": "privat",
        "link_status": "gemischt",
        "same_name": "ja",
    },
    "separate_login_per_holder": {
        "customer_type": "privat",
        "link_status": "gemischt",
        "same_name": "nein",
    },
    "replace_stale_owner_link": {"customer_type": "privat", "link_status": "inhaber_ohne_vertrag"},
    "business_contract_suspected": {
        "customer_type": "privat",
        "link_status": "nur_nutzer",
        "number_shown": "nein",
    },
    "split_customer_number": {
        "customer_type": "privat",
        "only_user_possible": "ja",
        "other_link": "nein",
    },
}


def tracker_with(slots: Dict[str, Any]) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"intent": {"name": "inform"}, "entities": [], "text": ""},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def test_every_diagnosis_has_a_slot_example():
    assert set(SLOTS_FOR) == set(DIAGNOSES_BY_ID)


@pytest.mark.parametrize("diagnosis_id", sorted(SLOTS_FOR))
async def test_diagnose_sets_slot_and_answers_with_steps_and_links(diagnosis_id):
    dispatcher = CollectingDispatcher()
    events = await ActionDiagnose().run(dispatcher, tracker_with(SLOTS_FOR[diagnosis_id]), DOMAIN)

    assert events == [SlotSet("diagnosis", diagnosis_id)]
    diagnosis = DIAGNOSES_BY_ID[diagnosis_id]
    answer = dispatcher.messages[0]["text"]
    lead = next(
        v["text"]
        for v in DOMAIN["responses"][f"diagnosis_{diagnosis_id}"]
        if not v.get("condition")
    )
    assert answer.startswith(lead)
    numbered = re.findall(r"^(\d+)\. ", answer, flags=re.M)
    assert numbered == [str(n) for n in range(1, len(diagnosis.steps) + 1)]
    for link in diagnosis.links:
        assert link in answer
    sent_responses = [m["response"] for m in dispatcher.messages[1:]]
    assert sent_responses[-1] == "ask_helped"
    for note in diagnosis.notes:
        assert f"note_{note}" in sent_responses


@pytest.mark.parametrize(
    "diagnosis_id, has_picture",
    [
        ("link_as_owner", True),
        ("replace_user_link", True),
        ("replace_stale_owner_link", True),
        ("merge_customer_numbers", False),
        ("business_portal", False),
    ],
)
async def test_owner_link_goals_show_the_picture(diagnosis_id, has_picture):
    dispatcher = CollectingDispatcher()
    await ActionDiagnose().run(dispatcher, tracker_with(SLOTS_FOR[diagnosis_id]), DOMAIN)
    pictures = [m for m in dispatcher.messages if m.get("response") == "picture_owner_link"]
    assert bool(pictures) == has_picture
    if has_picture:
        assert pictures[0]["public_url"].startswith("http")


async def test_diagnose_with_missing_fact_goes_back_to_the_form():
    dispatcher = CollectingDispatcher()
    events = await ActionDiagnose().run(
        dispatcher, tracker_with({"customer_type": "privat"}), DOMAIN
    )
    assert events == [FollowupAction("diagnosis_form")]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "slots, expected",
    [
        ({}, ["customer_type"]),
        ({"link_status": "nur_nutzer"}, ["customer_type"]),
        # "Ich bin Privatkunde und sehe nur Nutzer" must not be asked for the customer type.
        ({"customer_type": "privat", "link_status": "nur_nutzer"}, ["number_shown"]),
        ({"customer_type": "privat"}, ["has_login"]),
        ({"customer_type": "geschaeft"}, []),
        ({"customer_type": "privat", "link_status": "gemischt", "same_name": "ja"}, []),
    ],
)
async def test_form_asks_only_what_the_rules_miss(slots, expected):
    required = await ValidateDiagnosisForm().required_slots(
        [], CollectingDispatcher(), tracker_with(slots), DOMAIN
    )
    assert required == expected


def form_tracker(slots: Dict[str, Any], text: str, intent: str = "inform", entities=()) -> Tracker:
    """A tracker as Rasa sends it to validate_diagnosis_form, after the customer's message."""
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"intent": {"name": intent}, "text": text, "entities": list(entities)},
        events=[{"event": "user", "text": text}],
        paused=False,
        followup_action=None,
        active_loop={"name": "diagnosis_form"},
        latest_action_name="action_listen",
    )


async def test_validation_reads_the_answer_to_the_question_asked():
    tracker = form_tracker(
        {"requested_slot": "customer_type"}, "Privatkunde, ganz normaler privater Vertrag."
    )
    events = await ValidateDiagnosisForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert SlotSet("customer_type", "privat") in events
    assert SlotSet("repeat_question", False) in events
    assert events[-1] == SlotSet("requested_slot", "has_login")


@pytest.mark.parametrize(
    "text, intent",
    [
        ("was heißt denn Vertragsinhaber überhaupt?", "question_roles"),
        (
            "und wenn privat und geschäftlich auf einer Kundennummer laufen?",
            "question_mixed_customer_number",
        ),
    ],
)
async def test_a_question_while_the_form_asks_is_left_to_the_rules(text, intent):
    """No slot set: Rasa rejects the form for the message, the question rule answers."""
    tracker = form_tracker({"requested_slot": "customer_type"}, text, intent)
    events = await ValidateDiagnosisForm().get_validation_events(
        CollectingDispatcher(), tracker, DOMAIN
    )
    assert events == []


async def test_a_goodbye_while_the_form_asks_is_left_to_the_rules():
    tracker = form_tracker({"requested_slot": "customer_type"}, "ich muss los, tschüss", "goodbye")
    events = await ValidateDiagnosisForm().get_validation_events(
        CollectingDispatcher(), tracker, DOMAIN
    )
    assert events == []


async def test_an_answer_in_the_words_of_a_question_is_an_answer():
    # Seen in make simulate: the NLU took it for the question about mixed Kundennummern.
    tracker = form_tracker(
        {"requested_slot": "customer_type"},
        "nicht privat, geschäftlich",
        "question_mixed_customer_number",
    )
    events = await ValidateDiagnosisForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert SlotSet("customer_type", "geschaeft") in events


async def test_validation_asks_again_after_dont_know_never_reads_it_as_no():
    slots = {"requested_slot": "same_name", "customer_type": "privat", "link_status": "gemischt"}
    dispatcher = CollectingDispatcher()
    events = await ValidateDiagnosisForm().run(
        dispatcher, form_tracker(slots, "Das weiß ich leider nicht genau", "deny"), DOMAIN
    )
    assert not [e for e in events if e["name"] == "same_name"]
    assert SlotSet("repeat_question", True) in events
    assert events[-1] == SlotSet("requested_slot", "same_name")


async def test_validation_gives_up_after_the_second_unanswered_question():
    slots = {
        "requested_slot": "same_name",
        "repeat_question": True,
        "customer_type": "privat",
        "link_status": "gemischt",
    }
    events = await ValidateDiagnosisForm().run(
        CollectingDispatcher(), form_tracker(slots, "keine Ahnung"), DOMAIN
    )
    assert SlotSet("gave_up", "same_name") in events
    # The form ends; action_diagnose gives the way forward for the fact.
    assert events[-1] == SlotSet("requested_slot", None)
    dispatcher = CollectingDispatcher()
    await ActionDiagnose().run(dispatcher, tracker_with({**slots, "gave_up": "same_name"}), DOMAIN)
    # ... and, as the bot could not learn it, the case for a person.
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_give_up_same_name",
        "case_note_if_stuck",
    ]


async def test_validation_takes_the_exact_value_of_a_button():
    slots = {
        "requested_slot": "number_shown",
        "customer_type": "privat",
        "link_status": "nur_nutzer",
    }
    tracker = form_tracker(
        slots,
        '/inform{"number_shown":"nein"}',
        entities=[{"entity": "number_shown", "value": "nein"}],
    )
    events = await ValidateDiagnosisForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert SlotSet("number_shown", "nein") in events
    assert events[-1] == SlotSet("requested_slot", None)


async def test_former_business_customer_gets_the_split_with_its_own_lead():
    dispatcher = CollectingDispatcher()
    slots = {"customer_type": "privat", "business_history": "ja"}
    await ActionDiagnose().run(dispatcher, tracker_with(slots), DOMAIN)
    answer = dispatcher.messages[0]["text"]
    assert answer.startswith(
        "Unter Ihrer Mobilfunk-Kundennummer laufen oder liefen Privat- und Geschäftskundenverträge."
    )
    assert "Kundenservice" in answer and "eigene Kundennummer" in answer
    assert "note_moved_from_business" in [m.get("response") for m in dispatcher.messages]


@pytest.mark.parametrize("diagnosis", DIAGNOSES, ids=lambda d: d.id)
async def test_handover_answers_for_the_diagnosis(diagnosis):
    dispatcher = CollectingDispatcher()
    await ActionHandover().run(dispatcher, tracker_with({"diagnosis": diagnosis.id}), DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == [
        f"handover_{diagnosis.handover}",
        "case_note",
    ]


async def test_handover_without_diagnosis_asks_for_the_problem():
    dispatcher = CollectingDispatcher()
    await ActionHandover().run(dispatcher, tracker_with({}), DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == ["ask_problem"]


# --- domain.yml holds every text the rules refer to, and only the article's links ---


def test_every_rule_key_has_a_response():
    responses = DOMAIN["responses"]
    for diagnosis in DIAGNOSES:
        assert f"diagnosis_{diagnosis.id}" in responses
        assert f"handover_{diagnosis.handover}" in responses
        for step in diagnosis.steps:
            assert f"step_{step}" in responses
        for note in diagnosis.notes:
            assert f"note_{note}" in responses


def test_kundenservice_handover_where_only_kundenservice_helps():
    for diagnosis_id in ("merge_customer_numbers", "split_customer_number"):
        handover = DIAGNOSES_BY_ID[diagnosis_id].handover
        assert "Kundenservice" in DOMAIN["responses"][f"handover_{handover}"][0]["text"]


def test_buttons_fit_messenger_titles():
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for button in variation.get("buttons", []):
                assert len(button["title"]) <= 20, (name, button["title"])


async def test_form_validation_turns_every_fact_of_the_message_into_a_value():
    """Through run(), as Rasa calls it: all facts told at once, not only the one asked for;
    the next question follows from the validated values."""
    tracker = form_tracker(
        {"requested_slot": "customer_type"},
        "bin privat, ja Nummer und Tarif stehen dabei, nur als Nutzer",
        "linked_only_as_user",
    )
    events = await ValidateDiagnosisForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert SlotSet("customer_type", "privat") in events
    assert SlotSet("number_shown", "ja") in events
    assert SlotSet("link_status", "nur_nutzer") in events
    # replace_user_link needs nothing more: the form ends.
    assert events[-1] == SlotSet("requested_slot", None)


async def test_not_understood_but_stating_a_fact_starts_the_diagnosis():
    tracker = form_tracker(
        {}, "Geschäfts- und Privatverträge auf einer Kundennummer, was nun", "nlu_fallback"
    )
    dispatcher = CollectingDispatcher()
    assert await ActionNotUnderstood().run(dispatcher, tracker, DOMAIN) == [
        FollowupAction("diagnosis_form")
    ]
    assert dispatcher.messages == []


def first_message_tracker(text: str, intent: str, ranking=()) -> Tracker:
    latest = {"intent": {"name": intent}, "text": text, "entities": []}
    if ranking:
        latest["intent"]["confidence"] = ranking[0][1]
        latest["intent_ranking"] = [{"name": n, "confidence": c} for n, c in ranking]
    return Tracker(
        sender_id="test",
        slots={},
        latest_message=latest,
        events=[{"event": "user", "text": text}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def test_a_description_taken_for_a_question_starts_the_diagnosis():
    tracker = first_message_tracker(
        "Kundencenter kaputt. Unsere Handyverträge laufen auf zwei verschiedene Namen.",
        "how_to_merge_customer_numbers",
    )
    dispatcher = CollectingDispatcher()
    assert await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN) == [
        FollowupAction("diagnosis_form")
    ]
    assert dispatcher.messages == []


async def test_the_statement_that_started_the_form_keeps_its_facts():
    # action_answer_question started the form for it: no question is open yet.
    tracker = form_tracker(
        {},
        "Kundencenter kaputt. Unsere Handyverträge laufen auf zwei verschiedene Namen.",
        "how_to_merge_customer_numbers",
    )
    events = await ValidateDiagnosisForm().run(CollectingDispatcher(), tracker, DOMAIN)
    assert SlotSet("same_name", "nein") in events


async def test_after_a_give_up_a_statement_close_to_a_problem_gets_no_second_diagnosis():
    tracker = first_message_tracker(
        "Mein alter Vertrag ist gekündigt, die Inhaber-Verknüpfung ist noch da.",
        STALE_LINK_READINGS[0][0],
        STALE_LINK_READINGS,
    )
    tracker.slots["gave_up"] = "link_status"
    dispatcher = CollectingDispatcher()
    assert await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN) == []
    assert [m["response"] for m in dispatcher.messages] == [
        "answer_question_link_after_termination",
        "question_followup",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Was mache ich, wenn die Verträge auf verschiedene Namen laufen?",
        "Kundennummern zusammenführen",
    ],
)
async def test_a_question_before_any_diagnosis_is_answered(text):
    tracker = first_message_tracker(text, "how_to_merge_customer_numbers")
    dispatcher = CollectingDispatcher()
    assert await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN) == []
    assert [m["response"] for m in dispatcher.messages] == [
        "answer_how_to_merge_customer_numbers",
        "question_followup",
    ]


STALE_LINK_READINGS = [
    ("question_link_after_termination", 0.51),
    ("owner_link_without_active_contracts", 0.46),
]


@pytest.mark.parametrize(
    "text, ranking, then_asks",
    [
        # A statement that is as much the customer's case as a question about it.
        (
            "Mein alter Vertrag ist gekündigt, die Inhaber-Verknüpfung ist noch da.",
            STALE_LINK_READINGS,
            True,
        ),
        # A question stays a question, however close the problem reading is.
        ("Bleibt die Verknüpfung nach einer Kündigung bestehen?", STALE_LINK_READINGS, False),
        # A problem reading far behind is no case.
        (
            "Verknüpfung nach Kündigung",
            [
                ("question_link_after_termination", 0.9),
                ("owner_link_without_active_contracts", 0.05),
            ],
            False,
        ),
    ],
)
async def test_a_statement_close_to_a_problem_gets_the_answer_then_the_first_question(
    text, ranking, then_asks
):
    tracker = first_message_tracker(text, ranking[0][0], ranking)
    dispatcher = CollectingDispatcher()
    events = await ActionAnswerQuestion().run(dispatcher, tracker, DOMAIN)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "answer_question_link_after_termination"
    if then_asks:
        assert events == [FollowupAction("diagnosis_form")]
        assert responses == ["answer_question_link_after_termination"]
    else:
        assert events == []
        assert responses[-1] == "question_followup"


async def test_not_understood_without_a_fact_asks_to_rephrase():
    dispatcher = CollectingDispatcher()
    assert (
        await ActionNotUnderstood().run(
            dispatcher, form_tracker({}, "qwrtz plmkö", "nlu_fallback"), DOMAIN
        )
        == []
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_rephrase"]


async def test_a_correction_instead_of_did_not_help_gives_the_corrected_diagnosis():
    slots = {"customer_type": "privat", "link_status": "keine", "diagnosis": "link_as_owner"}
    tracker = form_tracker(slots, "nein, es ist doch ein Geschäftsvertrag", "deny")
    dispatcher = CollectingDispatcher()
    assert await ActionHandover().run(dispatcher, tracker, DOMAIN) == [
        FollowupAction("diagnosis_form")
    ]
    assert dispatcher.messages == []


async def test_another_topic_is_refused_before_any_answer_even_with_a_fact_word():
    tracker = form_tracker({}, "die Rechnung für meinen Firmenvertrag ist zu hoch", "out_of_scope")
    dispatcher = CollectingDispatcher()
    assert await ActionNotUnderstood().run(dispatcher, tracker, DOMAIN) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]


async def test_another_topic_after_an_answer_can_be_a_correction():
    slots = {
        "customer_type": "privat",
        "link_status": "gemischt",
        "same_name": "nein",
        "diagnosis": "separate_login_per_holder",
    }
    tracker = form_tracker(
        slots, "Warte, laut Rechnung laufen doch sämtliche Verträge auf mich.", "out_of_scope"
    )
    assert await ActionNotUnderstood().run(CollectingDispatcher(), tracker, DOMAIN) == [
        FollowupAction("diagnosis_form")
    ]


@pytest.mark.parametrize(
    "privacy_url, response",
    [("", "privacy_notice"), ("https://example.org/datenschutz", "privacy_notice_with_link")],
)
async def test_every_conversation_begins_with_the_privacy_notice(
    monkeypatch, privacy_url, response
):
    from rasa_sdk.events import ActionExecuted, SessionStarted

    from actions import actions

    monkeypatch.setattr(actions, "PRIVACY_URL", privacy_url)
    monkeypatch.setenv("RETENTION_DAYS", "14")
    dispatcher = CollectingDispatcher()
    events = await actions.ActionSessionStart().run(dispatcher, tracker_with({}), DOMAIN)
    assert events == [SessionStarted(), ActionExecuted("action_listen")]
    [message] = dispatcher.messages
    assert message["response"] == response
    assert message["retention_days"] == 14 and message["privacy_url"] == privacy_url
    text = DOMAIN["responses"][response][0]["text"].format(**message)
    assert "automatischen Assistenten" in text and "14 Tage" in text
    assert ("Datenschutz: https://example.org/datenschutz" in text) == bool(privacy_url)


async def test_a_person_asked_for_gets_the_case_to_pass_on():
    from actions.actions import ActionHandoverToPerson

    slots = {
        "customer_type": "privat",
        "link_status": "nur_nutzer",
        "number_shown": "ja",
        "diagnosis": "replace_user_link",
    }
    tracker = tracker_with(slots)
    tracker.events[:0] = [
        {
            "event": "user",
            "text": "da steht nur Nutzer, Rufnummer [Rufnummer]",
            "parse_data": {"intent": {"name": "linked_only_as_user"}},
        },
        {
            "event": "bot",
            "text": "Hat Ihnen das geholfen?",
            "metadata": {"utter_action": "ask_helped"},
        },
        {"event": "user", "text": "nein", "parse_data": {"intent": {"name": "deny"}}},
    ]
    dispatcher = CollectingDispatcher()
    await ActionHandoverToPerson().run(dispatcher, tracker, DOMAIN)
    [message] = dispatcher.messages
    assert message["response"] == "handover_person"
    note = message["case_note"]
    assert "Anliegen in den Worten des Kunden: da steht nur Nutzer, Rufnummer [Rufnummer]" in note
    assert (
        "Vertragsart: Privatkunde" in note and "Seite „Login-Verknüpfungen“: nur „Nutzer“" in note
    )
    assert "Ergebnis des Assistenten: replace_user_link" in note
    assert "Löschen Sie zuerst die Nutzer-Verknüpfung" in note
    assert "Geholfen: nein" in note
