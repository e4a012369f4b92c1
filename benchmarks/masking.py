"""Masking benchmark: personal data in customer messages, found and replaced, nothing else.

Generates messages the way customers paste their data into a support chat (every kind
that channels/masking.py masks, in the writings customers use, inside sentences about the
contract) and messages without personal data but full of numbers and words that look like
it ("3 Verträge", "seit 2019", "Passwort vergessen", the article's links). Every message of
tests/nlu/ (holdout and independent set) is scored as one without personal data too.
Recall per kind: the value is gone and its placeholder is there. Precision per kind: the
placeholders that replaced personal data of that kind, out of all placeholders of it.

With a trained model (models/kundencenter.tar.gz), the holdout's intent macro-F1 is also
measured with personal data inserted into its messages, against the clean holdout.

Writes the section "Masking (make bench-masking)" of docs/benchmarks.md.
"""

import argparse
import datetime
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402
from channels import masking  # noqa: E402

SEED = 7
KINDS = {
    "phone": masking.PHONE,
    "customer_number": masking.CUSTOMER_NUMBER,
    "contract_number": masking.CONTRACT_NUMBER,
    "email": masking.EMAIL,
    "iban": masking.IBAN,
    "birth_date": masking.BIRTH_DATE,
    "secret": masking.SECRET,
    "address": masking.ADDRESS,
}
SENTENCES = [
    "Mein Handyvertrag wird im Kundencenter nicht angezeigt, {pii}.",
    "Hallo, {pii}, bei mir steht nur Nutzer.",
    "{pii} – ich sehe meinen Vertrag nicht im Kundencenter",
    "da steht nur nutzer obwohl ich vertragsinhaber bin. {pii}",
    "Guten Tag, ich komme nicht an meinen Mobilfunkvertrag ({pii}). Bitte helfen Sie mir.",
    "nicht alle verträge werden angezeigt {pii} danke",
    "Ich bin Privatkunde. {pii}. Was muss ich tun?",
    "{pii}",
]


def _digits(rng: random.Random, n: int) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _phone(rng: random.Random) -> Tuple[str, str]:
    mobile, rest = rng.choice(["151", "160", "170", "171", "175", "1512", "176"]), _digits(rng, 7)
    city, local = (
        rng.choice(["30", "40", "89", "221", "6151", "228"]),
        _digits(rng, rng.randint(5, 8)),
    )
    value = rng.choice(
        [
            f"0{mobile} {rest}",
            f"0{mobile}/{rest}",
            f"0{mobile}-{rest[:3]} {rest[3:5]} {rest[5:]}",
            f"+49 {mobile} {rest}",
            f"+49 (0){mobile} {rest[:4]} {rest[4:]}",
            f"0049 {mobile} {rest}",
            f"(0{mobile}) {rest}",
            f"0{city} {local}",
            f"0{city}/{local}",
            f"+49{mobile}{rest}",
            f"0{mobile}{rest}",
            f"+49-{city}-{local}",
            f"0{city}-{local[:3]}-{local[3:]}",
        ]
    )
    lead = rng.choice(
        ["meine Rufnummer ist ", "Rufnummer ", "Tel. ", "erreichbar unter ", "Handynummer: ", ""]
    )
    return lead + value, value


def _customer_number(rng: random.Random) -> Tuple[str, str]:
    number = _digits(rng, rng.choice([8, 9, 10]))
    value = rng.choice(
        [number, f"{number[:3]} {number[3:6]} {number[6:]}", f"{number[:4]}-{number[4:]}"]
    )
    word = rng.choice(
        [
            "Kundennummer",
            "Kundennummer:",
            "Kd.-Nr.",
            "Kd.-Nr.:",
            "Kundennr.",
            "KNr",
            "meine Kundennummer ist",
            "kundennummer lautet",
            "Kunden-Nr:",
            "kdnr",
        ]
    )
    return f"{word} {value}", value


