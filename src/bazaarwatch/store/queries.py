"""Read-side questions asked of a case: per-chat statistics, search, report figures.

Each returns plain dicts so the CLI can print them as a table or JSON and the report can
render them, without either knowing SQL.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from bazaarwatch.classify.chats import ChatVerdict
from bazaarwatch.classify.evidence import says
from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.errors import InputError
from bazaarwatch.indicators.redaction import SENSITIVE, mask_sensitive, redact_text
from bazaarwatch.store import chat_verdicts, market
from bazaarwatch.store.sql import select_in
from bazaarwatch.store.sqlite import Case

MARK_START, MARK_END = "\x02", "\x03"
# Control characters but tab and newline, as their Unicode control pictures (U+2400..):
# the text of a snippet then holds no U+0002/U+0003 of its own to be taken for a mark.
_CONTROL_PICTURES = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)} | {0x7F: 0x2421}
# The spans of a message's card, IBAN and phone indicators as JSON [[start, end, type]].
_SENSITIVE_SPANS = f"""(
    SELECT json_group_array(json_array(mi.start, mi."end", i.type))
    FROM message_indicators mi JOIN indicators i ON i.id = mi.indicator_id
    WHERE mi.message_rowid = m.rowid
      AND i.type IN ({", ".join(f"'{t}'" for t in sorted(SENSITIVE))}))"""

# The earlier texts of a message that later edits replaced, oldest first, as JSON
# [{"edited", "text"}] (see ``Case._merge``).
_EDITS = """(
    SELECT json_group_array(json_object('edited', edited, 'text', text)) FROM (
        SELECT edited, text FROM message_edits WHERE message_rowid = m.rowid
        ORDER BY rowid))"""


def _edits(raw: str, *, reveal: bool) -> list[dict[str, Any]]:
    """The ``_EDITS`` column as records, numbers masked unless ``reveal``."""
    edits: list[dict[str, Any]] = orjson.loads(raw)
    return edits if reveal else [_masked(e, "text") for e in edits]


def _masked(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    """``row`` with the card, IBAN and phone numbers in its ``keys`` (names) masked."""
    for key in keys:
        if isinstance(row[key], str):
            row[key] = mask_sensitive(row[key])
    return row


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
    return [_masked(dict(r), "name") for r in rows]


def search(case: Case, query: str, *, limit: int = 50,
           reveal: bool = False) -> list[dict[str, Any]]:
    """Messages matching an FTS5 query, best first, with a highlighted snippet.

    The snippet marks matches with U+0002/U+0003 so that callers can style them after
    escaping the text (a plain ``[`` would be ambiguous inside hostile message text).
    Card, IBAN and phone numbers in it and in the names are masked unless ``reveal``.
    ``edits`` lists the texts that later edits of the message replaced, oldest first.
    """
    # Marks for highlight() that no message can hold: it is asked where the matches
    # are, and the text shown is the message's own (see ``_match_spans``).
    start_mark, end_mark = (f"\ue000{secrets.token_hex(16)}{c}" for c in "[]")
    try:
        rows = case.query(f"""
            SELECT m.chat_id, c.name AS chat_name, m.message_id, m.date,
                   m.sender_id, s.name AS sender_name, m.text,
                   highlight(messages_fts, 0, ?, ?) AS marked,
                   {_SENSITIVE_SPANS} AS sensitive, {_EDITS} AS edits,
                   v.evidence AS evidence
            FROM messages_fts
            JOIN messages m ON m.rowid = messages_fts.rowid
            JOIN chats c ON c.id = m.chat_id
            LEFT JOIN senders s ON s.id = m.sender_id
            LEFT JOIN verdicts v ON v.message_rowid = m.rowid
            WHERE messages_fts MATCH ?
            ORDER BY rank LIMIT ?""", (start_mark, end_mark, query, limit))
    except sqlite3.OperationalError as e:
        raise InputError("query", f"{query!r} is not a valid search ({e})",
                         hint='Use FTS5 syntax: words, "exact phrase", AND/OR/NOT, '
                              "prefix*") from e
    found = []
    for r in rows:
        row = dict(r)
        text, marked = row.pop("text"), row.pop("marked")
        sensitive = orjson.loads(row.pop("sensitive"))
        matches = _match_spans(text, marked, start_mark, end_mark)
        if not reveal:
            text = redact_text(text, sensitive)
            _masked(row, "chat_name", "sender_name")
        row["snippet"] = snippet(text, matches)
        row["edits"] = _edits(row["edits"], reveal=reveal)
        # What the verdict's evidence says, each line once (masked: stored evidence
        # from before it was masked at classification).
        evidence = row.pop("evidence")
        row["says"] = [mask_sensitive(line) for line in
                       says(orjson.loads(evidence) if evidence else [], limit=8)]
        found.append(row)
    return found


def _match_spans(text: str, marked: str, start_mark: str,
                 end_mark: str) -> list[tuple[int, int]]:
    """Where ``highlight()`` marked matches in ``text``, as spans of ``text``.

    highlight() copies the text between matches only up to a NUL character in it, so
    ``marked`` without its marks need not be ``text``: each piece is found in ``text``
    in turn (exactly where it must be when no NUL cut the piece before it). Should
    anything not line up, no match is marked rather than a wrong one."""
    spans: list[tuple[int, int]] = []
    at = 0
    for i, piece in enumerate(marked.split(start_mark)):
        matched, mark, between = piece.partition(end_mark) if i else ("", "", piece)
        if i and not mark:
            return []
        if matched:
            found = text.find(matched, at)
            if found < 0 or (found != at and text[at] != "\x00"):
                return []
            spans.append((found, found + len(matched)))
            at = found + len(matched)
        if not text.startswith(between, at):
            return []
        at += len(between)
    return spans


def snippet(text: str, matches: Sequence[tuple[int, int]], *, before: int = 60,
            width: int = 200) -> str:
    """A window of ``text`` (as it is to be shown: masked unless revealed) of ``width``
    characters around the first of ``matches`` (spans of ``text``), with each match
    between U+0002 and U+0003, and control characters shown as control pictures."""
    text = text.translate(_CONTROL_PICTURES)
    start, end = 0, len(text)
    if end > width:
        start = max(0, (matches[0][0] if matches else 0) - before)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = min(end, start + width)
    pieces = ["…" if start else ""]
    at = start
    for match_start, match_end in matches:
        match_start, match_end = max(match_start, at), min(match_end, end)
        if match_start < match_end:
            pieces += [text[at:match_start], MARK_START, text[match_start:match_end],
                       MARK_END]
            at = match_end
    pieces += [text[at:end], "…" if end < len(text) else ""]
    return "".join(pieces)


def sources(case: Case) -> list[dict[str, Any]]:
    """Every ingested file with its status, error and ``warnings`` (a list: the messages
    refused and the values changed to fit the limits)."""
    rows = [dict(r) for r in case.query("SELECT * FROM sources ORDER BY id")]
    for row in rows:
        row["warnings"] = orjson.loads(row["warnings"]) if row["warnings"] else []
    return rows


def volume_by_month(case: Case) -> list[dict[str, Any]]:
    """Messages per chat per calendar month (UTC), for the activity chart.

    A date outside 1970..9999 has no month (SQLite's strftime gives NULL): it is its own
    bucket, labelled "@seconds" as ``dates.show_date`` shows it, sorted after the months."""
    rows = case.query("""
        SELECT CASE WHEN date BETWEEN ? AND ? THEN strftime('%Y-%m', date, 'unixepoch')
                    ELSE '@' || date END AS month,
               chat_id, count(*) AS messages
        FROM messages WHERE kind = 'message' GROUP BY month, chat_id ORDER BY month""",
                      (FIRST, LAST))
    return [dict(r) for r in rows]


def top_senders(case: Case, *, limit: int = 20) -> list[dict[str, Any]]:
    rows = case.query("""
        SELECT m.sender_id, s.name, count(*) AS messages, count(DISTINCT m.chat_id) AS chats,
               min(m.date) AS first_date, max(m.date) AS last_date
        FROM messages m LEFT JOIN senders s ON s.id = m.sender_id
        WHERE m.sender_id IS NOT NULL AND m.kind = 'message'
        GROUP BY m.sender_id ORDER BY messages DESC LIMIT ?""", (limit,))
    return [_masked(dict(r), "name") for r in rows]


def forwarded_sources(case: Case, *, limit: int = 20) -> list[dict[str, Any]]:
    """The most forwarded sources; ``chat_id`` and ``name`` say which chat of the case a
    source is, when the case holds it (tdesktop may write ``channel 1736488447``)."""
    rows = case.query("""
        SELECT forwarded_from AS source, count(*) AS messages, count(DISTINCT chat_id) AS chats
        FROM messages WHERE forwarded_from IS NOT NULL
        GROUP BY forwarded_from ORDER BY messages DESC LIMIT ?""", (limit,))
    chats = market.chats(case)
    names = market.unique_names(chats)
    found = []
    for r in rows:
        row = dict(r)
        row["chat_id"] = market.forward_source(row["source"], chats, names)
        row["name"] = chats[row["chat_id"]].name if row["chat_id"] else row["source"]
        found.append(_masked(row, "source", "name"))
    return found


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

    Card, IBAN and phone values show masked unless ``reveal`` (and the case kept them
    raw); such numbers inside other values (a phone number in a URL) and in chat names
    show masked unless ``reveal``.
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
        if not reveal:
            row["value"] = mask_sensitive(row["value"])
            row["chats"] = [mask_sensitive(c) for c in row["chats"]]
        result.append(row)
    return result


def indicator_counts(case: Case) -> list[dict[str, Any]]:
    """How many distinct indicators of each type the case holds."""
    return [dict(r) for r in case.query(
        "SELECT type, count(*) AS count FROM indicators GROUP BY type ORDER BY count DESC")]


def channels(case: Case) -> list[dict[str, Any]]:
    """Per chat: its verdict (``kind``, ``shares`` of its categories best first,
    ``confidence``, ``evidence``: the best messages), and its figures: messages,
    classified, offers, flagged, category counts, offer rate, bots, indicators. Names and
    evidence texts have their card, IBAN and phone numbers masked.

    ``top_category`` is the verdict's first category (None for a chat that is not
    illicit). Illicit chats come first, surest first; then the others, the nearest to
    illicit first. Verdicts missing from the case are computed (see
    ``chat_verdicts.verdicts``)."""
    judged = chat_verdicts.verdicts(case)
    profiles: dict[str, dict[str, Any]] = {}
    for r in case.query("""
            SELECT c.id AS chat_id, c.name, c.type, count(m.rowid) AS messages,
                   count(v.message_rowid) AS classified, coalesce(sum(v.offer), 0) AS offers,
                   coalesce(sum(v.top_category IS NOT NULL), 0) AS flagged,
                   coalesce(sum(m.from_bot), 0) AS bot_messages
            FROM chats c LEFT JOIN messages m ON m.chat_id = c.id
            LEFT JOIN verdicts v ON v.message_rowid = m.rowid
            GROUP BY c.id"""):
        profile = _masked(dict(r), "name")
        verdict = judged.get(profile["chat_id"])
        profile.update(
            kind=verdict.kind if verdict else "unknown",
            top_category=verdict.categories[0][0] if verdict and verdict.categories else None,
            shares=[{"category": c, "share": share}
                    for c, share in (verdict.categories if verdict else [])],
            confidence=verdict.confidence if verdict else None,
            posts=verdict.posts if verdict else None,
            evidence=[], categories={}, bots=[], indicators={})
        profile["offer_rate"] = (round(profile["offers"] / profile["classified"], 4)
                                 if profile["classified"] else 0.0)
        profiles[profile["chat_id"]] = profile
    for chat_id, category, count in case.db.execute("""
            SELECT m.chat_id, je.value, count(*) FROM verdicts v
            JOIN messages m ON m.rowid = v.message_rowid, json_each(v.categories) je
            GROUP BY m.chat_id, je.value ORDER BY count(*) DESC, je.value"""):
        profiles[chat_id]["categories"][category] = count
    for chat_id, bot in case.db.execute("""
            SELECT DISTINCT chat_id, via_bot FROM messages WHERE via_bot IS NOT NULL
            UNION SELECT c.id, coalesce(c.name, c.id) FROM chats c WHERE c.type = 'bot_chat'
            ORDER BY 1, 2"""):
        profiles[chat_id]["bots"].append(mask_sensitive(bot))
    for chat_id, kind, count in case.db.execute("""
            SELECT m.chat_id, i.type, count(DISTINCT i.id) FROM message_indicators mi
            JOIN messages m ON m.rowid = mi.message_rowid
            JOIN indicators i ON i.id = mi.indicator_id
            GROUP BY m.chat_id, i.type ORDER BY 3 DESC"""):
        profiles[chat_id]["indicators"][kind] = count
    _add_evidence(case, profiles, judged)
    return sorted(profiles.values(), key=_illicit_first)


def _illicit_first(profile: dict[str, Any]) -> tuple[Any, ...]:
    confidence = profile["confidence"] or 0.0
    illicit = profile["kind"] not in ("not-illicit", "unknown")
    return (not illicit, -confidence if illicit else confidence, -profile["flagged"],
            -profile["messages"], profile["chat_id"])


def _add_evidence(case: Case, profiles: dict[str, dict[str, Any]],
                  judged: dict[str, ChatVerdict]) -> None:
    """Each chat's ``evidence``: its verdict's messages, best first, as {message_id, date,
    text (masked, at most ~200 characters), categories, score (for the chat's first
    category)}."""
    wanted = [(rowid,) for chat_id, verdict in judged.items() if chat_id in profiles
              for rowid in verdict.evidence]
    if not wanted:
        return
    found = {}
    for rowid, message_id, date, text, categories, scores, sensitive in select_in(
            case.db, f"""SELECT m.rowid, m.message_id, m.date, m.text, v.categories, v.scores,
                               {_SENSITIVE_SPANS}
                        FROM messages m JOIN verdicts v ON v.message_rowid = m.rowid""",
            "m.rowid", wanted):
        found[rowid] = (message_id, date, redact_text(text, orjson.loads(sensitive)),
                        orjson.loads(categories), orjson.loads(scores))
    for chat_id, profile in profiles.items():
        verdict = judged.get(chat_id)
        if verdict is None or not verdict.categories:
            continue
        first = verdict.categories[0][0]
        for rowid in verdict.evidence:
            if rowid not in found:  # a message deleted from the case by hand
                continue
            message_id, date, text, categories, scores = found[rowid]
            profile["evidence"].append({
                "message_id": message_id, "date": date, "text": snippet(text, ()),
                "categories": categories, "score": round(float(scores.get(first, 0.0)), 4)})


def flagged_messages(case: Case, *, per_chat: int = 5) -> list[dict[str, Any]]:
    """The highest-scoring flagged messages of each chat, for the report (card, IBAN
    and phone numbers masked in the text, the evidence and the chat name)."""
    rows = case.query(f"""
        SELECT * FROM (
            SELECT m.chat_id, c.name AS chat_name, m.message_id, m.date, m.text,
                   v.categories, v.offer, v.evidence, v.scores,
                   {_SENSITIVE_SPANS} AS sensitive, {_EDITS} AS edits,
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
        row = _masked(dict(r), "chat_name")
        for key in ("categories", "evidence", "scores"):
            row[key] = orjson.loads(row[key])
        row["text"] = redact_text(row["text"], orjson.loads(row.pop("sensitive")))
        row["edits"] = _edits(row["edits"], reveal=False)
        for entry in row["evidence"]:  # verdicts stored before evidence was masked
            _masked(entry, *(k for k in ("text", "feature") if k in entry))
        out.append(row)
    return out


def all_messages(case: Case) -> Iterator[dict[str, Any]]:
    """Every message with its chat, sender and verdict, in rowid order, streamed (for the
    tabular exports). Text and names come raw: the caller masks them."""
    cursor = case.db.execute("""
        SELECT m.rowid, m.chat_id, c.name, m.message_id, m.date, m.kind, m.sender_id, s.name,
               m.text, m.forwarded_from, m.via_bot, v.top_category, v.categories, v.offer
        FROM messages m JOIN chats c ON c.id = m.chat_id
        LEFT JOIN senders s ON s.id = m.sender_id
        LEFT JOIN verdicts v ON v.message_rowid = m.rowid
        ORDER BY m.rowid""")
    for (rowid, chat_id, chat, message_id, date, kind, sender_id, sender, text, forwarded,
         via_bot, top, categories, offer) in cursor:
        yield {"rowid": rowid, "chat_id": chat_id, "chat": chat, "message_id": message_id,
               "date": date, "kind": kind, "sender_id": sender_id, "sender": sender,
               "text": text, "forwarded_from": forwarded, "via_bot": via_bot,
               "top_category": top,
               "categories": orjson.loads(categories) if categories else [],
               "offer": None if offer is None else bool(offer)}
