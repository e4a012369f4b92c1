"""The project's input channels: REST, socketio, Messenger and Telegram.

Rasa's stock connectors for Messenger and Telegram fall short (see ../shared/RASA-NOTES.md): Messenger's
ignores the SHA-256 signature and answers bad signatures with 200 or 500, Telegram's needs
the internet at server start and authenticates nothing. These connectors fail closed: a
channel without its secrets rejects every webhook call instead of keeping Rasa from starting.
"""
import hmac
from typing import Any, Mapping, Optional

import rasa_patches

# Rasa imports the channels from credentials.yml before it builds the agent: the one place
# every Rasa server of the project passes through first.
rasa_patches.apply()


def credential(credentials: Optional[Mapping[str, Any]], key: str) -> str:
    """One value from credentials.yml as a string; missing, null or blank gives ''.

    The Makefile exports empty defaults, so an unset secret arrives as '' and must
    disable the channel, not crash it.
    """
    value = (credentials or {}).get(key)
    return "" if value is None else str(value).strip()


def same_secret(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison that never matches an unset secret."""
    if not expected or given is None:
        return False
    try:
        given_bytes = given.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(given_bytes, expected.encode("utf-8"))