def _contract_number(rng: random.Random) -> Tuple[str, str]:
    number = _digits(rng, rng.choice([8, 9, 10, 12]))
    value = rng.choice([number, f"{number[:4]} {number[4:]}"])
    word = rng.choice(
        ["Vertragsnummer", "Vertragsnummer:", "Vertrags-Nr.", "die Vertragsnummer ist", "VNr"]
    )
    return f"{word} {value}", value


def _email(rng: random.Random) -> Tuple[str, str]:
    name = rng.choice(
        ["max.mustermann", "erika_m", "j.schmidt85", "info", "anna-lena.meier", "k+telekom"]
    )
    domain = rng.choice(["example.de", "t-online.de", "gmx.net", "web.de", "mail.example.com"])
    value = f"{name}@{domain}"
    return rng.choice(
        [f"meine Mail ist {value}", f"E-Mail: {value}", value, f"schreiben Sie an {value}"]
    ), value


def _iban(rng: random.Random) -> Tuple[str, str]:
    digits = _digits(rng, 20)
    compact = f"DE{digits}"
    spaced = "DE" + digits[:2] + " " + " ".join(digits[i : i + 4] for i in range(2, 20, 4))
    value = rng.choice([compact, spaced])
    return rng.choice([f"IBAN {value}", f"meine IBAN: {value}", f"abgebucht von {value}"]), value


def _birth_date(rng: random.Random) -> Tuple[str, str]:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1940, 2005)
    months = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
    value = rng.choice(
        [
            f"{day:02d}.{month:02d}.{year}",
            f"{day}.{month}.{year % 100:02d}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day}. {months[month - 1]} {year}",
        ]
    )
    word = rng.choice(
        ["geboren am", "Geburtsdatum:", "Geburtsdatum", "geb.", "mein Geburtstag ist"]
    )
    return f"{word} {value}", value


def _secret(rng: random.Random) -> Tuple[str, str]:
    value = rng.choice(
        ["Sommer2023!", "geheim123", "Hund#42", "Passw0rt", "x7Kq9zLm", "1234", "080815"]
    )
    word = rng.choice(
        [
            "Passwort:",
            "mein Passwort ist",
            "Kennwort ist",
            "Kennwort:",
            "das Passwort lautet",
            "PIN",
            "PIN:",
            "meine PIN ist",
            "PUK:",
        ]
    )
    if word.startswith(("PIN", "meine PIN", "PUK")):
        value = _digits(rng, rng.choice([4, 6, 8]))
    return f"{word} {value}", value


def _address(rng: random.Random) -> Tuple[str, str]:
    street = rng.choice(
        [
            "Musterstraße",
            "Hauptstr.",
            "Lindenweg",
            "Goethestraße",
            "Bahnhofstrasse",
            "Am Marktplatz",
            "Rosenallee",
            "Schillerring",
        ]
    )
    number = f"{rng.randint(1, 180)}{rng.choice(['', '', 'a', 'b'])}"
    postcode, town = (
        _digits(rng, 5),
        rng.choice(["Berlin", "Bonn", "Frankfurt", "Bad Homburg", "Köln"]),
    )
    if rng.random() < 0.5:
        value = f"{street} {number}"
        return rng.choice([f"ich wohne {value}", f"Adresse: {value}", value]), value
    return f"{street} {number}, {postcode} {town}", (
        f"{street.split()[-1]} {number}",
        f"{postcode} {town}",
    )


