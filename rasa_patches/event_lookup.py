"""Find an event's class by its type name in a dict, not by walking all classes each time.

Rasa 3.6 finds the class of every event it reads back (from the tracker store, from the
action server) by walking all subclasses of Event, with an abstract-class check for each:
5 % of the Rasa process's CPU under `make bench-load` (py-spy). The first answer for a
type name is kept; unknown names still end as Rasa ends them.
"""

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event

_rasa_resolve_by_type = Event.resolve_by_type
_found: Dict[Text, Type[Event]] = {}


def _resolve_by_type(
    type_name: Text, default: Optional[Type[Event]] = None
) -> Optional[Type[Event]]:
    if type_name in _found:
        return _found[type_name]
    found = _rasa_resolve_by_type(type_name, default)
    if found is not None and found is not default:
        _found[type_name] = found
    return found


def apply() -> None:
    Event.resolve_by_type = staticmethod(_resolve_by_type)
