"""benchmarks/nlu.py scores what it claims: fallback counts as out_of_scope, the sweep re-applies
it, and the validation split never scores a message it trained on."""
from collections import Counter

from benchmarks.nlu import (HOLDOUT as HOLDOUT_FILE, TRAINING_DATA, Example, Prediction, Report,
                            fallback_sweep, load_examples, score, validation_scoring)

HOLDOUT = [
    Example("mein vertrag fehlt", "contract_not_shown", ()),
    Example("nur nutzer", "linked_only_as_user", ()),
    Example("wie wird das wetter", "out_of_scope", ()),
    Example("pizza bestellen", "out_of_scope", ()),
]
PREDICTIONS = [
    Prediction("contract_not_shown", 0.90, "contract_not_shown", runner_up=0.05),
    Prediction("linked_only_as_user", 0.55, "linked_only_as_user", runner_up=0.50),  # near tie
    Prediction("nlu_fallback", 0.45, "greet", runner_up=0.30),
    Prediction("greet", 0.65, "greet", runner_up=0.20),  # confident and wrong
]


def test_fallback_counts_as_out_of_scope():
    report = Report("x", has_entities=False, predictions=PREDICTIONS)
    score(report, HOLDOUT)
    assert report.accuracy == 0.75
    assert report.accuracy_before_fallback == 0.5
    assert report.off_topic == 0.5


def test_sweep_reapplies_threshold_and_ambiguity():
    report = Report("x", has_entities=False, predictions=PREDICTIONS)
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|"))[:2]: line
            for line in fallback_sweep(report, HOLDOUT)[2:]}
    # 0.5 and no ambiguity: as predicted above.
    assert rows[("0.5", "0.0")].endswith("| 0.750 | 0.889 | 0.500 | 0 |")
    # The near tie falls back with an ambiguity threshold of 0.1: one in-scope message lost.
    assert rows[("0.5", "0.1")].endswith("| 0.500 | 0.500 | 0.500 | 1 |")
    # At 0.7 every message but the first falls back; both off-topic ones are caught.
    assert rows[("0.7", "0.0")].endswith("| 0.750 | 0.600 | 1.000 | 1 |")


def test_validation_split_keeps_scored_messages_out_of_training(tmp_path):
    scoring = validation_scoring(tmp_path)
    trained = load_examples(scoring.training_data)
    all_examples = load_examples(TRAINING_DATA)
    assert not {e.text for e in trained} & {e.text for e in scoring.scored}
    assert len(trained) + len(scoring.scored) == len(all_examples)
    assert not {e.text for e in scoring.scored} & {e.text for e in load_examples(HOLDOUT_FILE)}
    # Every intent is both trained and scored, in about the 80/20 proportion.
    for intent, total in Counter(e.intent for e in all_examples).items():
        scored = sum(e.intent == intent for e in scoring.scored)
        assert 0.1 * total <= scored <= 0.3 * total, intent
