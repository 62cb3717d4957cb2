"""Read-side questions asked of a case: per-chat statistics, search, report figures.

Each returns plain dicts so the CLI can print them as a table or JSON and the report can
render them, without either knowing SQL.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from bazaarwatch.classify.chats import ChatVerdict
from bazaarwatch.classify.evidence import says
from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.errors import InputError
from bazaarwatch.indicators.redaction import SENSITIVE, link_hash, mask_sensitive, redact_text
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


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides its words (all given must hold): a chat id, a
    category among the message's categories, offer or not, a date range (Unix seconds,
    both ends included), a type of indicator the message holds, an indicator value."""

    chat: str | None = None
    category: str | None = None
    offer: bool | None = None
    since: int | None = None
    until: int | None = None
    indicator_type: str | None = None
    indicator: str | None = None


@dataclass
class SearchResult:
    """``total`` messages match, counted up to ``TOTAL_CAP`` (``FILTER_CAP`` without
    words). ``capped`` says there are more, or that a filtered search counted only among
    the ``SCAN_LIMIT`` most recent matches of its words. ``results`` is the asked page,
    reposts folded. ``order`` is ``rank`` (best first) when at most ``RANK_LIMIT``
    messages match the words, else ``recent`` (the most recently stored first): ranking
    every match of a common word costs about 15 µs a match, a second on a large case."""

    total: int
    capped: bool
    order: str
    results: list[dict[str, Any]]


TOTAL_CAP = 10_000
FILTER_CAP = 1_000
RANK_LIMIT = 2_000
SCAN_LIMIT = 5_000
QUERY_LIMIT = 1_000  # characters of an FTS query: a search, not a document
_FEW_INDICATORS = 1_000  # distinct indicators of a type, below which its sightings drive
_FOLD_WINDOW = 1_000  # rows read at most to fold reposts into one page
_REPOST_CHATS = 10


def _of_type(case: Case, kind: str, *, by_words: bool) -> str:
    """Messages holding an indicator of type ``kind``. Probed per message (the
    sightings' key starts with the message) when words give the candidates or when the
    type is common (btc: sightings in a good part of the case, too many to list first);
    otherwise its sightings are listed first, so a rare type does not probe every
    message of the case."""
    common = case.query("SELECT count(*) FROM (SELECT 1 FROM indicators WHERE type = ? "
                        f"LIMIT {_FEW_INDICATORS + 1})", (kind,))[0][0] > _FEW_INDICATORS
    if by_words or common:
        return ("EXISTS (SELECT 1 FROM message_indicators mi CROSS JOIN indicators i "
                "ON i.id = mi.indicator_id WHERE mi.message_rowid = m.rowid AND i.type = ?)")
    return ("m.rowid IN (SELECT mi.message_rowid FROM indicators i JOIN message_indicators mi"
            " ON mi.indicator_id = i.id WHERE i.type = ?)")


