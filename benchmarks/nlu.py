"""NLU benchmark: the project's pipeline against the alternatives, same data, same run.

Every system trains on data/nlu and is scored on two sets it never trains on:
tests/nlu/holdout.yml, and tests/nlu/independent.yml (first messages, and answers to the
bot's questions), written apart from data/nlu by a writer who saw only the article and the
intents. The systems:

1. this project (config.yml);
2. the previous pipeline (benchmarks/pipelines/diet.yml: spaCy lemmas, DIET);
3. Rasa's LogisticRegressionClassifier on Rasa's count features
   (benchmarks/pipelines/rasa_logistic_regression.yml);
4. Rasa's SklearnIntentClassifier (benchmarks/pipelines/rasa_sklearn.yml), unless
   --skip-sklearn: it needs dense features, and the only dense featurizer that runs without
   a download has no vectors to give; the report says how its training fails;
5. TF-IDF over word and character n-grams + logistic regression, scikit-learn outside Rasa.

With --validate (`make nlu-validate`), the systems train on 80 % of data/nlu and are scored
on the other 20 %: settings are chosen there, never on the test sets.

Scoring follows what the bot makes of a parse: the intent after fallback, and a fallback
counts as out_of_scope. The facts of an answer are read by actions/normaliser.py from the
words and the question asked, whatever the intent model, so "fact accuracy" is one number.
Parse latency is per message on the loaded model after a warm-up, the systems taking turns
on each message so a slow spell of the shared machine hits all of them. Server figures come
from `rasa run --enable-api` on each trained model: seconds from start to the first answered
/model/parse, and the peak resident memory after parsing.

Writes its section of docs/benchmarks.md (other sections stay) and prints it. No timed
assertions: the targets are reported, not enforced.
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
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, List, Optional, Sequence, Tuple  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.normaliser import read  # noqa: E402
from benchmarks.report import work_folder, write_section  # noqa: E402

SEED = 42
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
TRAINING_DATA = ROOT / "data" / "nlu"
HOLDOUT = ROOT / "tests" / "nlu" / "holdout.yml"
INDEPENDENT = ROOT / "tests" / "nlu" / "independent.yml"
PROJECT_CONFIG = ROOT / "config.yml"
PIPELINES = ROOT / "benchmarks" / "pipelines"
WARMUP_MESSAGES = 10
SERVER_START_LIMIT_S = 300
TARGETS = {
    "macro_f1": 0.97,
    "off_topic": 0.97,
    "p95_vs_tfidf": 1.5,
    "training_s": 30.0,
    "rss_mib": 700.0,
    "start_s": 10.0,
}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    asked: Optional[str] = None  # answers: the fact the bot asked for
    value: Optional[str] = None  # answers: the fact's value, "dont_know" for a non-answer


@dataclass(frozen=True)
class Prediction:
    intent: str  # after fallback: FALLBACK when the system falls back
    confidence: float  # of the classifier's top intent
    top_intent: str  # the classifier's top intent, fallback aside


@dataclass(frozen=True)
class ScoredSet:
    name: str
    examples: List[Example]


def rasa_examples(path: Path) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [Example(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def independent_sets() -> List[ScoredSet]:
    data = yaml.safe_load(INDEPENDENT.read_text(encoding="utf-8"))
    first = [Example(m["text"], m["intent"]) for m in data["first_messages"]]
    answers = [
        Example(a["text"], a["intent"], a["asked"], str(a["value"])) for a in data["answers"]
    ]
    return [
        ScoredSet("independent first messages", first),
        ScoredSet("independent answers", answers),
    ]


def fallback_threshold(config: Path) -> float:
    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    return next(c for c in pipeline if c["name"] == "FallbackClassifier")["threshold"]


def describe_pipeline(config: Path) -> str:
    pipeline = yaml.safe_load(config.read_text())["pipeline"]
    return " → ".join(c["name"].rsplit(".", 1)[-1] for c in pipeline)


def fact_accuracy(answers: Sequence[Example]) -> Tuple[float, List[Example]]:
    """Share of answers whose fact the normaliser reads as written; a non-answer must set none."""
    wrong = []
    for example in answers:
        told = read(example.text, example.asked).values.get(example.asked)
        if told != (None if example.value == "dont_know" else example.value):
            wrong.append(example)
    return 1 - len(wrong) / len(answers), wrong


# --- the systems ----------------------------------------------------------------------


class RasaSystem:
    """A Rasa NLU pipeline, trained with `train_nlu` and parsed with `Agent.parse_message`."""

    def __init__(self, name: str, slug: str, config: Path):
        self.name, self.slug, self.config = name, slug, config
        self.description = f"`{config.relative_to(ROOT)}`: {describe_pipeline(config)}"
        self.model: Optional[str] = None
        self.agent = None
        self.loop = asyncio.new_event_loop()

    def train(self, work: Path, data: Path, _: Sequence[Example]) -> None:
        from rasa.model_training import train_nlu

        # A fresh training cache: nothing of an earlier run is reused, the time is honest.
        os.environ["RASA_CACHE_DIRECTORY"] = str(work / f"cache-{self.slug}")
        self.model = train_nlu(
            str(self.config), str(data), str(work / "models"), fixed_model_name=self.slug
        )
        if self.model is None:
            raise RuntimeError(f"training {self.name} failed")

    def load(self) -> None:
        from rasa.core.agent import Agent

        self.agent = Agent.load(self.model)

    def parse(self, text: str) -> Prediction:
        result = self.loop.run_until_complete(self.agent.parse_message(text))
        ranking = [
            r for r in result.get("intent_ranking") or [result["intent"]] if r["name"] != FALLBACK
        ]
        top = ranking[0] if ranking else {"name": FALLBACK, "confidence": 0.0}
        return Prediction(result["intent"]["name"], top["confidence"], top["name"])

    def model_mib(self) -> float:
        return Path(self.model).stat().st_size / 2**20


class TfidfBaseline:
    """TF-IDF over word 1-2-grams and char_wb 2-5-grams, logistic regression; intents only."""

    name = "TF-IDF + LogisticRegression (scikit-learn)"
    slug = "tfidf"
    description = (
        "scikit-learn outside Rasa: TF-IDF over word 1-2-grams and char_wb 2-5-grams (lowercase, "
        f"sublinear tf), LogisticRegression(C=10, random_state={SEED}); fallback when the top "
        "probability is under the threshold of config.yml's FallbackClassifier"
    )
    model = None

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.pipeline = None

    def train(self, _work: Path, _data: Path, examples: Sequence[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        self.pipeline = make_pipeline(
            features, LogisticRegression(C=10, max_iter=5000, random_state=SEED)
        )
        self.pipeline.fit([e.text for e in examples], [e.intent for e in examples])

    def load(self) -> None:
        """The fitted pipeline is in memory already."""

    def parse(self, text: str) -> Prediction:
        probabilities = self.pipeline.predict_proba([text])[0]
        best = int(np.argmax(probabilities))
        top, confidence = self.pipeline.classes_[best], float(probabilities[best])
        return Prediction(FALLBACK if confidence < self.threshold else top, confidence, top)

    def model_mib(self) -> float:
        return float("nan")


# --- server start and memory ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else float("nan")


def parse_over_http(port: int, text: str) -> bool:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/model/parse",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status == 200
    except OSError:
        return False


def measure_server(model: str, texts: Sequence[str], log: Path) -> Tuple[float, float]:
    """Seconds from `rasa run` to the first answered parse; peak RSS after parsing `texts`."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--enable-api",
        "-m",
        model,
        "--port",
        str(port),
        "-i",
        "127.0.0.1",
    ]
    started = time.perf_counter()
    with log.open("w") as out:
        # Out of the project folder: no endpoints.yml or credentials.yml, the model alone.
        server = subprocess.Popen(
            command,
            cwd=log.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    try:
        while not parse_over_http(port, texts[0]):
            if server.poll() is not None or time.perf_counter() - started > SERVER_START_LIMIT_S:
                raise RuntimeError(f"server for {model} did not answer; see {log}")
            time.sleep(0.2)
        start_s = time.perf_counter() - started
        for text in texts:
            parse_over_http(port, text)
        return start_s, peak_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)


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
class SetScore:
    accuracy: float
    macro_f1: float
    off_topic: float  # nan when the set has no off-topic messages
    per_intent_f1: Dict[str, float]
    wrong: List[Tuple[Example, Prediction]]


