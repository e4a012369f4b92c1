"""One REST conversation per diagnosis against the running bot, typed as a customer would."""

import uuid

import pytest

from actions.linking_rules import DIAGNOSES_BY_ID, LOGIN_LINKS_URL

CONVERSATIONS = [
    (
        "business_portal",
        ["Hallo, wir haben einen Firmenvertrag und ich komme nicht ins Kundencenter"],
    ),
    ("register_login", ["ich hab noch gar keinen login fürs kundencenter", "Privatkunde"]),
    ("link_as_owner", ["Mein Handyvertrag wird im Kundencenter nicht angezeigt", "privat"]),
    (
        "replace_user_link",
        [
            "da steht nur Nutzer, ich bin doch Vertragsinhaber",
            "Privatkunde",
            "ja, Nummer und Tarif stehen dabei",
        ],
    ),
    (
        "merge_customer_numbers",
        ["bin Privatkunde, alle Verträge auf meinen Namen, einer steht nur als Nutzer drin"],
    ),
    (
        "separate_login_per_holder",
        ["Bei manchen Verträgen steht Vertragsinhaber, bei anderen nur Nutzer", "privat", "nein"],
    ),
    (
        "replace_stale_owner_link",
        [
            "Da ist noch eine Vertragsinhaber-Verknüpfung, aber der Vertrag dazu ist gekündigt",
            "privat",
        ],
    ),
    (
        "business_contract_suspected",
        ["bei mir steht Nutzer, aber ohne Rufnummer und ohne Tarif", "Privatkunde"],
    ),
    (
        "split_customer_number",
        ["Ich kann meinen Vertrag nur als Nutzer verknüpfen", "privat", "nein"],
    ),
]


def all_text(replies):
    return "\n".join(reply.get("text", "") for reply in replies)


def slot(bot, sender, name):
    return bot.tracker(sender)["slots"].get(name)


