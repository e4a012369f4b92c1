"""NLU benchmark: this project's pipeline against two baselines, same data, same run.

All three systems train on data/nlu and are scored on tests/nlu/holdout.yml, which no
system ever trains on:

1. this project's pipeline (config.yml), NLU only;
2. Rasa's default pipeline, the one a `rasa init` project trains: the init template's
   config.yml with `language: de`, its empty pipeline filled in as Rasa's autoconfig does
   (ResponseSelector included), plus `random_seed` for the two trained components;
3. TF-IDF over word and character n-grams + logistic regression (scikit-learn), intents
   only: no entities.

With --validate (`make nlu-validate`), the same three train on 80 % of data/nlu and are
scored on the other 20 %: settings are chosen there, so the holdout stays a test.

Scoring follows what the bot makes of a parse. The intent is the one after fallback (Rasa's
FallbackClassifier; for the TF-IDF baseline, a top probability under the threshold of the
project's FallbackClassifier), and a fallback counts as out_of_scope, since both end in
"not my topic". An entity is right when its type and its value (the role for yes/no facts)
match an annotated one of the same message; entity F1 is micro over all holdout messages.
Latency is per message on the loaded model, after a warm-up, the systems taking turns on
each message so a slow spell of the shared machine hits all of them.

Writes the section "NLU (make bench-nlu)" of docs/benchmarks.md (other sections stay) and
prints it. No timed assertions: the targets are reported, not enforced.
"""
import os

# Before TensorFlow and Rasa are imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, List, Optional, Sequence, Tuple  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import work_folder, write_section  # noqa: E402

SEED = 42
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
TRAINING_DATA = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
PROJECT_CONFIG = ROOT / "config.yml"
WARMUP_MESSAGES = 10
# A p95 of one pass over the holdout rests on its 13 slowest parses: more passes, steadier tail.
PARSE_ROUNDS = 3
MACRO_F1_TARGET = 0.95
OFF_TOPIC_TARGET = 0.90
TARGETS = (
    f"macro-F1 >= {MACRO_F1_TARGET} on the holdout; >= {OFF_TOPIC_TARGET:.0%} of the off-topic "
    "messages to fallback/out_of_scope; ahead of both baselines on every column; parse p95 no "
    "worse than the default pipeline's"
)

Entity = Tuple[str, Any]  # (entity type, the bot's value)


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: Tuple[Entity, ...]


@dataclass(frozen=True)
class Prediction:
    intent: str  # after fallback: FALLBACK when the system falls back
    confidence: float  # of the classifier's top intent
    top_intent: str  # the classifier's top intent, fallback aside
    entities: Tuple[Entity, ...] = ()
    runner_up: float = 0.0  # confidence of the classifier's second intent


def bot_entities(entities: Sequence[Dict[str, Any]]) -> Tuple[Entity, ...]:
    """Entities as the bot reads them: type and the value the slot would get."""
    return tuple((e["entity"], e.get("role") or e.get("value")) for e in entities)


def load_examples(path: Path) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [Example(m.get("text"), m.get("intent"), bot_entities(m.get("entities") or []))
            for m in load_data(str(path)).intent_examples]


def fallback_config(config: Path) -> Dict[str, Any]:
    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    return next(c for c in pipeline if c["name"] == "FallbackClassifier")


def fallback_threshold(config: Path) -> float:
    return fallback_config(config)["threshold"]


def fallback_settings(config: Path) -> str:
    fallback = fallback_config(config)
    return f"threshold {fallback['threshold']}, ambiguity threshold {fallback.get('ambiguity_threshold', 0.1)}"


@dataclass(frozen=True)
class Scoring:
    """What the systems train on and what they are scored on, and how the report says it."""
    section: str
    command: str
    arguments: str  # of benchmarks/nlu.py
    training_data: Path
    training: List[Example]
    scored: List[Example]
    scored_name: str  # "holdout" or "validation"
    data_line: str
    with_targets: bool


