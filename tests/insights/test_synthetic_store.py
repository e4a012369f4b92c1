"""The benchmark's synthetic store (benchmarks/report_speed.py) copies whole conversations: k
copies of the played store give k times its figures, over the same default period."""

import time

from benchmarks.report_speed import synthetic_rows, templates, write_store
from tests.insights.conftest import make_report, sqlite_environment

COPIES = 3
COUNTED = (
    "conversations",
    "conversations_with_diagnosis",
    "conversations_handed_over",
    "messages",
    "typed_messages",
    "fallback_messages",
    "out_of_scope_messages",
)


def test_k_copies_give_k_times_the_figures(played_store, played_report, tmp_path):
    conversations = templates(played_store.path)
    assert len(conversations) == 11
    store = tmp_path / "synthetic.db"
    rows = synthetic_rows(conversations, COPIES * len(conversations), time.time(), seed=1)
    written = write_store(store, rows)
    assert written == COPIES * sum(len(c) for c in conversations)

    copied = make_report(sqlite_environment(store), tmp_path / "report")
    original, synthetic = played_report.summary(), copied.summary()
    assert {k: int(synthetic[k]) for k in COUNTED} == {
        k: COPIES * int(original[k]) for k in COUNTED
    }
    for table, key in (("diagnoses", "diagnosis"), ("handovers", "reason")):
        expected = {r[key]: COPIES * int(r["conversations"]) for r in played_report.csv[table]}
        assert {r[key]: int(r["conversations"]) for r in copied.csv[table]} == expected
    assert {r["text"]: int(r["count"]) for r in copied.csv["unsure_messages"]} == {
        r["text"]: COPIES * int(r["count"]) for r in played_report.csv["unsure_messages"]
    }
    # Spread over the period: more than one day has conversations.
    days = [r for r in copied.csv["conversations_per_day"] if r["conversations"] != "0"]
    assert len(days) > 1
