"""Fault benchmark: what customers get when a store or a server fails in the middle of their
conversations, how soon the bot is right again, and whether anything was lost.

Five faults, each while several REST conversations run at once (one conversation of
tests/e2e/test_conversations.py per diagnosis, "Hallo" first; most began before the fault,
the last few begin during it):

- PostgreSQL stopped, then started again, and the Redis lock store stopped, then started
  again: the scale-out profile (tests/scale/services.py, Debian's packages);
- the SQLite file held by another connection's exclusive transaction (a backup, a report),
  the action server killed (SIGKILL) and started again, Rasa sent SIGTERM and started again
  as soon as it had exited: the embedded profile.

A customer waits THINK_S after an answer and sends the same message again RETRY_S after the
apology or no answer. Each reply is compared with the reply the same message got in a run of
the same conversation without a fault: right, the apology (after nothing but the start of the
right answer), wrong (anything else), or no answer (refused, an error status, a timeout). Per fault: those counts while the fault lasted and
afterwards; recovery, from the moment the fault is lifted (the restart begun) to the first
right answer and until every conversation that was hit has had one; the conversations that
ended in their diagnosis; events lost (a message answered with anything but the apology whose
user event, or one of whose replies, the tracker store lacks afterwards: must be 0); whether
Rasa was alive and answering at the end; how long GET /status took while the fault lasted.

Then `make serve` itself: start-up, and what a SIGTERM to make does to both servers.

Writes the section "Faults (make bench-faults)" of docs/benchmarks.md (other sections stay)
and prints it. Only loopback is contacted. No assertions: the figures are reported; the fault
suite (make test-faults) asserts.
"""

import argparse
import datetime
import json
import math
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import machine, percentile, technical_problem_text  # noqa: E402
from benchmarks.report import work_folder, write_section  # noqa: E402
from channels import DRAIN_NOTICE_S  # noqa: E402
from tests.bot_server import Bot, free_port, http, running_bot  # noqa: E402
from tests.e2e.test_conversations import CONVERSATIONS  # noqa: E402
from tests.scale.services import (  # noqa: E402
    Postgres,
    Redis,
    install_missing,
    postgres,
    redis,
    scale_out_environment,
)
from tests.tracker_check import bot_replies, user_texts, without_recipient  # noqa: E402

SECTION = "Faults (make bench-faults)"
COMMAND = "make bench-faults"
# A customer reads the answer before writing again; after the apology (which says "in a few
# minutes") an impatient one tries again soon. The pauses set the resolution of the
# recovery times.
THINK_S = 1.0
RETRY_S = 2.0
# Newcomers write their first message this long after the fault began.
NEWCOMER_DELAY_S = 1.0
# After the fault is lifted, customers go on at most this long.
AFTER_S = 60.0
REQUEST_TIMEOUT_S = 60.0
STATUS_EVERY_S = 0.25
# /status slower than this while a store or the action server is down: the server stalled.
STALL_S = 1.0
SERVE_TIMEOUT_S = 240.0
SERVE_STOP_TIMEOUT_S = 60.0

RIGHT, APOLOGY, WRONG, NO_ANSWER = "right", "apology", "wrong", "no answer"
KINDS = (RIGHT, APOLOGY, WRONG, NO_ANSWER)
APOLOGY_TEXT = technical_problem_text()

# The figures before the fault handling of issue 16, as its text reports them; the
# fail-closed store cannot be switched off without changing rasa_patches, so they were not
# measured again here.
BEFORE = {
    "postgresql": "wrong answer in 30 ms (the first question again, as if the conversation had "
    "just begun), no apology; the message, its reply and a new customer's whole conversation "
    "lost; the API answered 200 with an empty tracker; after the restart the first message "
    "failed on a stale pooled connection and began a new session",
    "redis": "the apology; the conversation went on afterwards (the message of the outage not "
    "kept)",
    "sqlite": "the right diagnosis, never stored (the answer, four bot events and the slot "
    "`diagnosis` lost); the server stalled about 5 s per failed save, /status took 4.5 s",
    "actions": "apologies, nothing lost, every conversation finished after the restart",
    "sigterm": "of 20 concurrent requests 8 refused about 75 ms after the signal, although the "
    "process lived 5 s more; the restart took 21 s",
}


