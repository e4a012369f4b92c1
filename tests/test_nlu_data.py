"""The training data and the held-out set stay apart, and the data meets its minimums."""

from collections import Counter
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from tests.comparable import comparable

ROOT = Path(__file__).resolve().parents[1]
PROBLEM_INTENTS = {
    "contract_not_shown",
    "linked_only_as_user",
    "contracts_partially_shown",
    "owner_link_without_active_contracts",
    "user_link_without_number",
    "only_user_link_possible",
    "business_customer",
    "no_login",
    "how_to_delete_link",
    "how_to_merge_customer_numbers",
}


def test_no_holdout_message_is_in_the_training_data():
    training = {
        comparable(m.get("text")) for m in load_data(str(ROOT / "data/nlu")).intent_examples
    }
    holdout = [
        m.get("text") for m in load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples
    ]
    assert not [text for text in holdout if comparable(text) in training]


def test_enough_examples_per_intent():
    counts = Counter(m.get("intent") for m in load_data(str(ROOT / "data/nlu")).intent_examples)
    for intent, count in counts.items():
        assert count >= (40 if intent in PROBLEM_INTENTS else 15), (intent, count)
    assert PROBLEM_INTENTS <= set(counts)


def test_holdout_size_and_off_topic_share():
    counts = Counter(
        m.get("intent") for m in load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples
    )
    assert sum(counts.values()) - counts["out_of_scope"] >= 150
    assert counts["out_of_scope"] >= 30
