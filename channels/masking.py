"""Personal data out of a customer's message before anything keeps it.

Customers paste their Rufnummer, Kundennummer or e-mail address unasked. The linking rules
need none of it, so `mask` replaces each with a placeholder before the NLU, the tracker
store and the logs see the text (channels/delivery.py calls it for every channel). The
placeholders are words in brackets, "[Rufnummer]", which the intent classifier reads as
the word they stand for. What is masked: German phone numbers in the usual writings,
numbers after a word that names a Kundennummer or Vertragsnummer, e-mail addresses, IBANs,
dates of birth (a date after "geboren", "Geburtsdatum", ...), passwords and PINs given as
such ("Passwort: ...", "Kennwort ist ..."), and street addresses (street and number, and a
postcode with its town). Measured on a generated set by `make bench-masking`.
"""

import re
from typing import List, Pattern, Tuple

PHONE = "[Rufnummer]"
CUSTOMER_NUMBER = "[Kundennummer]"
CONTRACT_NUMBER = "[Vertragsnummer]"
EMAIL = "[E-Mail]"
IBAN = "[IBAN]"
BIRTH_DATE = "[Geburtsdatum]"
SECRET = "[Kennwort]"
ADDRESS = "[Adresse]"

_NUMBER_RUN = r"\d[\d \t./-]{2,24}\d"
# Words between a naming word and its value: "Kundennummer ist: 123", "Passwort lautet x".
_SAYS = r"(?:\s*(?:ist|lautet|lauten|wäre|waere|war|is|=|:|-|#))*\s*"


def _after(*words: str) -> str:
    """Right after one of the words (case aside), which stay in the text."""
    return "(?:" + "|".join(f"(?<={re.escape(word)})" for word in words) + ")"


_PATTERNS: List[Tuple[Pattern[str], str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I), EMAIL),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b"), IBAN),
    # Typed in lower case ("de89 3704 ..."): digits only after the country code, as in a
    # German IBAN, so that no words in groups of four are taken for one.
    (re.compile(r"\b[a-z]{2}\d{2}(?:[ ]?\d{4}){3,7}(?:[ ]?\d{1,3})?\b"), IBAN),
    # A word that names the number, then the number: the number goes, the word stays.
    (
        re.compile(
            _after("vertragsnummer", "vertragsnr", "vertrags-nr", "vertrags-nummer", "vnr")
            + r"\.?"
            + _SAYS
            + f"(?P<v>{_NUMBER_RUN})",
            re.I,
        ),
        CONTRACT_NUMBER,
    ),
    (
        re.compile(
            _after(
                "kundennummer",
                "kundennr",
                "kunden-nr",
                "kunden-nummer",
                "kd.-nr",
                "kd-nr",
                "kd.nr",
                "kdnr",
                "kd. nr",
                "knr",
                "customer number",
            )
            + r"\.?"
            + _SAYS
            + f"(?P<v>{_NUMBER_RUN})",
            re.I,
        ),
        CUSTOMER_NUMBER,
    ),
    # +49 / 0049 / 0 and an area or mobile prefix, digits grouped by spaces, slashes, dashes,
    # dots or brackets; at least 7 digits, so "seit 2019" or "3 Verträge" never match.
    (
        re.compile(
            r"(?<![\w+(])\(?(?:\+\s?49|0049|\(0\)|0)[ \t./-]*(?:\(0\))?[ \t./-]*\(?[1-9]\d{1,4}\)?"
            r"(?:[ \t./-]*\d){4,10}(?!\d)"
        ),
        PHONE,
    ),
    (
        re.compile(
            _after("geboren", "geburtsdatum", "geb.", "geb", "geburtstag", "born", "birthday")
            + r"(?:\s*(?:ist|lautet|am|on|:|=|-))*\s*"
            r"(?P<v>\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
            r"|\d{1,2}\.\s?[A-Za-zäÄ]{3,9}\.?\s\d{4})",
            re.I,
        ),
        BIRTH_DATE,
    ),
    (
        re.compile(
            _after("passwort", "kennwort", "password", "pin", "puk", "pw", "zugangsdaten")
            # Without ":" or "ist" only a value with a digit: "Passwort Winter2024", never
            # "Passwort vergessen".
            + r"(?:\s*(?::|=|ist|lautet|is|wäre|waere|war)\s*|\s+(?=[^\s,;]*\d))+"
            r"(?P<v>[\"'„“]?[^\s\"'„“,;]+[\"'“]?)",
            re.I,
        ),
        SECRET,
    ),
    # Street and house number; postcode and town.
    (
        re.compile(
            r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer"
            r"|chaussee|steig|pfad|markt)\s+\d{1,4}\s?[a-zA-Z]?\b",
        ),
        ADDRESS,
    ),
    (re.compile(r"\b\d{5}\s+[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+)?\b"), ADDRESS),
]


def mask(text: str) -> str:
    """The text with each piece of personal data replaced by its placeholder."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(
            lambda match, placeholder=placeholder: _replaced(match, placeholder), text
        )
    return text


def _replaced(match: "re.Match[str]", placeholder: str) -> str:
    # Patterns with a group "v" keep what names the value ("Kennwort ist ") and drop the value.
    if "v" not in match.re.groupindex:
        return placeholder
    start, end = match.start("v") - match.start(), match.end("v") - match.start()
    found = match.group(0)
    return found[:start] + placeholder + found[end:]
