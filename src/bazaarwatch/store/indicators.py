"""Writing the indicators of a batch of messages, inside the batch's transaction.

Sensitive values are masked before they reach the file unless the analyst asked to keep
them (see ``bazaarwatch.indicators.redaction``); equal values link through their keyed
hash either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bazaarwatch.indicators.redaction import SENSITIVE, link_hash, mask
from bazaarwatch.model import Message
from bazaarwatch.store.sql import select_in


def link_key(db: sqlite3.Connection) -> bytes:
    row = db.execute("SELECT value FROM case_settings WHERE key = 'link_key'").fetchone()
    return bytes.fromhex(row[0])


def store(db: sqlite3.Connection, key: bytes, written: Sequence[tuple[int, Message]], *,
          replaced: Sequence[int] = (), keep_sensitive: bool = False) -> None:
    """Record where each indicator of the ``written`` (rowid, message) pairs was seen.

    ``replaced`` lists rowids of updated messages whose earlier sightings are dropped first.
    """
    if replaced:
        db.executemany("DELETE FROM message_indicators WHERE message_rowid = ?",
                       [(r,) for r in replaced])
    rows: dict[tuple[str, str], tuple[Any, ...]] = {}
    sightings: list[tuple[int, tuple[str, str], int, int, str]] = []
    for rowid, message in written:
        for i in message.indicators:
            sensitive = i.type in SENSITIVE
            ident = (i.type, link_hash(key, i.type, i.normalized))
            if ident not in rows:
                rows[ident] = (i.type, mask(i.type, i.normalized) if sensitive else i.normalized,
                               ident[1], i.normalized if sensitive and keep_sensitive else None,
                               i.checked)
            value = mask(i.type, i.value) if sensitive else i.value
            sightings.append((rowid, ident, i.start, i.end, value))
    if not rows:
        return
    ids = _ids(db, list(rows))
    next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM indicators").fetchone()[0]
    new = []
    for ident, row in rows.items():
        if ident not in ids:
            ids[ident] = next_id
            new.append((next_id, *row))
            next_id += 1
    db.executemany("INSERT INTO indicators (id, type, normalized, link_hash, raw, checked) "
                   "VALUES (?, ?, ?, ?, ?, ?)", new)
    if keep_sensitive:  # a later ingest may keep what an earlier one did not
        db.executemany("UPDATE indicators SET raw = ? WHERE id = ? AND raw IS NULL",
                       [(row[3], ids[ident]) for ident, row in rows.items() if row[3]])
    db.executemany('INSERT OR IGNORE INTO message_indicators (message_rowid, indicator_id, '
                   'start, "end", value) VALUES (?, ?, ?, ?, ?)',
                   [(rowid, ids[ident], start, end, value)
                    for rowid, ident, start, end, value in sightings])


def _ids(db: sqlite3.Connection, idents: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {(kind, digest): ident for ident, kind, digest in select_in(
        db, "SELECT id, type, link_hash FROM indicators", "(type, link_hash)", idents)}
