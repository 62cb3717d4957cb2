"""Read-side questions asked of a case: per-chat statistics, search, report figures.

Each returns plain dicts so the CLI can print them as a table or JSON and the report can
render them, without either knowing SQL.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from bazaarwatch.errors import InputError
from bazaarwatch.indicators.redaction import SENSITIVE, mask
from bazaarwatch.store.sqlite import Case

MARK_START, MARK_END = "\x02", "\x03"


def chat_stats(case: Case) -> list[dict[str, Any]]:
    """Per chat: type, messages, distinct senders, date range, forwards, bot messages."""
    rows = case.query("""
        SELECT c.id AS chat_id, c.name, c.type,
               count(m.rowid) AS messages,
               count(DISTINCT m.sender_id) AS senders,
               min(m.date) AS first_date, max(m.date) AS last_date,
               coalesce(sum(m.forwarded_from IS NOT NULL), 0) AS forwards,
               coalesce(sum(m.from_bot), 0) AS bot_messages,
               coalesce(sum(m.kind = 'service'), 0) AS service_messages
        FROM chats c LEFT JOIN messages m ON m.chat_id = c.id
        GROUP BY c.id ORDER BY messages DESC, c.name""")
    return [dict(r) for r in rows]


def search(case: Case, query: str, *, limit: int = 50,
           reveal: bool = False) -> list[dict[str, Any]]:
    """Messages matching an FTS5 query, best first, with a highlighted snippet.

    The snippet marks matches with U+0002/U+0003 so that callers can style them after
    escaping the text (a plain ``[`` would be ambiguous inside hostile message text).
    Card, IBAN and phone numbers in it are masked unless ``reveal``.
    """
    try:
        rows = case.query(f"""
            SELECT m.chat_id, c.name AS chat_name, m.message_id, m.date,
                   m.sender_id, s.name AS sender_name,
                   highlight(messages_fts, 0, char(2), char(3)) AS marked,
                   (SELECT json_group_array(json_array(mi.start, mi."end", i.type))
                    FROM message_indicators mi JOIN indicators i ON i.id = mi.indicator_id
                    WHERE mi.message_rowid = m.rowid
                      AND i.type IN ({", ".join(f"'{t}'" for t in sorted(SENSITIVE))})
                   ) AS sensitive
            FROM messages_fts
            JOIN messages m ON m.rowid = messages_fts.rowid
            JOIN chats c ON c.id = m.chat_id
            LEFT JOIN senders s ON s.id = m.sender_id
            WHERE messages_fts MATCH ?
            ORDER BY rank LIMIT ?""", (query, limit))
    except sqlite3.OperationalError as e:
        raise InputError("query", f"{query!r} is not a valid search ({e})",
                         hint='Use FTS5 syntax: words, "exact phrase", AND/OR/NOT, '
                              "prefix*") from e
    found = []
    for r in rows:
        row = dict(r)
        marked, spans = row.pop("marked"), orjson.loads(row.pop("sensitive"))
        row["snippet"] = snippet(marked, [] if reveal else spans)
        found.append(row)
    return found


def snippet(marked: str, sensitive: list[list[Any]], *, before: int = 60,
            width: int = 200) -> str:
    """A window of ``marked`` text (matches between U+0002 and U+0003) around the first
    match, with each (start, end, type) span of the original text masked."""
    plain = marked.replace(MARK_START, "").replace(MARK_END, "")
    masked = list(plain)
    for start, end, kind in sensitive:
        masked[start:end] = mask(kind, plain[start:end])
    out = []
    index = 0
    for ch in marked:
        if ch in (MARK_START, MARK_END):
            out.append(ch)
        else:
            out.append(masked[index])
            index += 1
    text = "".join(out)
    if len(text) <= width:
        return text
    first = max(text.find(MARK_START), 0)
    start = max(0, first - before)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    piece = text[start:start + width]
    if piece.count(MARK_START) > piece.count(MARK_END):
        piece += MARK_END
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def sources(case: Case) -> list[dict[str, Any]]:
    return [dict(r) for r in case.query("SELECT * FROM sources ORDER BY id")]


def volume_by_month(case: Case) -> list[dict[str, Any]]:
    """Messages per chat per calendar month (UTC), for the activity chart."""
    rows = case.query("""
        SELECT strftime('%Y-%m', date, 'unixepoch') AS month, chat_id, count(*) AS messages
        FROM messages WHERE kind = 'message' GROUP BY month, chat_id ORDER BY month""")
    return [dict(r) for r in rows]


def top_senders(case: Case, *, limit: int = 20) -> list[dict[str, Any]]:
    rows = case.query("""
        SELECT m.sender_id, s.name, count(*) AS messages, count(DISTINCT m.chat_id) AS chats,
               min(m.date) AS first_date, max(m.date) AS last_date
        FROM messages m LEFT JOIN senders s ON s.id = m.sender_id
        WHERE m.sender_id IS NOT NULL AND m.kind = 'message'
        GROUP BY m.sender_id ORDER BY messages DESC LIMIT ?""", (limit,))
    return [dict(r) for r in rows]


def forwarded_sources(case: Case, *, limit: int = 20) -> list[dict[str, Any]]:
    rows = case.query("""
        SELECT forwarded_from AS source, count(*) AS messages, count(DISTINCT chat_id) AS chats
        FROM messages WHERE forwarded_from IS NOT NULL
        GROUP BY forwarded_from ORDER BY messages DESC LIMIT ?""", (limit,))
    return [dict(r) for r in rows]


def bots(case: Case) -> list[dict[str, Any]]:
    """Bots seen: inline bots named in ``via_bot``, and the bots of bot chats."""
    rows = case.query("""
        SELECT via_bot AS bot, 'inline bot' AS how, count(*) AS messages,
               count(DISTINCT chat_id) AS chats
        FROM messages WHERE via_bot IS NOT NULL GROUP BY via_bot
        UNION ALL
        SELECT coalesce(c.name, c.id), 'bot chat', count(m.rowid), 1
        FROM chats c JOIN messages m ON m.chat_id = c.id AND m.from_bot
        WHERE c.type = 'bot_chat' GROUP BY c.id
        ORDER BY messages DESC""")
    return [dict(r) for r in rows]


def totals(case: Case) -> dict[str, Any]:
    row = case.query("""
        SELECT (SELECT count(*) FROM messages) AS messages,
               (SELECT count(*) FROM chats) AS chats,
               (SELECT count(*) FROM senders) AS senders,
               (SELECT min(date) FROM messages) AS first_date,
               (SELECT max(date) FROM messages) AS last_date""")[0]
    return dict(row)


def indicators(case: Case, *, kind: str | None = None, limit: int | None = None,
               reveal: bool = False) -> list[dict[str, Any]]:
    """Each indicator with first/last seen, how many messages, and the chats it is in.

    Sensitive values show masked unless ``reveal`` and the case kept them raw.
    """
    value = "coalesce(i.raw, i.normalized)" if reveal else "i.normalized"
    rows = case.query(f"""
        SELECT i.type, {value} AS value, i.checked,
               count(DISTINCT mi.message_rowid) AS messages,
               min(m.date) AS first_seen, max(m.date) AS last_seen,
               json_group_array(DISTINCT coalesce(c.name, c.id)) AS chats
        FROM indicators i
        JOIN message_indicators mi ON mi.indicator_id = i.id
        JOIN messages m ON m.rowid = mi.message_rowid
        JOIN chats c ON c.id = m.chat_id
        WHERE ? IS NULL OR i.type = ?
        GROUP BY i.id
        ORDER BY messages DESC, i.type, value
        LIMIT ?""", (kind, kind, -1 if limit is None else limit))
    result = []
    for r in rows:
        row = dict(r)
        row["checked"] = bool(row["checked"])
        row["chats"] = orjson.loads(row["chats"])
        result.append(row)
    return result


def indicator_counts(case: Case) -> list[dict[str, Any]]:
    """How many distinct indicators of each type the case holds."""
    return [dict(r) for r in case.query(
        "SELECT type, count(*) AS count FROM indicators GROUP BY type ORDER BY count DESC")]


def channels(case: Case) -> list[dict[str, Any]]:
    """Per chat: messages, top category, category counts, offer rate, bots, indicators."""
    profiles: dict[str, dict[str, Any]] = {}
    for r in case.query("""
            SELECT c.id AS chat_id, c.name, c.type, count(m.rowid) AS messages,
                   count(v.message_rowid) AS classified, coalesce(sum(v.offer), 0) AS offers,
                   coalesce(sum(v.top_category IS NOT NULL), 0) AS flagged,
                   coalesce(sum(m.from_bot), 0) AS bot_messages
            FROM chats c LEFT JOIN messages m ON m.chat_id = c.id
            LEFT JOIN verdicts v ON v.message_rowid = m.rowid
            GROUP BY c.id"""):
        profile = dict(r)
        profile.update(top_category=None, categories={}, bots=[], indicators={})
        profile["offer_rate"] = (round(profile["offers"] / profile["classified"], 4)
                                 if profile["classified"] else 0.0)
        profiles[profile["chat_id"]] = profile
    for chat_id, category, count in case.db.execute("""
            SELECT m.chat_id, je.value, count(*) FROM verdicts v
            JOIN messages m ON m.rowid = v.message_rowid, json_each(v.categories) je
            GROUP BY m.chat_id, je.value ORDER BY count(*) DESC, je.value"""):
        profiles[chat_id]["categories"][category] = count
        if profiles[chat_id]["top_category"] is None:
            profiles[chat_id]["top_category"] = category
    for chat_id, bot in case.db.execute("""
            SELECT DISTINCT chat_id, via_bot FROM messages WHERE via_bot IS NOT NULL
            UNION SELECT c.id, coalesce(c.name, c.id) FROM chats c WHERE c.type = 'bot_chat'
            ORDER BY 1, 2"""):
        profiles[chat_id]["bots"].append(bot)
    for chat_id, kind, count in case.db.execute("""
            SELECT m.chat_id, i.type, count(DISTINCT i.id) FROM message_indicators mi
            JOIN messages m ON m.rowid = mi.message_rowid
            JOIN indicators i ON i.id = mi.indicator_id
            GROUP BY m.chat_id, i.type ORDER BY 3 DESC"""):
        profiles[chat_id]["indicators"][kind] = count
    return sorted(profiles.values(), key=lambda p: (-p["flagged"], -p["messages"]))


def flagged_messages(case: Case, *, per_chat: int = 5) -> list[dict[str, Any]]:
    """The highest-scoring flagged messages of each chat, for the report."""
    rows = case.query("""
        SELECT * FROM (
            SELECT m.rowid, m.chat_id, c.name AS chat_name, m.message_id, m.date, m.text,
                   v.categories, v.offer, v.evidence, v.scores,
                   row_number() OVER (
                       PARTITION BY m.chat_id
                       ORDER BY json_extract(v.scores, '$."' || v.top_category || '"') DESC
                   ) AS rank
            FROM verdicts v JOIN messages m ON m.rowid = v.message_rowid
            JOIN chats c ON c.id = m.chat_id
            WHERE v.top_category IS NOT NULL)
        WHERE rank <= ? ORDER BY chat_id, rank""", (per_chat,))
    out = []
    for r in rows:
        row = dict(r)
        for key in ("categories", "evidence", "scores"):
            row[key] = orjson.loads(row[key])
        row["text"] = masked_text(case, row.pop("rowid"), row["text"])
        out.append(row)
    return out


def masked_text(case: Case, rowid: int, text: str) -> str:
    """A message's text with its card, IBAN and phone numbers masked."""
    spans = case.db.execute(f"""
        SELECT mi.start, mi."end", i.type FROM message_indicators mi
        JOIN indicators i ON i.id = mi.indicator_id
        WHERE mi.message_rowid = ? AND i.type IN ({", ".join("?" * len(SENSITIVE))})""",
        (rowid, *sorted(SENSITIVE))).fetchall()
    masked = list(text)
    for start, end, kind in spans:
        masked[start:end] = mask(kind, text[start:end])
    return "".join(masked)
