"""Read-side questions the web workbench asks of a case, one page at a time.

``queries`` answers case-wide questions (search, per-chat tables for the report); an
analyst in the workbench asks about one thing: this message and what surrounds it, this
chat, this wallet, this vendor. Each function here reads only what that page shows, with
every list capped, so a page costs the same in a 1,000-message case and a 1-million one.

Everything returned is ready to show: card, IBAN and phone numbers are masked in texts,
names and values (``reveal`` shows what the case holds raw), and JSON columns are
decoded. Nothing here writes: a missing chat verdict is computed in memory, and a market
map that is not current is reported as such, so a read-only case works the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from bazaarwatch.classify import chats as chat_rules
from bazaarwatch.classify.evidence import says
from bazaarwatch.indicators.redaction import SENSITIVE, mask_sensitive, redact_text
from bazaarwatch.store import chat_verdicts, market
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

#: Caps on what one page lists.
NEIGHBOURS = 5  # messages shown before and after a message in its chat
REPLIES = 50
FLAGGED = 20
CHAT_INDICATORS = 100
SIGHTINGS = 200  # messages per page of an indicator pivot
MEMBERS = 50  # messages listed for a vendor or network
CHATS = 2000  # chats listed on the home page and in the search filter
TEXT = 300  # characters of a message quoted in a list
_SENSITIVE_TYPES = ", ".join(f"'{t}'" for t in sorted(SENSITIVE))

_MESSAGE = """
SELECT m.rowid, m.chat_id, c.name AS chat_name, c.type AS chat_type, m.message_id, m.date,
       m.kind, m.text, m.sender_id, s.name AS sender_name, m.edited, m.forwarded_from,
       m.saved_from, m.via_bot, m.reply_to, m.action, m.from_bot, m.media_kind,
       v.categories, v.offer, v.scores, v.evidence
FROM messages m JOIN chats c ON c.id = m.chat_id
LEFT JOIN senders s ON s.id = m.sender_id
LEFT JOIN verdicts v ON v.message_rowid = m.rowid"""

_BRIEF = """
SELECT m.rowid, m.chat_id, m.message_id, m.date, m.kind, m.text, m.sender_id,
       s.name AS sender_name, m.action, m.media_kind, v.categories, v.offer
FROM messages m LEFT JOIN senders s ON s.id = m.sender_id
LEFT JOIN verdicts v ON v.message_rowid = m.rowid"""


def _id_forms(message_id: str | int) -> tuple[int | str, str]:
    """A message id as it may be stored: Telegram's are integers, other tools' strings
    (the column keeps each as given), so a URL's "42" must find either."""
    text = str(message_id)
    try:
        return int(text), text
    except ValueError:
        return text, text


def _spans(case: Case, rowids: list[int]) -> dict[int, list[tuple[int, int, str]]]:
    """The card, IBAN and phone spans of each message, by rowid."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    if not rowids:
        return found
    marks = ",".join("?" * len(rowids))
    for rowid, start, end, kind in case.db.execute(
            f'SELECT mi.message_rowid, mi.start, mi."end", i.type FROM message_indicators mi '
            f"JOIN indicators i ON i.id = mi.indicator_id WHERE mi.message_rowid IN ({marks}) "
            f"AND i.type IN ({_SENSITIVE_TYPES})", rowids):
        found.setdefault(rowid, []).append((start, end, kind))
    return found


def _show(value: str | None, reveal: bool) -> str | None:
    return value if reveal or value is None else mask_sensitive(value)


def _clip(text: str, width: int = TEXT) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _rows(case: Case, sql: str, params: tuple[Any, ...], *, reveal: bool,
          width: int | None = TEXT) -> list[dict[str, Any]]:
    """Message rows with text redacted (unless ``reveal``) and clipped to ``width``,
    names masked, and the verdict's JSON decoded."""
    rows = [dict(r) for r in case.query(sql, params)]
    spans = {} if reveal else _spans(case, [r["rowid"] for r in rows])
    for row in rows:
        text = row["text"] if reveal else redact_text(row["text"], spans.get(row["rowid"], []))
        row["text"] = _clip(text, width) if width else text
        for key in ("sender_name", "chat_name", "forwarded_from", "saved_from", "via_bot"):
            if key in row:
                row[key] = _show(row[key], reveal)
        categories = row.get("categories")
        row["categories"] = orjson.loads(categories) if categories else []
        if row.get("offer") is not None:
            row["offer"] = bool(row["offer"])
    return rows