@pytest.mark.parametrize("diagnosis_id, messages", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversation_ends_in_the_diagnosis_with_its_links(bot, diagnosis_id, messages):
    sender = f"e2e-{diagnosis_id}-{uuid.uuid4().hex[:8]}"
    replies = []
    for message in messages:
        replies = bot.say(sender, message)
        assert replies, f"no answer to {message!r}"
    assert slot(bot, sender, "diagnosis") == diagnosis_id, all_text(replies)
    answer = all_text(replies)
    for link in DIAGNOSES_BY_ID[diagnosis_id].links:
        assert link in answer
    assert "1. " in answer
    assert replies[-1]["text"] == "Hat Ihnen das geholfen?"


def test_known_customer_type_is_not_asked_again(bot):
    sender = f"e2e-no-repeat-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, "Ich bin Privatkunde und sehe nur Nutzer")
    text = all_text(replies)
    assert "Privatkunden- oder einen Geschäftskundenvertrag" not in text
    assert "Rufnummer und ein Tarifname" in text
    assert [b["title"] for b in replies[-1]["buttons"]] == ["Ja", "Nein"]


def test_correction_after_the_answer_gives_the_corrected_answer(bot):
    sender = f"e2e-correction-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "Mein Handyvertrag wird im Kundencenter nicht angezeigt")
    bot.say(sender, "privat")
    assert slot(bot, sender, "diagnosis") == "link_as_owner"
    replies = bot.say(sender, "ach, es ist doch ein Geschäftsvertrag")
    assert slot(bot, sender, "diagnosis") == "business_portal"
    assert DIAGNOSES_BY_ID["business_portal"].links[0] in all_text(replies)


def test_not_helped_hands_over_to_kundenservice(bot):
    sender = f"e2e-handover-{uuid.uuid4().hex[:8]}"
    bot.say(
        sender, "bin Privatkunde, alle Verträge auf meinen Namen, einer steht nur als Nutzer drin"
    )
    replies = bot.say(sender, "nein")
    assert "Kundenservice" in all_text(replies)


@pytest.mark.parametrize("restart", ["/restart", "bitte nochmal von vorne"])
def test_restart_forgets_the_facts(bot, restart):
    sender = f"e2e-restart-{uuid.uuid4().hex[:8]}"
    bot.say(sender, "Ich bin Privatkunde und sehe nur Nutzer")
    bot.say(sender, restart)
    assert slot(bot, sender, "customer_type") is None
    replies = bot.say(sender, "Mein Handyvertrag wird im Kundencenter nicht angezeigt")
    assert "Privatkunden- oder einen Geschäftskundenvertrag" in all_text(replies)


def test_other_telekom_topic_gets_a_polite_refusal(bot):
    sender = f"e2e-oos-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, "Meine Rechnung ist diesen Monat viel zu hoch")
    assert "nicht helfen" in all_text(replies)
    assert slot(bot, sender, "diagnosis") is None


def test_not_understood_gets_a_rephrase_with_the_main_topics(bot):
    replies = bot.say(f"e2e-fallback-{uuid.uuid4().hex[:8]}", "/nlu_fallback")
    assert "anders formulieren" in all_text(replies)
    assert [b["payload"] for b in replies[-1]["buttons"]][:3] == [
        "/contract_not_shown",
        "/linked_only_as_user",
        "/contracts_partially_shown",
    ]


def test_gibberish_is_not_taken_for_a_problem(bot):
    sender = f"e2e-gibberish-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, "qwrtz plmkö xyv")
    assert "anders formulieren" in all_text(replies) or "nicht helfen" in all_text(replies)
    assert bot.tracker(sender)["active_loop"] == {}


def test_button_payload_with_entity_reaches_the_form(bot):
    sender = f"e2e-button-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, "Mein Handyvertrag wird im Kundencenter nicht angezeigt")
    privat = next(b for b in replies[-1]["buttons"] if b["title"] == "Privatkunde")
    assert privat["payload"] == '/inform{"customer_type":"privat"}'
    bot.say(sender, privat["payload"])
    assert slot(bot, sender, "diagnosis") == "link_as_owner"


def test_facts_first_then_the_page_question_with_its_buttons(bot):
    sender = f"e2e-ask-page-{uuid.uuid4().hex[:8]}"
    assert "Kundencenter-Assistent" in all_text(bot.say(sender, "Hallo"))
    assert "Login" in all_text(bot.say(sender, "Ich bin Privatkunde"))
    replies = bot.say(sender, "ja")
    assert LOGIN_LINKS_URL in all_text(replies)
    assert len(replies[-1]["buttons"]) == 4
    replies = bot.say(sender, "gar kein Vertrag zu sehen")
    assert slot(bot, sender, "diagnosis") == "link_as_owner"


# Each message states every fact its diagnosis needs: the bot answers at once, no question.
ONE_MESSAGE = [
    (
        "customer_type+link_status+number_shown",
        "replace_user_link",
        "Ich bin Privatkunde, bei mir steht nur Nutzer, Rufnummer und Tarif werden angezeigt",
    ),
    ("customer_type+has_login", "register_login", "Ich bin Privatkunde und habe noch keinen Login"),
    (
        "customer_type+only_user_possible+other_link",
        "split_customer_number",
        "Privatkunde hier, ich kann meinen Vertrag nur als Nutzer verknüpfen, eine andere Verknüpfung gibt es nicht",
    ),
    (
        "customer_type+link_status+same_name",
        "separate_login_per_holder",
        "bin privatkunde, manche verträge stehen als vertragsinhaber, andere nur als nutzer, die laufen auf verschiedene namen",
    ),
    (
        "customer_type+number_shown",
        "business_contract_suspected",
        "Privatkunde: bei mir steht Nutzer ohne Rufnummer und ohne Tarifname",
    ),
    (
        "customer_type+has_login+link_status",
        "link_as_owner",
        "Ich bin Privatkunde und habe einen Login, aber da wird kein Vertrag angezeigt",
    ),
]


@pytest.mark.parametrize(
    "diagnosis_id, message", [c[1:] for c in ONE_MESSAGE], ids=[c[0] for c in ONE_MESSAGE]
)
def test_all_facts_from_one_message_skip_every_question(bot, diagnosis_id, message):
    sender = f"e2e-one-{diagnosis_id}-{uuid.uuid4().hex[:8]}"
    replies = bot.say(sender, message)
    assert slot(bot, sender, "diagnosis") == diagnosis_id, all_text(replies)
    assert replies[-1]["text"] == "Hat Ihnen das geholfen?"