def _where(case: Case, filters: Filters, indicator_ids: list[int] | None, *,
           by_words: bool) -> tuple[list[str], list[Any]]:
    """The filters as SQL over ``m`` (messages) and ``v`` (verdicts). With words, the
    index gives the candidates and an indicator is probed per candidate; without, the
    indicator's few sightings drive (``rowid IN``): probing every message of a million
    takes seconds."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.chat is not None:
        clauses.append("m.chat_id = ?")
        params.append(filters.chat)
    if filters.category is not None:
        # The categories are a JSON list of ids, which hold no quotes: a quoted id is
        # found exactly, ten times faster than json_each.
        clauses.append("instr(v.categories, ?) > 0")
        params.append(orjson.dumps(filters.category).decode())
    if filters.offer is not None:
        clauses.append("v.offer = ?")
        params.append(int(filters.offer))
    if filters.since is not None:
        clauses.append("m.date >= ?")
        params.append(filters.since)
    if filters.until is not None:
        clauses.append("m.date <= ?")
        params.append(filters.until)
    if filters.indicator_type is not None:
        clauses.append(_of_type(case, filters.indicator_type, by_words=by_words))
        params.append(filters.indicator_type)
    if indicator_ids is not None:
        marks = ", ".join("?" * len(indicator_ids)) or "NULL"
        sightings = f"SELECT message_rowid FROM message_indicators WHERE indicator_id IN ({marks})"
        clauses.append(f"m.rowid IN ({sightings})" if not by_words else
                       f"EXISTS ({sightings} AND message_rowid = m.rowid)")
        params.extend(indicator_ids)
    return clauses, params


def indicator_ids(case: Case, value: str) -> list[int]:
    """The indicators a value given by an analyst names: as stored (normalized or raw),
    else as bazaarwatch would read it in a message (``@Shop`` is ``@shop``, a card number
    is found by its keyed hash although the case keeps it masked)."""
    value = value.strip()[:QUERY_LIMIT]
    found = case.query("SELECT id FROM indicators WHERE normalized = ? OR raw = ? "
                       "OR normalized = lower(?)", (value, value, value))
    if found:
        return [r[0] for r in found]
    from bazaarwatch.indicators import default_extractor  # compiles once, only when needed

    ids: list[int] = []
    for i in default_extractor().extract(value):
        row = case.query("SELECT id FROM indicators WHERE type = ? AND link_hash = ?",
                         (i.type, link_hash(case.link_key, i.type, i.normalized)))
        ids.extend(r[0] for r in row)
    return ids


def _fold_key(text: str) -> str:
    """Reposts and copies compare equal: case and spacing do not matter."""
    return " ".join(text.casefold().split())


def search(case: Case, query: str, *, filters: Filters | None = None, limit: int = 50,
           offset: int = 0, reveal: bool = False, fold: bool = True) -> SearchResult:
    """Messages matching an FTS5 query and the filters, with a highlighted snippet, the
    verdict, and (``fold``) the copies of the same text elsewhere folded into the first
    one (``reposts``: how many, ``repost_chats``: where). ``query`` may be empty when a
    filter is given.

    The snippet marks matches with U+0002/U+0003 so that callers can style them after
    escaping the text (a plain ``[`` would be ambiguous inside hostile message text).
    Card, IBAN and phone numbers in it and in the names are masked unless ``reveal``.
    ``edits`` lists the texts that later edits of the message replaced, oldest first.
    """
    filters = filters or Filters()
    query = query.strip()
    if len(query) > QUERY_LIMIT:
        raise InputError("query", f"the search is {len(query):,} characters long",
                         hint=f"Search for at most {QUERY_LIMIT:,} characters")
    if not query and filters == Filters():
        raise InputError("query", "nothing to search for",
                         hint="Give words to search for, or a filter")
    ids = None if filters.indicator is None else indicator_ids(case, filters.indicator)
    clauses, params = _where(case, filters, ids, by_words=bool(query))
    window = (offset + limit) * (3 if fold else 1)
    try:
        while True:  # reposts fold: read more rows until the page is full or none are left
            window = min(window, _FOLD_WINDOW)
            if query:
                total, capped, order, rows = _by_words(case, query, clauses, params, window)
            else:
                total, capped, order, rows = _by_filters(case, clauses, params, window)
            found, distinct = _folded(rows, fold=fold, reveal=reveal, wanted=offset + limit)
            if distinct >= offset + limit or len(rows) < window or window == _FOLD_WINDOW:
                break
            window *= 4
    except sqlite3.OperationalError as e:
        raise InputError("query", f"{query!r} is not a valid search ({e})",
                         hint='Use FTS5 syntax: words, "exact phrase", AND/OR/NOT, '
                              "prefix*") from e
    return SearchResult(total=total, capped=capped, order=order,
                        results=found[offset:offset + limit])


_JOINED = ("JOIN messages m ON m.rowid = f.rowid "
           "LEFT JOIN verdicts v ON v.message_rowid = m.rowid")


def _by_words(case: Case, query: str, clauses: list[str], params: list[Any],
              window: int) -> tuple[int, bool, str, list[dict[str, Any]]]:
    """A search with words: the FTS index is counted alone (fast); filters are checked
    on its most recent ``SCAN_LIMIT`` matches only, so a rare filter on a common word
    cannot make the count read the whole index."""
    hits = case.query(f"SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE "
                      f"messages_fts MATCH ? LIMIT {SCAN_LIMIT + 1})", (query,))[0][0]
    where = " AND ".join(clauses) or "1"
    if clauses:
        total = case.query(f"""
            SELECT count(*) FROM (SELECT 1 FROM (
                SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?
                ORDER BY rowid DESC LIMIT {SCAN_LIMIT}) f {_JOINED}
            WHERE {where} LIMIT {TOTAL_CAP + 1})""", [query, *params])[0][0]
        capped = hits > SCAN_LIMIT or total > TOTAL_CAP
    else:
        total, capped = hits, hits > TOTAL_CAP
    order = "rank" if hits <= RANK_LIMIT else "recent"
    source = ("FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
              "LEFT JOIN verdicts v ON v.message_rowid = m.rowid")
    within, bound = "", []
    if clauses and hits > SCAN_LIMIT:  # the page looks where the count looked
        within = (" AND messages_fts.rowid >= (SELECT min(rowid) FROM (SELECT rowid FROM "
                  f"messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC "
                  f"LIMIT {SCAN_LIMIT}))")
        bound = [query]
    rows = _page(case, query, source, f"messages_fts MATCH ?{within} AND {where}",
                 [query, *bound, *params],
                 "rank" if order == "rank" else "messages_fts.rowid DESC", window)
    return min(total, TOTAL_CAP), capped, order, rows


def _by_filters(case: Case, clauses: list[str], params: list[Any],
                window: int) -> tuple[int, bool, str, list[dict[str, Any]]]:
    """A search by filters alone: the most recently stored messages first, counted up to
    ``FILTER_CAP`` (a filter that a tenth of a large case passes would otherwise have
    the count read a hundred thousand rows)."""
    where = " AND ".join([*clauses, "m.kind = 'message'"])
    source = "FROM messages m LEFT JOIN verdicts v ON v.message_rowid = m.rowid"
    total = case.query(f"SELECT count(*) FROM (SELECT 1 {source} WHERE {where} "
                       f"LIMIT {FILTER_CAP + 1})", params)[0][0]
    rows = _page(case, "", source, where, params, "m.rowid DESC", window)
    return min(total, FILTER_CAP), total > FILTER_CAP, "recent", rows


def _page(case: Case, query: str, source: str, where: str, params: list[Any], order: str,
          window: int) -> list[dict[str, Any]]:
    # Marks for highlight() that no message can hold: it is asked where the matches
    # are, and the text shown is the message's own (see ``_match_spans``).
    start_mark, end_mark = (f"\ue000{secrets.token_hex(16)}{c}" for c in "[]")
    marked = "highlight(messages_fts, 0, ?, ?)" if query else "NULL"
    rows = case.query(f"""
        SELECT m.rowid, m.chat_id, c.name AS chat_name, m.message_id, m.date,
               m.sender_id, s.name AS sender_name, m.text, {marked} AS marked,
               {_SENSITIVE_SPANS} AS sensitive, {_EDITS} AS edits,
               v.evidence AS evidence, v.top_category, v.categories, v.offer
        {source}
        JOIN chats c ON c.id = m.chat_id
        LEFT JOIN senders s ON s.id = m.sender_id
        WHERE {where}
        ORDER BY {order}
        LIMIT ?""", [*([start_mark, end_mark] if query else []), *params, window])
    found = []
    for r in rows:
        row = dict(r)
        text, marked_text = row["text"], row.pop("marked")
        row["matches"] = (_match_spans(text, marked_text, start_mark, end_mark)
                          if marked_text is not None else [])
        found.append(row)
    return found


def _folded(rows: list[dict[str, Any]], *, fold: bool, reveal: bool,
            wanted: int) -> tuple[list[dict[str, Any]], int]:
    """The first ``wanted`` results, one per text when ``fold`` (the first, best or most
    recent, of each text stands for its copies), and how many distinct texts the rows
    hold. Only the wanted results are built: snippets and evidence cost far more than
    grouping."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = _fold_key(row["text"]) if fold and row["text"].strip() else str(row["rowid"])
        groups.setdefault(key, []).append(row)
    found = []
    for first, *copies in list(groups.values())[:wanted]:
        result = _result(first, reveal=reveal)
        result["reposts"] = len(copies)
        chats = {c["chat_id"]: c["chat_name"] for c in copies}
        result["repost_chats"] = [
            {"id": chat_id, "name": name if reveal else _name(name)}
            for chat_id, name in list(chats.items())[:_REPOST_CHATS]]
        found.append(result)
    return found, len(groups)


def _name(name: str | None) -> str | None:
    return None if name is None else mask_sensitive(name)


def _result(row: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    text = row.pop("text")
    sensitive = orjson.loads(row.pop("sensitive"))
    if not reveal:
        text = redact_text(text, sensitive)
        _masked(row, "chat_name", "sender_name")
    row["snippet"] = snippet(text, row.pop("matches"))
    row["edits"] = _edits(row["edits"], reveal=reveal)
    # What the verdict's evidence says, each line once (masked: stored evidence
    # from before it was masked at classification).
    evidence = row.pop("evidence")
    row["says"] = [mask_sensitive(line) for line in
                   says(orjson.loads(evidence) if evidence else [], limit=8)]
    row["categories"] = orjson.loads(row["categories"]) if row["categories"] else []
    row["offer"] = bool(row["offer"])
    return row


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


def indicator_total(case: Case, *, kind: str | None = None) -> int:
    """How many rows ``indicators`` gives without a limit: the indicators (of ``kind``)
    seen in at least one message."""
    return int(case.query("""
        SELECT count(DISTINCT i.id)
        FROM indicators i
        JOIN message_indicators mi ON mi.indicator_id = i.id
        JOIN messages m ON m.rowid = mi.message_rowid
        JOIN chats c ON c.id = m.chat_id
        WHERE ? IS NULL OR i.type = ?""", (kind, kind))[0][0])


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
