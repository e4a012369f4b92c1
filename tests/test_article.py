"""Every address in every bot text is one of the article's, and the article copy is current."""

import pytest
import yaml

from actions.linking_rules import DIAGNOSES
from tests.article import COPY, LINKS, SOURCE, normalised, urls_in

DOMAIN = yaml.safe_load((COPY.parents[2] / "domain.yml").read_text(encoding="utf-8"))


def test_the_copy_is_the_article():
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not beside this clone; the copy in {COPY.parent} is used")
    assert COPY.read_text(encoding="utf-8") == SOURCE.read_text(encoding="utf-8")


def test_the_article_has_its_four_addresses():
    assert LINKS == {
        "https://www.telekom.de/kundencenter/login-verknuepfungen",
        "https://www.telekom.de/mein-kundencenter",
        "https://bsp.geschaeftskunden.telekom.de",
        "https://account.idm.telekom.com/account-manager/associations/index.xhtml",
    }


def bot_texts():
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            yield name, variation.get("text") or ""
            for button in variation.get("buttons") or []:
                yield name, button.get("title", "")


def test_every_address_in_a_bot_text_is_one_of_the_articles():
    found = {(name, url) for name, text in bot_texts() for url in urls_in(text)}
    assert found  # the texts do give links
    assert {(name, url) for name, url in found if url not in LINKS} == set()


def test_the_rules_link_every_article_address_and_no_other():
    used = {normalised(link) for diagnosis in DIAGNOSES for link in diagnosis.links}
    assert used == LINKS


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://www.telekom.de/kundencenter/login-verknuepfungen.",
            "https://www.telekom.de/kundencenter/login-verknuepfungen",
        ),
        ("HTTPS://WWW.Telekom.de/mein-kundencenter/", "https://www.telekom.de/mein-kundencenter"),
        ("https://bsp.geschaeftskunden.telekom.de),", "https://bsp.geschaeftskunden.telekom.de"),
    ],
)
def test_addresses_are_compared_in_one_spelling(url, expected):
    assert normalised(url) == expected
