"""The HTML report: one self-contained offline page about a case.

Besides the case's figures it shows the market map (``intel.analyse``): shops and shop
bots, bot networks, vendors, links ("same operator" candidates) and trends. A case of 300
chats has thousands of those, so every table is capped (the rest are one command away,
which the page names) and every cell shows a few items and "+N more", never a wall.

Everything is inline (CSS, SVG charts drawn here, and report.js for sorting, filtering
and the graph), so the page opens from a USB stick on an air-gapped machine and makes no
request anywhere. Jinja2 autoescaping is on for the whole template: every piece of
message-derived text (chat names, sender names, forwarded sources, bot names) is hostile
input and is escaped; the template never marks any of it safe. Data for the script goes
in as escaped JSON (``assets.script_json``) and the script writes it with textContent
only. A Content-Security-Policy admits that one script by its hash and no remote load.
Tables and lists are capped (``data``, ``summary``, ``chats``): the page of a 300-chat,
100,000-message case stays a few megabytes.
Card, IBAN and phone numbers are masked in every string the page shows, whatever field
it comes from (the report has no way to reveal them).
"""

from __future__ import annotations

import functools
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from bazaarwatch import __version__
from bazaarwatch.classify.evidence import says
from bazaarwatch.dates import show_date
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.intel.analyse import refresh
from bazaarwatch.outputs.report import assets, data
from bazaarwatch.outputs.report.charts import WEEKS, trend_chart, volume_chart
from bazaarwatch.outputs.report.chats import Names, sections
from bazaarwatch.outputs.report.graph import graph_view
from bazaarwatch.outputs.report.market import ROWS, market_view, num
from bazaarwatch.outputs.report.summary import summary
from bazaarwatch.outputs.terminal import safe
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

__all__ = ["ROWS", "WEEKS", "render", "trend_chart", "volume_chart", "write_report"]

_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
#: The characters ``terminal.safe`` rewrites (controls but newline, surrogates, bidi): a
#: string without any, nearly every one, skips its per-character loop.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f"
                     "\u202a-\u202e\u2066-\u2069]")


def _inert(value: Any) -> Any:
    """Every string printed by the template: card, IBAN and phone numbers masked, then
    control and bidi characters made visible.

    A macro's output (``Markup``) is left as it is: it is the template's own HTML, each
    value in it already passed here and escaped; taking it for text would escape it twice.
    The only other ``Markup`` are the page's own script and style and its script data
    (``assets``), whose strings were made inert before they were encoded."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):
        return value
    return _text(value)


@functools.lru_cache(maxsize=16384)
def _text(value: str) -> str:
    """``_inert`` of one string, remembered: a page prints each chat name, category and
    kind dozens of times (a 300-chat case: 35,000 strings, 5,000 distinct), and masking
    is the costly part. ``render`` empties it after each page."""
    masked = mask_sensitive(value)
    return safe(masked, keep_newlines=True) if _UNSAFE.search(masked) else masked


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("bazaarwatch.outputs.report", "."),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    finalize=_inert,
)


def _date(ts: int | None) -> str:
    return show_date(ts, "%Y-%m-%d", missing="—")


def _says(evidence: Any) -> list[str]:
    """A verdict's evidence as an analyst reads it: each line once, no model features."""
    return says(evidence, limit=8) if isinstance(evidence, list) else []


def _day(value: Any) -> str:
    """The day of a map date (``2024-01-15T16:04:14Z``); a date the map could not place
    (``@<seconds>``) as it is."""
    if not value:
        return "—"
    text = str(value)
    return text[:10] if _ISO_DAY.match(text) else text


def _pct(value: Any) -> str:
    return f"{100 * float(value or 0):.0f}%"


_env.filters.update(date=_date, says=_says, num=num, day=_day, pct=_pct)


def render(case: Case, *, market: Market | None = None) -> str:
    """The report's HTML for ``case``, with ``market`` as its market map (by default the
    case's current one, computed now when missing: ``intel.analyse.refresh``)."""
    if market is None:
        market = refresh(case)
    stats = queries.chat_stats(case)
    channels = queries.channels(case)
    names = Names({c["chat_id"]: c["name"] for c in stats})
    volume = queries.volume_by_month(case)
    view = market_view(market, db=str(case.path), names=names)
    ordered = view.pop("sorted")
    flagged = data.flagged(case)
    try:
        return _env.get_template("report.html").render(
            version=__version__,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            case_name=case.path.name,
            csp=assets.policy(), script=assets.script(), style=assets.style(),
            totals=queries.totals(case),
            summary=summary(channels, vendors=ordered["vendors"], links=view["links"]["rows"],
                            bots=ordered["bots"], networks=len(market.networks),
                            trends=market.trends, names=names),
            chats=_chat_rows(channels, stats, names),
            sections=sections(channels, stats, months=data.months_by_chat(volume),
                              indicators=data.chat_indicators(case),
                              vendors=ordered["vendors"], bots=ordered["bots"]),
            flagged=flagged, names=names,
            chart=volume_chart(volume),
            senders=queries.top_senders(case),
            forwards=queries.forwarded_sources(case),
            market=view,
            graph=_graph(market, names),
            indicators=data.indicators(case),
            sources=queries.sources(case),
        )
    finally:
        _text.cache_clear()


def _chat_rows(channels: list[dict[str, Any]], stats: list[dict[str, Any]],
               names: Names) -> list[dict[str, Any]]:
    """One row per chat for the chats table: its verdict and its figures side by side."""
    figures = {s["chat_id"]: s for s in stats}
    return [{**figures.get(c["chat_id"], {}), **c, "link": names.item(c["chat_id"], c["name"])}
            for c in channels]


def _graph(market: Market, names: Names) -> dict[str, Any]:
    def anchor(node: str) -> str | None:
        chat = node.removeprefix("chat:")
        return names.item(chat)["href"] if node.startswith("chat:") else None

    view = graph_view(market.nodes, market.edges, anchor=anchor)
    view["json"] = assets.script_json(view.pop("live"))
    return view


def write_report(case: Case, path: Path, *, market: Market | None = None) -> None:
    """Render the report and write it atomically (a crash never leaves half a page)."""
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist. Create it, or "
                          "give another -o path")
    html = render(case, market=market)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write the report ({e.strerror})") from e
