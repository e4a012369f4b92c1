"""A fresh SQLite store filled by playing known conversations through the real bot, and a
way to run `make report` on a store the way the team does.

The report's numbers are checked against PLAYED, written out by hand from the plan. The bot
decides with its NLU and rules, which other people change: the fixture first checks that each
conversation went as planned (its diagnosis, the messages sent to fallback or out of scope),
so a changed bot fails here with the conversation named, not as a wrong figure.
"""

import csv
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from tests.bot_server import ROOT

PROBLEM = "Mein Handyvertrag wird im Kundencenter nicht angezeigt"


@dataclass(frozen=True)
class Planned:
    name: str
    messages: Sequence[str]
    diagnosis: Optional[str] = None  # the slot at the end


PLAYED = (
    # "Hat Ihnen das geholfen?" answered with the button "Ja, danke" (its payload).
    Planned("helped-button", (PROBLEM, "privat", "/affirm"), "link_as_owner"),
    Planned(
        "helped-typed",
        ("Ich kann meinen Vertrag nur als Nutzer verknüpfen", "privat", "nein", "ja"),
        "split_customer_number",
    ),
    Planned(
        "not-helped",
        (
            "da steht nur Nutzer, ich bin doch Vertragsinhaber",
            "Privatkunde",
            "ja, Nummer und Tarif stehen dabei",
            "nein",
        ),
        "replace_user_link",
    ),
    Planned(
        "no-answer",
        ("Hallo, wir haben einen Firmenvertrag und ich komme nicht ins Kundencenter",),
        "business_portal",
    ),
    # The correction answers the first "Hat Ihnen das geholfen?" with something else.
    Planned(
        "correction",
        (PROBLEM, "privat", "ach, es ist doch ein Geschäftsvertrag"),
        "business_portal",
    ),
    Planned("person", (PROBLEM, "Ich will mit einem Menschen sprechen")),
    Planned("loop-breaker", (PROBLEM, "weiß ich nicht", "keine Ahnung")),
    Planned("other-topic", ("Meine Rechnung ist diesen Monat viel zu hoch",)),
    Planned("fallback", ("Nutzer",)),
    Planned("fallback-again", ("NUTZER",)),
    Planned("left-at-page-question", ("Hallo", "Ich bin Privatkunde", "ja")),
)
# What the NLU must make of the messages for the plan to hold (all others: neither).
FALLBACK_TEXTS = ["Nutzer", "NUTZER"]
OUT_OF_SCOPE_TEXTS = ["Meine Rechnung ist diesen Monat viel zu hoch"]


@dataclass(frozen=True)
class PlayedStore:
    path: Path
    senders: Dict[str, str]  # plan name: sender id
    trackers: Dict[str, dict]  # plan name: the tracker as the API gave it


def play(bot, plan: Sequence[Planned]) -> Tuple[Dict[str, str], Dict[str, dict]]:
    senders, trackers = {}, {}
    for planned in plan:
        sender = f"insights-{planned.name}-{uuid.uuid4().hex[:8]}"
        for message in planned.messages:
            assert bot.say(sender, message), f"{planned.name}: no answer to {message!r}"
        senders[planned.name] = sender
        trackers[planned.name] = bot.tracker(sender)
    return senders, trackers


def user_events(tracker: dict) -> List[dict]:
    return [event for event in tracker["events"] if event["event"] == "user"]


def check_played_as_planned(plan: Sequence[Planned], trackers: Dict[str, dict]) -> None:
    for planned in plan:
        tracker = trackers[planned.name]
        assert tracker["slots"].get("diagnosis") == planned.diagnosis, (
            f"{planned.name}: the bot did not play as planned (diagnosis "
            f"{tracker['slots'].get('diagnosis')!r}, planned {planned.diagnosis!r})"
        )
    intents = {
        event["text"]: event["parse_data"]["intent"]["name"]
        for tracker in trackers.values()
        for event in user_events(tracker)
    }
    planned_texts = {text for p in plan for text in p.messages}
    assert sorted(t for t, i in intents.items() if i == "nlu_fallback") == sorted(
        t for t in FALLBACK_TEXTS if t in planned_texts
    ), "the NLU's fallbacks changed: pick other planned messages"
    assert sorted(t for t, i in intents.items() if i == "out_of_scope") == sorted(
        t for t in OUT_OF_SCOPE_TEXTS if t in planned_texts
    ), "the NLU's out-of-scope messages changed: pick other planned messages"


@pytest.fixture(scope="session")
def played_store(tmp_path_factory) -> Iterator[PlayedStore]:
    """PLAYED through the real bot into its own fresh SQLite store; the bot is stopped
    before the tests read the store, as the team reads a store the bot wrote."""
    from tests.bot_server import running_bot

    logs = tmp_path_factory.mktemp("insights-bot")
    with running_bot(logs) as bot:
        senders, trackers = play(bot, PLAYED)
    check_played_as_planned(PLAYED, trackers)
    yield PlayedStore(logs / "tracker.db", senders, trackers)


def sqlite_environment(store: Path) -> Dict[str, str]:
    return {
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_HOST": "",
        "TRACKER_STORE_DB": str(store),
        "TRACKER_STORE_USER": "",
        "TRACKER_STORE_PASSWORD": "",
    }


@dataclass(frozen=True)
class Report:
    html_path: Path
    stdout: str
    csv: Dict[str, List[Dict[str, str]]]  # file stem: rows as dicts
    nlu_draft: Path

    def summary(self) -> Dict[str, str]:
        return {row["measure"]: row["value"] for row in self.csv["summary"]}


def make_report(stores: Dict[str, str], out: Path, *args: str) -> Report:
    """`make report` as the team runs it, on the store the variables name."""
    csv_dir, draft = out / "csv", out / "nlu-draft.yml"
    report_args = [
        "--out",
        str(out / "report.html"),
        "--csv",
        str(csv_dir),
        "--export-nlu",
        str(draft),
        *args,
    ]
    done = subprocess.run(
        ["make", "--no-print-directory", "report", f"REPORT_ARGS={' '.join(report_args)}"],
        cwd=ROOT,
        env={**os.environ, **stores},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    tables = {}
    for path in csv_dir.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as file:
            tables[path.stem] = list(csv.DictReader(file))
    return Report(Path(done.stdout.strip().splitlines()[-1]), done.stdout, tables, draft)


@pytest.fixture(scope="session")
def played_report(played_store, tmp_path_factory) -> Report:
    return make_report(sqlite_environment(played_store.path), tmp_path_factory.mktemp("report"))
