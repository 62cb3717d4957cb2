"""The HTML report: one self-contained offline page about a case.

Besides the case's figures it shows the market map (``intel.analyse``): shops and shop
bots, bot networks, vendors, links ("same operator" candidates) and trends. A case of 300
chats has thousands of those, so every table is capped (the rest are one command away,
which the page names) and every cell shows a few items and "+N more", never a wall.

Everything is inline (CSS, SVG charts drawn here), so the page opens from a USB stick
on an air-gapped machine and makes no request anywhere. Jinja2 autoescaping is on for the
whole template: every piece of message-derived text (chat names, sender names, forwarded
sources, bot names) is hostile input and is escaped; the template never marks any of it
safe. A Content-Security-Policy forbids scripts and remote loads as a second line.
Card, IBAN and phone numbers are masked in every string the page shows, whatever field
it comes from (the report has no way to reveal them).
"""

from __future__ import annotations

import os
import re
import shlex
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
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
from bazaarwatch.outputs.terminal import safe
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

#: Rows per market-map table, items per cell, characters per item: what keeps the page
#: readable at 300+ chats.
ROWS = 100
NETWORKS = 50
SPIKES = 50
ITEMS = 4
CHARS = 100
TEXT = 300
#: Weeks drawn in the trend chart (ten years); a case spanning more shows its last ones.
WEEKS = 520
# Link reasons an analyst checks first: a shared wallet, then a shared contact handle.
_OPERATOR = (re.compile(r"\bwallet\b"), re.compile(r"\b(?:contact|handle)\b"))
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_NEW = ("vendors", "wallets", "chats")

Row = dict[str, Any]


def _inert(value: Any) -> Any:
    """Every string printed by the template: card, IBAN and phone numbers masked, then
    control and bidi characters made visible.

    A macro's output (``Markup``) is left as it is: it is the template's own HTML, each
    value in it already passed here and escaped; taking it for text would escape it twice.
    Nothing else is ``Markup``: the template never marks a value safe."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):
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


def _num(value: Any) -> str:
    """A count or an amount as people read it: 1,234 and 4.5, not 4.500000001."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _day(value: Any) -> str:
    """The day of a map date (``2024-01-15T16:04:14Z``); a date the map could not place
    (``@<seconds>``) as it is."""
    if not value:
        return "—"
    text = str(value)
    return text[:10] if _ISO_DAY.match(text) else text


_env.filters["num"] = _num
_env.filters["day"] = _day


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


