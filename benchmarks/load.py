"""Load benchmark: this bot against Rasa's demo bot, same load, same machine, same run.

50 concurrent conversations over the REST channel (by default), each a whole dialogue:
for this bot a greeting and then one of the end-to-end conversations of
tests/e2e/test_conversations.py up to its diagnosis; for the demo bot that
`rasa init --no-prompt` creates (trained in a temp folder), greet/mood messages of the same
count. Measured per bot: messages per second, latency per message (p50/p95/p99), errors,
lost events (tracker events against messages sent and replies received), peak RSS of the
Rasa server, and the time from starting the server to its first answer.

The machine is shared and noisy: compare the ratios, not the absolute numbers. Rounds of
the two bots alternate, so a slow spell of the machine hits both.

Writes the section "Load (make bench-load)" of docs/benchmarks.md (other sections stay)
and prints the table. Only loopback is ever contacted. No timed assertions: the targets are
reported, not enforced.
"""

import argparse
import asyncio
import datetime
import math
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import work_folder, write_section  # noqa: E402
from tests.bot_server import BIN, Bot, free_port  # noqa: E402
from tests.e2e.test_conversations import CONVERSATIONS  # noqa: E402
from tests.tracker_check import bot_replies, user_texts  # noqa: E402

SECTION = "Load (make bench-load)"
COMMAND = "make bench-load"
REQUEST_TIMEOUT_S = 120
DEMO_MESSAGES = ["hello", "I am feeling sad", "yes", "bye"]
TARGETS = (
    "0 errors and 0 lost events; p95 per message at most 1.0x the demo bot's p95; "
    "server start to first answer under 30 s"
)


@dataclass(frozen=True)
class Conversation:
    sender: str
    messages: Sequence[str]
    diagnosis: Optional[str] = None  # the slot `diagnosis` expected at the end, if any


@dataclass
class Result:
    latencies_ms: List[float] = field(default_factory=list)  # under load
    single_latencies_ms: List[float] = field(default_factory=list)  # one conversation at a time
    messages: int = 0  # under load
    seconds: float = 0.0  # under load
    errors: int = 0
    lost_events: int = 0
    wrong_answers: int = 0
    cpu_s: Dict[str, float] = field(default_factory=dict)  # per process, under load
    peak_rss_mib: Dict[str, float] = field(default_factory=dict)  # per process
    start_to_first_answer_s: float = 0.0

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def cpu_ms_per_message(self, process: str) -> float:
        return 1000 * self.cpu_s[process] / self.messages if process in self.cpu_s else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Subject:
    """One bot under test: its server, its conversations, how a failed answer looks."""

    name: str
    bot: Bot
    result: Result
    conversations: Callable[[str, int], List[Conversation]]  # (sender prefix, count)
    is_failure: Callable[[List[dict]], bool]


# --- the two bots ---------------------------------------------------------------------


class DemoBot(Bot):
    """`rasa init`'s demo bot from its own folder: stock REST channel, in-memory tracker
    store, no action server."""

    def __init__(self, project: Path, rasa_port: int, token: str, log_dir: Path):
        super().__init__(rasa_port, free_port(), token, log_dir)  # the action port stays unused
        self.project = project

    def start_rasa(self) -> None:
        super().start_rasa(self.project)


def train_demo_bot(folder: Path, log: Path) -> None:
    with open(log, "ab") as out:
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
            stdout=out,
            stderr=subprocess.STDOUT,
            check=True,
        )


def start_timed(bot: Bot, first_message: str) -> float:
    """Seconds from starting the Rasa server until its first answer over REST."""
    started = time.monotonic()
    bot.start_rasa()
    bot.say(f"start-{secrets.token_hex(4)}", first_message)
    return time.monotonic() - started


def our_conversations(prefix: str, count: int) -> List[Conversation]:
    conversations = []
    for i in range(count):
        diagnosis, messages = CONVERSATIONS[i % len(CONVERSATIONS)]
        conversations.append(Conversation(f"{prefix}-{i}", ["Hallo", *messages], diagnosis))
    return conversations


