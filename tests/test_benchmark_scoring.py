"""benchmarks/nlu.py scores what it claims: fallback counts as out_of_scope, macro-F1 is over
the scored intents, facts are read from the words, and the validation split never scores a
message it trained on."""

from collections import Counter

import pytest

from benchmarks.nlu import (
    HOLDOUT,
    TRAINING_DATA,
    Example,
    Prediction,
    fact_accuracy,
    independent_sets,
    rasa_examples,
    score_set,
    validation_split,
)

SCORED = [
    Example("mein vertrag fehlt", "contract_not_shown"),
    Example("nur nutzer", "linked_only_as_user"),
    Example("wie wird das wetter", "out_of_scope"),
    Example("pizza bestellen", "out_of_scope"),
]
PREDICTIONS = [
    Prediction("contract_not_shown", 0.90, "contract_not_shown"),
    Prediction("contract_not_shown", 0.55, "contract_not_shown"),  # wrong
    Prediction("nlu_fallback", 0.25, "greet"),  # a fallback is out_of_scope: right
    Prediction("greet", 0.65, "greet"),  # confident and wrong
]


def test_fallback_counts_as_out_of_scope_and_macro_f1_is_over_scored_intents():
    score = score_set(SCORED, PREDICTIONS)
    assert score.accuracy == 0.5
    assert score.off_topic == 0.5
    # contract_not_shown: P 1/2, R 1 -> 2/3; linked_only_as_user: 0; out_of_scope: P 1, R 1/2 -> 2/3.
    assert score.per_intent_f1 == pytest.approx(
        {"contract_not_shown": 2 / 3, "linked_only_as_user": 0.0, "out_of_scope": 2 / 3}
    )
    assert score.macro_f1 == pytest.approx(4 / 9)
    assert [e.text for e, _ in score.wrong] == ["pizza bestellen", "nur nutzer"]


def test_a_set_without_off_topic_messages_has_no_off_topic_share():
    score = score_set(SCORED[:2], PREDICTIONS[:2])
    assert score.off_topic != score.off_topic  # nan


def test_facts_are_right_only_when_the_asked_fact_is_read_as_written():
    answers = [
        Example("privat natürlich", "inform", "customer_type", "privat"),
        Example("ja hab ich", "affirm", "has_login", "ja"),
        Example("weiß ich nicht", "dont_know", "has_login", "dont_know"),
        Example("nein", "deny", "has_login", "ja"),  # labelled wrongly on purpose
    ]
    accuracy, wrong = fact_accuracy(answers)
    assert accuracy == 0.75
    assert [e.text for e in wrong] == ["nein"]


def test_the_independent_sets_are_read_with_their_questions():
    first, answers = independent_sets()
    assert len(first.examples) >= 300 and len(answers.examples) >= 100
    assert all(e.asked and e.value for e in answers.examples)
    assert all(e.asked is None for e in first.examples)


def test_validation_split_keeps_scored_messages_out_of_training(tmp_path):
    training_data, validation = validation_split(tmp_path)
    trained = rasa_examples(training_data)
    all_examples = rasa_examples(TRAINING_DATA)
    assert not {e.text for e in trained} & {e.text for e in validation.examples}
    assert len(trained) + len(validation.examples) == len(all_examples)
    assert not {e.text for e in validation.examples} & {e.text for e in rasa_examples(HOLDOUT)}
    # Every intent is both trained and scored, in about the 80/20 proportion.
    for intent, total in Counter(e.intent for e in all_examples).items():
        scored = sum(e.intent == intent for e in validation.examples)
        assert 0.1 * total <= scored <= 0.3 * total, intent