MAKERS = {
    "phone": _phone,
    "customer_number": _customer_number,
    "contract_number": _contract_number,
    "email": _email,
    "iban": _iban,
    "birth_date": _birth_date,
    "secret": _secret,
    "address": _address,
}
LOOKALIKES = [
    "Ich habe 3 Verträge, aber nur 2 werden angezeigt.",
    "Ich bin seit 2019 Kunde.",
    "Ich habe 2 Kundennummern, kann man die zusammenlegen?",
    "Tarif MagentaMobil M mit 20 GB",
    "5G geht nicht, Vertrag von 2021",
    "vor 14 Tagen habe ich es schon probiert",
    "am 12.03. habe ich den alten Vertrag gekündigt",
    "Die Rechnung war 39,95 Euro.",
    "https://www.telekom.de/kundencenter/login-verknuepfungen zeigt nichts",
    "https://account.idm.telekom.com/account-manager/associations/index.xhtml geht nicht auf",
    "Passwort vergessen",
    "PIN vergessen, was tun?",
    "die Kundennummer fehlt auf der Seite",
    "Meine Vertragsnummer finde ich nicht.",
    "App Version 4.12.1 auf Android 14",
    "um 10:30 Uhr ging es noch",
    "1 von 4 Verträgen fehlt",
    "iPhone 15 Pro, Samsung S24",
    "Ich wohne seit 2010 in der gleichen Straße.",
    "mein Kennwort habe ich geändert",
    "Vertrag seit 01.02.2020, Verlängerung 2024",
    "Zwei Verträge laufen auf meine Frau, 3 auf mich.",
    "Rufnummer und Tarif werden nicht angezeigt",
    "0 Verträge sichtbar",
    "100 % sicher, dass ich Inhaber bin",
    "Der Vertrag läuft 24 Monate.",
    "ich hab 10 mal neu geladen",
    "Kundencenter zeigt Fehler 500",
]


@dataclass(frozen=True)
class Case:
    text: str
    values: Tuple[Tuple[str, str], ...]  # (kind, the personal data as written)


def generated(
    count_with: int, count_without: int, seed: int = SEED
) -> Tuple[List[Case], List[Case]]:
    """Messages with personal data (one or two pieces, every kind equally often) and without."""
    rng = random.Random(seed)
    kinds = list(MAKERS)
    with_data = []
    for i in range(count_with):
        chosen = [kinds[i % len(kinds)]] + ([rng.choice(kinds)] if rng.random() < 0.3 else [])
        pieces = [MAKERS[kind](rng) for kind in chosen]
        if len(set(chosen)) < len(chosen):
            pieces = pieces[:1]
            chosen = chosen[:1]
        text = rng.choice(SENTENCES).format(pii=", ".join(p[0] for p in pieces))
        values = []
        for kind, (_, value) in zip(chosen, pieces):
            values += [(kind, v) for v in (value if isinstance(value, tuple) else (value,))]
        with_data.append(Case(text, tuple(values)))
    without = []
    for _ in range(count_without):
        text = rng.choice(LOOKALIKES)
        if rng.random() < 0.5:
            text = rng.choice(SENTENCES).format(pii=text.rstrip("."))
        without.append(Case(text, ()))
    return with_data, without


INDEPENDENT = ROOT / "tests" / "privacy" / "independent.yml"


def independent_cases() -> List[Case]:
    """Messages with and without personal data by a writer who never saw channels/masking.py."""
    data = yaml.safe_load(INDEPENDENT.read_text(encoding="utf-8"))
    with_data = [
        Case(m["text"], tuple((d["kind"], d["value"]) for d in m["data"]))
        for m in data["with_personal_data"]
    ]
    return with_data + [Case(text, ()) for text in data["without_personal_data"]]


def nlu_test_messages() -> List[Case]:
    from rasa.shared.nlu.training_data.loading import load_data

    holdout = [
        m.get("text") for m in load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples
    ]
    independent = yaml.safe_load((ROOT / "tests/nlu/independent.yml").read_text(encoding="utf-8"))
    texts = holdout + [m["text"] for m in independent["first_messages"] + independent["answers"]]
    return [Case(text, ()) for text in texts]


@dataclass
class Score:
    found: Counter
    total: Counter
    right_masks: Counter
    all_masks: Counter
    false_masks: List[Tuple[str, str]]
    missed: List[Tuple[str, str, str]]


def score(cases: Sequence[Case]) -> Score:
    result = Score(Counter(), Counter(), Counter(), Counter(), [], [])
    placeholder_kind = {placeholder: kind for kind, placeholder in KINDS.items()}
    for case in cases:
        masked = masking.mask(case.text)
        placed = Counter(
            kind
            for placeholder, kind in placeholder_kind.items()
            for _ in range(masked.count(placeholder))
        )
        expected = Counter(kind for kind, _ in case.values)
        for kind, value in case.values:
            result.total[kind] += 1
            if value not in masked and placed[kind] >= 1:
                result.found[kind] += 1
            else:
                result.missed.append((kind, value, masked))
        for kind, count in placed.items():
            result.all_masks[kind] += count
            result.right_masks[kind] += min(count, expected[kind])
            if count > expected[kind]:
                result.false_masks.append((kind, masked))
    return result


