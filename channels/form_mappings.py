"""Find a form's unique entity mappings once per domain, not for every slot of every message.

While a form is active, Rasa 3.6 checks each slot mapping of each message against the
form's unique entity mappings, and builds a new FormAction each time, which derives them
from the whole domain again: 4 % of the Rasa process's CPU under load (`make bench-load`,
py-spy). The set depends only on the form and the domain, both fixed while a model is
loaded; a new domain (a new model) gets its own.
"""
from typing import Dict, FrozenSet, Set, Text, Tuple

from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain

rasa_unique_entity_mappings = FormAction._create_unique_entity_mappings
# The domain is kept with its set, so a new domain at a reused id() is not mistaken for it.
_found: Dict[Tuple[int, Text], Tuple[Domain, FrozenSet[Text]]] = {}


def _unique_entity_mappings(self: FormAction, domain: Domain) -> Set[Text]:
    key = (id(domain), self.name())
    found = _found.get(key)
    if found is None or found[0] is not domain:
        found = _found[key] = (domain, frozenset(rasa_unique_entity_mappings(self, domain)))
    return found[1]


FormAction._create_unique_entity_mappings = _unique_entity_mappings
