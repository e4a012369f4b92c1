"""A customer simulator: whole conversations for every fact combination of the linking
rules, played over REST against the running bot, with the rules as the oracle.

Each simulated customer has a true situation (every fact of actions/linking_rules.py),
opens with a description from the phrasing bank that fits it, and answers whatever the
bot asks from that truth, in one of several styles: a short word, a whole sentence, a
button, "weiß nicht" first, a question or a wish for a person in between, two facts at
once, a fact told before it is asked, an unclear answer, an unasked correction, or never
knowing one fact. The phrasings come from tests/simulator/phrasings.yml, written apart
from data/nlu. The customer reads only the bot's texts: which question was asked, which
diagnosis or way forward was given, is recognised from the texts of domain.yml.

    make simulate                    # the full run, writes docs/benchmarks.md
    python benchmarks/simulate.py --conversations 100 --no-write
"""

import argparse
import datetime
import itertools
import os
import platform
import random
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.facts import FACT_SLOTS, INTENT_FACTS, facts_from_slots  # noqa: E402
from actions.linking_rules import DIAGNOSES_BY_ID, CustomerType, Diagnosis, LinkStatus, diagnose  # noqa: E402
from benchmarks.report import work_folder, write_section  # noqa: E402

BANK = ROOT / "tests/simulator/phrasings.yml"
DOMAIN = ROOT / "domain.yml"
ASKED_FACTS = (
    "customer_type",
    "has_login",
    "link_status",
    "number_shown",
    "same_name",
    "other_link",
)
FACT_VALUES = {
    fact: ("ja", "nein") for fact in ("has_login", "number_shown", "same_name", "other_link")
}
FACT_VALUES["customer_type"] = tuple(value.value for value in CustomerType)
FACT_VALUES["link_status"] = tuple(value.value for value in LinkStatus)
# What only a customer with a login can tell: the page, or an attempt to link.
PAGE_FACTS = {"link_status", "number_shown", "other_link", "only_user_possible"}
# Told only in a description, never asked.
DESCRIBED_FACTS = ("only_user_possible", "business_history")
STYLES = (
    "short",
    "sentence",
    "button",
    "mixed",
    "dont_know_first",
    "question_between",
    "person_between",
    "unhelpful_between",
    "two_facts",
    "told_before",
    "correction",
    "never_knows",
    "unclear_type",
)
MAX_TURNS = 14
# The bot's prompts with a button per topic: after a message it did not understand, and
# after the answer to a question about the article ("Soll ich mit Ihnen prüfen ...?"), which
# a description of the customer's own case can be taken for.
TOPIC_PROMPTS = ("utter_rephrase", "ask_problem", "question_followup")


@dataclass(frozen=True)
class Situation:
    truth: Dict[str, str]  # every asked fact, plus the described ones that hold
    opening: str
    opening_facts: Dict[str, str]  # what the opening says, by the bank's labels
    style: str
    seed: int


def walk_rules(known: Dict[str, str], truth: Dict[str, str]) -> Tuple[Diagnosis, Dict[str, str]]:
    """The oracle: from what the customer told unasked, ask the rules' next missing fact
    and answer it from the truth, until the rules decide."""
    known = dict(known)
    while True:
        outcome = diagnose(facts_from_slots(known))
        if isinstance(outcome, Diagnosis):
            return outcome, known
        known[outcome.name] = truth[outcome.name]


def first_question(known: Dict[str, str]) -> Optional[str]:
    outcome = diagnose(facts_from_slots(known))
    return None if isinstance(outcome, Diagnosis) else outcome.name


@dataclass
class Transcript:
    situation: Situation
    turns: List[Tuple[str, List[str]]] = field(default_factory=list)
    outcome: Tuple[str, str] = ("unfinished", "")
    expected: Tuple[str, str] = ("", "")
    customer_turns_to_answer: int = 0
    most_asked_in_a_row: int = 0
    server_errors: int = 0
    # The bot took the first message as the bank labels it: it asked or answered, every
    # labelled fact was set, and no fact was set that the customer did not say.
    opening_understood: bool = False
    chose_topic: bool = False  # clicked a topic button of TOPIC_PROMPTS

    @property
    def right(self) -> bool:
        return self.outcome == self.expected

    def show(self) -> str:
        understood = (
            "first message understood" if self.opening_understood else "first message misread"
        )
        lines = [
            f"- style {self.situation.style}, {understood}, truth {self.situation.truth}: expected "
            f"{self.expected[0]} {self.expected[1]}, got {self.outcome[0]} {self.outcome[1]}"
        ]
        for said, replies in self.turns:
            lines.append(f"    customer: {said}")
            lines.extend(
                f"    bot: {(reply.splitlines() or ['<picture>'])[0][:110]}" for reply in replies
            )
        return "\n".join(lines)