def intent_f1_with_personal_data() -> Tuple[float, float]:
    """The holdout's macro-F1, clean and with personal data pasted into every message."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import f1_score

    agent = Agent.load(str(ROOT / "models" / "kundencenter.tar.gz"))
    examples = load_data(str(ROOT / "tests/nlu/holdout.yml")).intent_examples
    rng = random.Random(SEED)
    gold = [m.get("intent") for m in examples]
    scores = []
    for with_data in (False, True):
        predicted = []
        for message in examples:
            text = message.get("text")
            if with_data:
                piece, _ = MAKERS[rng.choice(list(MAKERS))](rng)
                text = f"{text} {piece}" if rng.random() < 0.5 else f"{piece}, {text}"
            parse = asyncio.run(agent.parse_message(masking.mask(text)))
            name = parse["intent"]["name"]
            predicted.append("out_of_scope" if name == "nlu_fallback" else name)
        scores.append(
            f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
        )
    return scores[0], scores[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--count", type=int, default=600)
    args = parser.parse_args()
    with_data, without = generated(args.count, args.count)
    real = nlu_test_messages()
    result = score([*with_data, *without, *real])
    independent = independent_cases()
    written_apart = score(independent)
    lines = [
        "## Masking (make bench-masking)",
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: `{os.uname().sysname} {os.uname().release} {os.uname().machine}`, nproc {os.cpu_count()}",
        "- Command: `make bench-masking` (= `.venv/bin/python benchmarks/masking.py`)",
        f"- Generated: {len(with_data)} messages with personal data (seed {SEED}; each kind "
        f"equally often, some with two pieces), {len(without)} without (numbers and words that "
        f"look like it), and the {len(real)} messages of tests/nlu/ as messages without. The "
        "generator and the patterns were written together: this set shows what was meant to work.",
        f"- Written apart: tests/privacy/independent.yml, {len(independent)} messages by a writer "
        "who never saw channels/masking.py; never used to change the patterns.",
        "- Recall: the value is gone and its placeholder is there. Precision: placeholders that "
        "replaced personal data of their kind, of all placeholders of that kind.",
        "- Targets: recall 100 % on the generated set, precision >= 99 %.",
        "",
        "| kind | generated: pieces | recall | precision | written apart: pieces | recall | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def cells(result: Score, kind: Optional[str]) -> str:
        total = sum(result.total.values()) if kind is None else result.total[kind]
        found = sum(result.found.values()) if kind is None else result.found[kind]
        masks = sum(result.all_masks.values()) if kind is None else result.all_masks[kind]
        right = sum(result.right_masks.values()) if kind is None else result.right_masks[kind]
        recall = f"{found / total:.1%}" if total else "n/a"
        precision = f"{right / masks:.1%}" if masks else "n/a"
        return f"{total} | {recall} | {precision}"

    for kind in [*KINDS, None]:
        lines.append(f"| {kind or 'all'} | {cells(result, kind)} | {cells(written_apart, kind)} |")
    if (ROOT / "models" / "kundencenter.tar.gz").exists():
        clean, with_pii = intent_f1_with_personal_data()
        lines += [
            "",
            f"Holdout intent macro-F1, masked: clean {clean:.3f}, with personal data inserted "
            f"into every message {with_pii:.3f} (difference {clean - with_pii:+.3f}).",
        ]
    lines += ["", "Missed (up to 10):", ""]
    lines += [
        f"- {kind}: `{value}` in “{masked}”" for kind, value, masked in result.missed[:10]
    ] or ["- none"]
    lines += ["", "Masked where nothing was to mask (up to 10):", ""]
    lines += [f"- {kind}: “{masked}”" for kind, masked in result.false_masks[:10]] or ["- none"]
    text = "\n".join(lines) + "\n"
    write_section(args.out, "Masking (make bench-masking)", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
