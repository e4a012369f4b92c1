"""Cross-validation of the intent classifier's settings on data/nlu: where they are chosen.

Each candidate setting of components/tfidf_intent_classifier.py is trained on four fifths
of data/nlu and scored on the fifth left out, five folds, stratified by intent, over three
shuffles. Scoring is what the bot makes of a parse: the intent after config.yml's fallback
threshold, a fallback counting as out_of_scope; macro-F1 over the intents. The test sets
(tests/nlu/) are not read.

Prints a table and writes the section "NLU cross-validation (make nlu-cv)" of
docs/benchmarks.md: mean macro-F1 with its spread over the shuffles, and the mean time of
one fit (the machine is shared: compare within a run).

`--choices` scores, on the same kind of predictions, two choices the conversation makes on
a parse (actions/): when a first description's kind is sure enough to tell its facts, and
when a statement read as an article question is the customer's case. It writes the section
"Conversation choices, cross-validated (make nlu-cv-choices)".
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import datetime  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, List, Optional, Sequence, Tuple  # noqa: E402

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.nlu import (  # noqa: E402
    OUT_OF_SCOPE,
    PROJECT_CONFIG,
    TRAINING_DATA,
    fallback_threshold,
    machine,
    quiet_rasa,
    rasa_examples,
)
from benchmarks.report import write_section  # noqa: E402

SHUFFLES = (42, 43, 44)
# Fallback thresholds scored besides config.yml's, on the same predictions.
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)
FOLDS = 5

# Each candidate: config.yml's classifier settings with these changed.
CANDIDATES: Dict[str, Dict[str, Any]] = {
    "config.yml": {},
    "one binary model per intent (liblinear), C 100": {"solver": "liblinear", "C": 100},
    "one multinomial model (newton-cg), C 200": {"solver": "newton-cg", "C": 200},
    "one binary model per intent (liblinear), C 1000": {"solver": "liblinear", "C": 1000},
    "linear SVM, C 1": {"classifier": "linear_svm", "C": 1},
    "no question or negation marks": {"mark_questions": False, "mark_negation": False},
    "only questions marked": {"mark_negation": False},
}


def project_settings() -> Dict[str, Any]:
    pipeline = yaml.safe_load(PROJECT_CONFIG.read_text(encoding="utf-8"))["pipeline"]
    component = next(c for c in pipeline if c["name"].endswith("TfidfIntentClassifier"))
    return {key: value for key, value in component.items() if key != "name"}


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)


def score(
    settings: Dict[str, Any], texts: List[str], intents: List[str], seed: int
) -> Tuple[Dict[float, float], float]:
    """Macro-F1 at each fallback threshold of one shuffle's folds together, and the mean
    seconds of one fit."""
    from sklearn.model_selection import StratifiedKFold

    from components.tfidf_intent_classifier import TfidfIntentClassifier

    classifier = TfidfIntentClassifier(settings, None, None)
    best: List[Tuple[str, float]] = [("", 0.0)] * len(texts)
    fit_seconds = []
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(texts, intents):
        start = time.perf_counter()
        pipeline = classifier.fit([texts[i] for i in train], [intents[i] for i in train])
        fit_seconds.append(time.perf_counter() - start)
        probabilities = pipeline.predict_proba([texts[i] for i in test])
        for i, row in zip(test, probabilities):
            best[i] = (pipeline.classes_[row.argmax()], row.max())
    f1 = {
        threshold: macro_f1(
            intents,
            [intent if confidence >= threshold else OUT_OF_SCOPE for intent, confidence in best],
        )
        for threshold in THRESHOLDS
    }
    return f1, statistics.mean(fit_seconds)


@dataclass(frozen=True)
class Parse:
    """One held-out example as the bot would see it."""

    text: str
    gold: str
    ranking: List[Tuple[str, float]]  # intents by normalised confidence, best first
    inform: float  # confidence of `inform` when it is not first
    # The first intent's binary model's own probability, not normalised (one-vs-rest only).
    own: Optional[float]


def held_out_parses(texts: List[str], intents: List[str]) -> List[Parse]:
    """Every example of every shuffle, parsed by a model trained on the other folds."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from components.tfidf_intent_classifier import TfidfIntentClassifier

    settings = project_settings()
    classifier = TfidfIntentClassifier(settings, None, None)
    one_vs_rest = settings.get("solver") == "liblinear" and settings.get("classifier") in (
        None,
        "logistic_regression",
    )
    parses = []
    for seed in SHUFFLES:
        for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=seed).split(
            texts, intents
        ):
            pipeline = classifier.fit([texts[i] for i in train], [intents[i] for i in train])
            held_out = [texts[i] for i in test]
            normalised = pipeline.predict_proba(held_out)
            own = (
                1 / (1 + np.exp(-pipeline.decision_function(held_out)))
                if one_vs_rest
                else [None] * len(test)
            )
            classes = [str(c) for c in pipeline.classes_]
            for row, own_row, i in zip(normalised, own, test):
                order = np.argsort(row)[::-1]
                ranking = [(classes[j], float(row[j])) for j in order]
                inform = 0.0 if ranking[0][0] == "inform" else float(row[classes.index("inform")])
                top_own = None if own_row is None else float(own_row[order[0]])
                parses.append(Parse(texts[i], intents[i], ranking, inform, top_own))
    return parses


