"""The helpers both channels share: fitting texts into limits, reading secrets."""

import pytest

from channels import credential, same_secret
from channels.limits import split_text, truncate, utf16_length


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("1. Eins\n2. Zwei", 100, ["1. Eins\n2. Zwei"]),
        ("  kurz \n", 100, ["kurz"]),
        ("", 100, []),
        ("1. Eins\n2. Zwei\n3. Drei", 16, ["1. Eins\n2. Zwei", "3. Drei"]),
        ("1. Eins\nhttps://a.de/1\n2. Zwei", 15, ["1. Eins", "https://a.de/1", "2. Zwei"]),
        (
            "Intro:\n1. Eins\nhttps://a.de/1\n2. Zwei",
            22,
            ["Intro:", "1. Eins\nhttps://a.de/1", "2. Zwei"],
        ),
        ("Absatz eins\n\nAbsatz zwei", 20, ["Absatz eins", "Absatz zwei"]),
        ("Absatz eins\n\nzwei", 20, ["Absatz eins\n\nzwei"]),
        ("ein langer Satz ohne Umbruch", 10, ["ein langer", "Satz ohne", "Umbruch"]),
        ("https://a.de/sehr-lang", 10, ["https://a.", "de/sehr-la", "ng"]),
    ],
    ids=[
        "fits",
        "stripped",
        "empty",
        "between steps",
        "long step split between its lines",
        "link stays with its step",
        "between paragraphs",
        "blank line kept inside a part",
        "long line between words",
        "one word longer than a message",
    ],
)
def test_split_text(text, limit, expected):
    assert split_text(text, limit) == expected


def test_split_text_counts_utf16_units_like_telegram():
    text = "😀" * 6
    parts = split_text(text, 5)
    assert [utf16_length(part) for part in parts] == [4, 4, 4]
    assert "".join(parts) == text


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Nur als Nutzer", "Nur als Nutzer"),
        ("Genau zwanzig Zeiche", "Genau zwanzig Zeiche"),
        ("Geschäftskundenvertrag", "Geschäftskundenvert…"),
    ],
    ids=["short", "exactly 20", "too long"],
)
def test_truncate_to_twenty(title, expected):
    assert truncate(title, 20) == expected
    assert len(truncate(title, 20)) <= 20


@pytest.mark.parametrize(
    "given, expected, result",
    [
        ("geheim", "geheim", True),
        ("Geheim", "geheim", False),
        ("geheim2", "geheim", False),
        (None, "geheim", False),
        ("", "", False),
        (None, "", False),
        ("gehe\udc80im", "geheim", False),
    ],
    ids=["same", "case", "longer", "missing", "both empty", "none configured", "unencodable"],
)
def test_same_secret(given, expected, result):
    assert same_secret(given, expected) is result


@pytest.mark.parametrize(
    "credentials, expected",
    [
        ({"secret": " abc \n"}, "abc"),
        ({"secret": ""}, ""),
        ({"secret": None}, ""),
        ({}, ""),
        (None, ""),
        ({"secret": 12345}, "12345"),
    ],
    ids=["trimmed", "empty", "null", "missing key", "no credentials", "number"],
)
def test_credential(credentials, expected):
    assert credential(credentials, "secret") == expected
