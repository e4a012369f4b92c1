"""Fitting the bot's answers into a messenger's limits: sizes, and no custom payloads.

The bot answers in numbered steps ("1. ...\n2. ..."), each link on its own line. When an
answer is longer than a platform allows, it is cut between steps, so every message holds
whole steps and every link stays clickable. Only a step that alone exceeds the limit is cut
between its lines, and only a line that alone exceeds it between words.

Lengths are counted in UTF-16 code units: Telegram counts its limits that way, and for
Messenger it is never less than the count of characters, so a cut is never too late.
"""

import logging
import re
from typing import Any, Dict, Iterable, List, Tuple

from rasa.core.channels.channel import OutputChannel

logger = logging.getLogger(__name__)

_STEP_START = re.compile(r"\s*\d+[.)]\s")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def truncate(text: str, limit: int) -> str:
    """Shortens a title to `limit` characters, marking the cut with an ellipsis."""
    text = text.strip()
    if utf16_length(text) <= limit:
        return text
    return _hard_cut(text, limit - 1)[0] + "…"


def split_text(text: str, limit: int) -> List[str]:
    """Splits `text` into parts of at most `limit`, preferring step boundaries."""
    text = text.strip()
    if not text:
        return []
    if utf16_length(text) <= limit:
        return [text]
    return _pack(_atoms(_blocks(text), limit), limit)


def _blocks(text: str) -> List[Tuple[str, str]]:
    """Cuts the text into (separator, block) pairs: a block is one step or one paragraph.

    A block starts at a numbered line or after a blank line; lines that follow a step
    (its links, say) belong to that step.
    """
    blocks: List[Tuple[str, str]] = []
    separator = ""
    for line in text.split("\n"):
        if not line.strip():
            separator = "\n\n"
            continue
        if blocks and not separator and not _STEP_START.match(line):
            previous_separator, block = blocks[-1]
            blocks[-1] = (previous_separator, block + "\n" + line)
        else:
            blocks.append((separator or "\n", line))
        separator = ""
    return blocks


def _atoms(pieces: Iterable[Tuple[str, str]], limit: int) -> List[Tuple[str, str]]:
    """Breaks only the pieces that do not fit: blocks into lines, lines into words."""
    atoms: List[Tuple[str, str]] = []
    for separator, piece in pieces:
        if utf16_length(piece) <= limit:
            atoms.append((separator, piece))
            continue
        finer_separator = "\n" if "\n" in piece else " "
        parts = [part for part in piece.split(finer_separator) if part.strip()]
        if len(parts) > 1:
            finer = [(finer_separator, part) for part in parts]
            finer[0] = (separator, parts[0])
            atoms.extend(_atoms(finer, limit))
        else:
            # One word longer than a whole message: no boundary is left to respect.
            atoms.extend((separator, cut) for cut in _hard_cut(piece, limit))
    return atoms


def _pack(atoms: List[Tuple[str, str]], limit: int) -> List[str]:
    parts: List[str] = []
    for separator, atom in atoms:
        if parts and utf16_length(parts[-1] + separator + atom) <= limit:
            parts[-1] += separator + atom
        else:
            parts.append(atom)
    return [part.strip() for part in parts if part.strip()]


def _hard_cut(text: str, limit: int) -> List[str]:
    cuts: List[str] = []
    current: List[str] = []
    length = 0
    for character in text:
        width = utf16_length(character)
        if length + width > limit:
            cuts.append("".join(current))
            current, length = [], 0
        current.append(character)
        length += width
    return cuts + ["".join(current)] if current else cuts


class WithoutCustomJson(OutputChannel):
    """An output to a messenger: custom payloads are written for the website widget (who
    answers during a hand-over, say), and Rasa's default would show their JSON as text."""

    async def send_custom_json(
        self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any
    ) -> None:
        logger.debug("Custom payload not sent to %s.", self.name())
