"""The top of the report: the five questions an analyst asks of a case, answered briefly.

Which chats are shops, what they sell, who sells, what ties them together, what changed.
Each answer is a handful of lines with links to the section that holds the rest, so the
first screen is the briefing and the page below it is the evidence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from bazaarwatch.outputs.report.chats import ILLICIT, Names, clip

SHOPS, SELLERS, TIES, CHANGES = 12, 8, 6, 6
_SHOP_KINDS = ("shop", "marketplace")


def summary(channels: Sequence[Mapping[str, Any]], *, vendors: Sequence[Mapping[str, Any]],
            links: Sequence[Mapping[str, Any]], bots: Sequence[Mapping[str, Any]],
            networks: int, trends: Mapping[str, Any], names: Names) -> dict[str, Any]:
    """The summary's figures; ``vendors`` most offers first, ``links`` operator ties first."""
    kinds = Counter(c["kind"] for c in channels)
    shops = [c for c in channels if c["kind"] in _SHOP_KINDS]
    return {
        "kinds": [{"kind": k, "chats": kinds[k]} for k in (*ILLICIT, "not-illicit", "unknown")
                  if kinds[k]],
        "shops": [{"chat": names.item(c["chat_id"], c["name"]), "kind": c["kind"],
                   "shares": c["shares"][:3], "flagged": c["flagged"]}
                  for c in shops[:SHOPS]],
        "more_shops": max(len(shops) - SHOPS, 0),
        "sold": _sold(channels),
        "sellers": [_seller(v, names) for v in vendors[:SELLERS]],
        "vendors": len(vendors),
        "ties": links[:TIES], "links": len(links), "networks": networks,
        "shop_bots": [clip(b.get("username")) for b in bots if b.get("shop")][:TIES],
        "bots": len(bots),
        "spikes": sorted(trends.get("spikes", []), key=lambda s: str(s.get("week")),
                         reverse=True)[:CHANGES],
    }


def _sold(channels: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per category: flagged messages in all chats, and the illicit chats whose verdict
    names it; most messages first, with each one's share of all flagged category labels."""
    messages: Counter[str] = Counter()
    chats: dict[str, int] = defaultdict(int)
    for c in channels:
        messages.update(c["categories"])
        if c["kind"] in ILLICIT:
            for share in c["shares"]:
                chats[share["category"]] += 1
    total = sum(messages.values()) or 1
    return [{"category": k, "messages": n, "share": n / total, "chats": chats.get(k, 0)}
            for k, n in messages.most_common()]


def _seller(vendor: Mapping[str, Any], names: Names) -> dict[str, Any]:
    categories = sorted((vendor.get("categories") or {}).items(), key=lambda kv: -kv[1])
    where = [c for c in vendor.get("chats") or () if isinstance(c, Mapping)]
    return {"name": clip((vendor.get("names") or [vendor.get("id")])[0]),
            "kind": vendor.get("kind") or "", "offers": vendor.get("offers"),
            "categories": [k for k, _ in categories[:3]],
            "chats": [names.item(c.get("id"), c.get("name")) for c in where[:3]],
            "more": max(len(where) - 3, 0)}
