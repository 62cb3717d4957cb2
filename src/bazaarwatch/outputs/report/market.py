"""The market map as the report shows it: shops and shop bots, networks, vendors, links,
trends.

A case of 300 chats has thousands of those, so every table is capped (the rest are one
command away, which the page names) and every cell shows a few items and "+N more", never
a wall. Values are masked before they are cut: a card number cut in two no longer looks
like one, and would escape the mask.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.outputs.report.charts import category_charts, trend_chart
from bazaarwatch.outputs.report.chats import Names
from bazaarwatch.store.market import Market

#: Rows per market-map table, items per cell, characters per item: what keeps the page
#: readable at 300+ chats.
ROWS = 100
NETWORKS = 50
SPIKES = 50
ITEMS = 4
CHARS = 100
TEXT = 300
# Link reasons an analyst checks first: a shared wallet, then a shared contact handle.
_OPERATOR = (re.compile(r"\bwallet\b"), re.compile(r"\b(?:contact|handle)\b"))
_NEW = ("vendors", "wallets", "chats")

Row = dict[str, Any]


def num(value: Any) -> str:
    """A count or an amount as people read it: 1,234 and 4.5, not 4.500000001."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


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


def _item(value: Any) -> Row:
    """A cell item as the template's ``few`` macro shows it: text, and a link or None."""
    if isinstance(value, Mapping) and "href" in value:
        return dict(value)
    return {"text": _short(value), "href": None}


def _few(values: Iterable[Any] | None, limit: int = ITEMS) -> dict[str, Any]:
    """The first ``limit`` items of a cell as short text, and how many more there are."""
    items = list(values or ())
    return {"shown": [_item(v) for v in items[:limit]], "more": max(len(items) - limit, 0)}


def _counts(value: Mapping[str, Any] | None) -> dict[str, Any]:
    """A {name: n} mapping (categories per item) as "name n" items, largest first."""
    ranked = sorted((value or {}).items(), key=lambda kv: -_number(kv[1]))
    return _few([f"{k} {num(n)}" for k, n in ranked])


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _names(values: Iterable[Any] | None, names: Names) -> dict[str, Any]:
    """Chats ({"id","name"}) by their names (the id where a chat has none), each linked
    to its section when it is a chat of the case."""
    return _few([names.item(c.get("id"), c.get("name")) if isinstance(c, Mapping)
                 else names.item(c) for c in values or ()])


def _table(rows: Sequence[Mapping[str, Any]], view: Callable[[Mapping[str, Any]], Row],
           limit: int = ROWS) -> dict[str, Any]:
    """The first ``limit`` rows as ``view`` shows them, and how many more there are."""
    return {"rows": [view(r) for r in rows[:limit]], "more": max(len(rows) - limit, 0)}


def _bot(bot: Mapping[str, Any], names: Names) -> Row:
    username = bot.get("username") or ""
    return {"username": username, "shop": bool(bot.get("shop")),
            "names": _few([n for n in bot.get("names") or () if n != username], 2),
            "how": _few(bot.get("how")), "menu": _few(bot.get("menu"), 6),
            "chats": _names(bot.get("chats"), names), "categories": _counts(bot.get("categories")),
            "messages": bot.get("messages"), "offers": bot.get("offers"),
            "first": bot.get("first_seen"), "last": bot.get("last_seen")}


def _network(network: Mapping[str, Any], names: Names) -> Row:
    return {"id": network.get("id"), "why": network.get("why"),
            "chats": _names(network.get("chats"), names), "bots": _few(network.get("bots")),
            "messages": network.get("messages"),
            "categories": _counts(network.get("categories")),
            "skeleton": _clip(network.get("skeleton"), TEXT),
            "example": _clip(network.get("example"), TEXT),
            "first": network.get("first_seen"), "last": network.get("last_seen")}