def demo_conversations(prefix: str, ours: Sequence[Conversation]) -> List[Conversation]:
    """As many demo conversations as ours, each with as many messages."""
    return [
        Conversation(f"{prefix}-{i}", DEMO_MESSAGES[: len(c.messages)]) for i, c in enumerate(ours)
    ]


def technical_problem_text() -> Optional[str]:
    """The apology this bot sends instead of an answer when something failed (domain.yml)."""
    responses = yaml.safe_load((ROOT / "domain.yml").read_text()).get("responses", {})
    variants = responses.get("technical_problem") or [{}]
    return variants[0].get("text")


# --- load -----------------------------------------------------------------------------


def rss_mib(pid: int) -> float:
    """Resident memory of one process from /proc (no psutil: rasa 3.6 does not bring it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProcessMeter:
    """Peak RSS (sampled four times a second) and CPU time of the bot's processes while a
    block runs."""

    def __init__(self, bot: Bot, result: Result):
        self.pids = {name: process.pid for name, process in bot.processes.items()}
        self.result = result
        self._cpu_before: Dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            self.result.peak_rss_mib[name] = max(
                self.result.peak_rss_mib.get(name, 0.0), rss_mib(pid)
            )

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._sample()

    def __enter__(self) -> "ProcessMeter":
        self._cpu_before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        for name, pid in self.pids.items():
            used = cpu_seconds(pid) - self._cpu_before[name]
            self.result.cpu_s[name] = self.result.cpu_s.get(name, 0.0) + used


FailureCheck = Callable[[List[dict]], bool]


async def run_conversation(
    session: aiohttp.ClientSession,
    url: str,
    conversation: Conversation,
    latencies_ms: List[float],
    result: Result,
    is_failure: FailureCheck,
) -> int:
    """Send the messages one after the other; return the number of replies received."""
    replies_received = 0
    for message in conversation.messages:
        started = time.perf_counter()
        try:
            async with session.post(
                url, json={"sender": conversation.sender, "message": message}
            ) as response:
                replies = await response.json(content_type=None) if response.status == 200 else None
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            replies = None
        latencies_ms.append((time.perf_counter() - started) * 1000)
        if not isinstance(replies, list) or not replies or is_failure(replies):
            result.errors += 1
        if isinstance(replies, list):
            replies_received += len(replies)
    return replies_received


async def send(
    bot: Bot,
    conversations: Sequence[Conversation],
    latencies_ms: List[float],
    result: Result,
    is_failure: FailureCheck,
    concurrent: bool,
) -> List[int]:
    """All conversations at once, or one after the other; replies received per conversation."""
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=0)
    ) as session:
        url = f"{bot.url}/webhooks/rest/webhook"
        runs = [
            run_conversation(session, url, c, latencies_ms, result, is_failure)
            for c in conversations
        ]
        if concurrent:
            return list(await asyncio.gather(*runs))
        return [await run for run in runs]


def check_trackers(
    bot: Bot, conversations: Sequence[Conversation], replies: Sequence[int], result: Result
) -> None:
    """Count what the tracker store lost: a user event per message sent, bot events for
    every reply received; and whether each conversation ended in its diagnosis."""
    for conversation, replies_received in zip(conversations, replies):
        tracker = bot.tracker(conversation.sender)
        result.lost_events += max(
            0, len(conversation.messages) - len(user_texts(tracker["events"]))
        )
        result.lost_events += max(0, replies_received - len(bot_replies(tracker["events"])))
        if conversation.diagnosis and tracker["slots"].get("diagnosis") != conversation.diagnosis:
            result.wrong_answers += 1


def one_at_a_time(
    bot: Bot,
    conversations: Sequence[Conversation],
    result: Result,
    is_failure: FailureCheck,
    latencies_ms: List[float],
) -> None:
    replies = asyncio.run(
        send(bot, conversations, latencies_ms, result, is_failure, concurrent=False)
    )
    check_trackers(bot, conversations, replies, result)


def under_load(
    bot: Bot, conversations: Sequence[Conversation], result: Result, is_failure: FailureCheck
) -> None:
    with ProcessMeter(bot, result):
        started = time.perf_counter()
        replies = asyncio.run(
            send(bot, conversations, result.latencies_ms, result, is_failure, concurrent=True)
        )
        result.seconds += time.perf_counter() - started
    result.messages += sum(len(c.messages) for c in conversations)
    check_trackers(bot, conversations, replies, result)


# --- report ---------------------------------------------------------------------------


def machine() -> str:
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    gib = int(memory.group(1)) / 1024**2 if memory else float("nan")
    uname = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"`{uname}`, nproc {nproc}, {gib:.1f} GiB memory"


def ratio(ours: float, demo: float) -> str:
    return f"{ours / demo:.2f}x" if demo and not math.isnan(ours) and not math.isnan(demo) else ""


def number(value: float, digits: int = 0) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def table(ours: Result, demo: Result) -> str:
    def row(name: str, a: float, b: float, digits: int = 0, with_ratio: bool = True) -> str:
        return f"| {name} | {number(a, digits)} | {number(b, digits)} | {ratio(a, b) if with_ratio else ''} |"

    nan = float("nan")
    lines = [
        "| | this bot | demo bot | this bot / demo |",
        "|---|---:|---:|---:|",
        row("messages under load", ours.messages, demo.messages, with_ratio=False),
        row("messages/s", ours.per_second, demo.per_second, 1),
        *(
            row(
                f"latency p{p} per message (ms)",
                percentile(ours.latencies_ms, p),
                percentile(demo.latencies_ms, p),
            )
            for p in (50, 95, 99)
        ),
        row(
            "latency p50, one conversation at a time (ms)",
            percentile(ours.single_latencies_ms, 50),
            percentile(demo.single_latencies_ms, 50),
        ),
        row(
            "CPU per message, Rasa (ms)",
            ours.cpu_ms_per_message("rasa"),
            demo.cpu_ms_per_message("rasa"),
        ),
        row(
            "CPU per message, action server (ms)",
            ours.cpu_ms_per_message("actions"),
            nan,
            with_ratio=False,
        ),
        row("errors", ours.errors, demo.errors, with_ratio=False),
        row("lost events", ours.lost_events, demo.lost_events, with_ratio=False),
        row("wrong diagnoses", ours.wrong_answers, nan, with_ratio=False),
        row(
            "RSS peak, Rasa (MiB)",
            ours.peak_rss_mib.get("rasa", nan),
            demo.peak_rss_mib.get("rasa", nan),
        ),
        row(
            "RSS peak, action server (MiB)",
            ours.peak_rss_mib.get("actions", nan),
            nan,
            with_ratio=False,
        ),
        row(
            "server start to first answer (s)",
            ours.start_to_first_answer_s,
            demo.start_to_first_answer_s,
            1,
        ),
    ]
    return "\n".join(lines)


def verdict(ours: Result, demo: Result) -> str:
    checks = [
        ("0 errors", ours.errors == 0),
        ("0 lost events", ours.lost_events == 0),
        ("0 wrong diagnoses", ours.wrong_answers == 0),
        (
            "p95 at most 1.0x the demo's",
            percentile(ours.latencies_ms, 95) <= percentile(demo.latencies_ms, 95),
        ),
        ("start to first answer under 30 s", ours.start_to_first_answer_s < 30),
    ]
    return "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks)


def section(ours: Result, demo: Result, args: argparse.Namespace, per_round: int) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return "\n".join(
        [
            f"## {SECTION}",
            "",
            f"- Date: {now}",
            f"- Machine: {machine()}; load average before the run: {args.load_before}",
            f"- Command: `{COMMAND}` (= `.venv/bin/python benchmarks/load.py --conversations "
            f"{args.conversations} --rounds {args.rounds}`)",
            f"- Load: {args.conversations} concurrent conversations over the REST channel, {args.rounds} "
            f"rounds per bot, the bots alternating; {per_round} messages per round and bot. This bot: "
            '"Hallo", then a conversation of tests/e2e/test_conversations.py up to its diagnosis. '
            "Demo bot: greet/mood messages, as many per conversation. Before the load, each of "
            f"{len(CONVERSATIONS)} conversations once to warm up (not in the latencies), then once "
            'more one at a time (the row "one conversation at a time").',
            "- This bot: action server + `rasa run`, SQLite tracker store, in-memory lock store "
            "(the default profile of endpoints.yml). Demo bot (`rasa init --no-prompt`): in-memory "
            "tracker store, no action server. Start to first answer: from starting `rasa run` "
            "(the action server already up) to the first REST answer.",
            "- Lost events: messages sent without their user event in the tracker, plus replies "
            "received that the tracker's bot events do not account for (tests/tracker_check.py).",
            f"- Targets: {TARGETS}.",
            f"- Result: {verdict(ours, demo)}.",
            "",
            table(ours, demo),
            "",
        ]
    )


# --- main -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the logs")
    args = parser.parse_args()
    if not list((ROOT / "models").glob("*.tar.gz")):
        parser.error("no model in models/: run `make train` first")
    args.load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())

    with work_folder("bench-load-", args.keep, "logs") as work:
        (work / "ours").mkdir()
        (work / "demo" / "project").mkdir(parents=True)
        token = secrets.token_urlsafe(24)
        apology = technical_problem_text()
        ours = Subject(
            "this bot",
            Bot(free_port(), free_port(), token, work / "ours"),
            Result(),
            our_conversations,
            lambda replies: apology is not None and any(r.get("text") == apology for r in replies),
        )
        demo = Subject(
            "the demo bot",
            DemoBot(work / "demo" / "project", free_port(), token, work / "demo"),
            Result(),
            lambda prefix, count: demo_conversations(prefix, our_conversations(prefix, count)),
            lambda replies: False,
        )
        try:
            print("training the demo bot (rasa init) ...", flush=True)
            train_demo_bot(demo.bot.project, work / "demo" / "init.log")
            ours.bot.start_actions()
            for subject in (ours, demo):
                print(f"starting {subject.name} ...", flush=True)
                first_message = subject.conversations("start", 1)[0].messages[0]
                subject.result.start_to_first_answer_s = start_timed(subject.bot, first_message)
                print(
                    f"  first answer after {subject.result.start_to_first_answer_s:.1f} s",
                    flush=True,
                )

            for subject in (ours, demo):
                for prefix, latencies in (
                    ("warmup", []),
                    ("single", subject.result.single_latencies_ms),
                ):
                    conversations = subject.conversations(
                        f"{prefix}-{secrets.token_hex(3)}", len(CONVERSATIONS)
                    )
                    one_at_a_time(
                        subject.bot, conversations, subject.result, subject.is_failure, latencies
                    )

            per_round = 0
            for round_number in range(args.rounds):
                print(
                    f"round {round_number + 1}/{args.rounds}: {args.conversations} conversations per bot",
                    flush=True,
                )
                for subject in (ours, demo):
                    conversations = subject.conversations(
                        f"load{round_number}-{secrets.token_hex(3)}", args.conversations
                    )
                    per_round = sum(len(c.messages) for c in conversations)
                    under_load(subject.bot, conversations, subject.result, subject.is_failure)

            text = section(ours.result, demo.result, args, per_round)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            write_section(args.out, SECTION, text)
            print()
            print(text)
            print(f"written to {args.out}")
        finally:
            ours.bot.stop_all()
            demo.bot.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