# --- conversations --------------------------------------------------------------------


@dataclass(frozen=True)
class Script:
    sender: str
    diagnosis: str
    messages: Tuple[str, ...]
    newcomer: bool  # begins during the fault


@dataclass(frozen=True)
class Attempt:
    step: int  # index of the message in the script
    sent_at: float
    received_at: float
    kind: str
    replies: Tuple[dict, ...]


@dataclass
class Customer:
    script: Script
    attempts: List[Attempt] = field(default_factory=list)


@dataclass
class Timeline:
    fault_at: float = float("inf")
    lifted_at: float = float("inf")  # the restart (or unlock) begun
    restored_at: float = float("inf")  # the restart done
    give_up_at: float = float("inf")

    def over(self) -> bool:
        return time.monotonic() > min(self.give_up_at, self.restored_at + AFTER_S)


def scripts(prefix: str, count: int, newcomers: int) -> List[Script]:
    return [
        Script(
            f"{prefix}-{i}",
            CONVERSATIONS[i % len(CONVERSATIONS)][0],
            ("Hallo", *CONVERSATIONS[i % len(CONVERSATIONS)][1]),
            newcomer=i >= count - newcomers,
        )
        for i in range(count)
    ]


def ask(bot: Bot, sender: str, text: str) -> Optional[List[dict]]:
    """The replies, or None when the customer got none (refused, error status, timeout)."""
    try:
        status, body = http(
            "POST",
            f"{bot.url}/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": text}).encode(),
            {"Content-Type": "application/json"},
            timeout=REQUEST_TIMEOUT_S,
        )
        replies = json.loads(body) if status == 200 else None
    except (OSError, ValueError):
        return None
    return replies if isinstance(replies, list) and replies else None


def classify(replies: Optional[List[dict]], expected: List[dict]) -> str:
    """The apology counts as the apology only after nothing but the start of the right
    answer: a reply the right answer does not have, even with the apology after it, is
    wrong (the customer read it)."""
    if replies is None:
        return NO_ANSWER
    got = [without_recipient(reply) for reply in replies]
    if got == expected:
        return RIGHT
    if got[-1].get("text") == APOLOGY_TEXT and got[:-1] == expected[: len(got) - 1]:
        return APOLOGY
    return WRONG


def converse(
    bot: Bot,
    customer: Customer,
    expected: Dict[str, List[List[dict]]],
    timeline: Timeline,
    until_step: int,
    start_after: float = 0.0,
) -> None:
    """Send the script's messages up to `until_step`, each again after the apology or no
    answer; a wrong answer is taken as an answer, as a customer cannot tell."""
    time.sleep(start_after)
    script = customer.script
    step = len({a.step for a in customer.attempts if a.kind in (RIGHT, WRONG)})
    while step < until_step and not timeline.over():
        sent = time.monotonic()
        replies = ask(bot, script.sender, script.messages[step])
        kind = classify(replies, expected[script.diagnosis][step])
        customer.attempts.append(Attempt(step, sent, time.monotonic(), kind, tuple(replies or ())))
        if kind in (RIGHT, WRONG):
            step += 1
        if step < until_step:
            time.sleep(THINK_S if kind in (RIGHT, WRONG) else RETRY_S)


def reference_replies(bot: Bot, prefix: str) -> Dict[str, List[List[dict]]]:
    """Each conversation once without a fault: what a right answer is, message by message.
    Also warms the bot up."""
    expected: Dict[str, List[List[dict]]] = {}
    for script in scripts(prefix, len(CONVERSATIONS), 0):
        expected[script.diagnosis] = [
            [without_recipient(reply) for reply in bot.say(script.sender, message)]
            for message in script.messages
        ]
        diagnosis = bot.tracker(script.sender)["slots"].get("diagnosis")
        if diagnosis != script.diagnosis:
            raise RuntimeError(f"{script.sender}: {diagnosis} without a fault")
    return expected


# --- /status while the fault lasts ----------------------------------------------------


