"""The help article the bot is built from, and the links in it.

The source of truth lies beside the repository (../shared/source/); a fresh clone may not
have it, so its copy here is what tests read, and `test_the_copy_is_the_article` fails as
soon as the two differ.
"""

import re
from pathlib import Path
from typing import Set
from urllib.parse import urlsplit, urlunsplit

NAME = "kundencenter-mobilfunkverknuepfung.txt"
COPY = Path(__file__).resolve().parent / NAME
SOURCE = Path(__file__).resolve().parents[3] / "shared" / "source" / NAME
TEXT = COPY.read_text(encoding="utf-8")
_URL = re.compile(r"https?://[^\s\"'<>()]+")


def normalised(url: str) -> str:
    """One spelling per address: no trailing punctuation or slash, lower-case scheme and host."""
    parts = urlsplit(url.rstrip(".,;:!?)"))
    return urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            parts.path.rstrip("/"),
            parts.query,
            parts.fragment,
        )
    )


def urls_in(text: str) -> Set[str]:
    return {normalised(url) for url in _URL.findall(text)}


LINKS = urls_in(TEXT)