def score_set(examples: Sequence[Example], predictions: Sequence[Prediction]) -> SetScore:
    """Accuracy, and macro-F1 over the intents of the set's messages."""
    from sklearn.metrics import f1_score

    gold = [e.intent for e in examples]
    predicted = [scored_intent(p) for p in predictions]
    intents = sorted(set(gold))
    f1s = f1_score(gold, predicted, labels=intents, average=None, zero_division=0)
    per_intent = dict(zip(intents, map(float, f1s)))
    off = [p == OUT_OF_SCOPE for g, p in zip(gold, predicted) if g == OUT_OF_SCOPE]
    wrong = sorted(
        ((e, p) for e, p, s in zip(examples, predictions, predicted) if s != e.intent),
        key=lambda pair: -pair[1].confidence,
    )
    return SetScore(
        float(np.mean([g == p for g, p in zip(gold, predicted)])),
        float(np.mean(f1s)),
        float(np.mean(off)) if off else float("nan"),
        per_intent,
        wrong,
    )


@dataclass
class Report:
    name: str
    description: str
    training_s: float = 0.0
    model_mib: float = float("nan")
    start_s: float = float("nan")
    rss_mib: float = float("nan")
    predictions: Dict[str, List[Prediction]] = field(default_factory=dict)
    scores: Dict[str, SetScore] = field(default_factory=dict)
    latencies_ms: List[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 95)


