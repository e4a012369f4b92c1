"""`make report` on a store filled by playing known conversations through the real bot
(tests/insights/conftest.py): every figure against what was played."""

import datetime
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from actions.case_note import ARTICLE_CASES
from tests.insights.conftest import (
    FALLBACK_TEXTS,
    PLAYED,
    make_report,
    sqlite_environment,
    user_events,
)

# Written out by hand from PLAYED, conversation by conversation.
SUMMARY = {
    "conversations": "11",
    "conversations_with_diagnosis": "5",
    "share_with_diagnosis": "0.4545",
    # not-helped, person, loop-breaker
    "conversations_handed_over": "3",
    "share_handed_over": "0.2727",
    "messages": "26",
    # every message but the button payload "/affirm"
    "typed_messages": "25",
    "fallback_messages": "2",
    "fallback_rate": "0.0800",
    "out_of_scope_messages": "1",
    "out_of_scope_rate": "0.0400",
    "conversations_with_fallback": "2",
    "conversations_with_out_of_scope": "1",
    # business_portal at message 1, link_as_owner 2, correction 2, split 3, replace 3
    "turns_to_answer_median": "2",
    "turns_to_answer_p90": "3",
}
DIAGNOSES = {
    "business_portal": "2",  # no-answer, and the correction's last diagnosis
    "link_as_owner": "1",
    "split_customer_number": "1",
    "replace_user_link": "1",
}
HELPED = {  # diagnosis: (yes, no, no answer)
    "link_as_owner": ("1", "0", "1"),  # the button; the correction instead of an answer
    "split_customer_number": ("1", "0", "0"),  # typed "ja"
    "replace_user_link": ("0", "1", "0"),
    "business_portal": ("0", "0", "2"),  # nothing said after it (no-answer, correction)
}
HANDOVERS = {"asked_for_person": "1", "not_helped": "1", "loop_breaker": "1"}
ENDED_WITHOUT_ANSWER = {
    "customer_type": "2",  # person, loop-breaker
    "": "3",  # other topic, two fallbacks: no question asked
    "link_status": "1",  # left at the page question
}


def test_summary_is_what_was_played(played_report):
    summary = played_report.summary()
    assert {key: summary[key] for key in SUMMARY} == SUMMARY


def test_diagnoses_with_their_article_case(played_report):
    rows = played_report.csv["diagnoses"]
    assert {row["diagnosis"]: row["conversations"] for row in rows} == DIAGNOSES
    assert all(row["article_case"] == ARTICLE_CASES[row["diagnosis"]] for row in rows)


def test_helped_per_diagnosis(played_report):
    rows = played_report.csv["helped"]
    assert {row["diagnosis"]: (row["yes"], row["no"], row["none"]) for row in rows} == HELPED


def test_handovers_by_reason(played_report):
    rows = played_report.csv["handovers"]
    assert {row["reason"]: row["conversations"] for row in rows} == HANDOVERS


def test_where_conversations_without_an_answer_ended(played_report):
    rows = played_report.csv["ended_without_answer"]
    assert {row["last_question"]: row["conversations"] for row in rows} == ENDED_WITHOUT_ANSWER
    asked = next(row for row in rows if row["last_question"] == "customer_type")
    assert asked["question"] == "Haben Sie einen Privatkunden- oder einen Geschäftskundenvertrag?"


def test_conversations_counted_on_the_day_they_began(played_report, played_store):
    zone = ZoneInfo("Europe/Berlin")
    days = Counter(
        datetime.datetime.fromtimestamp(tracker["events"][0]["timestamp"], zone).date().isoformat()
        for tracker in played_store.trackers.values()
    )
    rows = played_report.csv["conversations_per_day"]
    assert len(rows) == 30
    assert {
        row["date"]: int(row["conversations"]) for row in rows if row["conversations"] != "0"
    } == days


def test_unsure_messages_are_what_the_nlu_said_of_the_played_ones(played_report, played_store):
    expected = Counter()
    for tracker in played_store.trackers.values():
        for event in user_events(tracker):
            intent = event["parse_data"]["intent"]
            if not event["text"].startswith("/") and (
                intent["name"] == "nlu_fallback" or intent["confidence"] < 0.5
            ):
                expected[event["text"].casefold()] += 1
    rows = played_report.csv["unsure_messages"]
    assert {row["text"].casefold(): int(row["count"]) for row in rows} == expected
    first_typed = FALLBACK_TEXTS[0]
    unsure = next(row for row in rows if row["text"].casefold() == first_typed.casefold())
    # Both spellings in one row, shown as first typed, with the classifier's first guess.
    assert (unsure["text"], unsure["count"], unsure["intent"]) == (
        first_typed,
        "2",
        "nlu_fallback",
    )
    fallback = user_events(played_store.trackers["fallback"])[0]["parse_data"]
    assert unsure["guess"] == fallback["intent_ranking"][1]["name"]


def test_nlu_draft_is_rasa_training_data_of_the_unsure_messages(played_report):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    data = RasaYAMLReader().reads(played_report.nlu_draft.read_text(encoding="utf-8"))
    rows = played_report.csv["unsure_messages"]
    assert sorted(m.get("text") for m in data.intent_examples) == sorted(r["text"] for r in rows)
    by_text = {m.get("text"): m.get("intent") for m in data.intent_examples}
    assert all(by_text[row["text"]] == row["guess"] for row in rows)


def test_html_shows_the_figures_and_loads_nothing(played_report):
    html = played_report.html_path.read_text(encoding="utf-8")
    assert played_report.html_path.name == "report.html"
    assert '<div class="value">11</div><div class="label">Gespräche</div>' in html
    assert "45,5 %" in html  # with a diagnosis
    for diagnosis in DIAGNOSES:
        assert ARTICLE_CASES[diagnosis] in html
    assert html.count("<svg") == 4
    # Nothing that loads or links out: addresses appear only as text (the bot's questions),
    # the SVGs refer only to their own glyphs and clip paths (#...). The browser test watches
    # the network as well.
    assert not re.search(
        r"<(script|link|img|iframe|object)\b|\b(src|href)=\"(?!#)|url\((?!#)", html
    )
    assert "default-src 'none'" in html


def test_a_period_without_conversations(played_store, tmp_path):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    report = make_report(
        sqlite_environment(played_store.path),
        tmp_path,
        "--since",
        tomorrow.isoformat(),
        "--until",
        tomorrow.isoformat(),
    )
    assert report.summary()["conversations"] == "0"
    assert "keine Gespräche" in report.html_path.read_text(encoding="utf-8")


def test_a_store_not_yet_written(tmp_path):
    store = tmp_path / "run" / "tracker.db"
    report = make_report(sqlite_environment(store), tmp_path)
    assert report.summary()["conversations"] == "0"
    assert not store.parent.exists(), "reading created the store"


@pytest.mark.parametrize("planned", PLAYED, ids=[p.name for p in PLAYED])
def test_every_played_conversation_is_in_the_store(played_store, planned):
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(played_store.path)) as database:
        (count,) = database.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'",
            (played_store.senders[planned.name],),
        ).fetchone()
    assert count == len(planned.messages)
