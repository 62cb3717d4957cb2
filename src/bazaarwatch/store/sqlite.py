"""The case file: one SQLite database per investigation.

``Case`` opens (or creates) the file, brings its schema up to date, and writes batches of
messages. Each batch is one transaction, so a process killed at any moment leaves the file
as it was after the last whole batch (WAL mode), and the same ingest run again completes
it: rows are keyed by (chat_id, message_id) and existing ones are skipped or, when the
incoming copy carries a newer edit date, updated in place.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
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


#: Seconds a write waits for another process's lock on the case before giving up; SQLite
#: retries within that time. A module setting so tests can lower it.
LOCK_TIMEOUT = 30.0

# SQLite result codes (``sqlite3.Error.sqlite_errorcode``; the low byte is the primary code).
_SQLITE_BUSY, _SQLITE_READONLY, _SQLITE_CORRUPT, _SQLITE_FULL = 5, 8, 11, 13
_SQLITE_CANTOPEN, _SQLITE_NOTADB = 14, 26
_NO_SHM = {_SQLITE_CANTOPEN, 1544}  # 1544: SQLITE_READONLY_DIRECTORY


def _check_path(path: Path, *, must_exist: bool, write: bool) -> None:
    """Refuse a path SQLite would fail on with an obscure message, or one that is not ours
    to write: a folder or a device (``--db /dev/null``), a missing folder, a parent that is
    a file, a read-only file or folder for a write."""
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "a device, FIFO or socket"
        raise StoreError(f"{path}: this is {what}, not a case file. Give the path of a case "
                         "file, e.g. case.db")
    if must_exist and not path.is_file():
        raise StoreError(f"{path}: no such case file. Create one with "
                         f"'bazaarwatch ingest EXPORT --db {path}'")
    folder = path.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise StoreError(f"{path}: {folder} {problem}. Give a case path in an existing folder")
    if not write:
        return
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the case file is read-only. Commands that write (ingest, "
                         "scan) need it writable: make it so, or copy it; commands that read "
                         "(stats, search, report, ...) work on it as it is")
    if not os.access(folder, os.W_OK):
        raise StoreError(f"{path}: the folder {folder} is read-only, and writing a case needs "
                         f"to create {path.name}-wal next to it. Copy the case to a writable "
                         "folder, or give a case path in one")


def explain(path: Path, error: sqlite3.Error) -> StoreError:
    """One StoreError that says what a SQLite failure on the case at ``path`` means to the
    analyst, and what to do."""
    extended = getattr(error, "sqlite_errorcode", None)  # None when Python raised it
    code = extended & 0xFF if isinstance(extended, int) else None
    if code == _SQLITE_BUSY:
        return StoreError(f"{path}: the case is locked by {_lock_holders(path)} and stayed "
                          f"locked for {LOCK_TIMEOUT:g} s. Let that finish (or stop it) and "
                          "run the command again")
    if code == _SQLITE_FULL:
        return StoreError(f"{path}: the disk is full ({error}). What was written before is "
                          "kept: free some space, or give a case on a disk with room, and run "
                          "the same command again to complete it")
    if code == _SQLITE_READONLY:
        return StoreError(f"{path}: the case is read-only ({error}). Make the file and its "
                          "folder writable, or copy the case, to write to it")
    if code == _SQLITE_NOTADB:
        return StoreError(f"{path}: not a SQLite database ({error}). Give the path of a "
                          "case file")
    if code == _SQLITE_CORRUPT:
        return StoreError(f"{path}: damaged case ({error}). Restore it from a backup, or "
                          "ingest the exports again into a new case file")
    return StoreError(f"{path}: {error}")


def _lock_holders(path: Path) -> str:
    """The other processes that have the case (or its -wal/-shm) open, as "pid 123
    (python3)", found in /proc on Linux; "another process" where that cannot be seen."""
    case = path.resolve()
    names = {str(case), f"{case}-wal", f"{case}-shm"}
    found = []
    for fds in Path("/proc").glob("[0-9]*/fd"):
        pid = int(fds.parent.name)
        if pid == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in names for fd in fds.iterdir()):
                command = (fds.parent / "comm").read_text().strip()
                found.append(f"pid {pid} ({command})")
        except OSError:  # gone meanwhile, or not ours to look at
            continue
    return ", ".join(found) or "another process"


