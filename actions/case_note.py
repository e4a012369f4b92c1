"""The case as a person at the Kundenservice needs it, so the customer tells it only once.

Built from what the conversation holds: the problem in the customer's own words (already
masked by channels/delivery.py), the facts told, the diagnosis and the steps already given,
and whether they helped. No Rasa import.
"""

from dataclasses import asdict, dataclass
from typing import Dict, Mapping, Optional, Tuple

FACT_LABELS = {
    "customer_type": ("Vertragsart", {"privat": "Privatkunde", "geschaeft": "Geschäftskunde"}),
    "has_login": ("Kundencenter-Login", {"ja": "vorhanden", "nein": "noch keiner"}),
    "link_status": (
        "Seite „Login-Verknüpfungen“",
        {
            "keine": "kein Mobilfunkvertrag",
            "nur_nutzer": "nur „Nutzer“",
            "gemischt": "teils „Vertragsinhaber“, teils „Nutzer“ oder nur ein Teil",
            "inhaber_ohne_vertrag": "„Vertragsinhaber“ ohne aktive Verträge",
        },
    ),
    "number_shown": (
        "Rufnummer und Tarif bei der Nutzer-Verknüpfung",
        {"ja": "angezeigt", "nein": "nicht angezeigt"},
    ),
    "same_name": ("Alle Verträge auf denselben Namen", {"ja": "ja", "nein": "nein"}),
    "only_user_possible": ("Verknüpfung nur als „Nutzer“ möglich", {"ja": "ja"}),
    "other_link": ("Andere Verknüpfung vorhanden", {"ja": "ja", "nein": "nein"}),
    "business_history": ("Früher oder zugleich Geschäftskundenverträge", {"ja": "ja"}),
}


# The article's case of each diagnosis (actions/linking_rules.py), as the Kundenservice and
# the report (make report) name it.
ARTICLE_CASES = {
    "business_portal": "Geschäftskundenvertrag: Business-Service-Portal (BSP) statt Kundencenter",
    "register_login": "Privatkundenvertrag ohne Kundencenter-Login",
    "link_as_owner": "Noch kein Mobilfunkvertrag angezeigt: als Vertragsinhaber verknüpfen",
    "replace_user_link": "Nur als „Nutzer“ verknüpft: neu als Vertragsinhaber verknüpfen",
    "merge_customer_numbers": "Mehrere Kundennummern, derselbe Name: zusammenfassen lassen",
    "separate_login_per_holder": "Mehrere Kundennummern, unterschiedliche Namen: weiteres Login",
    "replace_stale_owner_link": "Vertragsinhaber-Verknüpfung ohne aktive Verträge: neu verknüpfen",
    "business_contract_suspected": "Nutzer-Verknüpfung ohne Rufnummer und Tarif: vermutlich Geschäftskunde",
    "split_customer_number": "Privat- und Geschäftskundenverträge unter einer Kundennummer: trennen lassen",
}


@dataclass(frozen=True)
class Case:
    problem: Optional[str]  # the customer's first description, masked
    facts: Dict[str, str]  # fact slot: value, only the known values
    diagnosis: Optional[str]
    steps_given: Tuple[str, ...]
    helped: Optional[bool]

    @property
    def article_case(self) -> Optional[str]:
        return ARTICLE_CASES.get(self.diagnosis or "")

    def text(self) -> str:
        """Plain text, one line per item, for the customer to pass on."""
        lines = [f"Anliegen in den Worten des Kunden: {self.problem or '(keine Beschreibung)'}"]
        facts = [
            f"{label}: {values[self.facts[slot]]}"
            for slot, (label, values) in FACT_LABELS.items()
            if slot in self.facts
        ]
        lines.append("Angaben: " + ("; ".join(facts) if facts else "noch keine"))
        if self.diagnosis:
            lines.append(f"Ergebnis des Assistenten: {self.diagnosis} ({self.article_case})")
        if self.steps_given:
            lines.append("Schon genannte Schritte: " + " / ".join(self.steps_given))
        lines.append(
            "Geholfen: " + {True: "ja", False: "nein"}.get(self.helped, "keine Rückmeldung")
        )
        return "\n".join(lines)

    def as_json(self) -> dict:
        """What the agent desk gets (docs/handover.md): the fields, the article case, the text."""
        return {
            **asdict(self),
            "steps_given": list(self.steps_given),
            "article_case": self.article_case,
            "note": self.text(),
        }


def case_from(
    problem: Optional[str],
    slots: Mapping[str, object],
    diagnosis: Optional[str],
    steps_given: Tuple[str, ...],
    helped: Optional[bool],
) -> Case:
    facts = {
        slot: str(slots[slot])
        for slot, (_, values) in FACT_LABELS.items()
        if slots.get(slot) is not None and str(slots[slot]) in values
    }
    return Case(problem, facts, diagnosis, steps_given, helped)
