"""Slots to facts: the only place that knows slot values.

Each fact of the rules has a slot of the same name. Slots hold the strings the NLU and
the buttons deliver ("ja", "privat", ...); the rules work on typed facts. A value the
rules do not know counts as not told yet, so a stray value never becomes a wrong answer.
"""
from dataclasses import fields
from typing import Any, Iterable, Mapping, Optional

from actions.linking_rules import CustomerType, Facts, LinkStatus

FACT_SLOTS = tuple(field.name for field in fields(Facts))


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
    )


def is_known_value(slot: str, value: Any) -> bool:
    """Whether the rules understand this value of a fact slot."""
    return facts_from_slots({slot: value}) != Facts()


def told_value(slot: str, value: Any, entities: Iterable[Mapping[str, Any]]) -> Any:
    """The slot value the customer meant, or None when it is not clear.

    Yes/no facts come as entities whose role is the answer: in "[der andere läuft auf
    meine Frau]{same_name: nein}" the words vary too much for synonyms, the role does not.
    """
    for entity in entities:
        if entity.get("entity") == slot and entity.get("value") == value and entity.get("role"):
            value = entity["role"]
    return value if is_known_value(slot, value) else None
