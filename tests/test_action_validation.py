"""The faster action-response validation accepts and rejects what Rasa's own does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import rasa_patches

rasa_patches.apply()  # as every Rasa server of the project does


def validate(result):
    return RemoteAction("action_diagnose", None)._validate_action_result(result)


def test_the_project_validation_is_installed():
    assert RemoteAction._validate_action_result.__module__ == "rasa_patches.action_validation"


def test_valid_response_passes():
    assert validate(
        {
            "events": [{"event": "slot", "name": "diagnosis", "value": "link_as_owner"}],
            "responses": [{"text": "Hallo"}],
        }
    )


@pytest.mark.parametrize(
    "result", [{"events": "nope"}, {"events": [{"event": 3}]}, {"responses": "x"}]
)
def test_invalid_response_fails_with_rasas_error(result):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate(result)
