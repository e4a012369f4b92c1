"""The REST channel's reading of a request, without a server: one row per kind of input."""

import json

import pytest

from channels.delivery import MAX_MESSAGE_LENGTH, clean_text
from channels.rest import MAX_BODY_BYTES, Rejected, parse_request

JSON = "application/json"


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


REJECTED = [
    ("empty body", JSON, b"", 400),
    ("empty list", JSON, b"[]", 400),
    ("JSON string", JSON, b'"hallo"', 400),
    ("JSON null", JSON, b"null", 400),
    ("invalid JSON", JSON, b'{"sender": "a", "message": ', 400),
    ("invalid UTF-8", JSON, b'{"sender": "a", "message": "\xff\xfe"}', 400),
    ("deeply nested", JSON, b"[" * 100_000 + b"]" * 100_000, 400),
    ("no sender", JSON, body(message="hallo"), 400),
    ("empty sender", JSON, body(sender="", message="hallo"), 400),
    ("sender with a line break", JSON, body(sender="a\nb", message="hallo"), 400),
    ("sender too long", JSON, body(sender="a" * 129, message="hallo"), 400),
    ("sender a number", JSON, body(sender=42, message="hallo"), 400),
    ("no message", JSON, body(sender="a"), 400),
    ("message a number", JSON, body(sender="a", message=42), 400),
    ("message a list", JSON, body(sender="a", message=["hallo"]), 400),
    ("message null", JSON, body(sender="a", message=None), 400),
    ("metadata a string", JSON, body(sender="a", message="hallo", metadata="x"), 400),
    ("no content type", None, body(sender="a", message="hallo"), 415),
    (
        "form content type",
        "application/x-www-form-urlencoded",
        body(sender="a", message="hallo"),
        415,
    ),
    ("text content type", "text/plain", body(sender="a", message="hallo"), 415),
    (
        "latin-1 charset",
        "application/json; charset=latin-1",
        body(sender="a", message="hallo"),
        415,
    ),
    ("1 MB", JSON, body(sender="a", message="x" * 1_000_000), 413),
]


@pytest.mark.parametrize(
    "content_type, raw, status", [r[1:] for r in REJECTED], ids=[r[0] for r in REJECTED]
)
def test_malformed_request_is_rejected_with_its_status(content_type, raw, status):
    with pytest.raises(Rejected) as rejected:
        parse_request(content_type, raw)
    assert rejected.value.status == status


ACCEPTED = [
    ("plain", JSON, body(sender="anna", message="Hallo"), "Hallo"),
    (
        "charset utf-8",
        "application/json; charset=UTF-8",
        body(sender="anna", message="Hallo"),
        "Hallo",
    ),
    ("empty message", JSON, body(sender="anna", message=""), ""),
    ("whitespace only", JSON, body(sender="anna", message=" \t\n "), ""),
    (
        "control characters",
        JSON,
        body(sender="anna", message="Ver\x00trag\x07\x1b[31m"),
        "Vertrag[31m",
    ),
    ("line breaks", JSON, body(sender="anna", message="nur\r\nNutzer"), "nur  Nutzer"),
    ("lone surrogate", JSON, b'{"sender": "anna", "message": "Vertrag \\ud800"}', "Vertrag"),
    ("decomposed umlaut", JSON, body(sender="anna", message="Vertra\u0308ge"), "Verträge"),
    ("emoji kept", JSON, body(sender="anna", message="👍🏽"), "👍🏽"),
    ("metadata", JSON, body(sender="anna", message="Hallo", metadata={"page": "x"}), "Hallo"),
]


@pytest.mark.parametrize(
    "content_type, raw, text", [r[1:] for r in ACCEPTED], ids=[r[0] for r in ACCEPTED]
)
def test_wellformed_request_gives_the_text_the_nlu_gets_once_cleaned(content_type, raw, text):
    assert clean_text(parse_request(content_type, raw).text) == text


def test_long_message_is_cut_before_the_nlu():
    assert clean_text("a" * 10_000) == "a" * MAX_MESSAGE_LENGTH


def test_ten_thousand_escaped_emoji_fit_in_the_body_limit():
    assert len(body(sender="anna", message="😀" * 10_000)) < MAX_BODY_BYTES