def find(case: Case, chat_id: str, message_id: str | int) -> int | None:
    """The rowid of a message, or None when the case has no such message."""
    forms = _id_forms(message_id)
    row = case.db.execute("SELECT rowid FROM messages WHERE chat_id = ? AND message_id IN "
                          "(?, ?)", (chat_id, *forms)).fetchone()
    return int(row[0]) if row else None


def message(case: Case, chat_id: str, message_id: str | int, *, reveal: bool = False,
            around: int = NEIGHBOURS) -> dict[str, Any] | None:
    """A message with everything the analyst checks it by: its verdict (categories,
    scores, offer, evidence and the lines it says), indicators, earlier texts, the
    message it replies to, the replies to it (capped), and ``around`` messages before
    and after it in its chat. None when the case has no such message."""
    rowid = find(case, chat_id, message_id)
    if rowid is None:
        return None
    row = _rows(case, _MESSAGE + " WHERE m.rowid = ?", (rowid,), reveal=reveal, width=None)[0]
    evidence = orjson.loads(row.pop("evidence")) if row["evidence"] else []
    row["scores"] = orjson.loads(row["scores"]) if row["scores"] else {}
    row["evidence"] = evidence
    row["says"] = [_show(line, reveal) for line in says(evidence, limit=12)]
    row["from_bot"] = bool(row["from_bot"])
    row["indicators"] = message_indicators(case, rowid, reveal=reveal)
    row["edits"] = [{"edited": e, "text": t if reveal else mask_sensitive(t)}
                    for e, t in case.db.execute("SELECT edited, text FROM message_edits WHERE "
                                                "message_rowid = ? ORDER BY rowid", (rowid,))]
    row["reply_target"] = _reply_target(case, row, reveal)
    row["replies"] = _rows(case, _BRIEF + " WHERE m.chat_id = ? AND m.reply_to = ? "
                           "ORDER BY m.date, m.rowid LIMIT ?",
                           (row["chat_id"], row["message_id"], REPLIES), reveal=reveal)
    row["before"] = list(reversed(_rows(
        case, _BRIEF + " WHERE m.chat_id = ? AND (m.date, m.rowid) < (?, ?) "
        "ORDER BY m.date DESC, m.rowid DESC LIMIT ?",
        (row["chat_id"], row["date"], rowid, around), reveal=reveal)))
    row["after"] = _rows(case, _BRIEF + " WHERE m.chat_id = ? AND (m.date, m.rowid) > (?, ?) "
                         "ORDER BY m.date, m.rowid LIMIT ?",
                         (row["chat_id"], row["date"], rowid, around), reveal=reveal)
    return row


def _reply_target(case: Case, row: dict[str, Any], reveal: bool) -> dict[str, Any] | None:
    if row["reply_to"] is None:
        return None
    found = _rows(case, _BRIEF + " WHERE m.chat_id = ? AND m.message_id = ?",
                  (row["chat_id"], row["reply_to"]), reveal=reveal)
    return found[0] if found else None


def message_indicators(case: Case, rowid: int, *, reveal: bool = False
                       ) -> list[dict[str, Any]]:
    """The indicators seen in one message, in text order: type, the value as written
    there, the normalized value (the pivot key) and its span."""
    value = "coalesce(i.raw, i.normalized)" if reveal else "i.normalized"
    rows = case.query(f"""
        SELECT i.type, mi.value, {value} AS normalized, mi.start, mi."end" AS "end"
        FROM message_indicators mi JOIN indicators i ON i.id = mi.indicator_id
        WHERE mi.message_rowid = ? ORDER BY mi.start""", (rowid,))
    return [{**dict(r), "value": _show(r["value"], reveal),
             "normalized": _show(r["normalized"], reveal)} for r in rows]


def chat_list(case: Case, *, limit: int = CHATS) -> list[dict[str, Any]]:
    """The chats of the case with their size and stored verdict kind (None: not yet
    computed), the biggest first: the home page and the search filter."""
    rows = case.query("""
        SELECT c.id AS chat_id, c.name, c.type, cv.kind, cv.categories AS shares,
               (SELECT count(*) FROM messages m WHERE m.chat_id = c.id) AS messages
        FROM chats c LEFT JOIN chat_verdicts cv ON cv.chat_id = c.id
        ORDER BY messages DESC, c.id LIMIT ?""", (limit,))
    found = []
    for r in rows:
        row = dict(r)
        row["name"] = mask_sensitive(row["name"]) if row["name"] else None
        row["shares"] = orjson.loads(row["shares"]) if row["shares"] else []
        found.append(row)
    return found


