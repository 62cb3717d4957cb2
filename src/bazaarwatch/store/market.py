"""The store's side of the market map: the records ``intel`` reads, and where its results live.

``intel`` never writes SQL. It reads a case as one stream of ``Record`` (each message with
its verdict and indicators, in rowid order: one pass over the table, memory flat however
large the case), plus the chats and senders by id, and hands its results back as lists of
JSON-ready dicts that ``save`` stores in ``market_items`` (migration 6) in one transaction.

A map is *current* while the ``analysed`` row of ``market_state`` exists: every write of
messages deletes it in the same transaction (``Case.write``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
import orjson

from bazaarwatch.model import Chat
from bazaarwatch.store.sql import select_in
from bazaarwatch.store.sqlite import Case

# Kinds of item in ``market_items``; ``members`` are kept for the first three.
KINDS = ("bot", "network", "vendor", "link", "trends", "node", "edge")
_ANALYSED = "analysed"
_FORWARD_ID = re.compile(r"^(?:channel|chat|user)\s*(-?\d+)$", re.IGNORECASE)
_BATCH = 2000


class Record(msgspec.Struct, gc=False):
    """One message as the market map reads it.

    ``categories`` are the classifier's (best first, empty: not illicit, or no verdict);
    ``indicators`` are (type, normalized) pairs in text order, masked like every stored
    value (cards, IBANs and phones unless the case was ingested with --keep-sensitive);
    ``buttons`` the inline keyboard as stored (rows of {"type","text","data"}).
    ``text`` is the raw stored text: mask it (``indicators.redaction.mask_sensitive``)
    before it leaves in a result.
    """

    rowid: int
    chat_id: str
    message_id: int | str
    date: int
    kind: str
    text: str
    sender_id: str | None
    forwarded_from: str | None
    via_bot: str | None
    from_bot: bool
    buttons: list[list[dict[str, Any]]]
    categories: list[str]
    offer: bool
    indicators: list[tuple[str, str]]


@dataclass
class Market:
    """What ``intel.analyse`` found: each list is what its command prints with ``--json``.

    ``members`` maps (kind, id) of a bot, network or vendor to the rowids of its messages.
    ``graph`` is the link graph as node and edge dicts (``intel.links``).
    """

    bots: list[dict[str, Any]] = field(default_factory=list)
    networks: list[dict[str, Any]] = field(default_factory=list)
    vendors: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    trends: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"series": [], "spikes": [], "new": []})
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    members: dict[tuple[str, str], list[int]] = field(default_factory=dict)


# ``{text}`` is the whole text, or (for the map) only that of the messages a pass reads:
# offers, illicit ones, and bot messages; building the rest as Python strings is a third of
# the time of a read.
_TEXT = "m.text"
_SALE_TEXT = ("CASE WHEN v.offer OR v.top_category IS NOT NULL OR m.buttons IS NOT NULL "
              "OR m.via_bot IS NOT NULL THEN m.text ELSE '' END")
_RECORDS = """
SELECT m.rowid, m.chat_id, m.message_id, m.date, m.kind, {text}, m.sender_id,
       m.forwarded_from, m.via_bot, m.from_bot, m.buttons,
       v.categories, v.offer
FROM messages m LEFT JOIN verdicts v ON v.message_rowid = m.rowid
WHERE m.rowid > ? AND m.rowid <= ? ORDER BY m.rowid LIMIT ?"""

_INDICATORS = """
SELECT mi.message_rowid, i.type, i.normalized
FROM message_indicators mi JOIN indicators i ON i.id = mi.indicator_id
WHERE mi.message_rowid > ? AND mi.message_rowid <= ?
ORDER BY mi.message_rowid, mi.start"""

_decode_buttons = msgspec.json.Decoder(list[list[dict[str, Any]]])
_decode_list = msgspec.json.Decoder(list[str])


def records(case: Case, *, after: int = 0, until: int | None = None,
            all_text: bool = True) -> Iterator[Record]:
    """Every message of the case after rowid ``after`` (and up to ``until``), in rowid
    order, with its verdict and indicators; read in batches so memory stays flat. Without
    ``all_text``, ``text`` is empty for the messages that are neither offers, nor illicit,
    nor a bot's."""
    db = case.db
    last = after
    end = until if until is not None else 2**63 - 1
    query = _RECORDS.format(text=_TEXT if all_text else _SALE_TEXT)
    while True:
        rows = db.execute(query, (last, end, _BATCH)).fetchall()
        if not rows:
            return
        top = rows[-1][0]
        found: dict[int, list[tuple[str, str]]] = {}
        for rowid, kind, value in db.execute(_INDICATORS, (last, top)):
            found.setdefault(rowid, []).append((kind, value))
        for (rowid, chat_id, message_id, date, kind, text, sender_id, forwarded_from,
             via_bot, from_bot, buttons, categories, offer) in rows:
            yield Record(
                rowid=rowid, chat_id=chat_id, message_id=message_id, date=date, kind=kind,
                text=text, sender_id=sender_id, forwarded_from=forwarded_from,
                via_bot=via_bot, from_bot=bool(from_bot),
                buttons=_decode_buttons.decode(buttons) if buttons else [],
                categories=_decode_list.decode(categories) if categories and
                categories != "[]" else [],
                offer=bool(offer), indicators=found.get(rowid, []))
        last = top


def chats(case: Case) -> dict[str, Chat]:
    """Every chat of the case by id."""
    return {i: Chat(id=i, name=n, type=t)
            for i, n, t in case.db.execute("SELECT id, name, type FROM chats")}


def senders(case: Case) -> dict[str, str | None]:
    """Every sender's display name by id."""
    return dict(case.db.execute("SELECT id, name FROM senders"))


