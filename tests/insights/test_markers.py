"""Rasa's markers (insights/markers.yml, `rasa evaluate markers`) and the report count the
same conversations on the played store: where a measure can be said as a marker, both agree."""

import csv
import statistics
import subprocess
from collections import defaultdict
from typing import Dict, List, Tuple

import pytest

from benchmarks.report_speed import markers_command, store_environment
from tests.bot_server import BIN, ROOT


@pytest.fixture(scope="module")
def markers(played_store, tmp_path_factory) -> Dict[str, Dict[Tuple[str, str], List[int]]]:
    """marker: (sender, session): the preceding user turns at each event it applied to."""
    out = tmp_path_factory.mktemp("markers")
    done = subprocess.run(
        markers_command(str(BIN / "rasa"), out / "markers.csv"),
        cwd=ROOT,
        env=store_environment(played_store.path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    applied: Dict[str, Dict[Tuple[str, str], List[int]]] = defaultdict(lambda: defaultdict(list))
    with (out / "markers.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            session = (row["sender_id"], row["session_idx"])
            applied[row["marker"]][session].append(int(row["num_preceding_user_turns"]))
    return applied


def test_diagnosis_given_and_the_turns_to_it(markers, played_report):
    summary = played_report.summary()
    sessions = markers["diagnosis_given"]
    assert len(sessions) == int(summary["conversations_with_diagnosis"])
    # The slot stays set after it was set: its first application is the turn of the answer.
    turns = sorted(min(preceding) for preceding in sessions.values())
    assert f"{statistics.median(turns):g}" == summary["turns_to_answer_median"]


def test_answers_to_hat_ihnen_das_geholfen(markers, played_report):
    rows = played_report.csv["helped"]
    assert len(markers["steps_helped"]) == sum(int(row["yes"]) for row in rows)
    assert len(markers["steps_not_helped"]) == sum(int(row["no"]) for row in rows)


@pytest.mark.parametrize(
    "marker, messages, conversations",
    [
        ("not_understood", "fallback_messages", "conversations_with_fallback"),
        ("other_topic", "out_of_scope_messages", "conversations_with_out_of_scope"),
    ],
)
def test_not_understood_and_other_topics(markers, played_report, marker, messages, conversations):
    summary = played_report.summary()
    applied = markers[marker]
    assert sum(len(turns) for turns in applied.values()) == int(summary[messages])
    assert len(applied) == int(summary[conversations])
