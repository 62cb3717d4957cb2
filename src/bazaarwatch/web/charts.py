"""Trend charts as numbers for inline SVG: the template draws rectangles from them.

No chart library (the page loads no script but htmx) and no inline style (the CSP
forbids it): each bar is a ``<rect>`` with presentation attributes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

WEEKS = 104  # the last two years of a case are drawn
CATEGORIES = 6  # busiest categories drawn one chart each
WIDTH, HEIGHT = 720, 120


def _bars(weeks: list[str], values: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """Bars of messages (and, inside each, offers) per week, scaled to the chart."""
    top = max((m for m, _ in values.values()), default=0) or 1
    step = WIDTH / max(len(weeks), 1)
    bars = []
    for i, week in enumerate(weeks):
        messages, offers = values.get(week, (0, 0))
        height = HEIGHT * messages / top
        offer_height = HEIGHT * offers / top
        bars.append({"x": round(i * step, 2), "width": round(max(step - 1, 1), 2),
                     "y": round(HEIGHT - height, 2), "height": round(height, 2),
                     "offer_y": round(HEIGHT - offer_height, 2),
                     "offer_height": round(offer_height, 2),
                     "week": week, "messages": messages, "offers": offers})
    return {"bars": bars, "max": top, "width": WIDTH, "height": HEIGHT,
            "first": weeks[0] if weeks else "", "last": weeks[-1] if weeks else ""}


def trend_charts(trends: dict[str, Any]) -> list[dict[str, Any]]:
    """One chart for all messages, then one per busiest category, over the case's last
    ``WEEKS`` weeks (the overall series of ``trends --json``: ``chat`` null)."""
    per: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for s in trends.get("series", []):
        if s.get("chat") is None:
            per[str(s["category"])][str(s["week"])] = (int(s["messages"]), int(s["offers"]))
    weeks = sorted({w for series in per.values() for w in series})[-WEEKS:]
    if not weeks:
        return []
    busiest = sorted((c for c in per if c != "all"),
                     key=lambda c: -sum(m for m, _ in per[c].values()))[:CATEGORIES]
    return [{"category": c, **_bars(weeks, per[c])}
            for c in (["all"] if "all" in per else []) + busiest]
