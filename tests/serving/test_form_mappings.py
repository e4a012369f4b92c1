"""channels/form_mappings.py: the unique entity mappings Rasa finds, found once per domain."""
import json
from pathlib import Path
from unittest import mock

from rasa.core.actions.forms import FormAction
from rasa.shared.core.domain import Domain

from channels import form_mappings

DOMAIN_FILE = str(Path(__file__).resolve().parents[2] / "domain.yml")


def test_same_mappings_as_rasa_derived_once_per_domain():
    domain = Domain.load(DOMAIN_FILE)
    expected = form_mappings.rasa_unique_entity_mappings(FormAction("diagnosis_form", None), domain)
    assert expected  # the facts told by entity are there to be checked

    with mock.patch.object(form_mappings, "rasa_unique_entity_mappings",
                           wraps=form_mappings.rasa_unique_entity_mappings) as derive:
        for _ in range(3):
            form = FormAction("diagnosis_form", None)
            assert form._create_unique_entity_mappings(domain) == expected
            assert all(form.entity_mapping_is_unique(json.loads(m), domain) for m in expected)
        assert derive.call_count == 1

        new_model_domain = Domain.load(DOMAIN_FILE)
        FormAction("diagnosis_form", None)._create_unique_entity_mappings(new_model_domain)
        assert derive.call_count == 2
