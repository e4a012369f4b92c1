"""The report as one self-contained HTML file: German, charts inline, nothing to load.

Customers' words reach this page (masked, but typed by anyone): the template escapes every
value; only the SVG that matplotlib drew here is inserted as markup (`| safe`).
"""

from datetime import datetime
from pathlib import Path
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from insights import charts
from insights.figures import Figures
from insights.labels import (
    HANDOVER_REASONS,
    HELPED_ANSWERS,
    BotDomain,
    article_case,
    fact_label,
)
from insights.store import UNSURE_BELOW

TEMPLATE = "report.html.j2"
# More would make the page long without telling more; the CSV and the NLU draft have all.
UNSURE_SHOWN = 50


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    if not whole:
        return "–"
    return f"{100 * part / whole:.1f} %".replace(".", ",")


def decimal(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


def turns(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:g}".replace(".", ",")


def context(figures: Figures, domain: BotDomain, source: str, zone: str, generated: datetime):
    """What the template shows, every list in the order it is shown."""
    diagnoses = [
        {"id": diagnosis, "case": article_case(diagnosis), "count": count}
        for diagnosis, count in figures.diagnoses.most_common()
    ]
    helped = []
    for diagnosis, answers in sorted(figures.helped.items(), key=lambda i: -sum(i[1].values())):
        helped.append(
            {
                "case": article_case(diagnosis),
                **{answer: answers.get(answer, 0) for answer in HELPED_ANSWERS},
                "total": sum(answers.values()),
            }
        )
    handovers = [
        {"label": label, "count": figures.handover_reasons.get(reason, 0)}
        for reason, label in HANDOVER_REASONS.items()
    ]
    ended = [
        {"label": fact_label(fact), "question": domain.questions.get(fact, ""), "count": count}
        for fact, count in sorted(
            figures.ended_without_answer.items(), key=lambda i: (-i[1], i[0] or "")
        )
    ]
    drawn = {}
    if figures.conversations:
        drawn["per_day"] = charts.per_day(figures.per_day)
        if diagnoses:
            drawn["diagnoses"] = charts.bars(
                [(row["case"], row["count"]) for row in diagnoses], "diagnoses"
            )
        if helped:
            drawn["helped"] = charts.stacked(
                [
                    (row["case"], {answer: row[answer] for answer in HELPED_ANSWERS})
                    for row in helped
                ],
                HELPED_ANSWERS,
                "helped",
            )
        if ended:
            drawn["ended"] = charts.bars(
                [(row["label"], row["count"]) for row in ended], "ended", charts.GREY
            )
    return {
        "f": figures,
        "since": figures.since.strftime("%d.%m.%Y"),
        "until": figures.until.strftime("%d.%m.%Y"),
        "zone": zone,
        "generated": generated.strftime("%d.%m.%Y %H:%M"),
        "source": source,
        "charts": drawn,
        "diagnoses": diagnoses,
        "helped": helped,
        "handovers": handovers,
        "ended": ended,
        "ended_total": sum(figures.ended_without_answer.values()),
        "unsure": figures.unsure[:UNSURE_SHOWN],
        "unsure_total": len(figures.unsure),
        "unsure_shown": UNSURE_SHOWN,
        "unsure_hidden": len(figures.unsure) > UNSURE_SHOWN,
        "unsure_below": decimal(UNSURE_BELOW),
        "session_minutes": turns(domain.session_expiration_s / 60),
        "pct": percent,
        "turns": turns,
        "decimal": decimal,
    }


def render(figures: Figures, domain: BotDomain, source: str, zone: str, generated: datetime):
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["num"] = number
    template = environment.get_template(TEMPLATE)
    return template.render(**context(figures, domain, source, zone, generated))
