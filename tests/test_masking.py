"""channels/masking.py: personal data replaced by placeholders, nothing else touched."""

import pytest

from benchmarks.masking import generated, independent_cases, nlu_test_messages, score
from channels.masking import mask
from tests.article import LINKS
from tests.article import TEXT as ARTICLE


def test_the_customer_message_of_the_issue_keeps_none_of_its_data():
    text = (
        "Mein Vertrag mit der Rufnummer 0151 23456789 und Kundennummer 4711081512 fehlt im "
        "Kundencenter, meine Mail ist max.mustermann@example.de"
    )
    assert mask(text) == (
        "Mein Vertrag mit der Rufnummer [Rufnummer] und Kundennummer [Kundennummer] fehlt im "
        "Kundencenter, meine Mail ist [E-Mail]"
    )


@pytest.mark.parametrize(
    "text, masked",
    [
        ("ruf mich an: +49 (0)171 / 123 45 67", "ruf mich an: [Rufnummer]"),
        ("(030) 1234567 oder 0049-30-1234567", "[Rufnummer] oder [Rufnummer]"),
        ("Kd.-Nr.: 123 456 789", "Kd.-Nr.: [Kundennummer]"),
        ("die Vertragsnummer lautet 98765432", "die Vertragsnummer lautet [Vertragsnummer]"),
        ("IBAN DE89 3704 0044 0532 0130 00 bitte", "IBAN [IBAN] bitte"),
        ("geboren am 12.03.1985", "geboren am [Geburtsdatum]"),
        (
            "mein Passwort ist Sommer2023! und PIN 1234",
            "mein Passwort ist [Kennwort] und PIN [Kennwort]",
        ),
        ("Musterstraße 12, 12345 Berlin", "[Adresse], [Adresse]"),
        # Found by tests/privacy/test_no_personal_data_kept.py.
        ("Mein Passwort Winter2024", "Mein Passwort [Kennwort]"),
        ("meine iban de89 3704 0044 0532 0130 00", "meine iban [IBAN]"),
    ],
)
def test_each_kind_in_its_usual_writings(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe 3 Verträge seit 2019, 2 Kundennummern, Tarif mit 20 GB",
        "Passwort vergessen, PIN gesperrt",
        "Passwort seit 2019 nicht geändert, das gilt ab 2024 wohl",
        "am 12.03. gekündigt, seit dem 01.02.2020 Kunde, um 10:30 Uhr, 39,95 Euro",
        "die Kundennummer fehlt, die Vertragsnummer finde ich nicht",
    ],
)
def test_normal_words_and_numbers_stay(text):
    assert mask(text) == text


def test_every_link_of_the_article_and_the_article_itself_stay():
    assert all(mask(link) == link for link in LINKS)
    assert mask(ARTICLE) == ARTICLE


def test_generated_messages_are_masked_completely_and_only_where_needed():
    with_data, without = generated(400, 400)
    result = score([*with_data, *without])
    assert result.missed == []
    assert result.false_masks == []
    assert sum(result.total.values()) > 450


def test_no_message_of_the_nlu_test_sets_changes():
    changed = [case.text for case in nlu_test_messages() if mask(case.text) != case.text]
    assert changed == []


def test_the_set_written_apart_does_not_fall_below_its_measured_level():
    """tests/privacy/independent.yml never changed the patterns; docs/benchmarks.md lists what
    it finds missing. Floors at the level measured on 2026-12-02 catch a regression."""
    result = score(independent_cases())
    recall = sum(result.found.values()) / sum(result.total.values())
    precision = sum(result.right_masks.values()) / sum(result.all_masks.values())
    assert recall >= 0.945 and precision >= 0.989
    assert result.found["phone"] == result.total["phone"]
    assert result.found["email"] == result.total["email"]
    assert result.found["iban"] == result.total["iban"]
