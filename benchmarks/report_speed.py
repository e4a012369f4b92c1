"""How fast `make report` is over a big store: 100,000 conversations made from the customer
simulator's.

1. The simulator (benchmarks/simulate.py) plays its conversations against the real bot, into
   the bot's own SQLite tracker store; after a diagnosis the customer answers "Hat Ihnen das
   geholfen?" with yes, no or nothing (HELPED_SHARES), as real customers would.
2. Those conversations are the templates of a synthetic store: each copy gets its own
   sender id and a start time in the last 30 days (weekdays busier than weekends, 7 to 22
   o'clock), its events keep their order, spacing and JSON, written with SQL, not through
   the server.
3. Timed over that store, in the same run: `make report` (HTML, CSV and the NLU draft,
   make and the process start included), and two baselines that only read: a plain `SELECT COUNT(*)`, and a scan that reads every event's JSON
   (`SUM(LENGTH(data))`). `rasa evaluate markers` over the templates alone shows why the
   figures do not come from Rasa's markers.

    make bench-report                              # writes "Report (make bench-report)"
    python benchmarks/report_speed.py --conversations 20000 --played 300 --no-write
    python benchmarks/report_speed.py --reuse /tmp/report-speed-x/played.db --no-write
"""

import argparse
import datetime
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import simulate  # noqa: E402
from benchmarks.report import work_folder, write_section  # noqa: E402

SECTION = "Report (make bench-report)"
TARGET_S = 60
DAYS = 30
ZONE = ZoneInfo("Europe/Berlin")
# After a diagnosis: the button "Ja, danke" (its payload), a typed "ja" or "nein", or no
# answer; the share of customers of each.
HELPED_SHARES = {"/affirm": 0.35, "ja": 0.2, "nein": 0.25, None: 0.20}
WEEKEND_WEIGHT = 0.5
# Rasa's events table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent) and its index.
SCHEMA = (
    "CREATE TABLE events (id INTEGER NOT NULL, sender_id VARCHAR(255) NOT NULL, "
    "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
    "action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))",
    "CREATE INDEX ix_events_sender_id ON events (sender_id)",
)
COLUMNS = "sender_id, type_name, timestamp, intent_name, action_name, data"
TIMESTAMP_IN_JSON = re.compile(r'"timestamp": [0-9.e+-]+')

Event = Tuple[str, float, str, str, str]  # type_name, timestamp, intent, action, data


class _Recording:
    """The bot as the simulator sees it, remembering the one sender it talked to."""

    def __init__(self, bot):
        self.bot = bot
        self.sender = ""

    def say(self, sender: str, text: str):
        self.sender = sender
        return self.bot.say(sender, text)

    def tracker(self, sender: str):
        return self.bot.tracker(sender)


def play(bot, count: int, seed: int, workers: int = 4) -> int:
    """The simulator's conversations, each followed by an answer to "Hat Ihnen das
    geholfen?" when it ended in a diagnosis; the number played."""
    bank = simulate.Bank(yaml.safe_load(simulate.BANK.read_text(encoding="utf-8")))
    texts = simulate.BotTexts(yaml.safe_load(simulate.DOMAIN.read_text(encoding="utf-8")))
    answers, weights = zip(*HELPED_SHARES.items())

    def one(situation: simulate.Situation) -> None:
        recording = _Recording(bot)
        transcript = simulate.play(recording, situation, bank, texts)
        answer = random.Random(situation.seed).choices(answers, weights)[0]
        if transcript.outcome[0] == "diagnosis" and answer:
            bot.say(recording.sender, answer)

    planned = simulate.situations(bank, count, seed)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, planned))
    return len(planned)


def templates(store: Path) -> List[List[Event]]:
    """Every conversation of a store, its events in the order stored."""
    by_sender: Dict[str, List[Event]] = {}
    with sqlite3.connect(store) as database:
        for sender, *event in database.execute(f"SELECT {COLUMNS} FROM events ORDER BY id"):
            by_sender.setdefault(sender, []).append(tuple(event))
    return list(by_sender.values())


