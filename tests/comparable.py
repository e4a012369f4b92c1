"""One key for texts that are the same message to the classifier: case, punctuation and
umlaut spellings aside ("Nein." and "nein", "weiß nicht" and "weiss nicht")."""

import re

from actions.normaliser import fold_letters


def comparable(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold_letters(text)))
