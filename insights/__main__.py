"""`make report`: the support team's view of the conversations in the tracker store.

    python -m insights                          # the last 30 days, results/insights/report.html
    python -m insights --since 2026-11-01 --until 2026-11-30 --csv results/insights/csv \\
        --export-nlu results/insights/nlu-draft.yml

The store is the one endpoints.yml names (TRACKER_STORE_* variables, defaults in the
Makefile). The last line printed is the path of the HTML file.
"""

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import List, Optional
from zoneinfo import ZoneInfo

from insights import export, page
from insights.figures import Period, compute, fetch_window
from insights.labels import ROOT, load_domain
from insights.store import describe, engine_from_environment, read_events

DEFAULT_DAYS = 30
DEFAULT_OUT = ROOT / "results" / "insights" / "report.html"
# The team reads days as they live them; a conversation at 00:30 belongs to that day.
DEFAULT_ZONE = "Europe/Berlin"


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m insights", description=__doc__.splitlines()[0])
    parser.add_argument("--since", type=date.fromisoformat, help="first day, YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, help="last day (included), YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the HTML file")
    parser.add_argument("--csv", type=Path, metavar="DIR", help="also write the figures as CSV")
    parser.add_argument(
        "--export-nlu", type=Path, metavar="FILE", help="the unsure messages as NLU YAML draft"
    )
    parser.add_argument("--timezone", default=DEFAULT_ZONE, help="days are counted in this zone")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    zone = ZoneInfo(args.timezone)
    until = args.until or datetime.now(zone).date()
    since = args.since or until - timedelta(days=DEFAULT_DAYS - 1)
    if since > until:
        print(f"--since {since} is after --until {until}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    domain = load_domain()
    period = Period(since, until, zone)
    engine = engine_from_environment()
    rows = read_events(engine, fetch_window(period, domain.session_expiration_s))
    figures = compute(rows, period, domain.form_facts)
    source = describe(engine)
    engine.dispose()

    html = page.render(figures, domain, source, args.timezone, datetime.now(zone))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(html, encoding="utf-8")
    if args.csv:
        for path in export.write_csv(figures, domain, args.csv):
            print(f"CSV: {path}")
    if args.export_nlu:
        args.export_nlu.parent.mkdir(parents=True, exist_ok=True)
        args.export_nlu.write_text(export.nlu_draft(figures), encoding="utf-8")
        print(f"NLU draft ({len(figures.unsure)} messages): {args.export_nlu}")
    print(
        f"{figures.conversations} conversations {since} to {until} from {source}, "
        f"{time.perf_counter() - started:.1f} s"
    )
    print(args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
