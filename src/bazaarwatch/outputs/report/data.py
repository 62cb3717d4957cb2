"""The report's own questions of a case, each bounded so the page stays readable at any size.

``store.queries`` answers per-chat and per-message questions for every output; the report
needs ranked and capped views of the whole case (the best evidence across 300 chats, not
five per chat in id order), so it asks them here. Every text and name is masked (card,
IBAN and phone numbers) before it leaves; the template escapes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import orjson

from bazaarwatch.classify.evidence import says
from bazaarwatch.indicators.redaction import SENSITIVE, mask_sensitive, redact_text
from bazaarwatch.store.sql import select_in
from bazaarwatch.store.sqlite import Case

#: Flagged messages shown (distinct texts), indicators per type, per chat, chats per item.
FLAGGED = 500
PER_TYPE = 25
PER_CHAT = 6
CHATS_NAMED = 5
#: Characters of a message text shown (the text is masked before it is cut), and the
#: length or line count above which the page folds it behind "whole message".
TEXT = 400
LONG, LINES = 280, 5
#: Evidence lines per flagged message: the three strongest keep a row about as tall as its text.
EVIDENCE = 3
#: Earlier texts (replaced by later edits) shown per flagged message.
EDITS = 3

# Wallets, then hidden services, bots and handles: what ties sellers together first.
_TYPE_ORDER = ("btc", "eth", "xmr", "ltc", "trx", "usdt", "ton", "sol", "doge", "bch", "dash",
               "zec", "onion", "onion_v2", "telegram_bot", "telegram", "telegram_invite",
               "session_id", "tox", "xmpp", "wickr", "threema", "pgp", "email", "url",
               "domain", "phone", "card", "iban")
_SPANS = f"""(
    SELECT json_group_array(json_array(mi.start, mi."end", i.type))
    FROM message_indicators mi JOIN indicators i ON i.id = mi.indicator_id
    WHERE mi.message_rowid = m.rowid
      AND i.type IN ({", ".join(f"'{t}'" for t in sorted(SENSITIVE))}))"""


def type_rank(kind: str) -> tuple[int, str]:
    """Sort key of an indicator type: the order an analyst pivots on, unknown types last."""
    return (_TYPE_ORDER.index(kind) if kind in _TYPE_ORDER else len(_TYPE_ORDER), kind)


def _clip(text: str, limit: int = TEXT) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _key(text: str) -> int:
    """What makes two posts "the same text": case and white space aside. A hash, not the
    text: the pass over every flagged message keeps one int per group, and ``split`` /
    ``join`` cost a third of a regex substitution."""
    return hash(" ".join(text.split()).casefold())


def flagged(case: Case, *, limit: int = FLAGGED) -> dict[str, Any]:
    """The ``limit`` best distinct flagged texts across the case, best score first.

    One pass over the flagged messages in score order; a text seen again (a repost, a
    shop posting the same ad in five chats) adds its chat to the first copy, so the list
    names each ad once with "also in N chats". Memory holds ``limit`` groups, whatever
    the case's size. ``total`` counts every flagged message."""
    groups: dict[int, dict[str, Any]] = {}
    total = 0
    for rowid, chat_id, score, text in case.db.execute("""
            SELECT m.rowid, m.chat_id,
                   json_extract(v.scores, '$."' || v.top_category || '"') AS score, m.text
            FROM verdicts v JOIN messages m ON m.rowid = v.message_rowid
            WHERE v.top_category IS NOT NULL
            ORDER BY score DESC, m.date DESC, m.rowid"""):
        total += 1
        key = _key(text)
        group = groups.get(key)
        if group is not None:
            group["chats"].add(chat_id)
            group["copies"] += 1
        elif len(groups) < limit:
            groups[key] = {"rowid": rowid, "score": score, "chats": {chat_id}, "copies": 1}
    rows = _flagged_rows(case, list(groups.values()))
    return {"rows": rows, "total": total}