def holdout_scoring() -> Scoring:
    training, holdout = load_examples(TRAINING_DATA), load_examples(HOLDOUT)
    return Scoring(
        "NLU (make bench-nlu)", "make bench-nlu", "", TRAINING_DATA, training, holdout, "holdout",
        f"trained on data/nlu ({len(training)} examples), scored on tests/nlu/holdout.yml "
        f"({describe_examples(holdout)}), never trained on.", with_targets=True)


def validation_scoring(work: Path) -> Scoring:
    """80 % of data/nlu to train, 20 % to score, split per intent by Rasa with a fixed seed."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    training, validation = load_data(str(TRAINING_DATA)).train_test_split(0.8, random_seed=SEED)
    RasaYAMLWriter().dump(work / "train.yml", training)
    RasaYAMLWriter().dump(work / "validation.yml", validation)
    scored = load_examples(work / "validation.yml")
    return Scoring(
        "NLU settings (make nlu-validate)", "make nlu-validate", " --validate", work / "train.yml",
        load_examples(work / "train.yml"), scored, "validation",
        f"trained on 80 % of data/nlu ({len(training.intent_examples)} examples), scored on the "
        f"other 20 % ({describe_examples(scored)}), split per intent by Rasa's `train_test_split` "
        f"with seed {SEED}. tests/nlu/holdout.yml is not used: settings are chosen here.",
        with_targets=False)


def describe_examples(examples: Sequence[Example]) -> str:
    off_topic = sum(e.intent == OUT_OF_SCOPE for e in examples)
    annotated = sum(len(e.entities) for e in examples)
    return (f"{len(examples)} messages, {off_topic} of them out_of_scope, {annotated} annotated "
            f"entities, {len(set(e.intent for e in examples))} intents")


# --- the three systems ----------------------------------------------------------------

class RasaSystem:
    """A Rasa NLU pipeline, trained with `train_nlu` and parsed with `Agent.parse_message`."""

    def __init__(self, name: str, slug: str, config: Path, description: str):
        self.name, self.slug, self.config, self.description = name, slug, config, description
        self.model: Optional[str] = None
        self.agent = None
        self.loop = asyncio.new_event_loop()

    def train(self, work: Path, data: Path) -> None:
        from rasa.model_training import train_nlu

        # A fresh training cache: nothing of an earlier run is reused, the time is honest.
        os.environ["RASA_CACHE_DIRECTORY"] = str(work / f"cache-{self.slug}")
        self.model = train_nlu(str(self.config), str(data), str(work / "models"),
                               fixed_model_name=self.slug)
        if self.model is None:
            raise RuntimeError(f"training {self.name} failed")

    def load(self) -> None:
        from rasa.core.agent import Agent

        self.agent = Agent.load(self.model)

    def parse(self, text: str) -> Prediction:
        result = self.loop.run_until_complete(self.agent.parse_message(text))
        ranking = [r for r in result.get("intent_ranking") or [result["intent"]] if r["name"] != FALLBACK]
        top = ranking[0] if ranking else {"name": FALLBACK, "confidence": 0.0}
        return Prediction(result["intent"]["name"], top["confidence"], top["name"],
                          bot_entities(result.get("entities") or []),
                          ranking[1]["confidence"] if len(ranking) > 1 else 0.0)


class TfidfBaseline:
    """TF-IDF over word 1-2-grams and char_wb 2-5-grams, logistic regression; intents only."""

    name = "TF-IDF + LogisticRegression"
    description = (
        "scikit-learn: TF-IDF over word 1-2-grams and char_wb 2-5-grams (lowercase, sublinear tf), "
        f"LogisticRegression(C=10, random_state={SEED}); fallback when the top probability is under "
        "the threshold of config.yml's FallbackClassifier; no entities"
    )

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.model = None

    def train(self, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=True, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True, sublinear_tf=True),
        )
        self.model = make_pipeline(features, LogisticRegression(C=10, max_iter=5000, random_state=SEED))
        self.model.fit([e.text for e in examples], [e.intent for e in examples])

    def load(self) -> None:
        """The fitted pipeline is in memory already."""

    def parse(self, text: str) -> Prediction:
        probabilities = self.model.predict_proba([text])[0]
        best = int(np.argmax(probabilities))
        top, confidence = self.model.classes_[best], float(probabilities[best])
        return Prediction(FALLBACK if confidence < self.threshold else top, confidence, top)


def default_pipeline_config(work: Path) -> Path:
    """The config a `rasa init` project trains with, in German, with fixed seeds."""
    import rasa.cli
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    template = Path(rasa.cli.__file__).parent / "initial_project" / "config.yml"
    config = yaml.safe_load(template.read_text())
    config["language"] = "de"
    config = DefaultV1Recipe.complete_config(config, {"pipeline"})  # what autoconfig fills in
    for component in config["pipeline"]:
        if component["name"] in ("DIETClassifier", "ResponseSelector"):
            component["random_seed"] = SEED
    config.pop("policies", None)
    path = work / "default-config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def describe_pipeline(config: Path) -> str:
    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    return " → ".join(c["name"] for c in pipeline)


# --- scoring --------------------------------------------------------------------------

def scored_intent(prediction: Prediction) -> str:
    return OUT_OF_SCOPE if prediction.intent == FALLBACK else prediction.intent


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Report:
    name: str
    has_entities: bool
    training_s: float = 0.0
    predictions: List[Prediction] = field(default_factory=list)
    latencies_ms: List[float] = field(default_factory=list)
    # filled in by score()
    accuracy: float = 0.0
    accuracy_before_fallback: float = 0.0
    macro_f1: float = 0.0
    per_intent_f1: Dict[str, float] = field(default_factory=dict)
    entity_f1: float = float("nan")
    off_topic: float = 0.0
    confusions: List[Tuple[Tuple[str, str], int]] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


def entity_f1(scored: Sequence[Example], predictions: Sequence[Prediction]) -> float:
    """Micro F1 over all messages, spans aside. A predicted entity is right when an annotated
    entity of the same message has its type and bot value; an annotated entity is found when
    a predicted one of the message has its type and bot value. Several fragments of one span
    with the same value thus count as right, as the bot reads them as one fact."""
    right = predicted = found = annotated = 0
    for example, prediction in zip(scored, predictions):
        right += sum(entity in example.entities for entity in prediction.entities)
        predicted += len(prediction.entities)
        found += sum(entity in prediction.entities for entity in example.entities)
        annotated += len(example.entities)
    precision = right / predicted if predicted else 0.0
    recall = found / annotated if annotated else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> Tuple[float, Dict[str, float]]:
    """Accuracy, and F1 for each intent scored (macro-F1: their mean)."""
    from sklearn.metrics import f1_score

    intents = sorted(set(gold))
    f1s = f1_score(gold, predicted, labels=intents, average=None, zero_division=0)
    accuracy = float(np.mean([g == p for g, p in zip(gold, predicted)]))
    return accuracy, dict(zip(intents, map(float, f1s)))


def score(report: Report, scored: Sequence[Example]) -> None:
    gold = [e.intent for e in scored]
    predicted = [scored_intent(p) for p in report.predictions]
    report.accuracy, report.per_intent_f1 = intent_scores(gold, predicted)
    report.macro_f1 = float(np.mean(list(report.per_intent_f1.values())))
    report.accuracy_before_fallback = float(np.mean(
        [g == p.top_intent for g, p in zip(gold, report.predictions)]))
    if report.has_entities:
        report.entity_f1 = entity_f1(scored, report.predictions)
    off_topic = [p for e, p in zip(scored, report.predictions) if e.intent == OUT_OF_SCOPE]
    report.off_topic = float(np.mean([p.intent in (OUT_OF_SCOPE, FALLBACK) for p in off_topic]))
    report.confusions = Counter(
        (g, p.intent) for g, s, p in zip(gold, predicted, report.predictions) if g != s
    ).most_common(5)


# --- the report -----------------------------------------------------------------------

def machine() -> str:
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    gib = int(memory.group(1)) / 1024 ** 2 if memory else float("nan")
    uname = subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
    return f"`{uname}`, nproc {len(os.sched_getaffinity(0))}, {gib:.1f} GiB memory"


def number(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


# Column: (heading, value of a report, digits, higher is better)
COLUMNS = (
    ("intent accuracy", lambda r: r.accuracy, 3, True),
    ("intent macro-F1", lambda r: r.macro_f1, 3, True),
    ("entity F1 (micro)", lambda r: r.entity_f1, 3, True),
    ("off-topic to fallback/out_of_scope", lambda r: r.off_topic, 3, True),
    ("training (s)", lambda r: r.training_s, 1, False),
    ("parse p50 (ms)", lambda r: r.p50, 1, False),
    ("parse p95 (ms)", lambda r: r.p95, 1, False),
)


def main_table(reports: Sequence[Report]) -> List[str]:
    lines = ["| system | " + " | ".join(c[0] for c in COLUMNS) + " | accuracy before fallback |",
             "|---|" + "---:|" * (len(COLUMNS) + 1)]
    for r in reports:
        cells = [number(value(r), digits) for _, value, digits, _ in COLUMNS]
        lines.append(f"| {r.name} | " + " | ".join(cells) + f" | {r.accuracy_before_fallback:.3f} |")
    return lines


def per_intent_table(reports: Sequence[Report], scored: Sequence[Example], scored_name: str) -> List[str]:
    counts = Counter(e.intent for e in scored)
    ours = reports[0]
    lines = [f"| intent | {scored_name} messages | " + " | ".join(r.name for r in reports) + " |",
             "|---|---:|" + "---:|" * len(reports)]
    for intent in sorted(ours.per_intent_f1, key=lambda i: (ours.per_intent_f1[i], i)):
        cells = [f"{r.per_intent_f1[intent]:.3f}" for r in reports]
        lines.append(f"| {intent} | {counts[intent]} | " + " | ".join(cells) + " |")
    return lines


def confusion_lines(reports: Sequence[Report]) -> List[str]:
    lines = []
    for r in reports:
        pairs = ", ".join(f"{g} → {p} ({n})" for (g, p), n in r.confusions) or "none"
        lines.append(f"- {r.name}: {pairs}")
    return lines


def misclassified(report: Report, scored: Sequence[Example]) -> List[Tuple[Example, Prediction]]:
    """Wrongly scored messages, the most confident first."""
    wrong = [(e, p) for e, p in zip(scored, report.predictions) if scored_intent(p) != e.intent]
    return sorted(wrong, key=lambda pair: -pair[1].confidence)


SWEEP_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
SWEEP_AMBIGUITIES = (0.0, 0.1)


def fallback_sweep(report: Report, scored: Sequence[Example]) -> List[str]:
    """The classifier's confidences with other FallbackClassifier settings: what falls back."""
    lines = ["| threshold | ambiguity threshold | intent accuracy | intent macro-F1 | "
             "off-topic to fallback | in-scope messages to fallback |",
             "|---:|---:|---:|---:|---:|---:|"]
    gold = [e.intent for e in scored]
    for threshold in SWEEP_THRESHOLDS:
        for ambiguity in SWEEP_AMBIGUITIES:
            falls_back = [p.confidence < threshold or p.confidence - p.runner_up < ambiguity
                          for p in report.predictions]
            predicted = [OUT_OF_SCOPE if back else p.top_intent
                         for back, p in zip(falls_back, report.predictions)]
            off = [back or p == OUT_OF_SCOPE for g, back, p in zip(gold, falls_back, predicted)
                   if g == OUT_OF_SCOPE]
            in_scope_back = sum(back for g, back in zip(gold, falls_back) if g != OUT_OF_SCOPE)
            accuracy, per_intent_f1 = intent_scores(gold, predicted)
            f1 = np.mean(list(per_intent_f1.values()))
            lines.append(f"| {threshold} | {ambiguity} | {accuracy:.3f} | {f1:.3f} | "
                         f"{np.mean(off):.3f} | {in_scope_back} |")
    return lines


