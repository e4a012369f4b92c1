"""The report's figures for other tools: CSV files (UTF-8, comma, decimal point, ids in
English beside the German labels), and the unsure messages as a Rasa NLU training-data
draft for the team to label."""

import csv
from pathlib import Path
from typing import Dict, List

import yaml

from insights.figures import Figures
from insights.labels import HANDOVER_REASONS, HELPED_ANSWERS, BotDomain, article_case, fact_label


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else ""


def tables(figures: Figures, domain: BotDomain) -> Dict[str, List[list]]:
    """File name: rows, the header first."""
    f = figures
    return {
        "summary.csv": [
            ["measure", "value"],
            ["since", f.since.isoformat()],
            ["until", f.until.isoformat()],
            ["conversations", f.conversations],
            ["conversations_with_diagnosis", f.with_diagnosis],
            ["share_with_diagnosis", _share(f.with_diagnosis, f.conversations)],
            ["conversations_handed_over", f.handovers],
            ["share_handed_over", _share(f.handovers, f.conversations)],
            ["messages", f.messages],
            ["typed_messages", f.typed],
            ["fallback_messages", f.fallback_messages],
            ["fallback_rate", _share(f.fallback_messages, f.typed)],
            ["out_of_scope_messages", f.out_of_scope_messages],
            ["out_of_scope_rate", _share(f.out_of_scope_messages, f.typed)],
            ["conversations_with_fallback", f.fallback_conversations],
            ["conversations_with_out_of_scope", f.out_of_scope_conversations],
            ["turns_to_answer_median", "" if f.turns_median is None else f"{f.turns_median:g}"],
            ["turns_to_answer_p90", "" if f.turns_p90 is None else f.turns_p90],
        ],
        "conversations_per_day.csv": [["date", "conversations"]]
        + [[day.isoformat(), count] for day, count in sorted(f.per_day.items())],
        "diagnoses.csv": [["diagnosis", "article_case", "conversations", "share"]]
        + [
            [d, article_case(d), count, _share(count, f.conversations)]
            for d, count in f.diagnoses.most_common()
        ],
        "helped.csv": [["diagnosis", "article_case", *HELPED_ANSWERS]]
        + [
            [d, article_case(d), *(answers.get(a, 0) for a in HELPED_ANSWERS)]
            for d, answers in sorted(f.helped.items())
        ],
        "handovers.csv": [["reason", "label", "conversations", "share"]]
        + [
            [reason, label, f.handover_reasons.get(reason, 0)]
            + [_share(f.handover_reasons.get(reason, 0), f.conversations)]
            for reason, label in HANDOVER_REASONS.items()
        ],
        "ended_without_answer.csv": [["last_question", "label", "question", "conversations"]]
        + [
            [fact or "", fact_label(fact), domain.questions.get(fact, ""), count]
            for fact, count in sorted(
                f.ended_without_answer.items(), key=lambda i: (-i[1], i[0] or "")
            )
        ],
        "unsure_messages.csv": [["text", "count", "intent", "guess", "confidence"]]
        + [[m.text, m.count, m.intent, m.guess or "", f"{m.confidence:.4f}"] for m in f.unsure],
    }


def write_csv(figures: Figures, domain: BotDomain, folder: Path) -> List[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables(figures, domain).items():
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        written.append(path)
    return written


NLU_HEADER = """\
# Entwurf für Trainingsdaten aus make report, {since} bis {until}: die Nachrichten, bei denen
# das NLU unsicher war oder auf Fallback ging, maskiert, wie gespeichert. Jede steht unter der
# Absicht, die das NLU vermutete; metadata nennt, wie oft sie kam, was das NLU antwortete und
# wie sicher es war. Bitte jede Nachricht prüfen, der richtigen Absicht zuordnen oder
# streichen, erst dann nach data/nlu/ übernehmen (und die Metadaten weglassen).
"""


def nlu_draft(figures: Figures) -> str:
    """Rasa 3 NLU YAML, one block per intent the NLU guessed, the most frequent first."""
    by_intent: Dict[str, list] = {}
    for message in figures.unsure:
        by_intent.setdefault(message.guess or "nlu_fallback", []).append(
            {
                "text": message.text,
                "metadata": {
                    "count": message.count,
                    "nlu": message.intent,
                    "confidence": round(message.confidence, 3),
                },
            }
        )
    blocks = sorted(
        by_intent.items(), key=lambda i: (-sum(e["metadata"]["count"] for e in i[1]), i[0])
    )
    data = {"version": "3.1", "nlu": [{"intent": i, "examples": e} for i, e in blocks]}
    header = NLU_HEADER.format(since=figures.since.isoformat(), until=figures.until.isoformat())
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