class BotTexts:
    """What the customer reads: which question, diagnosis or way forward a text is."""

    def __init__(self, domain: dict):
        responses = domain["responses"]
        self.questions = {
            variation["text"]: fact
            for fact in ASKED_FACTS
            for variation in responses[f"utter_ask_{fact}"]
        }
        self.buttons = {
            variation["text"]: variation.get("buttons", [])
            for fact in ASKED_FACTS
            for variation in responses[f"utter_ask_{fact}"]
        }
        self.diagnoses = {
            variation["text"]: diagnosis_id
            for diagnosis_id in DIAGNOSES_BY_ID
            for variation in responses[f"diagnosis_{diagnosis_id}"]
        }
        self.give_ups = {
            variation["text"]: fact
            for fact in ASKED_FACTS
            for variation in responses[f"utter_give_up_{fact}"]
        }
        # "Können Sie es bitte anders formulieren? Oder wählen Sie ein Thema:" and its buttons.
        self.topic_prompts = {
            variation["text"]: variation.get("buttons", [])
            for response in TOPIC_PROMPTS
            for variation in responses[response]
        }

    def read(self, replies: Sequence[str]) -> Tuple[str, str]:
        for text in replies:
            for lead, diagnosis_id in self.diagnoses.items():
                if text.startswith(lead):
                    return "diagnosis", diagnosis_id
            if text in self.give_ups:
                return "give_up", self.give_ups[text]
        for text in reversed(replies):
            if text in self.questions:
                return "ask", self.questions[text]
        return "other", ""


class Bank:
    def __init__(self, data: dict):
        self.data = data
        self.openings = data["openings"]

    def answer(self, rng: random.Random, fact: str, value: str, kind: str) -> str:
        return rng.choice(self.data["answers"][fact][value][kind])

    def pick(self, rng: random.Random, *path: str) -> str:
        node = self.data
        for key in path:
            node = node[key]
        return rng.choice(node)

    def fitting_openings(self, truth: Dict[str, str]) -> List[dict]:
        """Openings that say only what is true, and every described fact that holds."""
        fitting = []
        for opening in self.openings:
            told = {k: str(v) for k, v in (opening.get("facts") or {}).items()}
            if any(truth.get(k) != v for k, v in told.items()):
                continue
            if any((truth.get(k) == "ja") != (told.get(k) == "ja") for k in DESCRIBED_FACTS):
                continue
            # Who tells what the page shows, or tried to link, has a login to see it.
            if truth.get("has_login") == "nein" and PAGE_FACTS & told.keys():
                continue
            fitting.append(opening)
        return fitting


# How often a customer has the facts told only in a description: most customers have
# neither; in equal shares, every combination would be a former business customer.
DESCRIBED_SHARE = {"only_user_possible": 0.2, "business_history": 0.1}


def _weight(truth: Dict[str, str]) -> float:
    weight = 1.0
    for fact, share in DESCRIBED_SHARE.items():
        weight *= share if truth.get(fact) == "ja" else 1 - share
    return weight


def situations(bank: Bank, count: int, seed: int) -> List[Situation]:
    """Every fact combination once, the rest drawn as customers come (DESCRIBED_SHARE),
    each with a fitting opening and a style; the same seed gives the same list."""
    rng = random.Random(seed)
    combos = []
    for values in itertools.product(*(FACT_VALUES[f] for f in ASKED_FACTS)):
        for described in itertools.product(("", "ja"), repeat=len(DESCRIBED_FACTS)):
            truth = dict(zip(ASKED_FACTS, values))
            truth.update({f: v for f, v in zip(DESCRIBED_FACTS, described) if v})
            # Another link on the page means the page is not empty.
            possible = not (truth["other_link"] == "ja" and truth["link_status"] == "keine")
            if possible and bank.fitting_openings(truth):
                combos.append(truth)
    rng.shuffle(combos)
    drawn = rng.choices(combos, weights=[_weight(c) for c in combos], k=max(count - len(combos), 0))
    result = []
    for number, truth in enumerate((combos + drawn)[:count]):
        opening = rng.choice(bank.fitting_openings(truth))
        style = STYLES[number % len(STYLES)]
        told = {k: str(v) for k, v in (opening.get("facts") or {}).items()}
        result.append(Situation(truth, opening["text"], told, style, rng.randrange(1 << 30)))
    return result


