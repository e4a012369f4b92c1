"""The customer simulator's phrasings, read by the normaliser and played against the bot.

The phrasing bank (tests/simulator/phrasings.yml) was written by a writer who saw only the
article, the facts and the bot's questions, never data/nlu. `make simulate` plays the full
run (over 2,000 conversations); here the bank is checked sentence by sentence, and a fixed
sample of whole conversations runs against the real bot.
"""

import itertools
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from actions.normaliser import read
from benchmarks import simulate
from tests.comparable import comparable

ROOT = Path(__file__).resolve().parents[1]
BANK = yaml.safe_load(simulate.BANK.read_text(encoding="utf-8"))
INDEPENDENT = yaml.safe_load((ROOT / "tests/nlu/independent.yml").read_text(encoding="utf-8"))
# Known misreads, each a wording the normaliser cannot tell apart from another without
# understanding the sentence; a new one fails the test, a fixed one must leave this list.
KNOWN_MISREADS = {
    # "vom Sohn" reads as another holder; here the son only uses the card.
    "Sowohl mein Handy als auch die Karte vom Sohn laufen auf meinen Namen.",
}


def bank_texts():
    for fact_values in BANK["answers"].values():
        for kinds in fact_values.values():
            for texts in kinds.values():
                yield from texts
    yield from BANK["dont_know"]
    for texts in BANK["not_an_answer"].values():
        yield from texts
    yield from BANK["questions"]
    yield from BANK["ambiguous_customer_type"]
    for values in BANK["corrections"].values():
        for texts in values.values():
            yield from texts
    yield from (opening["text"] for opening in BANK["openings"])


def test_no_test_sentence_is_a_training_example():
    training = {
        comparable(m.get("text")) for m in load_data(str(ROOT / "data/nlu")).intent_examples
    }
    holdout = {
        comparable(m.get("text"))
        for m in load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples
    }
    independent = [m["text"] for m in INDEPENDENT["first_messages"] + INDEPENDENT["answers"]]
    assert not [t for t in bank_texts() if comparable(t) in training]
    assert not [t for t in independent if comparable(t) in training | holdout]


ANSWERS = [
    (fact, value, text)
    for fact, fact_values in BANK["answers"].items()
    for value, kinds in fact_values.items()
    for texts in kinds.values()
    for text in texts
]


def test_an_answer_in_any_form_sets_the_fact():
    misread = [
        (fact, value, text, read(text, fact).values.get(fact))
        for fact, value, text in ANSWERS
        if read(text, fact).values.get(fact) != value and text not in KNOWN_MISREADS
    ]
    assert not misread
    assert len(ANSWERS) > 600


NON_ANSWERS = [
    *BANK["dont_know"],
    *BANK["not_an_answer"]["person"],
    *BANK["not_an_answer"]["unhelpful"],
    *BANK["questions"],
]


@pytest.mark.parametrize("fact", list(BANK["answers"]))
def test_a_non_answer_sets_no_fact(fact):
    assert not [text for text in NON_ANSWERS if fact in read(text, fact).values]


def test_two_customer_types_in_one_answer_are_asked_back():
    assert not [
        text
        for text in BANK["ambiguous_customer_type"]
        if "customer_type" in read(text, "customer_type").values
    ]


def test_an_unasked_correction_sets_its_fact():
    wrong = [
        (fact, value, text)
        for fact, values in BANK["corrections"].items()
        for value, texts in values.items()
        for text in texts
        if read(text).values.get(fact) != value
    ]
    assert not wrong


def test_the_oracle_covers_every_diagnosis_and_every_style():
    planned = simulate.situations(simulate.Bank(BANK), 2100, seed=13)
    truths = {tuple(sorted(s.truth.items())) for s in planned}
    diagnoses = {simulate.walk_rules(s.opening_facts, s.truth)[0].id for s in planned}
    assert diagnoses == {d for d in simulate.DIAGNOSES_BY_ID}
    assert {s.style for s in planned} == set(simulate.STYLES)
    # Every combination of the asked facts that a customer can have: who has a login can
    # tell every page; who has none only the rest (there is no page to see).
    asked = {
        tuple(value for fact, value in truth if fact in simulate.ASKED_FACTS) for truth in truths
    }
    for values in itertools.product(*(simulate.FACT_VALUES[f] for f in simulate.ASKED_FACTS)):
        combo = dict(zip(simulate.ASKED_FACTS, values))
        if combo["other_link"] == "ja" and combo["link_status"] == "keine":
            continue
        assert tuple(combo[f] for f in sorted(simulate.ASKED_FACTS)) in asked, combo


# A fixed sample of whole conversations: 10 per style, the same every run.
SAMPLE_SIZE = 10 * len(simulate.STYLES)


def test_simulated_customers_get_the_rules_answer(bot):
    """Once the bot has understood the first message, every answer style must end in the
    rules' answer; how often the NLU understands first messages is `make simulate`'s and
    `make bench-nlu`'s to report."""
    summary = simulate.run(bot, SAMPLE_SIZE, seed=7)
    assert sum(t.server_errors for t in summary.transcripts) == 0
    assert max(t.most_asked_in_a_row for t in summary.transcripts) <= 2
    understood = [t for t in summary.transcripts if t.opening_understood]
    assert len(understood) >= SAMPLE_SIZE // 2  # not passing on an empty list
    failures = [t for t in understood if not t.right]
    assert not failures, "\n".join(t.show() for t in failures)