def forward_source(source: str, chats: Mapping[str, Chat],
                   names: Mapping[str, str]) -> str | None:
    """The id of the chat a forward came from, when the case holds that chat, else None.

    tdesktop writes the source's name, or ``channel 1736488447`` when it could not name
    it; ``names`` maps the names only one chat of the case has to that chat's id
    (``unique_names``)."""
    match = _FORWARD_ID.match(source.strip())
    if match:
        ident = match.group(1)
        for candidate in (ident, ident.removeprefix("-100")):
            if candidate in chats:
                return candidate
    return names.get(source)


def unique_names(chats: Mapping[str, Chat]) -> dict[str, str]:
    """Chat name -> id, for the names only one chat of the case has."""
    seen = Counter(c.name for c in chats.values() if c.name)
    return {c.name: c.id for c in chats.values() if c.name and seen[c.name] == 1}


def count(case: Case) -> int:
    """How many messages the case holds (for progress bars)."""
    return int(case.db.execute("SELECT count(*) FROM messages").fetchone()[0])


def is_current(case: Case) -> bool:
    """Whether the stored map describes the case's messages as they are now."""
    return case.db.execute("SELECT 1 FROM market_state WHERE key = ?",
                           (_ANALYSED,)).fetchone() is not None


def save(case: Case, market: Market, about: Mapping[str, Any]) -> bool:
    """Replace the stored map with ``market`` in one transaction and mark it current;
    ``about`` (JSON-ready: when, how long, how many messages) is kept with the mark.

    Returns False, storing nothing, when another process wrote messages since the map was
    read (the map would describe messages that are not the case's any more)."""
    items: list[tuple[str, str, int, str]] = []
    for kind, rows in (("bot", market.bots), ("network", market.networks),
                       ("vendor", market.vendors), ("node", market.nodes),
                       ("edge", market.edges)):
        items.extend((kind, _item_id(kind, row, rank), rank, _dumps(row))
                     for rank, row in enumerate(rows))
    items.extend(("link", str(rank), rank, _dumps(row)) for rank, row in enumerate(market.links))
    # Trends are read whole, and hold a row per week, category and chat: one item.
    items.append(("trends", "all", 0, _dumps(market.trends)))
    members = [(kind, item, _dumps(sorted(rowids)))
               for (kind, item), rowids in market.members.items()]
    with case.transaction() as db:
        if db.execute("SELECT count(*), coalesce(max(rowid), 0) FROM messages").fetchone() \
                != (about.get("messages"), about.get("max_rowid")):
            db.execute("ROLLBACK")
            return False
        db.execute("DELETE FROM market_items")
        db.execute("DELETE FROM market_members")
        db.executemany("INSERT OR REPLACE INTO market_items (kind, id, rank, data) "
                       "VALUES (?, ?, ?, ?)", items)
        db.executemany("INSERT OR REPLACE INTO market_members (kind, id, rowids) "
                       "VALUES (?, ?, ?)", members)
        db.execute("INSERT OR REPLACE INTO market_state (key, value) VALUES (?, ?)",
                   (_ANALYSED, _dumps(dict(about))))
    return True


def load(case: Case) -> Market:
    """The stored map (empty lists when none was computed); members are not loaded, ask
    ``members`` for one item's."""
    found: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    for kind, data in case.db.execute(
            "SELECT kind, data FROM market_items ORDER BY kind, rank"):
        if kind in found:
            found[kind].append(orjson.loads(data))
    trends = found["trends"][0] if found["trends"] else Market().trends
    return Market(bots=found["bot"], networks=found["network"], vendors=found["vendor"],
                  links=found["link"], trends=trends, nodes=found["node"],
                  edges=found["edge"])


def analysed(case: Case) -> dict[str, Any] | None:
    """What ``save`` recorded with the current map, or None when the map is not current."""
    row = case.db.execute("SELECT value FROM market_state WHERE key = ?",
                          (_ANALYSED,)).fetchone()
    return orjson.loads(row[0]) if row else None


def members(case: Case, kind: str, item: str) -> list[int]:
    """The rowids of the messages behind one bot, network or vendor."""
    row = case.db.execute("SELECT rowids FROM market_members WHERE kind = ? AND id = ?",
                          (kind, item)).fetchone()
    return list(orjson.loads(row[0])) if row else []


def watermark(case: Case) -> tuple[int, int]:
    """(messages, highest rowid): what a map computed now describes."""
    n, top = case.db.execute(
        "SELECT count(*), coalesce(max(rowid), 0) FROM messages").fetchone()
    return int(n), int(top)


def state(case: Case, key: str) -> str | None:
    """A bookkeeping value of ``market_state`` (watchlists keep their position here)."""
    row = case.db.execute("SELECT value FROM market_state WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_state(case: Case, key: str, value: str) -> None:
    with case.transaction() as db:
        db.execute("INSERT OR REPLACE INTO market_state (key, value) VALUES (?, ?)",
                   (key, value))


def messages(case: Case, rowids: Sequence[int]) -> list[dict[str, Any]]:
    """Messages by rowid (chat, id, date, sender, raw text), in the order given."""
    if not rowids:
        return []
    found = {r[0]: r for r in select_in(
        case.db, "SELECT rowid, chat_id, message_id, date, sender_id, text FROM messages",
        "rowid", [(r,) for r in rowids])}
    return [{"rowid": r[0], "chat_id": r[1], "message_id": r[2], "date": r[3],
             "sender_id": r[4], "text": r[5]} for rowid in rowids if (r := found.get(rowid))]


def _item_id(kind: str, row: Mapping[str, Any], rank: int) -> str:
    for key in ("id", "username"):
        if key in row:
            return str(row[key])
    return f"{kind}{rank}"


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