def conversation_choices(parses: List[Parse], fallback: float) -> List[str]:
    """Only parses at or above the fallback threshold: below it the bot asks to rephrase."""
    from actions import normaliser
    from actions.actions import PROBLEM_CLOSE_BEHIND, QUESTION_INTENTS
    from actions.conversation import (
        SURE_ENOUGH_ALONE,
        SURE_ENOUGH_WITH_WORDS,
        Message,
        is_statement,
        kind_tells,
        told_values,
    )
    from actions.facts import DESCRIPTION_INTENTS, INTENT_FACTS

    parses = [p for p in parses if p.ranking[0][1] >= fallback]
    described = [p for p in parses if p.ranking[0][0] in INTENT_FACTS]

    def right(parse: Parse) -> bool:
        """The kind's facts all hold (some may be missing, the bot asks them). An answer
        (`inform`) carries no fact in its label: counted wrong."""
        gold = INTENT_FACTS.get(parse.gold, {}).items()
        return INTENT_FACTS[parse.ranking[0][0]].items() <= gold

    def tells_facts(parse: Parse) -> bool:
        message = Message(parse.text, parse.ranking[0][0], parse.ranking[0][1], parse.inform)
        return bool(told_values(message, normaliser.read(parse.text), None))

    def gate(name: str, accepts: Dict[str, Any], used: str = "") -> List[str]:
        rows = []
        for threshold, accept in accepts.items():
            asked = sum(right(p) and not accept(p) for p in described)
            kept = sum(not right(p) and accept(p) for p in described)
            mark = " (actions/conversation.py)" if threshold == used else ""
            rows.append(f"| {name} | {threshold}{mark} | {asked} | {kept} |")
        return rows

    def sure(parse: Parse) -> float:
        return parse.ranking[0][1] + parse.inform

    def with_words(alone: float, words: float):
        return lambda p: kind_tells(p.ranking[0][0], sure(p), p.text, alone, words)

    statements = [
        p
        for p in parses
        if p.ranking[0][0] in QUESTION_INTENTS
        and p.ranking[1][0] in DESCRIPTION_INTENTS
        and is_statement(Message(p.text))
        # A statement that tells facts goes to the diagnosis before any answer.
        and not tells_facts(p)
    ]
    margins = []
    for margin in sorted({0.1, 0.2, 0.3, 0.5, PROBLEM_CLOSE_BEHIND}):
        close = [p for p in statements if p.ranking[0][1] - p.ranking[1][1] <= margin]
        problems = sum(p.gold in DESCRIPTION_INTENTS for p in close)
        questions = sum(p.gold in QUESTION_INTENTS for p in close)
        mark = " (actions/actions.py)" if margin == PROBLEM_CLOSE_BEHIND else ""
        margins.append(f"| {margin}{mark} | {len(close)} | {problems} | {questions} |")
    wrong = sum(not right(p) for p in described)
    return [
        f"Of {len(parses)} held-out parses at or above the fallback threshold {fallback}, "
        f"{len(described)} were taken for a description whose kind tells facts; for {wrong} "
        "of them a fact of that kind does not hold (another kind of problem, a question, or "
        "an answer: `inform` carries no fact in its label and counts as wrong).",
        "",
        "First description: below the threshold its facts are asked instead of taken. "
        "Right ones asked: one question more; wrong ones kept: a wrong answer unless a "
        "later answer corrects it (an upper bound, see above).",
        "",
        "| sureness | threshold | right ones asked | wrong ones kept |",
        "|---|---:|---:|---:|",
        *gate(
            "intent + inform alone",
            {t: (lambda p, t=t: sure(p) >= t) for t in (0.6, 0.7, 0.8)},
        ),
        *gate(
            "intent + inform; below the first threshold the words must say the facts too",
            {
                f"{alone} / {words}": with_words(alone, words)
                for alone, words in (
                    (0.8, 0.5),
                    (0.8, 0.6),
                    (0.85, 0.5),
                    (0.85, 0.6),
                    (0.85, 0.7),
                    (0.9, 0.5),
                    (0.9, 0.6),
                )
            },
            used=f"{SURE_ENOUGH_ALONE} / {SURE_ENOUGH_WITH_WORDS}",
        ),
        *(
            gate(
                "the binary model's own probability, alone",
                {t: (lambda p, t=t: p.own >= t) for t in (0.3, 0.4, 0.5, 0.6, 0.7)},
            )
            if all(p.own is not None for p in described)
            else []
        ),
        *gate(
            "intent + inform - second intent, alone",
            {
                t: (
                    lambda p, t=t: (
                        sure(p) - (p.ranking[1][1] if p.ranking[1][0] != "inform" else 0.0) >= t
                    )
                )
                for t in (0.5, 0.6, 0.7)
            },
        ),
        "",
        f'Statements (no "?", no question form, no fact in their words) taken for an '
        f"article question with a problem description second: {len(statements)}. Within "
        "the margin the bot answers the question and then asks the diagnosis's first "
        "question, instead of offering to check the case.",
        "",
        "| margin | statements | problems: asked at once | questions: asked one besides |",
        "|---:|---:|---:|---:|",
        *margins,
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--only", nargs="*", help="candidate names to score (default: all)")
    parser.add_argument("--choices", action="store_true", help="the conversation's choices")
    args = parser.parse_args()
    quiet_rasa()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    examples = rasa_examples(TRAINING_DATA)
    texts = [e.text for e in examples]
    intents = [e.intent for e in examples]
    if args.choices:
        title = "Conversation choices, cross-validated (make nlu-cv-choices)"
        lines = [
            f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {machine()}; load average before the run: {load_before}",
            "- Command: `make nlu-cv-choices` (= `benchmarks/nlu_cv.py --choices`)",
            f"- Data: data/nlu ({len(examples)} examples), {FOLDS}-fold cross-validation, "
            f"shuffles {', '.join(map(str, SHUFFLES))}, config.yml's classifier; the test sets "
            "are not read.",
            "",
            *conversation_choices(
                held_out_parses(texts, intents), fallback_threshold(PROJECT_CONFIG)
            ),
        ]
        print("\n".join(lines))
        write_section(args.out, title, "\n".join([f"## {title}", "", *lines]) + "\n")
        return 0
    threshold = fallback_threshold(PROJECT_CONFIG)
    assert threshold in THRESHOLDS, f"add config.yml's threshold {threshold} to THRESHOLDS"
    base = project_settings()

    rows = []
    for name, changes in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        results = [score({**base, **changes}, texts, intents, seed) for seed in SHUFFLES]
        f1s = [f1[threshold] for f1, _ in results]
        seconds = statistics.mean(s for _, s in results)
        by_threshold = {t: statistics.mean(f1[t] for f1, _ in results) for t in THRESHOLDS}
        best = max(by_threshold, key=by_threshold.get)
        rows.append(
            (
                name,
                changes,
                statistics.mean(f1s),
                max(f1s) - min(f1s),
                seconds,
                best,
                by_threshold[best],
            )
        )
        print(
            f"{name}: {', '.join(f'{t}: {f1:.3f}' for t, f1 in by_threshold.items())}", flush=True
        )

    lines = [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}; load average before the run: {load_before}",
        "- Command: `make nlu-cv` (= `benchmarks/nlu_cv.py`)",
        f"- Data: data/nlu ({len(examples)} examples, {len(set(intents))} intents), "
        f"{FOLDS}-fold cross-validation stratified by intent, shuffles {', '.join(map(str, SHUFFLES))}; "
        "the test sets are not read.",
        f"- config.yml's classifier settings: `{base}`; fallback threshold {threshold}.",
        "- macro-F1: the intent after fallback (a fallback counts as out_of_scope), all folds of a "
        "shuffle together, mean over the shuffles; spread: the best shuffle minus the worst. "
        "Fit: mean wall time of one fold's training.",
        "",
        f"| candidate | changes to config.yml | macro-F1 | spread | fit (s) "
        f"| best threshold of {', '.join(map(str, THRESHOLDS))} | its macro-F1 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | `{changes or '-'}` | {f1:.3f} | {spread:.3f} | {seconds:.1f} "
        f"| {best} | {best_f1:.3f} |"
        for name, changes, f1, spread, seconds, best, best_f1 in rows
    ]
    print("\n".join(lines))
    if not args.only:
        title = "NLU cross-validation (make nlu-cv)"
        write_section(args.out, title, "\n".join([f"## {title}", "", *lines]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
