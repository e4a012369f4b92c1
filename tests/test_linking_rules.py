"""The article's cases, one row each, and properties over every fact combination."""

import itertools
from dataclasses import fields, replace

import pytest

from actions.linking_rules import (
    BSP_URL,
    DELETE_LINK_URL,
    DIAGNOSES,
    KUNDENCENTER_URL,
    LOGIN_LINKS_URL,
    CustomerType,
    Diagnosis,
    Facts,
    LinkStatus,
    MissingFact,
    diagnose,
)

PRIVAT = CustomerType.PRIVAT
GESCHAEFT = CustomerType.GESCHAEFT

CASES = [
    # Business contracts go to the BSP, whatever else is known.
    ("business", Facts(customer_type=GESCHAEFT), "business_portal"),
    (
        "business_with_user_links",
        Facts(customer_type=GESCHAEFT, link_status=LinkStatus.NUR_NUTZER),
        "business_portal",
    ),
    ("business_no_login", Facts(customer_type=GESCHAEFT, has_login=False), "business_portal"),
    # Private without a Kundencenter login.
    ("no_login", Facts(customer_type=PRIVAT, has_login=False), "register_login"),
    # Without a login there is no page to look at, whatever a description seemed to say.
    (
        "no_login_before_the_page",
        Facts(customer_type=PRIVAT, has_login=False, link_status=LinkStatus.NUR_NUTZER),
        "register_login",
    ),
    # Bullet 1: nothing shown.
    ("nothing_shown", Facts(customer_type=PRIVAT, link_status=LinkStatus.KEINE), "link_as_owner"),
    (
        "nothing_shown_login_said",
        Facts(customer_type=PRIVAT, has_login=True, link_status=LinkStatus.KEINE),
        "link_as_owner",
    ),
    # Bullet 2: "Nutzer" everywhere, number and tariff shown.
    (
        "only_user_with_number",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.NUR_NUTZER, number_shown=True),
        "replace_user_link",
    ),
    # Bullet 5: Nutzer link without Rufnummer and Tarifname.
    (
        "only_user_without_number",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.NUR_NUTZER, number_shown=False),
        "business_contract_suspected",
    ),
    # Bullet 3: mixed or partial.
    (
        "mixed_same_name",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.GEMISCHT, same_name=True),
        "merge_customer_numbers",
    ),
    (
        "mixed_other_names",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.GEMISCHT, same_name=False),
        "separate_login_per_holder",
    ),
    # Bullet 4: Vertragsinhaber link without active contracts.
    (
        "stale_owner_link",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.INHABER_OHNE_VERTRAG),
        "replace_stale_owner_link",
    ),
    # Bullet 6 + "Bitte beachten": only Nutzer possible although no other link.
    (
        "only_user_possible_no_other_link",
        Facts(customer_type=PRIVAT, only_user_possible=True, other_link=False),
        "split_customer_number",
    ),
    (
        "only_user_possible_page_empty",
        Facts(customer_type=PRIVAT, only_user_possible=True, link_status=LinkStatus.KEINE),
        "split_customer_number",
    ),
    # Another link exists: that link is the problem, the page decides.
    (
        "only_user_possible_user_link_exists",
        Facts(
            customer_type=PRIVAT,
            only_user_possible=True,
            other_link=True,
            link_status=LinkStatus.NUR_NUTZER,
            number_shown=True,
        ),
        "replace_user_link",
    ),
    # "Bitte beachten": private and business contracts under one Kundennummer, now or once.
    (
        "business_history_now_private",
        Facts(customer_type=PRIVAT, business_history=True),
        "split_customer_number",
    ),
    ("business_history_type_unknown", Facts(business_history=True), "split_customer_number"),
    (
        "business_history_said_business",
        Facts(customer_type=GESCHAEFT, business_history=True),
        "split_customer_number",
    ),
    (
        "business_history_only_user",
        Facts(customer_type=PRIVAT, business_history=True, only_user_possible=True),
        "split_customer_number",
    ),
    (
        "only_user_possible_stale_link_exists",
        Facts(
            customer_type=PRIVAT,
            only_user_possible=True,
            other_link=True,
            link_status=LinkStatus.INHABER_OHNE_VERTRAG,
        ),
        "replace_stale_owner_link",
    ),
]

MISSING = [
    ("nothing_known", Facts(), "customer_type"),
    ("problem_known_type_not", Facts(link_status=LinkStatus.NUR_NUTZER), "customer_type"),
    ("private_only", Facts(customer_type=PRIVAT), "has_login"),
    ("private_with_login", Facts(customer_type=PRIVAT, has_login=True), "link_status"),
    (
        "only_user_asks_for_number",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.NUR_NUTZER),
        "number_shown",
    ),
    (
        "mixed_asks_for_name",
        Facts(customer_type=PRIVAT, link_status=LinkStatus.GEMISCHT),
        "same_name",
    ),
    (
        "only_user_possible_asks_other_link",
        Facts(customer_type=PRIVAT, only_user_possible=True),
        "other_link",
    ),
    (
        "other_link_exists_asks_page",
        Facts(customer_type=PRIVAT, only_user_possible=True, other_link=True),
        "link_status",
    ),
]