class StatusPoller:
    """GET /status every STATUS_EVERY_S: its latency, or None when it got no answer."""

    def __init__(self, bot: Bot) -> None:
        self.url = f"{bot.url}/status?token={bot.token}"
        self.samples: List[Tuple[float, Optional[float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sent = time.monotonic()
            try:
                ok = http("GET", self.url, timeout=REQUEST_TIMEOUT_S)[0] == 200
            except OSError:
                ok = False
            self.samples.append((sent, time.monotonic() - sent if ok else None))
            self._stop.wait(STATUS_EVERY_S)

    def __enter__(self) -> "StatusPoller":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> List[Optional[float]]:
        return [latency for sent, latency in self.samples if start <= sent < end]


# --- faults ---------------------------------------------------------------------------


@dataclass
class Fault:
    key: str
    name: str
    begin: Callable[[], None]
    hold: Callable[[], None]  # returns when the fault is to be lifted
    lift: Callable[[], None]  # returns when the component is back


@dataclass
class FaultResult:
    fault: Fault
    customers: List[Customer]
    timeline: Timeline
    status_during: List[Optional[float]]
    lost_events: int
    finished: int
    alive: bool
    expected: Dict[str, List[List[dict]]]  # the right replies

    def counts(self, during: bool) -> Dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for customer in self.customers:
            for attempt in customer.attempts:
                if attempt.sent_at < self.timeline.fault_at:
                    continue
                if (attempt.sent_at < self.timeline.restored_at) == during:
                    counts[attempt.kind] += 1
        return counts

    def slowest_reply_s(self) -> Optional[float]:
        """The longest a message sent during the fault waited for its reply, or none."""
        waits = [
            a.received_at - a.sent_at
            for c in self.customers
            for a in c.attempts
            if self.timeline.fault_at <= a.sent_at < self.timeline.restored_at
        ]
        return max(waits) if waits else None

    def recovery_s(self) -> Tuple[Optional[float], Optional[float]]:
        """(first right answer, every hit conversation right again) after the fault was lifted;
        the second is NaN when no conversation was hit, None when a hit one never was right
        again."""
        lifted = self.timeline.lifted_at
        firsts, hit_recovered, hit = [], [], 0
        for customer in self.customers:
            during = [
                a
                for a in customer.attempts
                if self.timeline.fault_at <= a.sent_at < self.timeline.restored_at
            ]
            right_after = [
                a.received_at - lifted
                for a in customer.attempts
                if a.kind == RIGHT and a.received_at >= lifted
            ]
            if right_after:
                firsts.append(min(right_after))
            if any(a.kind != RIGHT for a in during):
                hit += 1
                if right_after:
                    hit_recovered.append(min(right_after))
        first = min(firsts) if firsts else None
        if not hit:
            return first, float("nan")
        every = max(hit_recovered) if len(hit_recovered) == hit else None
        return first, every


def missing_in_order(stored: Sequence, expected: Sequence) -> int:
    """How many of `expected`, in their order, the stored sequence lacks."""
    missing, position = 0, 0
    for item in expected:
        try:
            position = stored.index(item, position) + 1
        except ValueError:
            missing += 1
    return missing


def lost_events(customer: Customer, events: List[dict]) -> int:
    """A message answered with anything but the apology must be stored, with its replies."""
    answered = [a for a in customer.attempts if a.kind in (RIGHT, WRONG)]
    lost = missing_in_order(
        user_texts(events), [customer.script.messages[a.step] for a in answered]
    )
    replies = [without_recipient(reply) for a in answered for reply in a.replies]
    return lost + missing_in_order(bot_replies(events), replies)


def run_fault(
    bot: Bot, fault: Fault, count: int, newcomers: int, expected: Dict[str, List[List[dict]]]
) -> FaultResult:
    print(f"{fault.name} ...", flush=True)
    customers = [
        Customer(s) for s in scripts(f"{fault.key}-{secrets.token_hex(3)}", count, newcomers)
    ]
    ongoing = [c for c in customers if not c.script.newcomer]
    timeline = Timeline()
    with StatusPoller(bot) as poller:
        # The first message before the fault: the fault comes in the middle of the form.
        with ThreadPoolExecutor(len(ongoing)) as pool:
            list(pool.map(lambda c: converse(bot, c, expected, timeline, until_step=1), ongoing))
        timeline.fault_at = time.monotonic()
        print(f"  fault from {time.strftime('%H:%M:%S')}", flush=True)
        timeline.give_up_at = timeline.fault_at + 10 * AFTER_S
        fault.begin()
        threads = [
            # Daemons: a customer still waiting must not keep a failed run from ending.
            threading.Thread(
                daemon=True,
                target=converse,
                args=(bot, c, expected, timeline, len(c.script.messages)),
                kwargs={
                    "start_after": NEWCOMER_DELAY_S
                    if c.script.newcomer
                    else THINK_S * i / len(customers)
                },
            )
            for i, c in enumerate(customers)
        ]
        for thread in threads:
            thread.start()
        fault.hold()
        timeline.lifted_at = time.monotonic()
        fault.lift()
        timeline.restored_at = time.monotonic()
        for thread in threads:
            thread.join()
    status_ok = http("GET", f"{bot.url}/status?token={bot.token}", timeout=REQUEST_TIMEOUT_S)[0]
    lost, finished, transcript = 0, 0, []
    for customer in customers:
        tracker = bot.tracker(customer.script.sender)
        lost += lost_events(customer, tracker["events"])
        transcript.append(transcript_of(customer, tracker, timeline))
        last = customer.attempts[-1] if customer.attempts else None
        if (
            tracker["slots"].get("diagnosis") == customer.script.diagnosis
            and last is not None
            and last.kind == RIGHT
            and last.step == len(customer.script.messages) - 1
        ):
            finished += 1
    result = FaultResult(
        fault,
        customers,
        timeline,
        poller.between(timeline.fault_at, timeline.restored_at),
        lost,
        finished,
        bot.is_running("rasa") and status_ok == 200,
        expected,
    )
    # What each customer sent and got, and what was stored: in the logs (--keep), to check
    # a row by.
    (bot.log_dir / f"{fault.key}-conversations.json").write_text(
        json.dumps(transcript, ensure_ascii=False, indent=1)
    )
    print(f"  {row(result)}", flush=True)
    return result


def transcript_of(customer: Customer, tracker: dict, timeline: Timeline) -> dict:
    return {
        "sender": customer.script.sender,
        "attempts": [
            {
                "message": customer.script.messages[a.step],
                "sent_s": round(a.sent_at - timeline.fault_at, 2),
                "wait_s": round(a.received_at - a.sent_at, 2),
                "kind": a.kind,
                "replies": [r.get("text") for r in a.replies],
            }
            for a in customer.attempts
        ],
        "stored_user": user_texts(tracker["events"]),
        "stored_bot": [e.get("text") for e in tracker["events"] if e["event"] == "bot"],
        "diagnosis": tracker["slots"].get("diagnosis"),
    }


def sqlite_lock(bot: Bot) -> Tuple[Callable[[], None], Callable[[], None]]:
    """Another connection's exclusive transaction on the tracker file: (take, release)."""
    held: Dict[str, sqlite3.Connection] = {}

    def take() -> None:
        held["lock"] = sqlite3.connect(bot.log_dir / "tracker.db", timeout=10, isolation_level=None)
        held["lock"].execute("BEGIN EXCLUSIVE")

    def release() -> None:
        lock = held.pop("lock")
        lock.execute("ROLLBACK")
        lock.close()

    return take, release


def kill_actions(bot: Bot) -> None:
    process = bot.processes.pop("actions")
    process.kill()
    process.wait(timeout=30)


class Sigterm:
    """SIGTERM to Rasa, held until it has exited; then started again."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.drain_s = float("nan")
        self.exit_code: Optional[int] = None
        self.signalled = 0.0

    def begin(self) -> None:
        self.signalled = time.monotonic()
        self.bot.processes["rasa"].send_signal(signal.SIGTERM)

    def hold(self) -> None:
        process = self.bot.processes.pop("rasa")
        try:
            self.exit_code = process.wait(timeout=SERVE_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            self.exit_code = process.wait()
        self.drain_s = time.monotonic() - self.signalled

    def lift(self) -> None:
        self.bot.start_rasa()


def store_faults(pg: Postgres, rd: Redis, hold_s: float) -> List[Fault]:
    def wait() -> None:
        time.sleep(hold_s)

    return [
        Fault("postgresql", "PostgreSQL stopped, started again", pg.stop, wait, pg.start),
        Fault("redis", "Redis lock store stopped, started again", rd.stop, wait, rd.start),
    ]


def embedded_faults(bot: Bot, hold_s: float, sigterm: Sigterm) -> List[Fault]:
    def wait() -> None:
        time.sleep(hold_s)

    take, release = sqlite_lock(bot)
    return [
        Fault("sqlite", "SQLite file locked by another connection", take, wait, release),
        Fault(
            "actions",
            "action server killed, started again",
            lambda: kill_actions(bot),
            wait,
            bot.start_actions,
        ),
        Fault(
            "sigterm", "Rasa sent SIGTERM, started again", sigterm.begin, sigterm.hold, sigterm.lift
        ),
    ]


# --- make serve -----------------------------------------------------------------------


@dataclass
class ServeResult:
    to_status_s: float = float("nan")
    to_first_answer_s: float = float("nan")
    not_ready_after_s: float = float("nan")  # SIGTERM to /ready answering 503
    answered_in_notice: Optional[bool] = None
    exit_s: Dict[str, float] = field(default_factory=dict)  # SIGTERM to each one's exit
    make_exit_code: Optional[int] = None
    left_running: List[str] = field(default_factory=list)


def _processes() -> Dict[int, Tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        table[int(entry.name)] = (int(stat[1]), stat[0], command)
    return table


def servers_of(root: int) -> Dict[str, int]:
    """The Rasa and action server processes below `root`."""
    table = _processes()
    found, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, _, command) in table.items():
            if ppid != parent:
                continue
            todo.append(pid)
            if "rasa run actions" in command:
                found["action server"] = pid
            elif "rasa run " in command:
                found["Rasa"] = pid
    return found


def alive(pid: int) -> bool:
    entry = _processes().get(pid)
    return entry is not None and entry[1] != "Z"


def measure_make_serve(work: Path) -> ServeResult:
    """`make serve` as an operator runs it (the model already trained), then SIGTERM to make."""
    result = ServeResult()
    rasa_port, action_port, token = free_port(), free_port(), secrets.token_urlsafe(24)
    # A make of its own: not the options and variables of the make that runs this benchmark.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["RASA_API_TOKEN"] = token
    variables = {
        "RASA_PORT": rasa_port,
        "ACTION_PORT": action_port,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_STORE_DIALECT": "sqlite",
        "TRACKER_STORE_HOST": "",
        "TRACKER_STORE_DB": work / "tracker.db",
        "TRACKER_STORE_USER": "",
        "TRACKER_STORE_PASSWORD": "",
        "LOCK_STORE_TYPE": "in_memory",
    }
    command = ["make", "--no-print-directory", "-o", "train", "serve"]
    command += [f"{name}={value}" for name, value in variables.items()]
    print("make serve ...", flush=True)
    base = f"http://127.0.0.1:{rasa_port}"
    started = time.monotonic()
    with open(work / "make-serve.log", "ab") as log:
        make = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        while time.monotonic() - started < SERVE_TIMEOUT_S and make.poll() is None:
            try:
                status, body = http("GET", f"{base}/status?token={token}", timeout=5)
                if status == 200 and json.loads(body).get("model_file"):
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.25)
        else:
            raise RuntimeError(f"make serve did not come up, see {work / 'make-serve.log'}")
        result.to_status_s = time.monotonic() - started
        ask_bot = Bot(rasa_port, action_port, token, work)
        ask_bot.say(f"serve-{secrets.token_hex(3)}", "Hallo")
        result.to_first_answer_s = time.monotonic() - started

        servers = servers_of(make.pid)
        signalled = time.monotonic()
        os.kill(make.pid, signal.SIGTERM)
        while time.monotonic() - signalled < SERVE_STOP_TIMEOUT_S:
            now = time.monotonic() - signalled
            if result.answered_in_notice is None:
                try:
                    ready = http("GET", f"{base}/webhooks/rest/ready", timeout=5)[0]
                except OSError:
                    ready = None
                if ready != 200:
                    result.not_ready_after_s = now
                    result.answered_in_notice = ask(ask_bot, "serve-notice", "Hallo") is not None
            for name, pid in servers.items():
                if name not in result.exit_s and not alive(pid):
                    result.exit_s[name] = time.monotonic() - signalled
            if make.poll() is not None and len(result.exit_s) == len(servers):
                result.exit_s["make"] = time.monotonic() - signalled
                break
            time.sleep(0.05)
        result.make_exit_code = make.poll()
        result.left_running = [name for name, pid in servers.items() if alive(pid)]
    finally:
        try:
            os.killpg(make.pid, signal.SIGKILL)  # the session started above, if anything is left
        except ProcessLookupError:
            pass
        make.wait()
    return result


# --- report ---------------------------------------------------------------------------


def seconds(value: Optional[float], digits: int = 1) -> str:
    """A duration, or "-" for none (None, NaN, never)."""
    if value is None or math.isnan(value) or math.isinf(value):
        return "-"
    return f"{value:.{digits}f}"


def row(result: FaultResult) -> str:
    t = result.timeline
    during, after = result.counts(during=True), result.counts(during=False)
    first, every = result.recovery_s()
    answered = [s for s in result.status_during if s is not None]
    status = (
        f"{1000 * percentile(answered, 50):.0f} / {1000 * max(answered):.0f}"
        if answered
        else "- / -"
    )
    unanswered = len(result.status_during) - len(answered)
    cells = [
        result.fault.name,
        seconds(t.lifted_at - t.fault_at),
        seconds(t.restored_at - t.lifted_at),
        " / ".join(str(during[k]) for k in KINDS),
        seconds(result.slowest_reply_s()),
        " / ".join(str(after[k]) for k in KINDS),
        f"{seconds(first)} / {seconds(every) if every is not None else 'not all'}",
        f"{result.finished} of {len(result.customers)}",
        str(result.lost_events),
        "yes" if result.alive else "NO",
        f"{status} ({unanswered} of {len(result.status_during)} unanswered)",
    ]
    return "| " + " | ".join(cells) + " |"


def table(results: Sequence[FaultResult]) -> str:
    return "\n".join(
        [
            "| fault | out (s) | restart (s) "
            "| during the fault: right / apology / wrong / no answer "
            "| slowest reply during the fault (s) "
            "| afterwards: right / apology / wrong / no answer "
            "| recovery: first right answer / every hit conversation (s) "
            "| finished | events lost | Rasa alive | /status during the fault: p50 / max (ms) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
            *(row(r) for r in results),
        ]
    )


def wrong_answers(results: Sequence[FaultResult]) -> List[str]:
    """Each distinct wrong answer once: the message, what came, what a run without the
    fault answered."""

    def brief(replies: Sequence[dict]) -> str:
        return " / ".join((r.get("text") or "")[:70] for r in replies)

    seen: Dict[Tuple[str, str, str], int] = {}
    for result in results:
        for customer in result.customers:
            for a in customer.attempts:
                if a.kind == WRONG:
                    right = result.expected[customer.script.diagnosis][a.step]
                    message = customer.script.messages[a.step]
                    key = (
                        result.fault.name,
                        message,
                        f"{brief(a.replies)}** instead of **{brief(right)}",
                    )
                    seen[key] = seen.get(key, 0) + 1
    return [
        f'- {fault}: "{message}" ({count}x): **{got}**'
        for (fault, message, got), count in seen.items()
    ]


def before_table(results: Sequence[FaultResult]) -> str:
    lines = ["| fault | before (as reported in issue 16) |", "|---|---|"]
    lines += [f"| {r.fault.name} | {BEFORE[r.fault.key]} |" for r in results]
    return "\n".join(lines)


def serve_lines(serve: ServeResult) -> List[str]:
    exits = ", ".join(f"{name} {value:.1f} s" for name, value in serve.exit_s.items())
    return [
        f"- `make serve` (model trained, `make -o train serve` on free ports): /status with the "
        f"model {seconds(serve.to_status_s)} s after the start, first answer "
        f"{seconds(serve.to_first_answer_s)} s.",
        f"- SIGTERM to the make process: /ready 503 after {seconds(serve.not_ready_after_s, 2)} s; "
        f"a message sent then was {'answered' if serve.answered_in_notice else 'NOT answered'}; "
        f"exited after the signal: {exits or 'nothing'}"
        + (
            f"; still running after {SERVE_STOP_TIMEOUT_S:.0f} s: {', '.join(serve.left_running)}"
            if serve.left_running
            else ""
        )
        + f"; make's exit status {serve.make_exit_code}.",
        "- Before the Makefile change (Rasa in the foreground of the recipe's shell, which runs "
        "its trap only after the foreground command has ended; measured by hand once): SIGTERM "
        "to make stopped neither server within 20 s.",
    ]


def verdict(result: FaultResult) -> str:
    """Issue 16's targets for one fault: nothing wrong, nothing lost, every conversation
    finished, Rasa alive, and (but while Rasa itself is stopped) no stalled server."""
    missed = []
    wrong = result.counts(during=True)[WRONG] + result.counts(during=False)[WRONG]
    if wrong:
        missed.append(f"{wrong} wrong")
    if result.lost_events:
        missed.append(f"{result.lost_events} events lost")
    if result.finished < len(result.customers):
        missed.append(f"{len(result.customers) - result.finished} not finished")
    if not result.alive:
        missed.append("Rasa not alive")
    answered = [s for s in result.status_during if s is not None]
    if result.fault.key != "sigterm" and (
        len(answered) < len(result.status_during) or max(answered, default=0) >= STALL_S
    ):
        missed.append(f"/status up to {max(answered, default=0):.1f} s")
    return f"{result.fault.name}: " + (f"MISSED ({', '.join(missed)})" if missed else "met")


def notice_line(results: Sequence[FaultResult], sigterm: Sigterm) -> List[str]:
    result = next((r for r in results if r.fault.key == "sigterm"), None)
    if result is None or sigterm.exit_code is None:
        return []
    in_notice = [
        a
        for c in result.customers
        for a in c.attempts
        if result.timeline.fault_at <= a.sent_at < result.timeline.fault_at + DRAIN_NOTICE_S
    ]
    refused = sum(1 for a in in_notice if a.kind == NO_ANSWER)
    return [
        f"- SIGTERM: Rasa exited {seconds(sigterm.drain_s)} s after the signal, exit status "
        f"{sigterm.exit_code} (BOT_DRAIN_NOTICE_S {DRAIN_NOTICE_S:.0f} s, then the requests in "
        f"progress); of the {len(in_notice)} messages sent in the notice {refused} got no answer; "
        "its start-up again is the restart column."
    ]


def method_lines(args: argparse.Namespace) -> List[str]:
    held = f"{args.fault_seconds:.0f} s"
    return [
        f"- Per fault {args.conversations} REST conversations at once, one of "
        'tests/e2e/test_conversations.py per diagnosis with "Hallo" first; '
        f'{args.conversations - args.newcomers} sent "Hallo" before the fault, {args.newcomers} '
        f"begin {NEWCOMER_DELAY_S:.0f} s into it. A customer writes again {THINK_S:.0f} s after an "
        f"answer and sends the same message again {RETRY_S:.0f} s after the apology or no answer.",
        f"- Faults: PostgreSQL (`pg_ctl stop -m fast`) and Redis stopped for {held} (scale-out "
        "profile: PostgreSQL tracker store, Redis lock store); the SQLite file held for "
        f"{held} by another connection's `BEGIN EXCLUSIVE`, the action server killed (SIGKILL) "
        f"for {held}, Rasa sent SIGTERM and started again once it had exited (embedded "
        "profile: SQLite, in-memory lock store).",
        "- Right: the reply the same message got in a run of the same conversation without a "
        "fault; apology: the apology, after nothing but the start of the right answer; wrong: "
        "any other reply, also one with the apology after it; no answer: refused, an error "
        "status or a timeout. Counted per message sent, retries included; during the fault: "
        "sent from its start until the restart was done.",
        "- Out: from the fault to its lifting (for SIGTERM: until Rasa had exited); restart: the "
        "lifting until the component answered again. Recovery: from the lifting to the first "
        "right answer, and until every conversation that the fault hit had a right answer. "
        "Finished: ended in its diagnosis with the right answer. Events lost: a message answered "
        "with anything but the apology whose user event, or one of whose replies, the tracker "
        "store lacks afterwards. Rasa alive: its process running and /status 200 at the end "
        "(after SIGTERM: the Rasa started again). /status: GET every "
        f"{STATUS_EVERY_S} s while the fault lasted.",
    ]


def section(
    results: Sequence[FaultResult],
    serve: Optional[ServeResult],
    sigterm: Optional[Sigterm],
    args: argparse.Namespace,
) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    wrong = wrong_answers(results)
    lines = [
        f"## {SECTION}",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}; load average before the run: {args.load_before}",
        f"- Command: `{COMMAND}` (= `.venv/bin/python benchmarks/faults.py --conversations "
        f"{args.conversations} --newcomers {args.newcomers} --fault-seconds "
        f"{args.fault_seconds:g}`)",
        *method_lines(args),
        *(notice_line(results, sigterm) if sigterm else []),
        *(serve_lines(serve) if serve else []),
        "- Targets (issue 16): 0 wrong answers, 0 events lost, every conversation finished, "
        f"Rasa alive, and /status answered within {STALL_S:.0f} s throughout the fault (not "
        "asked of SIGTERM, which stops Rasa itself).",
        "- Result: " + "; ".join(verdict(r) for r in results) + ".",
        "",
        table(results),
        "",
        *(
            ["Wrong answers (what came instead of the right answer):", "", *wrong, ""]
            if wrong
            else []
        ),
        before_table(results),
        "",
    ]
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--newcomers", type=int, default=2, help="of them, begun during the fault")
    parser.add_argument("--fault-seconds", type=float, default=15.0)
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BEFORE),
        help="run only these faults (repeatable); prints, does not write",
    )
    parser.add_argument("--no-serve", action="store_true", help="skip make serve; does not write")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with the logs")
    args = parser.parse_args()
    if not list((ROOT / "models").glob("*.tar.gz")):
        parser.error("no model in models/: run `make train` first")
    if not 0 <= args.newcomers < args.conversations:
        parser.error("--newcomers must be fewer than --conversations")
    args.load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    wanted = set(args.only or BEFORE)

    results: List[FaultResult] = []
    serve: Optional[ServeResult] = None
    with work_folder("bench-faults-", args.keep, "logs") as work:
        if wanted & {"postgresql", "redis"}:
            (work / "scale").mkdir()
            install_missing(work / "scale" / "apt.log")
            with ExitStack() as stack:
                pg = stack.enter_context(postgres(work / "scale"))
                rd = stack.enter_context(redis(work / "scale"))
                print("starting the bot on PostgreSQL + Redis ...", flush=True)
                bot = stack.enter_context(
                    running_bot(work / "scale", extra_env=scale_out_environment(pg, rd))
                )
                expected = reference_replies(bot, f"reference-{secrets.token_hex(3)}")
                for fault in store_faults(pg, rd, args.fault_seconds):
                    if fault.key in wanted:
                        results.append(
                            run_fault(bot, fault, args.conversations, args.newcomers, expected)
                        )
        sigterm = None
        if wanted & {"sqlite", "actions", "sigterm"}:
            (work / "embedded").mkdir()
            print("starting the bot on SQLite ...", flush=True)
            with running_bot(work / "embedded") as bot:
                sigterm = Sigterm(bot)
                expected = reference_replies(bot, f"reference-{secrets.token_hex(3)}")
                for fault in embedded_faults(bot, args.fault_seconds, sigterm):
                    if fault.key in wanted:
                        results.append(
                            run_fault(bot, fault, args.conversations, args.newcomers, expected)
                        )
        if not args.no_serve:
            (work / "serve").mkdir()
            serve = measure_make_serve(work / "serve")

        text = section(results, serve, sigterm, args)
        print()
        print(text)
        if args.only or args.no_serve:
            print("(a partial run: docs/benchmarks.md left as it was)")
        else:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            write_section(args.out, SECTION, text)
            print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
