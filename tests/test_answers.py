"""Every diagnosis as the customer reads it, written out: its steps in order with the
article's key phrase of each, its links, notes, hand-over and picture. Nothing here is read
from actions/linking_rules.py, so a step lost, two swapped, a note missing, the wrong
hand-over or a step reworded to the opposite fails."""

import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionDiagnose, ActionHandover
from tests.test_actions import DOMAIN, SLOTS_FOR, tracker_with

LOGIN_LINKS = "https://www.telekom.de/kundencenter/login-verknuepfungen"
KUNDENCENTER = "https://www.telekom.de/mein-kundencenter"
BSP = "https://bsp.geschaeftskunden.telekom.de"
DELETE = "https://account.idm.telekom.com/account-manager/associations/index.xhtml"
OPEN_LOGIN_LINKS = ("Öffnen Sie die Seite „Login-Verknüpfungen“", LOGIN_LINKS)
LINK_AS_OWNER = (
    "Verknüpfen Sie dort Ihren Mobilfunkvertrag als Vertragsinhaber/Vertragspartner",
    None,
)
BSP_STEPS = [("Melden Sie sich im Business-Service-Portal an", BSP), ("„Jetzt registrieren“", None)]
OWNER_LINK_FAILED = "Lässt sich Ihr Vertrag nur als „Nutzer“ verknüpfen, obwohl keine andere Verknüpfung vorhanden ist?"
BUSINESS_HANDOVER = "Geschäftskundenverträge verwalten Sie im Business-Service-Portal"

# diagnosis: (lead phrase, [(step phrase, its link)], notes, hand-over, its phrase, picture)
EXPECTED = {
    "business_portal": (
        "Sie haben einen Geschäftskundenvertrag",
        BSP_STEPS,
        [],
        "business",
        BUSINESS_HANDOVER,
        False,
    ),
    "business_contract_suspected": (
        "keine Rufnummer und kein Tarifname",
        BSP_STEPS,
        [],
        "business",
        BUSINESS_HANDOVER,
        False,
    ),
    "register_login": (
        "noch keinen Kundencenter-Login",
        [("Legen Sie einen Kundencenter-Login an", KUNDENCENTER), OPEN_LOGIN_LINKS, LINK_AS_OWNER],
        ["all_contracts_linked"],
        "owner_link_failed",
        OWNER_LINK_FAILED,
        True,
    ),
    "link_as_owner": (
        "noch gar kein Mobilfunkvertrag angezeigt",
        [OPEN_LOGIN_LINKS, LINK_AS_OWNER],
        ["all_contracts_linked"],
        "owner_link_failed",
        OWNER_LINK_FAILED,
        True,
    ),
    "replace_user_link": (
        "nur als „Nutzer“ verknüpft",
        [("Löschen Sie zuerst die Nutzer-Verknüpfung", DELETE), OPEN_LOGIN_LINKS, LINK_AS_OWNER],
        ["all_contracts_linked"],
        "owner_link_failed",
        OWNER_LINK_FAILED,
        True,
    ),
    "replace_stale_owner_link": (
        "keine aktiven Verträge mehr",
        [
            ("Löschen Sie die alte Vertragsinhaber-Verknüpfung", DELETE),
            OPEN_LOGIN_LINKS,
            ("Verknüpfen Sie dort Ihren aktuellen Vertrag neu als Vertragsinhaber", None),
        ],
        [],
        "owner_link_failed",
        OWNER_LINK_FAILED,
        True,
    ),
    "merge_customer_numbers": (
        "mehrere Kundennummern, alle auf denselben Namen",
        [
            (
                "Wenden Sie sich an den Kundenservice. Er kann Ihre Verträge unter einer Kundennummer zusammenfassen",
                None,
            )
        ],
        [],
        "merge",
        "Verträge unter einer Kundennummer zusammenfassen kann nur der Kundenservice",
        False,
    ),
    "separate_login_per_holder": (
        "auf unterschiedliche Namen",
        [
            (
                "Legen Sie für die Verträge auf dem anderen Namen ein weiteres Kundencenter-Login an",
                KUNDENCENTER,
            ),
            OPEN_LOGIN_LINKS,
            (
                "Melden Sie sich mit dem neuen Login an und verknüpfen Sie dort diese Verträge als Vertragsinhaber",
                None,
            ),
        ],
        [],
        "separate",
        "Wünschen Sie eine Vertragsübernahme, wenden Sie sich bitte an den Kundenservice",
        False,
    ),
    "split_customer_number": (
        "nur als „Nutzer“ verknüpfen, obwohl keine andere Verknüpfung vorhanden ist",
        [("Er muss Ihre Privatkundenverträge auf eine eigene Kundennummer überführen", None)],
        ["moved_from_business"],
        "split",
        "Die Überführung Ihrer Privatkundenverträge auf eine eigene Kundennummer kann nur der Kundenservice vornehmen",
        False,
    ),
}


def test_every_diagnosis_is_written_out():
    assert set(EXPECTED) == set(SLOTS_FOR)


@pytest.mark.parametrize("diagnosis_id", sorted(EXPECTED))
async def test_the_answer_is_the_articles(diagnosis_id):
    lead, steps, notes, _, _, picture = EXPECTED[diagnosis_id]
    dispatcher = CollectingDispatcher()
    await ActionDiagnose().run(dispatcher, tracker_with(SLOTS_FOR[diagnosis_id]), DOMAIN)
    answer, *rest = dispatcher.messages
    text = answer["text"]
    intro, *numbered = re.split(r"^\d+\. ", text, flags=re.M)
    assert lead in intro
    assert re.findall(r"^(\d+)\. ", text, flags=re.M) == [str(n) for n in range(1, len(steps) + 1)]
    for step_text, (phrase, link) in zip(numbered, steps):
        assert phrase in step_text
        assert re.findall(r"https://\S+", step_text) == ([link] if link else [])
    sent = [m.get("response") for m in rest]
    expected = (
        [f"note_{n}" for n in notes] + (["picture_owner_link"] if picture else []) + ["ask_helped"]
    )
    assert sent == expected


@pytest.mark.parametrize("diagnosis_id", sorted(EXPECTED))
async def test_the_handover_is_the_articles(diagnosis_id):
    *_, handover, phrase, _ = EXPECTED[diagnosis_id]
    dispatcher = CollectingDispatcher()
    await ActionHandover().run(dispatcher, tracker_with({"diagnosis": diagnosis_id}), DOMAIN)
    assert [m["response"] for m in dispatcher.messages] == [f"handover_{handover}", "case_note"]
    [variation] = DOMAIN["responses"][f"handover_{handover}"]
    assert phrase in variation["text"]