def chat(case: Case, chat_id: str, *, reveal: bool = False,
         map_view: MapView | None = None) -> dict[str, Any] | None:
    """One chat's page: its figures, verdict (kind, category shares, confidence: the
    stored one, or computed now and not stored), category counts, indicators (most seen
    first, capped), bots, its vendors and bots from the market map, and its recent
    flagged messages. None when the case has no such chat."""
    head = case.query("SELECT id AS chat_id, name, type FROM chats WHERE id = ?", (chat_id,))
    if not head:
        return None
    row = dict(head[0])
    row["name"] = _show(row["name"], reveal)
    row.update(dict(case.query("""
        SELECT count(*) AS messages, min(date) AS first_date, max(date) AS last_date,
               coalesce(sum(forwarded_from IS NOT NULL), 0) AS forwards,
               count(DISTINCT sender_id) AS senders
        FROM messages WHERE chat_id = ?""", (chat_id,))[0]))
    row["verdict"] = _verdict(case, chat_id)
    row["category_counts"] = dict(case.db.execute("""
        SELECT je.value, count(*) FROM messages m JOIN verdicts v ON v.message_rowid = m.rowid,
               json_each(v.categories) je
        WHERE m.chat_id = ? GROUP BY je.value ORDER BY count(*) DESC""", (chat_id,)).fetchall())
    value = "coalesce(i.raw, i.normalized)" if reveal else "i.normalized"
    row["indicators"] = [{**dict(r), "value": _show(r["value"], reveal)} for r in case.query(f"""
        SELECT i.type, {value} AS value, count(*) AS messages
        FROM messages m JOIN message_indicators mi ON mi.message_rowid = m.rowid
        JOIN indicators i ON i.id = mi.indicator_id
        WHERE m.chat_id = ? GROUP BY i.id ORDER BY messages DESC, i.type, value LIMIT ?""",
                                                                       (chat_id, CHAT_INDICATORS))]
    row["via_bots"] = [_show(b, reveal) for (b,) in case.db.execute(
        "SELECT DISTINCT via_bot FROM messages WHERE chat_id = ? AND via_bot IS NOT NULL "
        "ORDER BY via_bot LIMIT 50", (chat_id,))]
    row["flagged"] = _rows(case, _BRIEF + " WHERE m.chat_id = ? AND v.top_category IS NOT NULL "
                           "ORDER BY m.date DESC, m.rowid DESC LIMIT ?",
                           (chat_id, FLAGGED), reveal=reveal)
    shown = map_view.market if map_view else Market()
    row["vendors"] = [v for v in shown.vendors if _in_chat(v, chat_id)][:50]
    row["bots"] = [b for b in shown.bots if _in_chat(b, chat_id)][:50]
    return row


def _in_chat(item: dict[str, Any], chat_id: str) -> bool:
    return any(c.get("id") == chat_id for c in item.get("chats", []))


def _verdict(case: Case, chat_id: str) -> dict[str, Any]:
    """The chat's verdict as stored, or decided now (in memory) when it is missing."""
    stored = case.db.execute("SELECT kind, categories, confidence, posts, offers FROM "
                             "chat_verdicts WHERE chat_id = ?", (chat_id,)).fetchone()
    if stored:
        kind, categories, confidence, posts, offers = stored
        return {"kind": kind, "shares": orjson.loads(categories), "confidence": confidence,
                "posts": posts, "offers": offers, "stored": True}
    judged = chat_verdicts.judge(case, chat_id)
    return {"kind": judged.kind, "confidence": judged.confidence, "posts": judged.posts,
            "offers": judged.offers, "stored": False,
            "shares": [{"category": c, "share": s} for c, s in judged.categories]}


def chat_kinds() -> tuple[str, ...]:
    """The kinds a chat can be given in triage."""
    return chat_rules.KINDS