_CREATE = re.compile(r"\bCREATE\s+(?:VIRTUAL\s+)?(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                     r"(\w+)", re.IGNORECASE)
_DROP = re.compile(r"\bDROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?(\w+)", re.IGNORECASE)
_RENAME = re.compile(r"\bALTER\s+TABLE\s+(\w+)\s+RENAME\s+TO\s+(\w+)", re.IGNORECASE)


def _promised(version: int) -> dict[str, tuple[str, int]]:
    """The tables and views a case of schema ``version`` has: name -> (kind, migration),
    read from the migrations themselves so the check cannot fall behind them."""
    names: dict[str, tuple[str, int]] = {}
    for number, _, sql in MIGRATIONS:
        if number > version:
            break
        for kind, name in _CREATE.findall(sql):
            names[name] = (kind.lower(), number)
        for name in _DROP.findall(sql):
            names.pop(name, None)
        for old, new in _RENAME.findall(sql):
            names[new] = names.pop(old, ("table", number))
    return names


@dataclass
class BatchResult:
    added: int = 0
    updated: int = 0
    rewritten: int = 0  # updates that replaced the stored text (kept in message_edits)


class Case:
    """An open case database. Use as a context manager, or call ``close()``."""

    def __init__(self, path: Path | str, *, create: bool = True,
                 read_only: bool = False) -> None:
        """Open the case at ``path``; ``create`` False refuses a missing file.

        ``read_only`` is for commands that only read. A case they cannot write (a
        write-protected file, a read-only mount of a seized disk) is then opened with
        SQLite's ``mode=ro``, and works. A writable one is opened as usual: a read-only
        connection would leave its -wal and -shm files behind, and could not upgrade a
        case from an older bazaarwatch.

        Every problem is refused up front with a StoreError that names the file and the
        fix: a folder or device given as the case, a missing folder, a read-only file or
        folder for writing, a file that is not a case, a damaged case."""
        self.path = Path(path)
        _check_path(self.path, must_exist=read_only or not create, write=not read_only)
        self.read_only = read_only and not (os.access(self.path, os.W_OK)
                                            and os.access(self.path.parent, os.W_OK))
        try:
            self.db = self._connect()
        except sqlite3.Error as e:
            raise explain(self.path, e) from e
        try:
            self._check_is_case()
            if self.read_only:
                self._check_version()
            # SQLite's busy handler retries a locked write until this time has passed.
            self.db.execute(f"PRAGMA busy_timeout = {round(LOCK_TIMEOUT * 1000)}")
            if not self.read_only:
                self.db.execute("PRAGMA page_size = 8192")  # before the first table; measured
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                # Foreign keys are declared (Datasette links rows by them) but not enforced:
                # the writer stores parents first in the same transaction, and the checks
                # cost 10%.
                self.db.execute("PRAGMA foreign_keys = OFF")
                self._migrate()
            self._check_complete()
            self.link_key = indicators.link_key(self.db)
        except sqlite3.Error as e:
            self.db.close()
            raise explain(self.path, e) from e
        except BaseException:
            self.db.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as e:
            # A WAL case needs its -shm file, which a read-only folder cannot take. With no
            # -wal content there is no pending write, and no writer can be at work (it would
            # need the folder too): the file can be read as immutable.
            wal = self.path.with_name(self.path.name + "-wal")
            if e.sqlite_errorcode not in _NO_SHM or (wal.exists() and wal.stat().st_size):
                db.close()
                raise
            db.close()
            db = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None,
                                 check_same_thread=False)
        return db

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
            if e.sqlite_errorcode != _SQLITE_NOTADB:
                raise
            raise StoreError(f"{self.path}: not a SQLite database ({e})") from e
        if tables and "schema_migrations" not in tables:
            raise StoreError(f"{self.path}: this SQLite file is not a bazaarwatch case "
                             f"(it has no schema_migrations table). Give a new file name")

    def _too_new(self, version: int) -> StoreError:
        return StoreError(f"{self.path}: made by a newer bazaarwatch (schema {version}; "
                          f"this one knows up to {LATEST}). Upgrade bazaarwatch")

    def _check_version(self) -> None:
        """A case opened read-only cannot be migrated: it must have the current schema."""
        have = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                               "name = 'schema_migrations'").fetchone()
        version = self.schema_version if have else 0
        if version > LATEST:
            raise self._too_new(version)
        if version < LATEST:
            raise StoreError(f"{self.path}: this case has schema {version} and this bazaarwatch "
                             f"reads schema {LATEST}; upgrading it needs write access, and the "
                             "case is read-only. Copy it to a writable folder and run the "
                             "command on the copy")

    def _check_complete(self) -> None:
        """Refuse a case missing a table or view its schema version promises (someone
        dropped it in Datasette or the sqlite3 shell): every query would fail later with
        "no such table" and no hint of the cause."""
        have = {r[0] for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        for name, (kind, version) in _promised(self.schema_version).items():
            if name not in have:
                raise StoreError(f"{self.path}: damaged case: {kind} {name} is missing "
                                 f"(schema version {version} creates it). Restore the case "
                                 "from a backup, or ingest the exports again into a new "
                                 "case file")

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)")
        have = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        if have and max(have) > LATEST:
            raise self._too_new(max(have))
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

    def finish_source(self, source_id: int, *, status: str, error: str | None = None,
                      warnings: Sequence[str] = ()) -> None:
        """Record how ingest of a source ended, with what it did not take as written."""
        self.db.execute("UPDATE sources SET status = ?, error = ?, finished_at = ?, "
                        "warnings = ? WHERE id = ?",
                        (status, error, now(),
                         _json.encode(list(warnings)).decode() if warnings else None,
                         source_id))

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
        with self.transaction() as db:
            self._write(messages, source_id, result, keep_sensitive, prepare)
            db.execute("UPDATE sources SET messages_added = messages_added + ?, "
                       "messages_updated = messages_updated + ? WHERE id = ?",
                       (result.added, result.updated, source_id))
        return result

    def unwritten(self, messages: Sequence[Message]) -> list[Message]:
        """The messages ``write`` would store now, in its order: those the case does not
        hold, or holds with an older edit (the newest copy of one repeated in the batch).
        One indexed look-up of the batch's keys, so that analysis done before ``write``
        (in a worker) gets what ``write`` would give its ``prepare``."""
        latest = _latest(messages)
        existing = self._existing(list(latest))
        if not existing and len(latest) == len(messages):
            return list(messages)
        return [m for _, m in _selected(latest, existing)]

    @contextlib.contextmanager
    def transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """``BEGIN mode`` ... ``COMMIT`` around the block (the block may end the
        transaction itself, with a ROLLBACK); on any error, a rollback that cannot hide
        the cause, and a SQLite error explained (``explain``)."""
        db = self.db
        try:
            db.execute(f"BEGIN {mode}")
            yield db
            if db.in_transaction:
                db.execute("COMMIT")
        except BaseException as e:
            # SQLite has already rolled back after some errors (a full disk): a second
            # ROLLBACK would fail and hide the cause, and so must a failed one.
            if db.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise explain(self.path, e) from e
            raise

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
            _stale_chats(db, written)
            result.added = inserted
            return
        db.execute("ROLLBACK TO fresh")
        db.execute("RELEASE fresh")
        self._merge(messages, source_id, first, result, keep_sensitive, prepare)

    def _merge(self, messages: Sequence[Message], source_id: int, first: int,
               result: BatchResult, keep_sensitive: bool, prepare: Prepare | None) -> None:
        """Slow path: some messages are already stored; skip them or apply newer edits."""
        db = self.db
        latest = _latest(messages)
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        written: list[tuple[int, Message]] = []
        for known, m in _selected(latest, self._existing(list(latest))):
            if known is None:
                rowid = first + len(inserts)
                inserts.append((rowid, *_columns(m, source_id)))
            else:
                rowid = known[0]
                updates.append((*_columns(m, source_id), rowid))
            written.append((rowid, m))
        # The text an update replaces is kept: a later export may carry a rewritten post.
        rewritten = db.executemany(
            "INSERT INTO message_edits (message_rowid, edited, text, source_id, replaced_by) "
            "SELECT rowid, edited, text, source_id, ? FROM messages "
            "WHERE rowid = ? AND text IS NOT ?",
            [(source_id, u[-1], u[4]) for u in updates]).rowcount
        db.executemany(_UPDATE_MESSAGE, updates)
        db.executemany(_INSERT_MESSAGE, inserts)
        self._index(first)
        if prepare is not None and written:
            prepare([m for _, m in written])
        indicators.store(db, self.link_key, written, replaced=[u[-1] for u in updates],
                         keep_sensitive=keep_sensitive)
        _store_verdicts(db, written)
        _stale_chats(db, written)
        result.added = len(inserts)
        result.updated = len(updates)
        result.rewritten = max(rewritten, 0)

    def _upsert_parents(self, messages: Sequence[Message]) -> None:
        db = self.db
        chats = {m.chat.id: m.chat for m in messages}
        db.executemany("INSERT INTO chats (id, name, type) VALUES (?, ?, ?) "
                       "ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, "
                       "title_verdict = iif(name IS excluded.name, title_verdict, NULL) "
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


def _stale_chats(db: sqlite3.Connection, written: Sequence[tuple[int, Message]]) -> None:
    """Forget the chat verdict of each chat a batch wrote to, and that the market map is
    current, in the batch's transaction: a chat without a verdict is recomputed
    (``store.chat_verdicts.refresh``), a map that is not current by ``store.market``, so
    neither is ever older than the messages, even after a kill."""
    db.executemany("DELETE FROM chat_verdicts WHERE chat_id = ?",
                   [(chat_id,) for chat_id in {m.chat.id for _, m in written}])
    db.execute("DELETE FROM market_state WHERE key = 'analysed'")


_Key = tuple[str, int | str]


def _latest(messages: Sequence[Message]) -> dict[_Key, Message]:
    """One copy per message, in first-seen order: the same message twice in one batch,
    the newest edit wins."""
    latest: dict[_Key, Message] = {}
    for m in messages:
        key = (m.chat.id, m.id)
        seen = latest.get(key)
        if seen is None or _edit(m.edited) >= _edit(seen.edited):
            latest[key] = m
    return latest


def _selected(latest: dict[_Key, Message], existing: dict[tuple[str, Any], tuple[int, int | None]]
              ) -> Iterator[tuple[tuple[int, int | None] | None, Message]]:
    """(the stored copy's rowid and edit, or None) for each message a write stores: new
    ones, and newer edits of stored ones."""
    for key, m in latest.items():
        known = existing.get(key)
        if known is None or (m.edited is not None and m.edited > _edit(known[1])):
            yield known, m


def _edit(edited: int | None) -> int:
    """An edit date for comparing copies of a message: none sorts before any, 0 included."""
    return -1 if edited is None else edited
