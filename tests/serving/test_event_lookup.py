"""rasa_patches/event_lookup.py: the same event classes as Rasa's own lookup, found faster."""

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

import rasa_patches
from rasa_patches import event_lookup

rasa_patches.apply()  # as every Rasa server of the project does


def test_every_event_type_resolves_to_the_class_rasa_finds():
    names = {cls.type_name for cls in all_subclasses(Event)}
    for name in names:
        assert Event.resolve_by_type(name) is event_lookup._rasa_resolve_by_type(name)
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot") is SlotSet


def test_events_read_back_from_json_are_the_same():
    stored = [
        UserUttered("Mein Vertrag fehlt"),
        SlotSet("customer_type", "privat"),
        ActionExecuted("action_listen"),
    ]
    assert [Event.from_parameters(event.as_dict()) for event in stored] == stored


def test_unknown_types_end_as_in_rasa():
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_lookup._found