def indicator(case: Case, value: str, *, kind: str | None = None, limit: int = 50,
              offset: int = 0, reveal: bool = False) -> dict[str, Any]:
    """The pivot: every message where an indicator with this normalized value appears
    (of type ``kind`` when given), newest first, a page of ``limit`` from ``offset``;
    with each matching indicator's type, how many messages and the chats it is in.

    A sensitive value is looked up by its stored (masked) form, so a masked value from
    any page leads here; with ``reveal`` the raw value a case kept works too."""
    limit = max(1, min(limit, SIGHTINGS))
    where = "(i.normalized = ? OR (? AND i.raw = ?)) AND (? IS NULL OR i.type = ?)"
    params = (value, reveal, value, kind, kind)
    found = [dict(r) for r in case.query(f"""
        SELECT i.id, i.type, i.checked,
               (SELECT count(DISTINCT message_rowid) FROM message_indicators mi
                WHERE mi.indicator_id = i.id) AS messages
        FROM indicators i WHERE {where} ORDER BY i.type LIMIT 20""", params)]
    ids = [r["id"] for r in found]
    marks = ",".join("?" * len(ids)) or "NULL"
    chats = [{"chat_id": r[0], "name": _show(r[1], reveal), "messages": r[2]}
             for r in case.db.execute(f"""
        SELECT m.chat_id, c.name, count(DISTINCT m.rowid) FROM message_indicators mi
        JOIN messages m ON m.rowid = mi.message_rowid JOIN chats c ON c.id = m.chat_id
        WHERE mi.indicator_id IN ({marks}) GROUP BY m.chat_id ORDER BY 3 DESC LIMIT 200""",
                                       ids)]
    sightings = _rows(case, _LISTED + f"""
        WHERE m.rowid IN (SELECT message_rowid FROM message_indicators
                          WHERE indicator_id IN ({marks}))
        ORDER BY m.date DESC, m.rowid DESC LIMIT ? OFFSET ?""",
                      (*ids, limit, offset), reveal=reveal)
    total = sum(r["messages"] for r in found)
    dates = case.db.execute(f"""
        SELECT min(m.date), max(m.date) FROM message_indicators mi
        JOIN messages m ON m.rowid = mi.message_rowid
        WHERE mi.indicator_id IN ({marks})""", ids).fetchone()
    return {"value": _show(value, reveal), "type": kind,
            "indicators": [{"type": r["type"], "checked": bool(r["checked"]),
                            "messages": r["messages"]} for r in found],
            "total": total, "first_seen": dates[0], "last_seen": dates[1], "chats": chats,
            "messages": sightings, "limit": limit, "offset": offset}


#: Messages as the pivot and item pages list them (``_rows`` masks and clips them).
_LISTED = """
    SELECT m.rowid, m.chat_id, c.name AS chat_name, m.message_id, m.date, m.kind, m.text,
           m.sender_id, s.name AS sender_name, m.action, m.media_kind, v.categories, v.offer
    FROM messages m JOIN chats c ON c.id = m.chat_id
    LEFT JOIN senders s ON s.id = m.sender_id
    LEFT JOIN verdicts v ON v.message_rowid = m.rowid"""


@dataclass(frozen=True)
class MapView:
    """The stored market map and whether it describes the case as it is now."""

    market: Market
    current: bool
    analysed: dict[str, Any] | None


def map_view(case: Case) -> MapView:
    """The stored map, as is: the workbench never computes it inside a request (a large
    case takes a minute); a page shows when it is not current, and says how to update it."""
    about = market.analysed(case)
    return MapView(market.load(case), about is not None, about)


def item(view: MapView, kind: str, item_id: str) -> dict[str, Any] | None:
    """A vendor, network or bot of the map by id (a bot by its @username)."""
    rows = {"vendor": view.market.vendors, "network": view.market.networks,
            "bot": view.market.bots}[kind]
    key = "username" if kind == "bot" else "id"
    return next((r for r in rows if str(r.get(key)) == item_id), None)


def members(case: Case, kind: str, item_id: str, *, limit: int = MEMBERS,
            reveal: bool = False) -> tuple[int, list[dict[str, Any]]]:
    """How many messages are behind a bot, network or vendor, and the newest ``limit``
    of them (text redacted and clipped)."""
    rowids = market.members(case, kind, item_id)
    shown = sorted(rowids)[-limit:]
    if not shown:
        return len(rowids), []
    marks = ",".join("?" * len(shown))
    rows = _rows(case, _LISTED + f"""
        WHERE m.rowid IN ({marks}) ORDER BY m.date DESC, m.rowid DESC""",
                 tuple(shown), reveal=reveal)
    return len(rowids), rows