def verdict(reports: Sequence[Report]) -> List[str]:
    ours, default, *_ = reports
    behind = []
    for heading, value, _, higher in COLUMNS:
        for other in reports[1:]:
            a, b = value(ours), value(other)
            ahead = not math.isnan(a) and (math.isnan(b) or (a > b if higher else a < b))
            if not ahead:
                behind.append(f"{heading} vs {other.name}")
    checks = [
        (f"macro-F1 >= {MACRO_F1_TARGET}", ours.macro_f1 >= MACRO_F1_TARGET, f"{ours.macro_f1:.3f}"),
        (f"off-topic >= {OFF_TOPIC_TARGET:.0%}", ours.off_topic >= OFF_TOPIC_TARGET, f"{ours.off_topic:.1%}"),
        ("ahead of both baselines on every column", not behind,
         "not ahead on: " + "; ".join(behind) if behind else "ahead on all"),
        ("parse p95 no worse than the default pipeline's", ours.p95 <= default.p95,
         f"{ours.p95:.1f} ms vs {default.p95:.1f} ms"),
    ]
    return [f"  - {name}: {'met' if ok else 'MISSED'} ({detail})" for name, ok, detail in checks]


def section(reports: Sequence[Report], descriptions: Sequence[str], scoring: Scoring,
            load_before: str, threshold: float) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    scored, name = scoring.scored, scoring.scored_name
    wrong = misclassified(reports[0], scored)
    targets = [f"- Targets: {TARGETS}.", "- Result:", *verdict(reports)]
    lines = [
        f"## {scoring.section}",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}; load average before the run: {load_before}",
        f"- Command: `{scoring.command}` (= `.venv/bin/python benchmarks/nlu.py{scoring.arguments}`)",
        f"- Data: {scoring.data_line}",
        *(f"- {r.name}: {d}" for r, d in zip(reports, descriptions)),
        "- Intent: the one after fallback; a fallback counts as out_of_scope. Macro-F1 over the "
        f"intents of the {name} messages. \"Accuracy before fallback\": the classifier's top intent. "
        f"Off-topic: share of the out_of_scope messages whose intent is out_of_scope or {FALLBACK} "
        f"(TF-IDF: top probability under {threshold}).",
        f"- Entity F1: micro over all {name} messages, spans aside. A predicted entity is right "
        "when its type and the bot's value (`told_value` of actions/facts.py: the role for yes/no "
        "facts, the value after synonyms for customer_type) match an annotated entity of the same "
        "message; an annotated entity is found when a predicted one of the message matches it. "
        "Fragments of one span with the same value are all right (the bot reads one fact); "
        "fragments with the other value are wrong.",
        "- Training: wall time of `rasa.model_training.train_nlu` with an empty training cache, "
        "loading the model not included (TF-IDF: `fit`). Parse: per message with "
        "`Agent.parse_message` on the loaded model "
        f"(TF-IDF: `predict_proba`), after {WARMUP_MESSAGES} warm-up messages, all {len(scored)} "
        f"{name} messages {PARSE_ROUNDS} times over, the systems taking turns on each. The "
        "machine is shared: compare the times within a run.",
        *(targets if scoring.with_targets else []),
        "",
        *main_table(reports),
        "",
        "Top 5 confusions (gold → predicted, count):",
        "",
        *confusion_lines(reports),
        "",
        "F1 per intent, weakest of this project's first:",
        "",
        *per_intent_table(reports, scored, name),
        "",
        f"{reports[0].name}: other FallbackClassifier settings on the same confidences "
        f"(config.yml: {fallback_settings(PROJECT_CONFIG)}):",
        "",
        *fallback_sweep(reports[0], scored),
        "",
        f"{reports[0].name}: misclassified {name} messages, most confident first "
        f"({min(len(wrong), 10)} of {len(wrong)}):",
        "",
        "| gold | predicted | confidence | message |",
        "|---|---|---:|---|",
        *(f"| {e.intent} | {p.intent} | {p.confidence:.2f} | {e.text.replace('|', '/')} |"
          for e, p in wrong[:10]),
        "",
    ]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------

