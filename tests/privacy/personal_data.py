"""The personal data a customer pastes, and the search for them in what the bot keeps.

Each value is searched in the writings it could be kept in: as sent, without spaces,
URL-encoded, its digits alone (a number re-formatted on the way), and the pieces a
masker that caught only part of it would leave: a long run of its digits as written, ten
of its digits in a row however separated, an e-mail address's name before the "@". The
places searched are read as Rasa writes them: JSON escapes ("Lindenstra\\u00dfe") are
undone first, and case does not count.
"""

import re
from dataclasses import dataclass
from typing import Iterable, List, Pattern
from urllib.parse import quote

from channels.masking import (
    ADDRESS,
    BIRTH_DATE,
    CONTRACT_NUMBER,
    CUSTOMER_NUMBER,
    EMAIL,
    IBAN,
    PHONE,
    SECRET,
)


@dataclass(frozen=True)
class Personal:
    placeholder: str  # what the masker puts in the value's place
    value: str
    message: str  # the customer's message, "{}" where the value goes

    @property
    def text(self) -> str:
        return self.message.format(self.value)


# In the order of a conversation: the problem first, a person asked for last.
PERSONAL_DATA = (
    Personal(
        PHONE,
        "0151 23456789",
        "Mein Handyvertrag mit der Rufnummer {} wird im Kundencenter nicht angezeigt",
    ),
    Personal(CUSTOMER_NUMBER, "4711081512", "Ich bin Privatkunde, meine Kundennummer ist {}"),
    Personal(
        CONTRACT_NUMBER, "8800-1234-5678", "Die Vertragsnummer lautet {}, ich sehe gar keinen"
    ),
    Personal(CUSTOMER_NUMBER, "5500 123 456", "Auf der Rechnung steht Kd.-Nr. {}"),
    Personal(PHONE, "+49 (0)170 9876543", "Sie erreichen mich unter {}"),
    Personal(EMAIL, "erika.beispiel@example.org", "Oder schreiben Sie mir an {}"),
    Personal(IBAN, "DE89 3704 0044 0532 0130 00", "Abgebucht wird von der IBAN {}"),
    Personal(BIRTH_DATE, "14.03.1985", "Ich bin geboren am {}"),
    Personal(SECRET, "Sommer2023!", "Mein Passwort: {}"),
    Personal(SECRET, "Blaubeere#77", "Das Kennwort ist {}, falls Sie es brauchen"),
    Personal(SECRET, "583920", "Die PIN ist {}"),
    Personal(ADDRESS, "Lindenstraße 17", "Ich wohne in der {}"),
    Personal(ADDRESS, "10115 Berlin", "Post bitte nach {}"),
    # The masker once missed these two (a password without ":", an IBAN in lower case).
    Personal(SECRET, "Winter2024", "Mein Passwort {} geht nicht mehr"),
    Personal(IBAN, "de12 5001 0517 0648 4898 90", "meine iban {}"),
    Personal(
        PHONE,
        "030/12 34 56 78",
        "Ich möchte mit einem Menschen sprechen, Rückruf bitte unter {}",
    ),
)
MESSAGES = tuple(personal.text for personal in PERSONAL_DATA)
# Shorter numbers and pieces of numbers turn up by chance in a log's timestamps and IDs.
# A value with fewer digits is not searched as its digits alone:
MIN_DIGITS_ALONE = 8
# a run of the value's digits as written ("23456789" of "0151 23456789") from this length:
MIN_DIGIT_RUN = 6
# ten of its digits in a row at the start or end of a number, however separated: what is
# left of an IBAN whose end alone was masked ("DE89 3704 0044 [Rufnummer]").
DIGIT_PIECE = 10


@dataclass(frozen=True)
class Place:
    """Something kept: a log line, a store's cell; `location` says where to look."""

    location: str
    text: str


@dataclass(frozen=True)
class Hit:
    location: str
    value: str
    form: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.location}: {self.value!r} (as {self.form!r}) in …{self.excerpt}…"


def writings(value: str) -> List[str]:
    """The value as it could be kept, when the search keeps separators."""
    forms = {value, re.sub(r"\s+", "", value), quote(value, safe="")}
    forms.update(run for run in re.findall(r"\d+", value) if len(run) >= MIN_DIGIT_RUN)
    if "@" in value:
        forms.add(value.split("@")[0])
    return sorted(forms)


def digits_alone(value: str) -> List[str]:
    """The value's digits without separators, when the search drops them too."""
    digits = re.sub(r"\D", "", value)
    return [digits] if len(digits) >= MIN_DIGITS_ALONE else []


def digit_pieces(value: str) -> List[str]:
    """Each DIGIT_PIECE digits in a row of the value, when the search drops separators."""
    digits = re.sub(r"\D", "", value)
    return sorted({digits[i : i + DIGIT_PIECE] for i in range(len(digits) - DIGIT_PIECE + 1)})


def _pattern(form: str) -> Pattern[str]:
    # A number is found as a whole: "583920" is not a hit inside "1701583920.4".
    before = r"(?<![\d.])" if form[0].isdigit() else ""
    after = r"(?!\d)" if form[-1].isdigit() else ""
    return re.compile(before + re.escape(form.casefold()) + after)


def _piece_pattern(piece: str) -> Pattern[str]:
    # A piece is left at the start or the end of a number, next to what was masked; in
    # the middle of a long number (a timestamp) it would be chance.
    return re.compile(rf"(?<!\d){piece}|{piece}(?!\d)")


@dataclass(frozen=True)
class _Search:
    value: str
    form: str
    in_joined: bool  # searched in the text with the separators between digits dropped
    pattern: Pattern[str]


def _searches(values: Iterable[str]) -> List[_Search]:
    searches = []
    for value in values:
        searches += [_Search(value, form, False, _pattern(form)) for form in writings(value)]
        searches += [_Search(value, form, True, _pattern(form)) for form in digits_alone(value)]
        searches += [_Search(value, p, True, _piece_pattern(p)) for p in digit_pieces(value)]
    return searches


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\([\"\\/])")
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[\s./()+\-]+(?=\d)")


def readable(text: str) -> str:
    """The text with JSON's escapes undone, as json.dumps(ensure_ascii=True) stores "ß"."""
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


def hits(places: Iterable[Place], values: Iterable[str]) -> List[Hit]:
    """Every place that holds one of the values in any of its writings."""
    searches = _searches(values)
    found = []
    for place in places:
        text = readable(place.text).casefold()
        haystacks = {False: text, True: _BETWEEN_DIGITS.sub("", text)}
        for search in searches:
            haystack = haystacks[search.in_joined]
            # The plain look-up first: a store's files are megabytes, and most places
            # hold no form at all.
            if search.form.casefold() not in haystack:
                continue
            match = search.pattern.search(haystack)
            if match:
                excerpt = haystack[max(0, match.start() - 60) : match.end() + 60]
                found.append(Hit(place.location, search.value, search.form, excerpt))
    return found


def lines_of(location: str, text: str) -> List[Place]:
    return [Place(f"{location}:{number}", line) for number, line in enumerate(text.splitlines(), 1)]
