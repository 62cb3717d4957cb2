"""The case file: one SQLite database per investigation.

``Case`` opens (or creates) the file, brings its schema up to date, and writes batches of
messages. Each batch is one transaction, so a process killed at any moment leaves the file
as it was after the last whole batch (WAL mode), and the same ingest run again completes
it: rows are keyed by (chat_id, message_id) and existing ones are skipped or, when the
incoming copy carries a newer edit date, updated in place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from bazaarwatch.errors import StoreError
from bazaarwatch.model import Message
from bazaarwatch.store import indicators
from bazaarwatch.store.schema import LATEST, MIGRATIONS
from bazaarwatch.store.sql import select_in

_json = msgspec.json.Encoder()

_INSERT_MESSAGE = """
INSERT INTO messages (rowid, chat_id, message_id, date, kind, text, sender_id, edited,
    forwarded_from, saved_from, via_bot, reply_to, action, from_bot, media_kind, media,
    buttons, reactions, entities, details, source_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_UPDATE_MESSAGE = """
UPDATE messages SET chat_id = ?, message_id = ?, date = ?, kind = ?, text = ?, sender_id = ?,
    edited = ?, forwarded_from = ?, saved_from = ?, via_bot = ?, reply_to = ?, action = ?,
    from_bot = ?, media_kind = ?, media = ?, buttons = ?, reactions = ?, entities = ?,
    details = ?, source_id = ?
WHERE rowid = ?
"""
#: Analysis run on the messages a batch actually writes (see ``Case.write``).
Prepare = Callable[[Sequence[Message]], None]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class BatchResult:
    added: int = 0
    updated: int = 0


class Case:
    """An open case database. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"{self.path}: no such case file. Create one with "
                             f"'bazaarwatch ingest EXPORT --db {self.path}'")
        if self.path.parent and not self.path.parent.exists():
            raise StoreError(f"{self.path}: the folder {self.path.parent} does not exist")
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._check_is_case()
            self.db.execute("PRAGMA page_size = 8192")  # before the first table; measured
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            # Foreign keys are declared (Datasette links rows by them) but not enforced: the
            # writer stores parents first in the same transaction, and the checks cost 10%.
            self.db.execute("PRAGMA foreign_keys = OFF")
            self.db.execute("PRAGMA busy_timeout = 5000")
            self._migrate()
            self.link_key = indicators.link_key(self.db)
        except BaseException:
            self.db.close()
            raise

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- schema -------------------------------------------------------------------------------

    def _check_is_case(self) -> None:
        """Refuse, before changing anything, a file that is not SQLite or not a case."""
        try:
            tables = {r[0] for r in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a SQLite database ({e})") from e
        if tables and "schema_migrations" not in tables:
            raise StoreError(f"{self.path}: this SQLite file is not a bazaarwatch case "
                             f"(it has no schema_migrations table). Give a new file name")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)")
        have = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        if have and max(have) > LATEST:
            raise StoreError(f"{self.path}: made by a newer bazaarwatch (schema {max(have)}; "
                             f"this one knows up to {LATEST}). Upgrade bazaarwatch")
        for version, name, sql in MIGRATIONS:
            if version in have:
                continue
            # executescript commits first; BEGIN inside keeps the migration atomic.
            self.db.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nINSERT INTO schema_migrations VALUES "
                f"({version}, '{name}', '{now()}');\nCOMMIT;")

    @property
    def schema_version(self) -> int:
        row = self.db.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    # -- sources ------------------------------------------------------------------------------

    def find_source(self, sha256: str) -> tuple[int, str] | None:
        """The latest recorded ingest of a file with this content: (id, status)."""
        row = self.db.execute("SELECT id, status FROM sources WHERE sha256 = ? "
                              "ORDER BY id DESC LIMIT 1", (sha256,)).fetchone()
        return (row[0], row[1]) if row else None

    def start_source(self, *, path: str, sha256: str, size: int, reader: str,
                     reader_version: str, resume: int | None = None) -> int:
        """Record that ingest of a file starts (or resumes, reusing its row)."""
        if resume is not None:
            self.db.execute("UPDATE sources SET status = 'running', error = NULL, path = ?, "
                            "reader = ?, reader_version = ? WHERE id = ?",
                            (path, reader, reader_version, resume))
            return resume
        cursor = self.db.execute(
            "INSERT INTO sources (path, sha256, size, reader, reader_version, started_at, "
            "status) VALUES (?, ?, ?, ?, ?, ?, 'running')",
            (path, sha256, size, reader, reader_version, now()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_source(self, source_id: int, *, status: str, error: str | None = None) -> None:
        self.db.execute("UPDATE sources SET status = ?, error = ?, finished_at = ? "
                        "WHERE id = ?", (status, error, now(), source_id))

    # -- messages -----------------------------------------------------------------------------

    def write(self, messages: Sequence[Message], *, source_id: int,
              keep_sensitive: bool = False, prepare: Prepare | None = None) -> BatchResult:
        """Store one batch, with its indicators, in one transaction; return how many were
        added and updated. ``keep_sensitive`` stores raw card, IBAN and phone values.

        ``prepare`` (extraction, classification) runs on exactly the messages that are
        new or newer than the stored copy, before their indicators and verdicts are
        stored: a resumed or repeated ingest does not analyse the same message twice."""
        result = BatchResult()
        if not messages:
            return result
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            self._write(messages, source_id, result, keep_sensitive, prepare)
            db.execute("UPDATE sources SET messages_added = messages_added + ?, "
                       "messages_updated = messages_updated + ? WHERE id = ?",
                       (result.added, result.updated, source_id))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return result

    def _write(self, messages: Sequence[Message], source_id: int, result: BatchResult,
               keep_sensitive: bool, prepare: Prepare | None) -> None:
        db = self.db
        self._upsert_parents(messages)
        first = db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM messages").fetchone()[0]
        # Fast path for new data: insert everything, and keep it only if every row went in.
        db.execute("SAVEPOINT fresh")
        inserted = db.executemany(_INSERT_MESSAGE.replace("INSERT", "INSERT OR IGNORE", 1), [
            (first + i, *_columns(m, source_id)) for i, m in enumerate(messages)]).rowcount
        if inserted == len(messages):
            db.execute("RELEASE fresh")
            self._index(first)
            if prepare is not None:
                prepare(messages)
            written = list(enumerate(messages, start=first))
            if any(m.indicators for m in messages):
                indicators.store(db, self.link_key, written, keep_sensitive=keep_sensitive)
            _store_verdicts(db, written)
            result.added = inserted
            return
        db.execute("ROLLBACK TO fresh")
        db.execute("RELEASE fresh")
        self._merge(messages, source_id, first, result, keep_sensitive, prepare)

    def _merge(self, messages: Sequence[Message], source_id: int, first: int,
               result: BatchResult, keep_sensitive: bool, prepare: Prepare | None) -> None:
        """Slow path: some messages are already stored; skip them or apply newer edits."""
        db = self.db
        latest: dict[tuple[str, int | str], Message] = {}
        for m in messages:  # the same message twice in one batch: the newest edit wins
            key = (m.chat.id, m.id)
            seen = latest.get(key)
            if seen is None or (m.edited or -1) >= (seen.edited or -1):
                latest[key] = m
        existing = self._existing(list(latest))
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        written: list[tuple[int, Message]] = []
        for key, m in latest.items():
            known = existing.get(key)
            if known is None:
                rowid = first + len(inserts)
                inserts.append((rowid, *_columns(m, source_id)))
            elif m.edited is not None and m.edited > (known[1] or -1):
                rowid = known[0]
                updates.append((*_columns(m, source_id), rowid))
            else:
                continue
            written.append((rowid, m))
        db.executemany(_UPDATE_MESSAGE, updates)
        db.executemany(_INSERT_MESSAGE, inserts)
        self._index(first)
        if prepare is not None and written:
            prepare([m for _, m in written])
        indicators.store(db, self.link_key, written, replaced=[u[-1] for u in updates],
                         keep_sensitive=keep_sensitive)
        _store_verdicts(db, written)
        result.added = len(inserts)
        result.updated = len(updates)

    def _upsert_parents(self, messages: Sequence[Message]) -> None:
        db = self.db
        chats = {m.chat.id: m.chat for m in messages}
        db.executemany("INSERT INTO chats (id, name, type) VALUES (?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type "
                       "WHERE name IS NOT excluded.name OR type IS NOT excluded.type",
                       [(c.id, c.name, c.type) for c in chats.values()])
        senders = {m.sender_id: m.sender_name for m in messages if m.sender_id}
        db.executemany("INSERT INTO senders (id, name) VALUES (?, ?) ON CONFLICT (id) DO "
                       "UPDATE SET name = excluded.name WHERE excluded.name IS NOT NULL "
                       "AND name IS NOT excluded.name", list(senders.items()))

    def _index(self, first: int) -> None:
        """Full-text rows for the new messages (rowid >= first); updates go by trigger."""
        self.db.execute("INSERT INTO messages_fts (rowid, text) SELECT rowid, text "
                        "FROM messages WHERE rowid >= ?", (first,))

    def _existing(self, keys: list[tuple[str, int | str]]) -> dict[tuple[str, Any],
                                                                    tuple[int, int | None]]:
        """(rowid, edited) of the messages among ``keys`` that the case already holds."""
        return {(chat_id, message_id): (rowid, edited)
                for rowid, chat_id, message_id, edited in select_in(
                    self.db, "SELECT rowid, chat_id, message_id, edited FROM messages",
                    "(chat_id, message_id)", keys)}

    # -- reading ------------------------------------------------------------------------------

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        cursor = self.db.execute(sql, tuple(params))
        cursor.row_factory = sqlite3.Row
        return list(cursor.fetchall())


def _columns(m: Message, source_id: int) -> tuple[Any, ...]:
    media = m.media
    return (
        m.chat.id, m.id, m.date, m.kind, m.text, m.sender_id, m.edited, m.forwarded_from,
        m.saved_from, m.via_bot, m.reply_to, m.action, m.from_bot,
        media.kind if media else None,
        _json.encode(media).decode() if media else None,
        _json.encode(m.buttons).decode() if m.buttons else None,
        _json.encode(m.reactions).decode() if m.reactions else None,
        _json.encode(m.entities).decode() if m.entities else None,
        _json.encode(m.details).decode() if m.details else None,
        source_id,
    )


def _store_verdicts(db: sqlite3.Connection, written: Sequence[tuple[int, Message]]) -> None:
    """The classifier's verdict for each written message that has one (replacing any)."""
    db.executemany(
        "INSERT OR REPLACE INTO verdicts (message_rowid, top_category, categories, offer, "
        "scores, evidence) VALUES (?, ?, ?, ?, ?, ?)",
        [(rowid, v.categories[0] if v.categories else None, _json.encode(v.categories).decode(),
          v.offer, _json.encode(v.scores).decode(), _json.encode(v.evidence).decode())
         for rowid, m in written if (v := m.verdict) is not None])
