"""What the report calls the ids it counts, in German, each from its one home: the article's
cases and the facts from actions/case_note.py (the Kundenservice reads the same names), the
questions as the bot asks them from domain.yml; only the report's own words live here."""

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from actions.case_note import ARTICLE_CASES, FACT_LABELS

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ROOT / "domain.yml"
# Rasa's default when domain.yml sets none (minutes).
DEFAULT_SESSION_EXPIRATION_MIN = 60

HANDOVER_REASONS = {
    "asked_for_person": "Wunsch nach einem Menschen",
    "not_helped": "Schritte haben nicht geholfen",
    "loop_breaker": "Frage zweimal unbeantwortet (Schleifenbremse)",
}
HELPED_ANSWERS = {"yes": "ja", "no": "nein", "none": "keine Antwort"}
NO_QUESTION = "keine Frage gestellt"


@dataclass(frozen=True)
class BotDomain:
    """What the report needs to know of the bot's domain."""

    form_facts: Tuple[str, ...]
    questions: Dict[str, str]  # fact: the question as first asked
    session_expiration_s: float


def load_domain(path: Path = DOMAIN) -> BotDomain:
    domain = yaml.safe_load(path.read_text(encoding="utf-8"))
    facts = tuple(
        fact for form in (domain.get("forms") or {}).values() for fact in form["required_slots"]
    )
    questions = {}
    for fact in facts:
        variations = domain["responses"].get(f"utter_ask_{fact}", [])
        plain = [v["text"] for v in variations if not v.get("condition")]
        if plain:
            questions[fact] = plain[0]
    minutes = (domain.get("session_config") or {}).get(
        "session_expiration_time", DEFAULT_SESSION_EXPIRATION_MIN
    )
    return BotDomain(facts, questions, float(minutes) * 60)


def article_case(diagnosis: str) -> str:
    """A diagnosis no longer in the rules (an older bot's) shows its id."""
    return ARTICLE_CASES.get(diagnosis, diagnosis or "(ohne Diagnose)")


def fact_label(fact: Optional[str]) -> str:
    if fact is None:
        return NO_QUESTION
    return FACT_LABELS[fact][0] if fact in FACT_LABELS else fact