def start_times(count: int, end: float, seed: int) -> List[float]:
    """`count` conversation starts in the DAYS days before `end`, sorted."""
    rng = random.Random(seed)
    last = datetime.datetime.fromtimestamp(end, ZONE).date()
    days = [last - datetime.timedelta(days=n) for n in range(DAYS)]
    weights = [WEEKEND_WEIGHT if day.weekday() >= 5 else 1.0 for day in days]
    starts = []
    for day in rng.choices(days, weights, k=count):
        midnight = datetime.datetime.combine(day, datetime.time(), ZONE).timestamp()
        starts.append(min(midnight + rng.uniform(7, 22) * 3600, end - 3600))
    return sorted(starts)


def synthetic_rows(
    conversations: Sequence[List[Event]], count: int, end: float, seed: int
) -> Iterator[tuple]:
    """The rows of `count` conversations, the templates in turn, each moved to its start."""
    for number, start in enumerate(start_times(count, end, seed)):
        template = conversations[number % len(conversations)]
        shift = start - template[0][1]
        sender = f"synth-{number:06d}"
        for type_name, timestamp, intent, action, data in template:
            moved = timestamp + shift
            data = TIMESTAMP_IN_JSON.sub(f'"timestamp": {moved!r}', data, count=1)
            yield sender, type_name, moved, intent, action, data


