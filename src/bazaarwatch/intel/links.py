"""Links: the graph of who posts where, advertises what and pays to which wallet, and the
"same operator" candidates it implies.

Two posters (a channel, or a sender in a group) that pay to one wallet, sign with one PGP
key, point to one onion or one contact handle, or post one offer template are candidates
for one operator behind two names. Each candidate pair carries its evidence and a score,
strongest first. How strong a shared value is depends on its kind (a wallet or a key is
near proof; a handle can be an escrow service every vendor names) and on how many
posters share it: a value named by many is common knowledge, not a tie, so its weight
falls with their number and values shared by more than ``_CROWD`` are dropped.

Only what a poster uses to sell ties it: the values in its offers and illicit posts, not
a wallet quoted in a question or an analyst's note. Forwards are resolved to the chat's
name when the case holds that chat, and two chats that mirror the same source (each
forwards several of its posts) are tied together. Indicators in a forwarded post belong
to its source, so they tie no one to the reposter.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import combinations
from typing import Any

from bazaarwatch.intel.posters import poster
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record, forward_source, unique_names

WALLETS = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
# Base weight of one shared value, by indicator type; types not listed tie no one.
_WEIGHT = {**dict.fromkeys(WALLETS, 0.9), "pgp": 0.9, "onion": 0.75, "onion_v2": 0.75,
           "telegram": 0.6, "telegram_bot": 0.6, "email": 0.6, "phone": 0.6, "xmpp": 0.6,
           "tox": 0.7, "session_id": 0.7, "wickr": 0.6, "threema": 0.6,
           "telegram_invite": 0.5}
_REASON = {**dict.fromkeys(WALLETS, "shared wallet"), "pgp": "shared PGP key",
           "onion": "shared onion", "onion_v2": "shared onion",
           "telegram_invite": "shared invite link"}
_SKELETON, _MIRROR = 0.5, 0.4
_CROWD = 25          # a value shared by more posters than this ties none of them
_MIRROR_POSTS = 3    # forwards from one source that make a chat its mirror
_EVIDENCE = 10       # evidence items kept per pair
# The graph's node kind for a vendor's contact, by indicator type.
_NODE_KIND = {"telegram": "handle", "telegram_bot": "bot", "email": "email", "phone": "phone"}

Entity = dict[str, Any]


class Links:
    """Collects who used which value and who forwarded whom, then ties them."""

    def __init__(self, chats: Mapping[str, Chat], senders: Mapping[str, str | None]) -> None:
        self._chats = chats
        self._senders = senders
        self._by_name = unique_names(chats)
        self._users: dict[tuple[str, str], set[str]] = defaultdict(set)  # value -> posters
        self._forwards: Counter[tuple[str, str]] = Counter()  # (chat, source) -> posts
        self._vendors: dict[str, dict[str, Any]] = {}

    def add(self, record: Record) -> None:
        if record.forwarded_from:
            self._forwards[(record.chat_id, record.forwarded_from)] += 1
            return
        if not record.indicators or not (record.offer or record.categories):
            return
        key = poster(record, self._chats.get(record.chat_id))
        if key is None:
            return
        for kind, value in record.indicators:
            if kind in _WEIGHT:
                users = self._users[(kind, value)]
                if len(users) <= _CROWD:
                    users.add(key)

    def result(self, *, bots: list[dict[str, Any]], networks: list[dict[str, Any]],
               vendors: list[dict[str, Any]]
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        """(links strongest first, graph nodes, graph edges)."""
        pairs: dict[tuple[str, str], list[tuple[float, str, dict[str, str]]]] = defaultdict(list)
        self._vendors = {v["id"]: v for v in vendors}
        # A bot sells under its own id (``bot:@name``), not the user id it writes as.
        as_vendor = {f"sender:{s}": v["id"] for v in vendors if v.get("kind") == "bot"
                     for s in v.get("senders", [])}
        for (kind, value), found in self._users.items():
            users = {as_vendor.get(u, u) for u in found}
            if not 2 <= len(users) <= _CROWD:
                continue
            weight = _WEIGHT[kind] * _rarity(len(users), kind)
            reason = _REASON.get(kind, "shared contact")
            for a, b in combinations(sorted(users), 2):
                pairs[(a, b)].append((weight, reason, {"type": kind, "value": value}))
        for network in networks:
            keys = sorted({f"chat:{c['id']}" for c in network["chats"]})
            if len(keys) > _CROWD:
                continue
            for a, b in combinations(keys, 2):
                pairs[(a, b)].append((_SKELETON, "shared offer template",
                                      {"type": "network", "value": network["id"]}))
        sources = self._sources()
        for source, mirrors in _mirrors(sources).items():
            for a, b in combinations(sorted(mirrors), 2):
                pairs[(a, b)].append((_MIRROR, "mirror the same source",
                                      {"type": "forwarded-from", "value": source}))
        links = [self._link(a, b, found) for (a, b), found in pairs.items()]
        links.sort(key=lambda link: (-link["score"], link["a"]["id"], link["b"]["id"]))
        nodes, edges = self._graph(bots, networks, vendors, sources)
        return links, nodes, edges

    # -- the pieces --------------------------------------------------------------------------

    def _link(self, a: str, b: str,
              found: list[tuple[float, str, dict[str, str]]]) -> dict[str, Any]:
        found.sort(key=lambda f: -f[0])
        kept = found[:_EVIDENCE]
        score = 1.0 - math.prod(1.0 - weight for weight, _, _ in kept)
        reasons = list(dict.fromkeys(reason for _, reason, _ in kept))
        return {"a": self._entity(a), "b": self._entity(b), "reason": "; ".join(reasons),
                "evidence": [evidence for _, _, evidence in kept], "score": round(score, 3)}

    def _entity(self, key: str) -> Entity:
        """A chat by its id (as ``channels`` prints it); a sender by its poster key, which
        is also its vendor id when it sells."""
        kind, _, ident = key.partition(":")
        if kind == "chat":
            chat = self._chats.get(ident)
            return {"kind": "chat", "id": ident, "name": chat.name if chat else None}
        vendor = self._vendors.get(key)
        if vendor is None:
            return {"kind": kind, "id": key, "name": self._senders.get(ident)}
        names = vendor.get("names") or [self._senders.get(ident)]
        return {"kind": "vendor", "id": key, "name": names[0]}

    def _sources(self) -> dict[tuple[str, str], int]:
        """Forwards as (chat key, source key) -> posts; a source the case holds is its
        ``chat:<id>``, any other keeps the name the export gave (``source:<name>``)."""
        found: Counter[tuple[str, str]] = Counter()
        for (chat_id, source), n in self._forwards.items():
            found[(f"chat:{chat_id}", self._resolve(source))] += n
        return dict(found)

    def _resolve(self, source: str) -> str:
        chat_id = forward_source(source, self._chats, self._by_name)
        return f"chat:{chat_id}" if chat_id else f"source:{source}"

    def _graph(self, bots: list[dict[str, Any]], networks: list[dict[str, Any]],
               vendors: list[dict[str, Any]], sources: dict[tuple[str, str], int]
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        nodes: dict[str, dict[str, Any]] = {}
        edges: Counter[tuple[str, str, str]] = Counter()

        def node(key: str, kind: str, name: str | None) -> str:
            nodes.setdefault(key, {"id": key, "kind": kind, "name": name or key})
            return key

        def chat(chat_id: str) -> str:
            found = self._chats.get(chat_id)
            return node(f"chat:{chat_id}", "chat", found.name if found else None)

        for chat_id in self._chats:
            chat(chat_id)
        for vendor in vendors:
            kind = str(vendor.get("kind") or vendor["id"].partition(":")[0])
            names = vendor.get("names") or [None]
            key = chat(vendor["id"][5:]) if vendor["id"].startswith("chat:") else node(
                vendor["id"], kind, names[0])
            for c in vendor.get("chats", []):
                if f"chat:{c['id']}" != key:
                    edges[(key, chat(str(c["id"])), "posted-in")] += 1
            for wallet in vendor.get("wallets", []):
                target = node(f"wallet:{wallet['type']}:{wallet['value']}", "wallet",
                              wallet["value"])
                edges[(key, target, "pays-to")] += 1
            for onion in vendor.get("onions", []):
                edges[(key, node(f"onion:{onion}", "onion", onion), "advertises")] += 1
            for contact in vendor.get("contacts", []):
                kind = _NODE_KIND.get(contact["type"], "contact")
                value = contact["value"]
                edges[(key, node(f"{kind}:{value}", kind, value), "contacts-via")] += 1
        for bot in bots:
            key = node(f"bot:{bot['username']}", "bot", bot["username"])
            for c in bot.get("chats", []):
                edges[(chat(str(c["id"])), key, "advertises")] += int(c.get("messages", 1))
        for network in networks:
            key = node(f"network:{network['id']}", "network", network.get("why") or network["id"])
            for c in network.get("chats", []):
                edges[(chat(str(c["id"])), key, "shares-skeleton")] += 1
        for (chat_key, source), n in sources.items():
            target = source if source.startswith("chat:") else node(
                source, "source", source.partition(":")[2])
            edges[(chat_key, target, "forwarded-from")] += n
        used = {key for edge in edges for key in edge[:2]}
        return ([n for key, n in nodes.items() if key in used],
                [{"source": a, "target": b, "relation": r, "weight": w}
                 for (a, b, r), w in sorted(edges.items())])


def _rarity(users: int, kind: str) -> float:
    """How much a value shared by ``users`` posters still says: full for two, falling
    with the crowd, except wallets and keys, which strangers do not share."""
    if kind in WALLETS or kind == "pgp":
        return 1.0
    return 1.0 / (1.0 + math.log2(users / 2))


def _mirrors(sources: dict[tuple[str, str], int]) -> dict[str, set[str]]:
    """Each source with the chats that forward at least ``_MIRROR_POSTS`` of its posts,
    when there are two or more of them (and not too many to be telling)."""
    found: dict[str, set[str]] = defaultdict(set)
    for (chat_key, source), n in sources.items():
        if n >= _MIRROR_POSTS and chat_key != source:
            found[source].add(chat_key)
    return {s: chats for s, chats in found.items() if 2 <= len(chats) <= _CROWD}

