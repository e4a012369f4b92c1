"""The open question: answered, asked again once in other words, then given up."""

import pytest

from actions.conversation import PERSON, Message, take_turn
from actions.normaliser import read

PRIVATE_WITH_LOGIN = {"customer_type": "privat", "has_login": "ja"}


def turn(slots, asked, repeating, text, intent="inform"):
    return take_turn(slots, asked, repeating, Message(text, intent), read(text, asked))


def test_an_answer_sets_the_fact_and_closes_the_question():
    result = turn({}, "customer_type", False, "Privatkunde, ganz normaler privater Vertrag.")
    assert result.changed == {"customer_type": "privat"}
    assert not result.repeat and result.gave_up is None


@pytest.mark.parametrize(
    "text, intent, said",
    [
        ("weiß ich nicht", "dont_know", ()),
        ("verbinden Sie mich bitte mit einem Mitarbeiter", "request_human", ("handover_person",)),
        ("das hilft mir nicht", "deny", ("utter_sorry_unhelpful",)),
        ("privat, aber über die Firma", "inform", ("utter_unclear_customer_type",)),
        ("Wie wird das Wetter morgen?", "out_of_scope", ("utter_out_of_scope",)),
    ],
)
def test_a_non_answer_repeats_the_question_once_then_gives_up(text, intent, said):
    first = turn({}, "customer_type", False, text, intent)
    assert first.changed == {} and first.repeat and first.gave_up is None
    assert first.say == said
    second = turn({}, "customer_type", True, text, intent)
    assert second.gave_up == "customer_type" and not second.repeat


@pytest.mark.parametrize(
    "text, intent",
    [
        ("verbinden Sie mich bitte mit einem Mitarbeiter", "request_human"),
        ("kann ich bitte mit einem echten menschen reden", "inform"),
    ],
)
def test_a_wish_for_a_person_stops_the_asking_at_once_when_one_can_take_over(text, intent):
    result = take_turn(
        {}, "customer_type", False, Message(text, intent), read(text), person_available=True
    )
    assert result.gave_up == PERSON and not result.repeat and result.changed == {}


def test_deny_intent_without_a_no_in_the_words_sets_nothing():
    result = turn(
        PRIVATE_WITH_LOGIN | {"link_status": "gemischt"},
        "same_name",
        False,
        "Das weiß ich leider nicht genau",
        "deny",
    )
    assert "same_name" not in result.changed


def test_a_new_description_updates_its_facts_while_the_question_is_open():
    slots = PRIVATE_WITH_LOGIN | {"link_status": "gemischt"}
    result = turn(
        slots, "same_name", False, "moment, da steht überall nur Nutzer", "linked_only_as_user"
    )
    assert result.changed == {"link_status": "nur_nutzer"}
    # The rules now need another fact: the new question is asked normally.
    assert not result.repeat and result.gave_up is None


def test_the_kind_of_description_does_not_override_the_words():
    result = turn(
        {}, None, False, "Früher war ich Geschäftskunde, jetzt bin ich privat", "business_customer"
    )
    assert result.changed == {"customer_type": "privat", "business_history": "ja"}


def test_a_button_sets_exactly_its_value():
    message = Message('/inform{"same_name":"nein"}', "inform", {"same_name": "nein"})
    from actions.normaliser import Reading

    result = take_turn(
        PRIVATE_WITH_LOGIN | {"link_status": "gemischt"}, "same_name", False, message, Reading()
    )
    assert result.changed == {"same_name": "nein"}


def test_linking_only_as_user_is_an_attempt_not_what_the_page_shows():
    result = turn(
        {},
        None,
        False,
        "Beim Verknüpfen kommt immer nur die Option Nutzer, Vertragsinhaber geht nicht.",
        "linked_only_as_user",
    )
    assert result.changed == {"only_user_possible": "ja"}


def test_a_first_description_keeps_its_facts_when_it_also_says_it_does_not_know():
    result = turn(
        {},
        None,
        False,
        "Bei mir ist ein Eintrag mit Nutzer, ohne Tarif. Keine Ahnung, welcher Vertrag das ist.",
        "user_link_without_number",
    )
    assert result.changed == {"link_status": "nur_nutzer", "number_shown": "nein"}


def test_a_later_dont_know_sets_no_fact_of_its_intent():
    slots = PRIVATE_WITH_LOGIN | {"link_status": "gemischt"}
    result = turn(slots, "same_name", False, "keine ahnung, echt nicht", "contract_not_shown")
    assert result.changed == {} and result.repeat


def test_words_of_an_existing_user_link_outweigh_an_intent_that_read_an_attempt():
    # The page is asked about rather than the case guessed: the two cases of the article
    # ("Nutzer" in front of the contract, "only Nutzer possible") need different steps.
    result = turn(
        {},
        None,
        False,
        "Mein Handyvertrag ist nur als Nutzer verknüpft.",
        "only_user_link_possible",
    )
    assert "only_user_possible" not in result.changed


@pytest.mark.parametrize("confidence, told", [(0.9, {"link_status": "keine"}), (0.45, {})])
def test_a_first_description_tells_the_facts_of_its_kind_only_when_the_nlu_is_sure(
    confidence, told
):
    text = "Im Kundencenter stimmt was mit dem Vertrag nicht"
    message = Message(text, "contract_not_shown", intent_confidence=confidence)
    assert take_turn({}, None, False, message, read(text)).changed == told


@pytest.mark.parametrize(
    "text, confidence, told",
    [
        ("Mit meinem Mobilfunkvertrag im Kundencenter ist etwas komisch", 0.8, {}),
        (
            "Mit meinem Mobilfunkvertrag im Kundencenter ist etwas komisch",
            0.9,
            {"link_status": "keine"},
        ),
        (
            "Im Kundencenter wird mein Handyvertrag gar nicht angezeigt",
            0.6,
            {"link_status": "keine"},
        ),
        ("Im Kundencenter wird mein Handyvertrag gar nicht angezeigt", 0.45, {}),
    ],
)
def test_a_less_sure_first_description_tells_only_what_its_words_say_too(text, confidence, told):
    message = Message(text, "contract_not_shown", intent_confidence=confidence)
    assert take_turn({}, None, False, message, read(text)).changed == told


@pytest.mark.parametrize("other_facts, told", [(0.4, {"link_status": "gemischt"}), (0.05, {})])
def test_the_share_of_the_other_facts_does_not_make_a_description_a_guess(other_facts, told):
    # Split by the NLU between the case and `inform` (the customer type, the names): both hold.
    text = "Privatkundin, ein Vertrag steht mit Inhaber, der zweite mit Nutzer"
    message = Message(
        text,
        "contracts_partially_shown",
        intent_confidence=0.4,
        other_facts_confidence=other_facts,
    )
    changed = take_turn({}, None, False, message, read(text)).changed
    assert {k: v for k, v in changed.items() if k == "link_status"} == told


def test_the_role_of_another_link_is_not_what_the_customers_contract_shows():
    slots = PRIVATE_WITH_LOGIN | {"only_user_possible": "ja"}
    result = turn(
        slots, "other_link", False, "ja, da gibt es eine Nutzer-Verknüpfung", "linked_only_as_user"
    )
    assert result.changed == {"other_link": "ja"}