def _flagged_rows(case: Case, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages behind ``groups`` (first copies) with masked text and evidence."""
    if not groups:
        return []
    found = {r[0]: r for r in select_in(case.db, f"""
        SELECT m.rowid, m.chat_id, m.message_id, m.date, m.text, v.categories, v.offer,
               v.evidence, {_SPANS}, (SELECT json_group_array(text) FROM (
                   SELECT text FROM message_edits e WHERE e.message_rowid = m.rowid
                   ORDER BY e.rowid LIMIT {EDITS}))
        FROM messages m JOIN verdicts v ON v.message_rowid = m.rowid""", "m.rowid",
        [(g["rowid"],) for g in groups])}
    rows = []
    for rank, group in enumerate(groups, start=1):
        (_, chat_id, message_id, date, text, categories, offer, evidence, spans,
         edits) = found[group["rowid"]]
        shown = _clip(redact_text(text, orjson.loads(spans)))
        rows.append({
            "rank": rank, "chat_id": chat_id, "message_id": message_id, "date": date,
            "score": round(float(group["score"] or 0.0), 3),
            "text": shown, "long": len(shown) > LONG or shown.count("\n") >= LINES,
            "categories": orjson.loads(categories), "offer": bool(offer),
            "says": [mask_sensitive(line) for line in says(orjson.loads(evidence), limit=EVIDENCE)],
            "others": sorted(group["chats"] - {chat_id}), "copies": group["copies"],
            # What the message said before later edits, oldest first: an offer whose
            # price or contact was edited keeps the earlier one as evidence.
            "edits": [_clip(mask_sensitive(e)) for e in orjson.loads(edits)]})
    return rows


def indicators(case: Case, *, per_type: int = PER_TYPE) -> list[dict[str, Any]]:
    """Indicators grouped by type (wallets first), in each those seen in two or more chats
    first, then the most posted; ``per_type`` of each with how many there are in all.

    Sensitive values are the stored ``normalized`` ones, which are masked."""
    rows = case.query("""
        WITH per AS (
            SELECT i.id, i.type, i.normalized AS value, i.checked,
                   count(DISTINCT m.chat_id) AS chats,
                   count(DISTINCT mi.message_rowid) AS messages,
                   min(m.date) AS first_seen, max(m.date) AS last_seen
            FROM indicators i JOIN message_indicators mi ON mi.indicator_id = i.id
            JOIN messages m ON m.rowid = mi.message_rowid GROUP BY i.id),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY type ORDER BY chats >= 2 DESC,
                                         chats DESC, messages DESC, value) AS rank,
                   count(*) OVER (PARTITION BY type) AS total,
                   sum(chats >= 2) OVER (PARTITION BY type) AS shared
            FROM per)
        SELECT * FROM ranked WHERE rank <= ? ORDER BY type, rank""", (per_type,))
    where = _chats_of(case, [r["id"] for r in rows])
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        group = groups.setdefault(r["type"], {"type": r["type"], "total": r["total"],
                                              "shared": r["shared"], "rows": []})
        group["rows"].append({"value": mask_sensitive(r["value"]), "checked": bool(r["checked"]),
                              "chats": r["chats"], "messages": r["messages"],
                              "first_seen": r["first_seen"], "last_seen": r["last_seen"],
                              "in": where.get(r["id"], [])})
    for group in groups.values():
        group["more"] = group["total"] - len(group["rows"])
    return [groups[k] for k in sorted(groups, key=type_rank)]


def _chats_of(case: Case, ids: list[int]) -> dict[int, list[str]]:
    """The chats (ids, most posts first, at most ``CHATS_NAMED``) each indicator is in.

    ``select_in`` appends its own WHERE, so the sightings are counted here."""
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if ids:
        for indicator, chat_id in select_in(case.db, """
                SELECT mi.indicator_id, m.chat_id FROM message_indicators mi
                JOIN messages m ON m.rowid = mi.message_rowid""", "mi.indicator_id",
                [(i,) for i in ids]):
            per[indicator][chat_id] += 1
    return {indicator: sorted(chats, key=lambda c: (-chats[c], c))[:CHATS_NAMED]
            for indicator, chats in per.items()}


def chat_indicators(case: Case, *, per_chat: int = PER_CHAT) -> dict[str, list[dict[str, Any]]]:
    """Each chat's most posted indicators (``per_chat`` of them), wallets first on a tie."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chat_id, kind, value, n in case.db.execute("""
            SELECT chat_id, type, normalized, n FROM (
                SELECT m.chat_id, i.type, i.normalized, count(*) AS n,
                       row_number() OVER (PARTITION BY m.chat_id
                                          ORDER BY count(*) DESC, i.type, i.normalized) AS r
                FROM message_indicators mi JOIN messages m ON m.rowid = mi.message_rowid
                JOIN indicators i ON i.id = mi.indicator_id
                GROUP BY m.chat_id, i.id)
            WHERE r <= ? ORDER BY chat_id, r""", (per_chat,)):
        found[chat_id].append({"type": kind, "value": _clip(mask_sensitive(value), 60),
                                "messages": n})
    return dict(found)


def months_by_chat(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """``queries.volume_by_month`` rows as {chat: {month: messages}}."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        found[r["chat_id"]][r["month"]] = r["messages"]
    return dict(found)