class Customer:
    """Answers the bot's questions from the situation's truth, in its style."""

    def __init__(self, situation: Situation, bank: Bank, texts: BotTexts):
        self.situation = situation
        self.truth = dict(situation.truth)
        self.bank = bank
        self.texts = texts
        self.rng = random.Random(situation.seed)
        self.detours_left = 1  # one non-answer before a real answer, for the detour styles
        self.told_unasked: Dict[str, str] = dict(situation.opening_facts)
        self.correction_told: Optional[Tuple[str, str]] = None
        self.never_known: Optional[str] = None
        self.told_extra = False
        self.chose_topic = False

    def expected(self) -> Tuple[str, str]:
        """What the rules give for what this customer told: a diagnosis, or the way
        forward for the fact a customer who never knows was asked first."""
        if self.situation.style == "never_knows":
            fact = first_question(self.told_unasked)
            if fact:
                return "give_up", fact
        diagnosis, known = walk_rules(self.told_unasked, self.situation.truth)
        if self.correction_told:
            fact, value = self.correction_told
            diagnosis, _ = walk_rules({**known, fact: value}, self.truth)
        return "diagnosis", diagnosis.id

    def first_message(self) -> str:
        if self.situation.style == "told_before":
            extra = self._untold_fact()
            if extra:
                self.told_unasked[extra] = self.truth[extra]
                return f"{self.situation.opening} {self.bank.answer(self.rng, extra, self.truth[extra], 'statement')}"
        return self.situation.opening

    def _untold_fact(self) -> Optional[str]:
        candidates = [f for f in ("customer_type", "has_login", "same_name") if f in self.truth]
        return self.rng.choice(candidates) if candidates else None

    def correction(self) -> Optional[str]:
        """An unasked change of one fact after the diagnosis; the truth changes with it."""
        if self.situation.style != "correction" or self.correction_told:
            return None
        # A customer corrects what the answer rested on, not a fact nobody talked about.
        _, known = walk_rules(self.told_unasked, self.truth)
        correctable = [
            f for f in ("customer_type", "same_name", "number_shown", "has_login") if f in known
        ]
        if not correctable:
            return None
        fact = self.rng.choice(correctable)
        new = next(v for v in FACT_VALUES[fact] if v != self.truth[fact])
        self.truth[fact] = new
        self.correction_told = (fact, new)
        return self.bank.pick(self.rng, "corrections", fact, new)

    def topic_button(self, buttons: Sequence[dict]) -> Optional[str]:
        """Once, when the bot offers topics: the topic button a customer in this
        situation clicks, the one for what the first message was about."""
        if self.chose_topic:
            return None
        self.chose_topic = True
        told = {**self.truth, **self.told_unasked}
        # Without a login there is no page to tell about.
        sees_page = told.get("has_login") != "nein"
        wanted = [
            TOPIC_BUTTONS.get(("link_status", told.get("link_status"))) if sees_page else None,
            TOPIC_BUTTONS.get(("customer_type", told.get("customer_type"))),
            TOPIC_BUTTONS.get(("has_login", told.get("has_login"))),
        ]
        payloads = {button["payload"] for button in buttons}
        payload = next((p for p in wanted if p in payloads), None)
        if payload:
            self.told_unasked.update(INTENT_FACTS[payload[1:]])
        return payload

    def reply(self, fact: str, question_text: str, times_asked: int) -> str:
        style = self.situation.style
        value = self.truth[fact]
        # Nobody fails to know what they said themselves: a customer whose description
        # was misread and who is asked for it tells it again.
        knows_it = fact in self.told_unasked
        if style == "never_knows" and not knows_it and self.never_known in (None, fact):
            self.never_known = fact
            return self.bank.pick(self.rng, "dont_know")
        if times_asked == 1 and self.detours_left:
            detour = {
                "dont_know_first": ("dont_know",),
                "question_between": ("questions",),
                "person_between": ("not_an_answer", "person"),
                "unhelpful_between": ("not_an_answer", "unhelpful"),
            }.get(style)
            if style == "unclear_type" and fact == "customer_type":
                detour = ("ambiguous_customer_type",)
            if detour:
                self.detours_left -= 1
                return self.bank.pick(self.rng, *detour)
        if style == "button":
            for button in self.texts.buttons.get(question_text, []):
                if _button_says(button["payload"], fact, value):
                    return button["payload"].replace("{{", "{").replace("}}", "}")
        kind = {"short": "short", "sentence": "statement"}.get(style) or self.rng.choice(
            ["short", "statement"]
        )
        answer = self.bank.answer(self.rng, fact, value, kind)
        if style == "two_facts" and not self.told_extra:
            # The first answer also tells a fact the bot has not asked for.
            self.told_extra = True
            other = next(f for f in ("has_login", "customer_type", "same_name") if f != fact)
            if other not in self.told_unasked:
                self.told_unasked[other] = self.truth[other]
                statement = self.bank.answer(self.rng, fact, value, "statement")
                answer = f"{statement} {self.bank.answer(self.rng, other, self.truth[other], 'statement')}"
        return answer