def _vendor(vendor: Mapping[str, Any], chats: Names) -> Row:
    names = list(dict.fromkeys([*(vendor.get("names") or ()), *(vendor.get("handles") or ())]))
    prices = [_price(cat, p) for cat, p in (vendor.get("prices") or {}).items()
              if isinstance(p, Mapping)]
    reputation = vendor.get("reputation")
    return {"id": vendor.get("id"), "kind": vendor.get("kind"), "names": _few(names, 3),
            "chats": _names(vendor.get("chats"), chats),
            "categories": _counts(vendor.get("categories")), "offers": vendor.get("offers"),
            "prices": _few(prices), "wallets": _few(vendor.get("wallets")),
            "payments": _few(vendor.get("payments")),
            "contacts": _few([*(vendor.get("contacts") or ()), *(vendor.get("onions") or ())]),
            "reputation": _counts(reputation) if isinstance(reputation, Mapping)
            else _few(reputation),
            "first": vendor.get("first_seen"), "last": vendor.get("last_seen")}


def _price(category: str, price: Mapping[str, Any]) -> str:
    """"carding 11–36.5 USD"; one figure when every price seen was the same."""
    low, high = num(price.get("min")), num(price.get("max"))
    span = low if low == high else f"{low}–{high}"
    return " ".join(str(part) for part in (category, span, price.get("currency")) if part)


def _link(link: Mapping[str, Any], names: Names) -> Row:
    return {"a": _entity(link.get("a"), names), "b": _entity(link.get("b"), names),
            "reason": link.get("reason"), "evidence": _few(link.get("evidence"), 3),
            "score": link.get("score")}


def _entity(entity: Any, names: Names) -> Row:
    """One end of a link; a chat of the case links to its section."""
    if not isinstance(entity, Mapping):
        return {"name": _item(entity), "kind": ""}
    ident = str(entity.get("id") or "")
    if entity.get("kind") == "chat" and ident.removeprefix("chat:") in names:
        name = names.item(ident.removeprefix("chat:"), entity.get("name"))
    else:
        name = _item(entity.get("name") or entity.get("id"))
    return {"name": name, "kind": entity.get("kind") or ""}


def _operator_first(links: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Links that share a wallet, then those that share a contact handle, then the rest;
    each group in the map's order (strongest first)."""
    def rank(link: Mapping[str, Any]) -> int:
        reason = str(link.get("reason") or "")
        return next((i for i, p in enumerate(_OPERATOR) if p.search(reason)), len(_OPERATOR))
    return sorted(links, key=rank)


def _spike(spike: Mapping[str, Any], names: Names) -> Row:
    chat = spike.get("chat")
    if isinstance(chat, Mapping):
        chat = names.item(chat.get("id"), chat.get("name"))
    elif chat is not None:
        chat = names.item(chat)
    return {"category": spike.get("category"), "chat": chat, "week": spike.get("week"),
            "count": spike.get("count"), "baseline": spike.get("baseline")}


def _new_weeks(new: Sequence[Mapping[str, Any]], limit: int = 12) -> list[Row]:
    """The last ``limit`` weeks in which a vendor, wallet or chat was first seen, newest
    first; a figure may come as a count or as the list of what was new."""
    rows = [{"week": n.get("week"),
             **{k: len(v) if isinstance(v := n.get(k), list | tuple) else v or 0
                for k in _NEW}} for n in new]
    return [r for r in reversed(rows) if any(r[k] for k in _NEW)][:limit]


def market_view(market: Market, *, db: str, names: Names) -> dict[str, Any]:
    """The market map as the template shows it: capped tables of short text items, chats
    linked to their sections.

    ``db`` is the case path the "N more" lines name in their commands; ``names`` names
    (and links) the chats the map gives by id."""
    bots = sorted(market.bots, key=lambda b: (not b.get("shop"), -_number(b.get("messages"))))
    vendors = sorted(market.vendors, key=lambda v: -_number(v.get("offers")))
    links = _operator_first(market.links)
    trends = market.trends
    return {
        "db": shlex.quote(db),
        "bots": _table(bots, lambda b: _bot(b, names)),
        "networks": _table(market.networks, lambda n: _network(n, names), NETWORKS),
        "vendors": _table(vendors, lambda v: _vendor(v, names)),
        "links": _table(links, lambda link: _link(link, names)),
        "spikes": _table(trends.get("spikes", []), lambda s: _spike(s, names), SPIKES),
        "new": _new_weeks(trends.get("new", [])),
        "chart": trend_chart(trends.get("series", [])),
        "categories": category_charts(trends.get("series", [])),
        "sorted": {"bots": bots, "vendors": vendors, "links": links},
    }
