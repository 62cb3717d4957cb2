"""The report's SVG charts, computed here as coordinates so the page needs no chart library.

Charts are plain inline SVG (``<polyline>``, ``<rect>`` with a ``<title>`` per point):
they print, they open offline, and hostile text can reach them only as escaped titles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

#: Weeks drawn in the trend chart (ten years); a case spanning more shows its last ones.
WEEKS = 520
#: Categories drawn as small weekly charts under the trend chart.
CATEGORIES = 6
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def volume_chart(rows: Iterable[Mapping[str, Any]], *, width: int = 720,
                 height: int = 160) -> dict[str, Any]:
    """Bars of messages per month (all chats), as coordinates for the SVG in the template."""
    per_month: dict[str, int] = defaultdict(int)
    for r in rows:
        per_month[r["month"]] += r["messages"]
    months = sorted(per_month)
    if not months:
        return {"bars": [], "width": width, "height": height, "peak": 0}
    peak = max(per_month.values())
    step = width / len(months)
    bars = []
    for i, month in enumerate(months):
        h = round((height - 20) * per_month[month] / peak, 1)
        bars.append({"x": round(i * step + 1, 1), "w": round(max(step - 2, 1), 1), "h": h,
                     "y": round(height - 20 - h, 1), "month": month,
                     "count": per_month[month]})
    return {"bars": bars, "width": width, "height": height, "peak": peak}


def trend_chart(series: Iterable[Mapping[str, Any]], *, width: int = 720,
                height: int = 160) -> dict[str, Any]:
    """Lines of messages and offers per week over all chats (the series rows with no chat
    and category "all"), as SVG coordinates for the template.

    Weeks without a row are drawn as zero so the time axis is true; only the last
    ``WEEKS`` weeks, so that one misdated message cannot squash the chart to a line
    (``hidden`` says how many weeks with messages that leaves out)."""
    counts: dict[date, tuple[int, int]] = {}
    for row in series:
        monday = _monday(row.get("week"))
        if row.get("chat") is None and row.get("category") == "all" and monday:
            counts[monday] = (int(row.get("messages") or 0), int(row.get("offers") or 0))
    chart: dict[str, Any] = {"points": [], "width": width, "height": height, "peak": 0,
                             "hidden": 0, "messages": "", "offers": ""}
    if not counts:
        return chart
    last = max(counts)
    first = max(min(counts), last - timedelta(weeks=WEEKS - 1))
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    peak = max(counts.get(w, (0, 0))[0] for w in weeks) or 1
    step = (width - 20) / max(len(weeks) - 1, 1)
    points = []
    for i, week in enumerate(weeks):
        messages, offers = counts.get(week, (0, 0))
        points.append({"week": week.isoformat(), "x": round(10 + i * step, 1),
                       "messages": messages, "offers": offers,
                       "y": _y(messages, peak, height), "y_offers": _y(offers, peak, height)})
    chart.update(points=points, peak=peak, hidden=sum(w < first for w in counts),
                 messages=" ".join(f"{p['x']},{p['y']}" for p in points),
                 offers=" ".join(f"{p['x']},{p['y_offers']}" for p in points))
    return chart


def _monday(week: Any) -> date | None:
    """A trends week (``YYYY-MM-DD``) as a date; None for anything else."""
    if not isinstance(week, str) or not _ISO_DAY.fullmatch(week):
        return None
    try:
        return date.fromisoformat(week)
    except ValueError:  # 2024-02-31: the shape of a date, not a date
        return None


def _y(value: int, peak: int, height: int) -> float:
    return round(height - 20 - (height - 30) * min(value, peak) / peak, 1)


def category_charts(series: Iterable[Mapping[str, Any]], *, top: int = CATEGORIES,
                    width: int = 340, height: int = 90) -> list[dict[str, Any]]:
    """Small weekly charts of the ``top`` categories with the most messages (all chats),
    each on its own scale, so a category's rise shows even when it is small beside the
    others."""
    per: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    total: dict[str, int] = defaultdict(int)
    for row in series:
        category = row.get("category")
        if row.get("chat") is None and isinstance(category, str) and category != "all":
            per[category].append({**row, "category": "all"})
            total[category] += int(row.get("messages") or 0)
    ranked = sorted(total, key=lambda c: (-total[c], c))[:top]
    return [{"category": c, "total": total[c],
             **trend_chart(per[c], width=width, height=height)} for c in ranked]