TOPIC_BUTTONS = {
    ("link_status", "keine"): "/contract_not_shown",
    ("link_status", "nur_nutzer"): "/linked_only_as_user",
    ("link_status", "gemischt"): "/contracts_partially_shown",
    ("customer_type", "geschaeft"): "/business_customer",
    ("has_login", "nein"): "/no_login",
}


def _button_says(payload: str, fact: str, value: str) -> bool:
    by_intent = {
        "keine": "/contract_not_shown",
        "nur_nutzer": "/linked_only_as_user",
        "gemischt": "/contracts_partially_shown",
        "inhaber_ohne_vertrag": "/owner_link_without_active_contracts",
    }
    if fact == "link_status":
        return payload == by_intent[value]
    return f'"{fact}":"{value}"' in payload.replace("{{", "{").replace("}}", "}")


def _understood(slots: Dict[str, object], customer: "Customer") -> bool:
    """Exactly the facts the first message said, with their values."""
    told = customer.told_unasked
    return all(
        slots.get(f) == told.get(f) for f in FACT_SLOTS if slots.get(f) is not None or f in told
    )


def play(bot, situation: Situation, bank: Bank, texts: BotTexts) -> Transcript:
    transcript = Transcript(situation)
    customer = Customer(situation, bank, texts)
    sender = f"sim-{uuid.uuid4().hex[:12]}"
    message = customer.first_message()
    last_fact, in_a_row = None, 0
    for _ in range(MAX_TURNS):
        try:
            replies = [r.get("text") or "" for r in bot.say(sender, message)]
        except AssertionError:
            transcript.server_errors += 1
            transcript.turns.append((message, ["<server error>"]))
            break
        transcript.turns.append((message, replies))
        kind, what = texts.read(replies)
        if len(transcript.turns) == 1:
            transcript.opening_understood = kind in ("ask", "diagnosis") and _understood(
                bot.tracker(sender)["slots"], customer
            )
        if kind == "diagnosis" and not transcript.customer_turns_to_answer:
            transcript.customer_turns_to_answer = len(transcript.turns)
        if kind == "diagnosis":
            correction = customer.correction()
            if correction:
                message = correction
                last_fact, in_a_row = None, 0
                continue
        if kind in ("diagnosis", "give_up"):
            transcript.outcome = (kind, what)
            break
        prompt = next((r for r in replies if r in texts.topic_prompts), None)
        if kind != "ask" and prompt is not None:
            button = customer.topic_button(texts.topic_prompts[prompt])
            if button:
                transcript.chose_topic = True
                message = button
                continue
        if kind != "ask":
            transcript.outcome = ("no question", " | ".join(r[:60] for r in replies))
            break
        in_a_row = in_a_row + 1 if what == last_fact else 1
        last_fact = what
        transcript.most_asked_in_a_row = max(transcript.most_asked_in_a_row, in_a_row)
        question_text = next(r for r in reversed(replies) if r in texts.questions)
        message = customer.reply(what, question_text, in_a_row)
    transcript.expected = customer.expected()
    return transcript


