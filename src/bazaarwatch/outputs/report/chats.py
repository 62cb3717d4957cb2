"""One compact section per chat, and the links that reach it from wherever a chat is named.

At 300 chats the page cannot give each a page: a section is a verdict line, a few vendors,
bots and indicators, a month-by-month strip and the three best evidence messages. Every
other place that names a chat (tables, the summary, the graph) links to its section by
``anchor``, so the reader goes from "who sells" to "where, and the proof" in one click.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bazaarwatch.indicators.redaction import mask_sensitive

ILLICIT = ("shop", "marketplace", "sharing", "discussion")
VENDORS, BOTS, EVIDENCE = 5, 5, 3
#: Months drawn in a chat's strip (five years: its last ones).
MONTHS = 60
_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MONTH = re.compile(r"\d{4}-\d\d")
NAME = 80

Item = dict[str, Any]


def anchor(chat_id: str) -> str:
    """The page id of a chat's section: ``c-<id>`` for the usual ids, a digest for ids
    that are not plain (an id is export data: it may hold anything)."""
    if _PLAIN_ID.fullmatch(chat_id):
        return f"c-{chat_id}"
    return "c-x" + hashlib.sha256(chat_id.encode()).hexdigest()[:16]


def clip(value: Any, limit: int = NAME) -> str:
    text = mask_sensitive("" if value is None else str(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


class Names:
    """The case's chats by id: the text and link to show wherever a chat is named."""

    def __init__(self, names: Mapping[str, str | None]) -> None:
        self._names = names

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._names

    def item(self, chat_id: Any, name: Any = None) -> Item:
        """A chat as a cell item: its name, linked to its section when the case has it."""
        key = "" if chat_id is None else str(chat_id)
        known = key in self._names
        text = name or (self._names.get(key) if known else None) or key or "—"
        return {"text": clip(text), "href": "#" + anchor(key) if known else None}


def sections(channels: Sequence[Mapping[str, Any]], stats: Sequence[Mapping[str, Any]], *,
             months: Mapping[str, Mapping[str, int]],
             indicators: Mapping[str, list[dict[str, Any]]],
             vendors: Sequence[Mapping[str, Any]],
             bots: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A section per chat, illicit ones first (the order of ``channels``)."""
    by_id = {s["chat_id"]: s for s in stats}
    sellers = _per_chat(vendors, lambda v: (v.get("names") or [v.get("id")])[0], VENDORS)
    shop_bots = _per_chat(bots, lambda b: b.get("username"), BOTS)
    out = []
    for c in channels:
        chat_id = c["chat_id"]
        figures = by_id.get(chat_id, {})
        out.append({
            "anchor": anchor(chat_id), "chat_id": chat_id, "name": c["name"] or chat_id,
            "type": c["type"], "kind": c["kind"], "illicit": c["kind"] in ILLICIT,
            "shares": c["shares"], "confidence": c["confidence"],
            "messages": c["messages"], "flagged": c["flagged"], "offers": c["offers"],
            "offer_rate": c["offer_rate"], "senders": figures.get("senders"),
            "first": figures.get("first_date"), "last": figures.get("last_date"),
            "vendors": sellers.get(chat_id, []), "bots": shop_bots.get(chat_id, []),
            "indicators": indicators.get(chat_id, []),
            "strip": strip(months.get(chat_id, {})),
            "evidence": c["evidence"][:EVIDENCE]})
    return out


def _per_chat(items: Sequence[Mapping[str, Any]], name: Any, limit: int) -> dict[str, list[str]]:
    """The first ``limit`` names of ``items`` (in their order) for each chat they list."""
    found: dict[str, list[str]] = defaultdict(list)
    for item in items:
        for chat in item.get("chats") or ():
            chat_id = str(chat.get("id")) if isinstance(chat, Mapping) else str(chat)
            if len(found[chat_id]) < limit:
                found[chat_id].append(clip(name(item)))
    return dict(found)


def strip(per_month: Mapping[str, int], *, width: int = 240,
          height: int = 36) -> dict[str, Any]:
    """A chat's messages per month as bars (every month from its first to its last, at
    most ``MONTHS``), for a small inline SVG."""
    dated = sorted(m for m in per_month if _MONTH.fullmatch(m))
    if not dated:
        return {"bars": [], "width": width, "height": height}
    months = _months(dated[0], dated[-1])[-MONTHS:]
    peak = max(per_month.get(m, 0) for m in months) or 1
    step = width / len(months)
    bars = []
    for i, month in enumerate(months):
        n = per_month.get(month, 0)
        h = round((height - 2) * n / peak, 1)
        bars.append({"x": round(i * step, 1), "w": round(max(step - 1, 0.5), 1), "h": h,
                     "y": round(height - h, 1), "month": month, "count": n})
    return {"bars": bars, "width": width, "height": height, "first": months[0],
            "last": months[-1]}


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    end = (int(last[:4]), int(last[5:]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