# --- the report -----------------------------------------------------------------------


def machine() -> str:
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    gib = int(memory.group(1)) / 1024**2 if memory else float("nan")
    uname = subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
    return f"`{uname}`, nproc {len(os.sched_getaffinity(0))}, {gib:.1f} GiB memory"


def number(value: float, digits: int) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def quality_table(reports: Sequence[Report], sets: Sequence[ScoredSet]) -> List[str]:
    headings = []
    for s in sets:
        headings += [f"{s.name}: accuracy", f"{s.name}: macro-F1"]
        if any(e.intent == OUT_OF_SCOPE for e in s.examples):
            headings.append(f"{s.name}: off-topic")
    lines = ["| system | " + " | ".join(headings) + " |", "|---|" + "---:|" * len(headings)]
    for r in reports:
        cells = []
        for s in sets:
            score = r.scores[s.name]
            cells += [f"{score.accuracy:.3f}", f"{score.macro_f1:.3f}"]
            if any(e.intent == OUT_OF_SCOPE for e in s.examples):
                cells.append(f"{score.off_topic:.3f}")
        lines.append(f"| {r.name} | " + " | ".join(cells) + " |")
    return lines


def speed_table(reports: Sequence[Report]) -> List[str]:
    lines = [
        "| system | training (s) | parse p50 (ms) | parse p95 (ms) | model (MiB) | "
        "server start to first answer (s) | server peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        lines.append(
            f"| {r.name} | {r.training_s:.1f} | {r.p50:.1f} | {r.p95:.1f} | "
            f"{number(r.model_mib, 1)} | {number(r.start_s, 1)} | {number(r.rss_mib, 0)} |"
        )
    return lines


def per_intent_table(reports: Sequence[Report], scored: ScoredSet) -> List[str]:
    counts = Counter(e.intent for e in scored.examples)
    ours = reports[0].scores[scored.name].per_intent_f1
    lines = [
        "| intent | messages | " + " | ".join(r.name for r in reports) + " |",
        "|---|---:|" + "---:|" * len(reports),
    ]
    for intent in sorted(ours, key=lambda i: (ours[i], i)):
        cells = [f"{r.scores[scored.name].per_intent_f1[intent]:.3f}" for r in reports]
        lines.append(f"| {intent} | {counts[intent]} | " + " | ".join(cells) + " |")
    return lines


def wrong_table(report: Report, scored: ScoredSet, limit: int) -> List[str]:
    wrong = report.scores[scored.name].wrong
    return [
        f"{report.name}: misclassified {scored.name}, most confident first "
        f"({min(len(wrong), limit)} of {len(wrong)}):",
        "",
        "| gold | predicted | confidence | message |",
        "|---|---|---:|---|",
        *(
            f"| {e.intent} | {p.intent} | {p.confidence:.2f} | {e.text.replace('|', '/')} |"
            for e, p in wrong[:limit]
        ),
        "",
    ]


