"""The report's charts as inline SVG, drawn by matplotlib without a display or a browser.

Text is drawn as paths (matplotlib's default), so a chart looks the same wherever the file is
opened, with no font to load. Every chart of one page gets its own id salt: the SVGs share
one document, where two clip paths of the same size would otherwise get the same id.
"""

import io
import textwrap
from datetime import date
from typing import Dict, List, Sequence, Tuple

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

MAGENTA = "#e20074"
GREY = "#9e9e9e"
DARK = "#333333"
HELPED_COLOURS = {"yes": "#2e7d32", "no": MAGENTA, "none": "#bdbdbd"}
WIDTH_IN = 9.6
LABEL_CHARS = 44
SVG_METADATA = ("Date", "Creator", "Format", "Type")


def _svg(figure: Figure, salt: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt}):
        # No RDF metadata: no date (the same figures give the same file), no links.
        figure.savefig(buffer, format="svg", metadata=dict.fromkeys(SVG_METADATA))
    svg = buffer.getvalue()
    # Inline in HTML: no XML declaration or DOCTYPE.
    return svg[svg.index("<svg") :].replace("<svg ", '<svg class="chart" ', 1)


def _figure(height_in: float) -> Figure:
    # Every chart as wide as the others, labels inside: the same text size on the page.
    figure = Figure(figsize=(WIDTH_IN, height_in), constrained_layout=True)
    figure.patch.set_alpha(0)
    return figure


def _style(axes) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.tick_params(colors=DARK, labelsize=9)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GREY)


def _german(value: float, _position: object = None) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_CHARS)) or label


def per_day(counts: Dict[date, int]) -> str:
    days = sorted(counts)
    figure = _figure(2.6)
    axes = figure.add_subplot()
    axes.bar(range(len(days)), [counts[d] for d in days], color=MAGENTA, width=0.75)
    step = max(1, len(days) // 15)
    axes.set_xticks(range(0, len(days), step))
    axes.set_xticklabels([days[i].strftime("%d.%m.") for i in range(0, len(days), step)])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(_german))
    axes.set_ylabel("Gespräche", color=DARK, fontsize=9)
    axes.set_xlim(-0.6, len(days) - 0.4)
    _style(axes)
    return _svg(figure, "per-day")


def bars(items: Sequence[Tuple[str, int]], salt: str, colour: str = MAGENTA) -> str:
    """Horizontal bars, the largest first, with the count at the end of each bar."""
    labels = [_wrap(label) for label, _ in items]
    values = [value for _, value in items]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = _figure(0.5 + 0.24 * lines + 0.12 * len(items))
    axes = figure.add_subplot()
    positions = list(range(len(items)))[::-1]
    axes.barh(positions, values, color=colour, height=0.62)
    axes.set_yticks(positions)
    axes.set_yticklabels(labels)
    top = max(values) if values else 1
    for position, value in zip(positions, values):
        axes.text(value + top * 0.01, position, _german(value), va="center", fontsize=9, color=DARK)
    axes.set_xlim(0, top * 1.1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(_german))
    _style(axes)
    return _svg(figure, salt)


def stacked(rows: List[Tuple[str, Dict[str, int]]], order: Dict[str, str], salt: str) -> str:
    """One bar per row, its parts in `order` (key: legend label), as shares of the row."""
    labels = [_wrap(label) for label, _ in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure = _figure(0.9 + 0.24 * lines + 0.12 * len(rows))
    axes = figure.add_subplot()
    positions = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for key, legend in order.items():
        shares = []
        for _, parts in rows:
            total = sum(parts.values()) or 1
            shares.append(100 * parts.get(key, 0) / total)
        axes.barh(
            positions,
            shares,
            left=left,
            color=HELPED_COLOURS.get(key, GREY),
            height=0.62,
            label=legend,
        )
        for position, start, share in zip(positions, left, shares):
            if share >= 8:
                axes.text(
                    start + share / 2,
                    position,
                    f"{share:.0f} %",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=DARK if key == "none" else "white",
                )
        left = [a + b for a, b in zip(left, shares)]
    axes.set_yticks(positions)
    axes.set_yticklabels(labels)
    axes.set_xlim(0, 100)
    axes.set_xlabel("Anteil der Fragen „Hat Ihnen das geholfen?“ (%)", color=DARK, fontsize=9)
    axes.legend(
        loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(order), frameon=False, fontsize=9
    )
    _style(axes)
    return _svg(figure, salt)
