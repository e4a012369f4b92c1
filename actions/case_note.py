"""The case as a person at the Kundenservice needs it, so the customer tells it only once.

Built from what the conversation holds: the problem in the customer's own words (already
masked by channels/delivery.py), the facts told, the diagnosis and the steps already given,
and whether they helped. No Rasa import.
"""

from typing import Mapping, Optional, Sequence

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


def case_note(
    problem: Optional[str],
    slots: Mapping[str, object],
    diagnosis_id: Optional[str],
    steps_given: Sequence[str],
    helped: Optional[bool],
) -> str:
    """Plain text, one line per item, for the customer to pass on or the agent desk to show."""
    lines = [f"Anliegen in den Worten des Kunden: {problem or '(keine Beschreibung)'}"]
    facts = []
    for slot, (label, values) in FACT_LABELS.items():
        value = slots.get(slot)
        if value is not None and str(value) in values:
            facts.append(f"{label}: {values[str(value)]}")
    lines.append("Angaben: " + ("; ".join(facts) if facts else "noch keine"))
    if diagnosis_id:
        lines.append(f"Ergebnis des Assistenten: {diagnosis_id}")
    if steps_given:
        lines.append("Schon genannte Schritte: " + " / ".join(steps_given))
    lines.append("Geholfen: " + {True: "ja", False: "nein"}.get(helped, "keine Rückmeldung"))
    return "\n".join(lines)