def verdict(reports: Sequence[Report], sets: Sequence[ScoredSet]) -> List[str]:
    ours, tfidf = reports[0], reports[-1]
    holdout, first = sets[0].name, sets[1].name
    ratio = ours.p95 / tfidf.p95
    checks = [
        (
            f"macro-F1 >= {TARGETS['macro_f1']} on the independent first messages",
            ours.scores[first].macro_f1 >= TARGETS["macro_f1"],
            f"{ours.scores[first].macro_f1:.3f}",
        ),
        (
            "ahead of the TF-IDF baseline there",
            ours.scores[first].macro_f1 > tfidf.scores[first].macro_f1,
            f"{ours.scores[first].macro_f1:.3f} vs {tfidf.scores[first].macro_f1:.3f}",
        ),
        (
            f"macro-F1 >= {TARGETS['macro_f1']} on the holdout",
            ours.scores[holdout].macro_f1 >= TARGETS["macro_f1"],
            f"{ours.scores[holdout].macro_f1:.3f}",
        ),
        (
            f"off-topic >= {TARGETS['off_topic']:.0%} on both",
            min(ours.scores[holdout].off_topic, ours.scores[first].off_topic)
            >= TARGETS["off_topic"],
            f"{ours.scores[holdout].off_topic:.1%} and {ours.scores[first].off_topic:.1%}",
        ),
        (
            f"parse p95 <= {TARGETS['p95_vs_tfidf']}x the TF-IDF baseline's",
            ratio <= TARGETS["p95_vs_tfidf"],
            f"{ratio:.2f}x",
        ),
        (
            f"training <= {TARGETS['training_s']:.0f} s",
            ours.training_s <= TARGETS["training_s"],
            f"{ours.training_s:.1f} s",
        ),
        (
            f"server RSS <= {TARGETS['rss_mib']:.0f} MiB",
            ours.rss_mib <= TARGETS["rss_mib"],
            f"{ours.rss_mib:.0f} MiB",
        ),
        (
            f"server start to first answer <= {TARGETS['start_s']:.0f} s",
            ours.start_s <= TARGETS["start_s"],
            f"{ours.start_s:.1f} s",
        ),
    ]
    return [f"  - {name}: {'met' if ok else 'MISSED'} ({detail})" for name, ok, detail in checks]


def section(
    title: str,
    command: str,
    data_line: str,
    reports: Sequence[Report],
    sets: Sequence[ScoredSet],
    load_before: str,
    threshold: float,
    facts: str,
    failures: Sequence[str],
    with_targets: bool,
) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    weakest = sets[1] if with_targets else sets[0]
    lines = [
        f"## {title}",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}; load average before the run: {load_before}",
        f"- Command: `{command}`",
        f"- Data: {data_line}",
        *(f"- {r.name}: {r.description}" for r in reports),
        *(f"- {failure}" for failure in failures),
        "- Intent: the one after fallback; a fallback counts as out_of_scope. Macro-F1 over the "
        "intents of each set's messages. Off-topic: share of the out_of_scope messages that end "
        f"as out_of_scope or {FALLBACK} (TF-IDF baseline: top probability under {threshold}).",
        f"- Facts: {facts}",
        "- Training: wall time of `rasa.model_training.train_nlu` with an empty training cache "
        "(TF-IDF baseline: `fit`). Parse: per message with `Agent.parse_message` on the loaded "
        f"model, after {WARMUP_MESSAGES} warm-up messages, every scored message once, the systems "
        "taking turns. Server: `rasa run --enable-api -m <model>`, seconds to the first answered "
        "`/model/parse`, and VmHWM after parsing every scored message over HTTP. The machine is "
        "shared: compare within a run.",
        *(
            ["- Targets (for this project's pipeline):", *verdict(reports, sets)]
            if with_targets
            else []
        ),
        "",
        *quality_table(reports, sets),
        "",
        *speed_table(reports),
        "",
        f"F1 per intent on the {weakest.name}, weakest of this project's first:",
        "",
        *per_intent_table(reports, weakest),
        "",
        *[line for s in sets for line in wrong_table(reports[0], s, 12)],
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