def write_store(path: Path, rows: Iterator[tuple], batch: int = 50_000) -> int:
    """A fresh SQLite store in Rasa's schema; the number of events written."""
    path.unlink(missing_ok=True)
    written = 0
    with sqlite3.connect(path) as database:
        # A throw-away file: no journal, no fsync.
        database.execute("PRAGMA journal_mode = OFF")
        database.execute("PRAGMA synchronous = OFF")
        for statement in SCHEMA:
            database.execute(statement)
        chunk: List[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                database.executemany(f"INSERT INTO events ({COLUMNS}) VALUES (?,?,?,?,?,?)", chunk)
                written += len(chunk)
                chunk = []
        database.executemany(f"INSERT INTO events ({COLUMNS}) VALUES (?,?,?,?,?,?)", chunk)
        written += len(chunk)
    return written


def markers_command(rasa: str, out_csv: Path) -> List[str]:
    """`rasa evaluate markers` over insights/markers.yml, on the store the environment names."""
    return [
        rasa,
        "evaluate",
        "markers",
        "all",
        "--config",
        "insights/markers.yml",
        "--domain",
        "domain.yml",
        "--endpoints",
        "endpoints.yml",
        "--no-stats",
        str(out_csv),
    ]


def store_environment(store: Path) -> Dict[str, str]:
    """endpoints.yml pointed at a SQLite store; Rasa refuses to read it with a variable unset."""
    return dict(
        os.environ,
        ACTION_ENDPOINT_URL=os.environ.get("ACTION_ENDPOINT_URL", "http://localhost:5055/webhook"),
        LOCK_STORE_TYPE="in_memory",
        LOCK_STORE_HOST="",
        LOCK_STORE_PORT="6379",
        LOCK_STORE_DB="1",
        LOCK_STORE_PASSWORD="",
        TRACKER_STORE_DIALECT="sqlite",
        TRACKER_STORE_HOST="",
        TRACKER_STORE_DB=str(store),
        TRACKER_STORE_USER="",
        TRACKER_STORE_PASSWORD="",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )


def timed(command: List[str], env: Dict[str, str]) -> Tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


def sql_seconds(store: Path, statement: str) -> float:
    started = time.perf_counter()
    with sqlite3.connect(store) as database:
        database.execute(statement).fetchall()
    return time.perf_counter() - started


def _runs(seconds: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--played", type=int, default=2100, help="simulator conversations")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--reuse", type=Path, help="a played store from an earlier --keep run")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the stores and the report")
    args = parser.parse_args()

    rasa = str(Path(sys.executable).parent / "rasa")
    with work_folder("report-speed-", args.keep, "stores and report") as work:
        played_store = args.reuse
        played_s = 0.0
        if played_store is None:
            from tests.bot_server import running_bot

            (work / "bot").mkdir()
            started = time.perf_counter()
            with running_bot(work / "bot") as bot:
                play(bot, args.played, args.seed)
            played_s = time.perf_counter() - started
            played_store = work / "played.db"
            (work / "bot" / "tracker.db").rename(played_store)
        conversations = templates(played_store)
        played_events = sum(len(c) for c in conversations)

        store = work / "synthetic.db"
        started = time.perf_counter()
        end = time.time()
        events = write_store(
            store, synthetic_rows(conversations, args.conversations, end, args.seed)
        )
        build_s = time.perf_counter() - started
        size_mib = store.stat().st_size / 2**20

        env = store_environment(store)
        report_args = f"--out {work / 'report.html'} --csv {work / 'csv'} --export-nlu {work / 'nlu-draft.yml'}"
        report = ["make", "--no-print-directory", "report", f"REPORT_ARGS={report_args}"]
        sql_seconds(store, "SELECT SUM(LENGTH(data)) FROM events")  # the file into the page cache
        count_s, scan_s, report_s = [], [], []
        last_line = ""
        for _ in range(args.repeat):
            count_s.append(sql_seconds(store, "SELECT COUNT(*) FROM events"))
            scan_s.append(sql_seconds(store, "SELECT SUM(LENGTH(data)) FROM events"))
            seconds, out = timed(report, env)
            report_s.append(seconds)
            last_line = out.strip().splitlines()[-2]
        markers_s, _ = timed(
            markers_command(rasa, work / "markers.csv"), store_environment(played_store)
        )

    report_med, count_med, scan_med = (statistics.median(x) for x in (report_s, count_s, scan_s))
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = (
        "make bench-report"
        if (args.conversations, args.played, args.reuse) == (100_000, 2100, None)
        else " ".join(["python", *sys.argv])
    )
    lines = [
        f"## {SECTION}",
        "",
        f"- Date: {now}",
        f"- Machine: `{platform.node()}`, {platform.machine()}, nproc {os.cpu_count()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; load average "
        f"before the timings: {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        f"- Command: `{command}`",
        f"- Store: {args.conversations:,} conversations (senders; a restart within one starts "
        f"a second Rasa session, which the report counts as a conversation of its own), "
        f"{events:,} events, {size_mib:,.0f} MiB "
        f"(SQLite, Rasa's schema), made from {len(conversations):,} simulator conversations "
        f"({played_events:,} events"
        + (f", played against the bot in {played_s:.0f} s" if played_s else "")
        + f") in {build_s:.0f} s; starts over the last {DAYS} days.",
        f"- Report: `make report REPORT_ARGS='--out FILE --csv DIR --export-nlu FILE'` (HTML, "
        f"CSV, NLU draft; make and the process start included), default period: {last_line}",
        f"- Target: at most {TARGET_S} s: {'met' if report_med <= TARGET_S else 'NOT met'}.",
        "",
        f"| over the same {args.conversations:,} conversations | median (s) | runs (s) "
        "| `make report` / this |",
        "|---|---:|---:|---:|",
        f"| `make report` | {report_med:.2f} | {_runs(report_s)} | |",
        f"| baseline: `SELECT SUM(LENGTH(data)) FROM events` (reads every event) | {scan_med:.2f} | "
        f"{_runs(scan_s)} | {report_med / scan_med:.1f}x |",
        f"| baseline: `SELECT COUNT(*) FROM events` | {count_med:.2f} | {_runs(count_s)} | "
        f"{report_med / count_med:.0f}x |",
        "",
        f"For comparison, `rasa evaluate markers all --config insights/markers.yml` over the "
        f"{len(conversations):,} template conversations alone: {markers_s:.0f} s "
        f"({1000 * markers_s / len(conversations):.0f} ms per conversation, "
        f"{markers_s / len(conversations) * args.conversations / 60:.0f} min for "
        f"{args.conversations:,}); the markers serve as a cross-check in tests/insights/.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section(ROOT / "docs/benchmarks.md", SECTION, text)
    return 0 if report_med <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