@dataclass
class Summary:
    transcripts: List[Transcript]
    seconds: float

    @property
    def total(self) -> int:
        return len(self.transcripts)

    def count(self, predicate) -> str:
        """How many, and their share to two decimals: one wrong in 2,100 is not "100.0 %"."""
        return counted(sum(1 for t in self.transcripts if predicate(t)), self.total)

    @property
    def failures(self) -> List[Transcript]:
        return [t for t in self.transcripts if not t.right]

    def lines(self) -> List[str]:
        right = self.count(lambda t: t.right)
        unfinished = self.count(lambda t: t.outcome[0] not in ("diagnosis", "give_up"))
        wrong = self.count(lambda t: not t.right and t.outcome[0] in ("diagnosis", "give_up"))
        turns = [t.customer_turns_to_answer for t in self.transcripts if t.customer_turns_to_answer]
        understood = [t for t in self.transcripts if t.opening_understood]
        return [
            "| measure | value |",
            "|---|---:|",
            f"| conversations | {self.total} |",
            f"| right answer | {right} |",
            f"| wrong answer | {wrong} |",
            f"| unfinished (no answer, no question) | {unfinished} |",
            f"| first message understood as the bank labels it (NLU) | {counted(len(understood), self.total)} |",
            f"| right answer when the first message was understood (dialogue) | "
            f"{counted(sum(t.right for t in understood), len(understood))} |",
            f"| first message misread, then a topic button clicked and the answer right | "
            f"{sum(t.right and t.chose_topic for t in self.transcripts)} of "
            f"{sum(t.chose_topic for t in self.transcripts)} |",
            f"| customer messages to the first diagnosis, median / max | "
            f"{statistics.median(turns) if turns else 0:g} / {max(turns) if turns else 0} |",
            f"| most times one question was asked in a row | {max(t.most_asked_in_a_row for t in self.transcripts)} |",
            f"| server errors | {sum(t.server_errors for t in self.transcripts)} |",
            f"| time | {self.seconds:.0f} s |",
        ]

    def by_style(self) -> List[str]:
        lines = ["| style | conversations | right |", "|---|---:|---:|"]
        for style in STYLES:
            of_style = [t for t in self.transcripts if t.situation.style == style]
            if of_style:
                lines.append(
                    f"| {style} | {len(of_style)} | "
                    f"{counted(sum(t.right for t in of_style), len(of_style))} |"
                )
        return lines


def counted(part: int, whole: int) -> str:
    return f"{part} ({part / max(whole, 1):.2%})"


def run(bot, count: int, seed: int, workers: int = 4) -> Summary:
    bank = Bank(yaml.safe_load(BANK.read_text(encoding="utf-8")))
    texts = BotTexts(yaml.safe_load(DOMAIN.read_text(encoding="utf-8")))
    planned = situations(bank, count, seed)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        transcripts = list(pool.map(lambda s: play(bot, s, bank, texts), planned))
    return Summary(transcripts, time.perf_counter() - started)


def report(summary: Summary, command: str) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failures = summary.failures
    lines = [
        "## Customer simulator (make simulate)",
        "",
        f"{now}, {platform.node()} ({os.cpu_count()} cores), `{command}`. Phrasings from "
        "tests/simulator/phrasings.yml (written apart from data/nlu); expected answers from "
        "actions/linking_rules.py.",
        "",
        *summary.lines(),
        "",
        *summary.by_style(),
        "",
        f"Failing conversations: {len(failures)}" + (" (all listed)" if failures else ""),
    ]
    if failures:
        lines += ["", "```", *(t.show() for t in failures[:200]), "```"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=2100)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--no-write", action="store_true", help="print only, leave docs/benchmarks.md"
    )
    parser.add_argument("--keep", action="store_true", help="keep the bot's logs")
    args = parser.parse_args()

    from tests.bot_server import running_bot

    with work_folder("simulate-", args.keep, "bot logs") as logs, running_bot(logs) as bot:
        summary = run(bot, args.conversations, args.seed)
    text = report(summary, "make simulate" if args.conversations == 2100 else " ".join(sys.argv))
    print(text)
    if not args.no_write:
        write_section(ROOT / "docs/benchmarks.md", "Customer simulator (make simulate)", text)
    return 0 if not summary.failures else 1


if __name__ == "__main__":
    sys.exit(main())