def validation_split(work: Path) -> Tuple[Path, ScoredSet]:
    """80 % of data/nlu to train, 20 % to score, split per intent by Rasa with a fixed seed."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    training, validation = load_data(str(TRAINING_DATA)).train_test_split(0.8, random_seed=SEED)
    RasaYAMLWriter().dump(work / "train.yml", training)
    RasaYAMLWriter().dump(work / "validation.yml", validation)
    return work / "train.yml", ScoredSet("validation split", rasa_examples(work / "validation.yml"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the models")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="train on 80 %% of data/nlu and score the other 20 %% (choosing settings)",
    )
    parser.add_argument(
        "--skip-sklearn",
        action="store_true",
        help="leave out Rasa's SklearnIntentClassifier (slow, and weak here)",
    )
    parser.add_argument("--skip-server", action="store_true", help="no server start and memory")
    parser.add_argument(
        "--only",
        action="append",
        metavar="SLUG",
        help="compare only these systems (project, diet, rasa-logreg, rasa-sklearn, tfidf); "
        "for a quick look while developing, with --out elsewhere",
    )
    args = parser.parse_args()
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    random.seed(SEED)
    np.random.seed(SEED)
    quiet_rasa()

    with work_folder("bench-nlu-", args.keep, "models and logs") as work:
        if args.validate:
            training_data, validation = validation_split(work)
            sets = [validation]
            title, command = "NLU settings (make nlu-validate)", "make nlu-validate"
            data_line = (
                f"trained on 80 % of data/nlu, scored on the other 20 % "
                f"({len(validation.examples)} messages), split per intent by Rasa's "
                f"`train_test_split` with seed {SEED}; the test sets are not used."
            )
        else:
            training_data = TRAINING_DATA
            sets = [ScoredSet("holdout", rasa_examples(HOLDOUT)), *independent_sets()]
            title, command = "NLU (make bench-nlu)", "make bench-nlu"
            data_line = (
                f"trained on data/nlu ({len(rasa_examples(TRAINING_DATA))} examples); "
                "scored on "
                + ", ".join(
                    f"{s.name} ({len(s.examples)} messages, "
                    f"{sum(e.intent == OUT_OF_SCOPE for e in s.examples)}"
                    " off-topic)"
                    for s in sets
                )
                + "; never trained on."
            )
        training = rasa_examples(training_data)
        threshold = fallback_threshold(PROJECT_CONFIG)
        systems = [
            RasaSystem("this project (config.yml)", "project", PROJECT_CONFIG),
            RasaSystem("previous pipeline (DIET)", "diet", PIPELINES / "diet.yml"),
            RasaSystem(
                "Rasa LogisticRegressionClassifier",
                "rasa-logreg",
                PIPELINES / "rasa_logistic_regression.yml",
            ),
            *(
                []
                if args.skip_sklearn
                else [
                    RasaSystem(
                        "Rasa SklearnIntentClassifier",
                        "rasa-sklearn",
                        PIPELINES / "rasa_sklearn.yml",
                    )
                ]
            ),
            TfidfBaseline(threshold),
        ]
        if args.only:
            systems = [s for s in systems if s.slug in args.only]
        reports = [Report(s.name, s.description) for s in systems]

        failures = []
        for system, report in list(zip(systems, reports)):
            print(f"training {system.name} ...", flush=True)
            try:
                _, report.training_s = timed(system.train, work, training_data, training)
            except Exception as error:  # noqa: BLE001 - a system that cannot train is a result
                cause = error.__cause__ or error
                failures.append(
                    f"{system.name} ({system.description}): training fails here: "
                    f"{type(cause).__name__}: {cause}"
                )
                systems.remove(system)
                reports.remove(report)
                print(f"  {failures[-1]}", flush=True)
                continue
            report.model_mib = system.model_mib()
            print(f"  {report.training_s:.1f} s", flush=True)

        print("loading the models ...", flush=True)
        for system in systems:
            system.load()
        texts = [e.text for s in sets for e in s.examples]
        print(f"parsing {len(texts)} messages ...", flush=True)
        for text in texts[:WARMUP_MESSAGES]:
            for system in systems:
                system.parse(text)
        for scored in sets:
            for report in reports:
                report.predictions[scored.name] = []
            for i, example in enumerate(scored.examples):
                turn = i % len(systems)
                for system in systems[turn:] + systems[:turn]:
                    report = reports[systems.index(system)]
                    prediction, seconds = timed(system.parse, example.text)
                    report.predictions[scored.name].append(prediction)
                    report.latencies_ms.append(1000 * seconds)
        for report in reports:
            for scored in sets:
                report.scores[scored.name] = score_set(
                    scored.examples, report.predictions[scored.name]
                )

        if not args.skip_server:
            for system, report in zip(systems, reports):
                if system.model:
                    print(f"serving {system.name} ...", flush=True)
                    report.start_s, report.rss_mib = measure_server(
                        system.model, texts, work / f"server-{system.slug}.log"
                    )

        answers = next((s for s in sets if s.name == "independent answers"), None)
        if answers:
            accuracy, wrong_facts = fact_accuracy(answers.examples)
            facts = (
                f"actions/normaliser.py reads the asked fact right in {accuracy:.1%} of the "
                f"{len(answers.examples)} independent answers (a non-answer must set none); "
                "the same for every system, as no system extracts entities."
            )
        else:
            facts, wrong_facts = "not scored on the validation split.", []
        text = section(
            title,
            command,
            data_line,
            reports,
            sets,
            load_before,
            threshold,
            facts,
            failures,
            with_targets=not args.validate,
        )
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_section(args.out, title, text)
        print()
        print(text)
        print(f"written to {args.out}")
        for example in wrong_facts:
            print(f"  fact misread ({example.asked} = {example.value}): {example.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