def quiet_rasa() -> None:
    """Warnings and errors only: no debug line per parsed message."""
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


def timed(function, *args) -> Tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the models")
    parser.add_argument("--validate", action="store_true",
                        help="train on 80 %% of data/nlu and score the other 20 %% (choosing settings)")
    args = parser.parse_args()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    random.seed(SEED)
    np.random.seed(SEED)
    quiet_rasa()

    with work_folder("bench-nlu-", args.keep, "models and logs") as work:
        scoring = validation_scoring(work) if args.validate else holdout_scoring()
        scored, name = scoring.scored, scoring.scored_name
        threshold = fallback_threshold(PROJECT_CONFIG)
        default_config = default_pipeline_config(work)
        ours = RasaSystem("this project (config.yml)", "project", PROJECT_CONFIG,
                          "config.yml: " + describe_pipeline(PROJECT_CONFIG))
        default = RasaSystem("Rasa default (rasa init)", "default", default_config,
                             "the `rasa init` template's config.yml, `language: de`, pipeline as "
                             "autoconfig fills it, `random_seed: 42` for DIET and ResponseSelector: "
                             + describe_pipeline(default_config))
        baseline = TfidfBaseline(threshold)
        systems = [ours, default, baseline]
        reports = [Report(s.name, has_entities=isinstance(s, RasaSystem)) for s in systems]

        for system, report in zip(systems, reports):
            print(f"training {system.name} ...", flush=True)
            data = ((work, scoring.training_data) if isinstance(system, RasaSystem)
                    else (scoring.training,))
            _, report.training_s = timed(system.train, *data)
            print(f"  {report.training_s:.1f} s", flush=True)

        print("loading the models ...", flush=True)
        for system in systems:
            system.load()
        print(f"parsing {len(scored)} {name} messages ...", flush=True)
        for example in scored[:WARMUP_MESSAGES]:
            for system in systems:
                system.parse(example.text)
        for round_ in range(PARSE_ROUNDS):
            for i, example in enumerate(scored):
                turn = (i + round_) % len(systems)
                for system in systems[turn:] + systems[:turn]:
                    report = reports[systems.index(system)]
                    prediction, seconds = timed(system.parse, example.text)
                    if round_ == 0:
                        report.predictions.append(prediction)
                    report.latencies_ms.append(1000 * seconds)

        for report in reports:
            score(report, scored)
        text = section(reports, [s.description for s in systems], scoring, load_before, threshold)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_section(args.out, scoring.section, text)
        print()
        print(text)
        print(f"written to {args.out}")
        print()
        print(f"{ours.name}: all misclassified {name} messages")
        for e, p in misclassified(reports[0], scored):
            print(f"  {e.intent} -> {p.intent} ({p.confidence:.2f}; top {p.top_intent}): {e.text}")
        print(f"{ours.name}: {name} messages with entity errors")
        for e, p in zip(scored, reports[0].predictions):
            if Counter(e.entities) != Counter(p.entities):
                print(f"  gold {list(e.entities)} predicted {list(p.entities)}: {e.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
