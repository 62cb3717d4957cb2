"""The HTML report: one self-contained offline page about a case.

Everything is inline (CSS, an SVG chart drawn here), so the page opens from a USB stick
on an air-gapped machine and makes no request anywhere. Jinja2 autoescaping is on for the
whole template: every piece of message-derived text (chat names, sender names, forwarded
sources, bot names) is hostile input and is escaped; the template never marks any of it
safe. A Content-Security-Policy forbids scripts and remote loads as a second line.
Card, IBAN and phone numbers are masked in every string the page shows, whatever field
it comes from (the report has no way to reveal them).
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from bazaarwatch import __version__
from bazaarwatch.classify.evidence import says
from bazaarwatch.dates import show_date
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.terminal import safe
from bazaarwatch.store import queries
from bazaarwatch.store.sqlite import Case


def _inert(value: Any) -> Any:
    """Every string printed by the template: card, IBAN and phone numbers masked, then
    control and bidi characters made visible."""
    if not isinstance(value, str):
        return value
    return safe(mask_sensitive(value), keep_newlines=True)


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("bazaarwatch.outputs.report", "."),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=_inert,
)


def _date(ts: int | None) -> str:
    return show_date(ts, "%Y-%m-%d", missing="—")


_env.filters["date"] = _date


def _says(evidence: Any) -> list[str]:
    """A verdict's evidence as an analyst reads it: each line once, no model features."""
    return says(evidence, limit=8) if isinstance(evidence, list) else []


_env.filters["says"] = _says


def volume_chart(rows: list[dict[str, Any]], *, width: int = 720,
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


def render(case: Case) -> str:
    """The report's HTML for ``case``."""
    template = _env.get_template("report.html")
    return template.render(
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        case_name=case.path.name,
        totals=queries.totals(case),
        chats=queries.chat_stats(case),
        channels=queries.channels(case),
        flagged=queries.flagged_messages(case),
        chart=volume_chart(queries.volume_by_month(case)),
        senders=queries.top_senders(case),
        forwards=queries.forwarded_sources(case),
        bots=queries.bots(case),
        indicators=queries.indicators(case, limit=40),
        indicator_counts=queries.indicator_counts(case),
        sources=queries.sources(case),
    )


def write_report(case: Case, path: Path) -> None:
    """Render the report and write it atomically (a crash never leaves half a page)."""
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist. Create it, or "
                          "give another -o path")
    html = render(case)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write the report ({e.strerror})") from e
