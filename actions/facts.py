"""Slots to facts: the only place that knows slot values.

Each fact of the rules has a slot of the same name. Slots hold the strings the normaliser,
the intents and the buttons deliver ("ja", "privat", ...); the rules work on typed facts.
A value the rules do not know counts as not told yet, so a stray value never becomes a
wrong answer.
"""

from dataclasses import fields
from typing import Any, Dict, Mapping, Optional

from actions.linking_rules import CustomerType, Facts, LinkStatus

FACT_SLOTS = tuple(field.name for field in fields(Facts))

# What a problem description says by its kind alone ("da steht nur Nutzer"). A former
# business customer is told only by the words (actions/normaliser.py): the kind alone was
# seen on angry stories and on "privat, keine Firma", and it decides the whole answer.
INTENT_FACTS: Dict[str, Dict[str, str]] = {
    "contract_not_shown": {"link_status": "keine"},
    "linked_only_as_user": {"link_status": "nur_nutzer"},
    "user_link_without_number": {"link_status": "nur_nutzer", "number_shown": "nein"},
    "contracts_partially_shown": {"link_status": "gemischt"},
    "owner_link_without_active_contracts": {"link_status": "inhaber_ohne_vertrag"},
    "only_user_link_possible": {"only_user_possible": "ja"},
    "business_customer": {"customer_type": "geschaeft"},
    "no_login": {"has_login": "nein"},
}
# Every kind of problem description: these start the diagnosis (data/rules/diagnosis.yml).
DESCRIPTION_INTENTS = frozenset(INTENT_FACTS) | {"problem_unclear", "former_business_customer"}


def _yes_no(value: Any) -> Optional[bool]:
    if isinstance(value, (str, bool)):
        return {"ja": True, "nein": False, True: True, False: False}.get(value)
    return None


def _enum(enum_type, value: Any):
    try:
        return enum_type(value)
    except ValueError:
        return None


def facts_from_slots(slots: Mapping[str, Any]) -> Facts:
    return Facts(
        customer_type=_enum(CustomerType, slots.get("customer_type")),
        has_login=_yes_no(slots.get("has_login")),
        link_status=_enum(LinkStatus, slots.get("link_status")),
        number_shown=_yes_no(slots.get("number_shown")),
        same_name=_yes_no(slots.get("same_name")),
        only_user_possible=_yes_no(slots.get("only_user_possible")) is True,
        other_link=_yes_no(slots.get("other_link")),
        business_history=_yes_no(slots.get("business_history")) is True,
    )


def is_known_value(slot: str, value: Any) -> bool:
    """Whether the rules understand this value of a fact slot."""
    return slot in FACT_SLOTS and facts_from_slots({slot: value}) != Facts()