@pytest.mark.parametrize("facts, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_article_case_gives_its_diagnosis(facts, expected):
    outcome = diagnose(facts)
    assert isinstance(outcome, Diagnosis)
    assert outcome.id == expected


@pytest.mark.parametrize("facts, fact", [c[1:] for c in MISSING], ids=[c[0] for c in MISSING])
def test_asks_for_the_missing_fact(facts, fact):
    assert diagnose(facts) == MissingFact(fact)


def test_every_diagnosis_is_reachable_from_a_case():
    assert {c[2] for c in CASES} == {d.id for d in DIAGNOSES}


EXPECTED_LINKS = {
    "business_portal": {BSP_URL},
    "register_login": {KUNDENCENTER_URL, LOGIN_LINKS_URL},
    "link_as_owner": {LOGIN_LINKS_URL},
    "replace_user_link": {DELETE_LINK_URL, LOGIN_LINKS_URL},
    "merge_customer_numbers": set(),
    "separate_login_per_holder": {KUNDENCENTER_URL, LOGIN_LINKS_URL},
    "replace_stale_owner_link": {DELETE_LINK_URL, LOGIN_LINKS_URL},
    "business_contract_suspected": {BSP_URL},
    "split_customer_number": set(),
}

KUNDENSERVICE_ONLY = {"merge_customer_numbers", "split_customer_number"}


@pytest.mark.parametrize("diagnosis", DIAGNOSES, ids=lambda d: d.id)
def test_diagnosis_links_are_the_articles(diagnosis):
    assert set(diagnosis.links) == EXPECTED_LINKS[diagnosis.id]
    assert diagnosis.steps, "every diagnosis gives at least one step"


@pytest.mark.parametrize("diagnosis", DIAGNOSES, ids=lambda d: d.id)
def test_kundenservice_cases_hand_over_to_kundenservice(diagnosis):
    needs_service = any(step.startswith("contact_service") for step in diagnosis.steps)
    assert needs_service == (diagnosis.id in KUNDENSERVICE_ONLY)


def test_owner_link_cases_delete_before_linking():
    for diagnosis in DIAGNOSES:
        if diagnosis.id in ("replace_user_link", "replace_stale_owner_link"):
            assert diagnosis.steps[0].startswith("delete_")
            assert diagnosis.steps[-1].startswith("link_")


# --- Properties over every combination of facts -----------------------------------

VALUES = {
    "customer_type": [None, PRIVAT, GESCHAEFT],
    "has_login": [None, True, False],
    "link_status": [None, *LinkStatus],
    "number_shown": [None, True, False],
    "same_name": [None, True, False],
    "only_user_possible": [False, True],
    "other_link": [None, True, False],
    "business_history": [False, True],
}
ALL_FACTS = [
    Facts(**dict(zip(VALUES, combination))) for combination in itertools.product(*VALUES.values())
]


def test_value_table_covers_every_fact():
    assert set(VALUES) == {f.name for f in fields(Facts)}


def test_never_asks_for_a_fact_already_known():
    for facts in ALL_FACTS:
        outcome = diagnose(facts)
        if isinstance(outcome, MissingFact):
            assert getattr(facts, outcome.name) is None, (facts, outcome)


def test_answering_the_questions_always_ends_in_a_diagnosis():
    """Whatever the customer answers, at most a handful of questions lead to an answer."""
    for facts in ALL_FACTS:
        frontier = [facts]
        for _ in range(len(VALUES)):
            next_frontier = []
            for current in frontier:
                outcome = diagnose(current)
                if isinstance(outcome, MissingFact):
                    answers = [v for v in VALUES[outcome.name] if v is not None]
                    next_frontier += [replace(current, **{outcome.name: a}) for a in answers]
            frontier = next_frontier
        assert not frontier, f"no diagnosis reached from {facts}"


def test_facts_beyond_the_decision_do_not_change_it():
    """The business case wins over everything the customer may add."""
    for facts in ALL_FACTS:
        if facts.customer_type is GESCHAEFT and not facts.business_history:
            assert diagnose(facts).id == "business_portal"


def test_business_history_always_needs_its_own_kundennummer():
    """ "Bitte beachten": never the BSP for a customer whose Kundennummer had both."""
    for facts in ALL_FACTS:
        if facts.business_history:
            assert diagnose(facts).id == "split_customer_number", facts