def _clip(value: Any, limit: int = CHARS) -> str:
    """``value`` as text of at most ``limit`` characters, masked *before* it is cut: a
    card number cut in two no longer looks like one, and would escape the mask."""
    text = mask_sensitive("" if value is None else str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _short(value: Any) -> str:
    """One item of a cell (a string, or a {"type","value"} or {"kind","name"} pair) as
    short text."""
    if isinstance(value, Mapping):
        kind, text = value.get("type") or value.get("kind"), value.get("value")
        text = text if text is not None else value.get("name") or value.get("id")
        value = f"{kind}: {text}" if kind and text is not None else text
    return _clip(value)


def _few(values: Iterable[Any] | None, limit: int = ITEMS) -> dict[str, Any]:
    """The first ``limit`` items of a cell as short text, and how many more there are."""
    items = list(values or ())
    return {"shown": [_short(v) for v in items[:limit]], "more": max(len(items) - limit, 0)}


def _counts(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """A {name: n} mapping (categories per item) as "name n" items, largest first."""
    ranked = sorted((value or {}).items(), key=lambda kv: -_number(kv[1]))
    return _few([f"{k} {_num(n)}" for k, n in ranked])


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _names(values: Iterable[Any] | None) -> dict[str, Any]:
    """Chats ({"id","name"}) by their names, the id where a chat has none."""
    return _few([c.get("name") or c.get("id") if isinstance(c, Mapping) else c
                 for c in values or ()])


def _table(rows: Sequence[Mapping[str, Any]], view: Callable[[Mapping[str, Any]], Row],
           limit: int = ROWS) -> dict[str, Any]:
    """The first ``limit`` rows as ``view`` shows them, and how many more there are."""
    return {"rows": [view(r) for r in rows[:limit]], "more": max(len(rows) - limit, 0)}


def _bot(bot: Mapping[str, Any]) -> Row:
    username = bot.get("username") or ""
    return {"username": username, "shop": bool(bot.get("shop")),
            "names": _few([n for n in bot.get("names") or () if n != username], 2),
            "how": _few(bot.get("how")), "menu": _few(bot.get("menu"), 6),
            "chats": _names(bot.get("chats")), "categories": _counts(bot.get("categories")),
            "messages": bot.get("messages"), "offers": bot.get("offers"),
            "first": bot.get("first_seen"), "last": bot.get("last_seen")}


def _network(network: Mapping[str, Any]) -> Row:
    return {"id": network.get("id"), "why": network.get("why"),
            "chats": _names(network.get("chats")), "bots": _few(network.get("bots")),
            "messages": network.get("messages"),
            "categories": _counts(network.get("categories")),
            "skeleton": _clip(network.get("skeleton"), TEXT),
            "example": _clip(network.get("example"), TEXT),
            "first": network.get("first_seen"), "last": network.get("last_seen")}


def _vendor(vendor: Mapping[str, Any]) -> Row:
    names = list(dict.fromkeys([*(vendor.get("names") or ()), *(vendor.get("handles") or ())]))
    prices = [_price(cat, p) for cat, p in (vendor.get("prices") or {}).items()
              if isinstance(p, Mapping)]
    reputation = vendor.get("reputation")
    return {"id": vendor.get("id"), "kind": vendor.get("kind"), "names": _few(names, 3),
            "chats": _names(vendor.get("chats")),
            "categories": _counts(vendor.get("categories")), "offers": vendor.get("offers"),
            "prices": _few(prices), "wallets": _few(vendor.get("wallets")),
            "payments": _few(vendor.get("payments")),
            "contacts": _few([*(vendor.get("contacts") or ()), *(vendor.get("onions") or ())]),
            "reputation": _counts(reputation) if isinstance(reputation, Mapping)
            else _few(reputation),
            "first": vendor.get("first_seen"), "last": vendor.get("last_seen")}


def _price(category: str, price: Mapping[str, Any]) -> str:
    """"carding 11–36.5 USD"; one figure when every price seen was the same."""
    low, high = _num(price.get("min")), _num(price.get("max"))
    span = low if low == high else f"{low}–{high}"
    return " ".join(str(part) for part in (category, span, price.get("currency")) if part)


def _link(link: Mapping[str, Any]) -> Row:
    return {"a": _entity(link.get("a")), "b": _entity(link.get("b")),
            "reason": link.get("reason"), "evidence": _few(link.get("evidence"), 3),
            "score": link.get("score")}


def _entity(entity: Any) -> Row:
    if not isinstance(entity, Mapping):
        return {"name": _short(entity), "kind": ""}
    return {"name": _short(entity.get("name") or entity.get("id")),
            "kind": entity.get("kind") or ""}


def _operator_first(links: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Links that share a wallet, then those that share a contact handle, then the rest;
    each group in the map's order (strongest first)."""
    def rank(link: Mapping[str, Any]) -> int:
        reason = str(link.get("reason") or "")
        return next((i for i, p in enumerate(_OPERATOR) if p.search(reason)), len(_OPERATOR))
    return sorted(links, key=rank)


def _spike(spike: Mapping[str, Any], chat_names: Mapping[str, str | None]) -> Row:
    chat = spike.get("chat")
    if isinstance(chat, Mapping):
        chat = chat.get("name") or chat.get("id")
    elif chat is not None:
        chat = chat_names.get(str(chat)) or chat
    return {"category": spike.get("category"), "chat": chat, "week": spike.get("week"),
            "count": spike.get("count"), "baseline": spike.get("baseline")}


def _new_weeks(new: Sequence[Mapping[str, Any]], limit: int = 12) -> list[Row]:
    """The last ``limit`` weeks in which a vendor, wallet or chat was first seen, newest
    first; a figure may come as a count or as the list of what was new."""
    rows = [{"week": n.get("week"),
             **{k: len(v) if isinstance(v := n.get(k), list | tuple) else v or 0
                for k in _NEW}} for n in new]
    return [r for r in reversed(rows) if any(r[k] for k in _NEW)][:limit]


def market_view(market: Market, *, db: str,
                chat_names: Mapping[str, str | None]) -> dict[str, Any]:
    """The market map as the template shows it: capped tables of short text items.

    ``db`` is the case path the "N more" lines name in their commands; ``chat_names``
    names the chats that trends give by id."""
    bots = sorted(market.bots, key=lambda b: (not b.get("shop"), -_number(b.get("messages"))))
    vendors = sorted(market.vendors, key=lambda v: -_number(v.get("offers")))
    trends = market.trends
    return {
        "db": shlex.quote(db),
        "bots": _table(bots, _bot),
        "networks": _table(market.networks, _network, NETWORKS),
        "vendors": _table(vendors, _vendor),
        "links": _table(_operator_first(market.links), _link),
        "spikes": _table(trends.get("spikes", []),
                         lambda s: _spike(s, chat_names), SPIKES),
        "new": _new_weeks(trends.get("new", [])),
        "chart": trend_chart(trends.get("series", [])),
    }


def render(case: Case, *, market: Market | None = None) -> str:
    """The report's HTML for ``case``, with ``market`` as its market map (by default the
    case's current one, computed now when missing: ``intel.analyse.refresh``)."""
    if market is None:
        market = refresh(case)
    chats = queries.chat_stats(case)
    template = _env.get_template("report.html")
    return template.render(
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        case_name=case.path.name,
        totals=queries.totals(case),
        chats=chats,
        channels=queries.channels(case),
        flagged=queries.flagged_messages(case),
        chart=volume_chart(queries.volume_by_month(case)),
        senders=queries.top_senders(case),
        forwards=queries.forwarded_sources(case),
        market=market_view(market, db=str(case.path),
                           chat_names={c["chat_id"]: c["name"] for c in chats}),
        indicators=queries.indicators(case, limit=40),
        indicator_counts=queries.indicator_counts(case),
        sources=queries.sources(case),
    )


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
