"""The case file: creation, refusing files that are not cases, and batch writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import assert_fts_consistent

from bazaarwatch.errors import StoreError
from bazaarwatch.model import Chat, Entity, Message
from bazaarwatch.store.schema import LATEST, MIGRATIONS
from bazaarwatch.store.sqlite import BatchResult, Case

CHAT = Chat(id="1500000001", name="Card Shop", type="public_channel")
OTHER = Chat(id="1500000002", name="Барахолка", type="private_supergroup")
T0 = 1_700_000_000


def msg(id: int, text: str, *, chat: Chat = CHAT, edited: int | None = None,
        entities: list[Entity] | None = None, sender: str = "user1") -> Message:
    return Message(chat=chat, id=id, date=T0 + id, text=text, edited=edited,
                   entities=entities or [], sender_id=sender, sender_name=sender.title())


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        yield opened


@pytest.fixture
def source(case: Case) -> int:
    return case.start_source(path="/exports/result.json", sha256="ab" * 32, size=123,
                             reader="telegram", reader_version="1")


def scalar(case: Case, sql: str, *params: object) -> object:
    value: object = case.db.execute(sql, params).fetchone()[0]
    return value


def count(case: Case) -> int:
    value = scalar(case, "SELECT count(*) FROM messages")
    assert isinstance(value, int)
    return value


def fts(case: Case, query: str) -> list[int]:
    """Rowids the full-text index returns for ``query``."""
    return sorted(r[0] for r in case.db.execute(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?", (query,)))


def fts_consistent(case: Case) -> None:
    assert_fts_consistent(case.db)


def row(case: Case, message_id: int, chat: Chat = CHAT) -> sqlite3.Row:
    rows = case.query("SELECT rowid, * FROM messages WHERE chat_id = ? AND message_id = ?",
                      (chat.id, message_id))
    assert len(rows) == 1
    return rows[0]


# -- opening -----------------------------------------------------------------------------------

def test_new_case_is_wal_with_migrations_and_fts(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Case(path) as case:
        assert case.schema_version == LATEST == len(MIGRATIONS)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = db.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
        assert [v[0] for v in versions] == [m[0] for m in MIGRATIONS]
        assert versions[0][1] and versions[0][2]
        fts_sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'")
        assert "fts5" in fts_sql.fetchone()[0].lower()
        names = {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        assert {"messages", "chats", "senders", "entities", "sources", "indicators",
                "message_indicators"} <= names
    finally:
        db.close()


def test_reopening_a_case_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "case.db"
    Case(path).close()
    with Case(path, create=False) as case:
        assert scalar(case, "SELECT count(*) FROM schema_migrations") == len(MIGRATIONS)
        assert case.schema_version == LATEST


def test_a_case_from_an_older_version_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path, isolation_level=None)
    version, name, sql = MIGRATIONS[0]
    db.executescript(f"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                     f"name TEXT NOT NULL, applied_at TEXT); {sql} "
                     f"INSERT INTO schema_migrations VALUES ({version}, '{name}', 'then');")
    db.execute("INSERT INTO sources (path, sha256, size, reader, reader_version, started_at, "
               "status) VALUES ('x', 'y', 1, 'telegram', '1', 'then', 'done')")
    db.execute("INSERT INTO chats VALUES ('1', 'old chat', 'public_channel')")
    db.execute("INSERT INTO messages (chat_id, message_id, date, kind, text, source_id) "
               "VALUES ('1', 5, 0, 'message', 'kept across the upgrade', 1)")
    db.close()
    with Case(path, create=False) as case:
        assert case.schema_version == LATEST > 1
        assert scalar(case, "SELECT text FROM messages") == "kept across the upgrade"
        assert scalar(case, "SELECT count(*) FROM indicators") == 0
        assert len(case.link_key) == 32


def test_missing_case_without_create_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such case file"):
        Case(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


def _plain_sqlite(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE evidence (id INTEGER PRIMARY KEY, note TEXT)")
    db.execute("INSERT INTO evidence (note) VALUES ('keep me')")
    db.commit()
    db.close()


def test_plain_sqlite_file_is_not_a_case(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    _plain_sqlite(path)
    with pytest.raises(StoreError, match="not a bazaarwatch case"):
        Case(path)
    db = sqlite3.connect(path)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"evidence"}  # nothing was added to it
        assert db.execute("SELECT note FROM evidence").fetchall() == [("keep me",)]
    finally:
        db.close()


def test_refusing_a_plain_sqlite_file_leaves_its_journal_mode_alone(tmp_path: Path) -> None:
    """A mistaken --db pointing at someone else's SQLite file (evidence!) must not change it.

    The case opener switches the file to WAL before checking that it is a case; WAL mode is
    persistent, so the foreign file is modified even though the open is refused.
    """
    path = tmp_path / "other.db"
    _plain_sqlite(path)
    with pytest.raises(StoreError):
        Case(path)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        db.close()


def test_non_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 200
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Case(path)
    assert path.read_bytes() == content


def test_case_from_a_newer_bazaarwatch_says_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    Case(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01')",
               (LATEST + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"[Uu]pgrade") as info:
        Case(path)
    assert f"schema {LATEST + 1}" in str(info.value)


# -- writing -----------------------------------------------------------------------------------

def test_write_adds_new_messages(case: Case, source: int) -> None:
    card = Entity(type="bank_card", offset=5, length=16, text="4111111111111111")
    batch = [msg(1, "card 4111111111111111 fresh", entities=[card]),
             msg(2, "продам аккаунты"), msg(3, "", sender="user2")]
    result = case.write(batch, source_id=source)
    assert result == BatchResult(added=3, updated=0)
    assert count(case) == 3
    assert scalar(case, "SELECT count(*) FROM entities") == 1
    assert scalar(case, "SELECT messages_added FROM sources WHERE id = ?", source) == 3
    assert {r[0] for r in case.db.execute("SELECT id FROM senders")} == {"user1", "user2"}
    assert fts(case, "fresh") == [row(case, 1)["rowid"]]
    assert fts(case, "продам") == [row(case, 2)["rowid"]]
    fts_consistent(case)


def test_writing_the_same_batch_again_adds_nothing(case: Case, source: int) -> None:
    card = Entity(type="bank_card", offset=5, length=16, text="4111111111111111")
    batch = [msg(i, f"lot {i} card 4111111111111111", entities=[card]) for i in range(1, 6)]
    assert case.write(batch, source_id=source) == BatchResult(added=5)
    before = case.query("SELECT rowid, * FROM messages ORDER BY rowid")
    assert case.write(batch, source_id=source) == BatchResult(added=0, updated=0)
    assert [tuple(r) for r in case.query("SELECT rowid, * FROM messages ORDER BY rowid")] == [
        tuple(r) for r in before]
    assert scalar(case, "SELECT count(*) FROM entities") == 5
    assert len(fts(case, "lot")) == 5
    assert scalar(case, "SELECT messages_added FROM sources WHERE id = ?", source) == 5
    fts_consistent(case)


def test_edited_copy_updates_in_place(case: Case, source: int) -> None:
    old_entity = Entity(type="mention", offset=0, length=7, text="@seller")
    new_entity = Entity(type="url", offset=13, length=11, text="shop.onion")
    case.write([msg(1, "@seller selling oldstock cards"), msg(2, "untouched neighbour")],
               source_id=source)
    case.write([msg(1, "@seller selling oldstock cards", entities=[old_entity])],
               source_id=source)  # an unedited copy: ignored, entities stay as first written
    before = row(case, 1)
    edited = msg(1, "fresh dumps: shop.onion", edited=T0 + 500, entities=[new_entity])
    assert case.write([edited], source_id=source) == BatchResult(updated=1, rewritten=1)
    after = row(case, 1)
    assert [tuple(r) for r in case.query(
        "SELECT text, edited FROM message_edits WHERE message_rowid = ?", (after["rowid"],))
            ] == [("@seller selling oldstock cards", None)]
    assert after["rowid"] == before["rowid"]
    assert after["text"] == "fresh dumps: shop.onion"
    assert after["edited"] == T0 + 500
    assert count(case) == 2
    entities = case.query("SELECT type, text FROM entities WHERE message_rowid = ?",
                          (after["rowid"],))
    assert [(e["type"], e["text"]) for e in entities] == [("url", "shop.onion")]
    assert fts(case, "fresh") == [after["rowid"]]
    assert fts(case, "oldstock") == []
    assert fts(case, "selling") == []
    assert fts(case, "neighbour") == [row(case, 2)["rowid"]]
    assert scalar(case, "SELECT messages_updated FROM sources WHERE id = ?", source) == 1
    fts_consistent(case)


@pytest.mark.parametrize(("edited", "label"), [
    (None, "unedited copy"),
    (T0 + 50, "older edit"),
    (T0 + 100, "same edit date"),
])
def test_older_or_unedited_copy_does_not_overwrite(case: Case, source: int, edited: int | None,
                                                    label: str) -> None:
    case.write([msg(1, "second version", edited=T0 + 100)], source_id=source)
    result = case.write([msg(1, f"stale text ({label})", edited=edited)], source_id=source)
    assert result == BatchResult(added=0, updated=0)
    stored = row(case, 1)
    assert stored["text"] == "second version"
    assert stored["edited"] == T0 + 100
    assert fts(case, "stale") == []
    assert len(fts(case, "second")) == 1


def test_duplicate_keys_in_one_batch_are_stored_once(case: Case, source: int) -> None:
    batch = [msg(1, "first copy"), msg(2, "other message"), msg(1, "first copy"),
             msg(1, "first copy", chat=OTHER)]  # same id in another chat is another message
    result = case.write(batch, source_id=source)
    assert result == BatchResult(added=3, updated=0)
    assert count(case) == 3
    dupes = scalar(case, "SELECT count(*) FROM (SELECT 1 FROM messages "
                         "GROUP BY chat_id, message_id HAVING count(*) > 1)")
    assert dupes == 0
    assert len(fts(case, "first")) == 2
    fts_consistent(case)


def test_duplicate_keys_in_one_batch_keep_the_newest_edit(case: Case, source: int) -> None:
    """Inside one batch the same rule as across batches: an older copy never wins.

    Split over two batches, [edited, unedited] keeps the edited text; in one batch the
    store keeps whichever copy came last.
    """
    batch = [msg(1, "edited price 50", edited=T0 + 100), msg(1, "original price 80")]
    case.write(batch, source_id=source)
    assert count(case) == 1
    assert row(case, 1)["text"] == "edited price 50"


def test_batch_mixing_new_existing_and_edited(case: Case, source: int) -> None:
    case.write([msg(1, "alpha one"), msg(2, "alpha two")], source_id=source)
    rowids = {i: row(case, i)["rowid"] for i in (1, 2)}
    batch = [msg(1, "alpha one"), msg(3, "bravo three"), msg(2, "charlie two", edited=T0 + 9),
             msg(4, "bravo four", chat=OTHER)]
    assert case.write(batch, source_id=source) == BatchResult(added=2, updated=1,
                                                              rewritten=1)
    assert count(case) == 4
    assert row(case, 1)["rowid"] == rowids[1]
    assert row(case, 2)["rowid"] == rowids[2]
    assert row(case, 2)["text"] == "charlie two"
    assert fts(case, "bravo") == sorted([row(case, 3)["rowid"], row(case, 4, OTHER)["rowid"]])
    assert fts(case, "alpha") == [rowids[1]]
    assert fts(case, "charlie") == [rowids[2]]
    assert {r[0] for r in case.db.execute("SELECT id FROM chats")} == {CHAT.id, OTHER.id}
    added, updated = case.db.execute(
        "SELECT messages_added, messages_updated FROM sources WHERE id = ?", (source,)).fetchone()
    assert (added, updated) == (4, 1)
    fts_consistent(case)


def test_a_failed_batch_leaves_nothing_behind(case: Case, source: int) -> None:
    case.write([msg(1, "kept")], source_id=source)
    unencodable = msg(3, "orphan", chat=OTHER)
    unencodable.details = {"raw": object()}  # fails after the new chat was written
    with pytest.raises(TypeError):
        case.write([msg(2, "orphan", chat=OTHER), unencodable], source_id=source)
    assert count(case) == 1
    assert {r[0] for r in case.db.execute("SELECT id FROM chats")} == {CHAT.id}
    assert fts(case, "orphan") == []
    assert not case.db.in_transaction
    assert case.write([msg(2, "after the failure")], source_id=source) == BatchResult(added=1)


def test_empty_batch_is_a_no_op(case: Case, source: int) -> None:
    assert case.write([], source_id=source) == BatchResult()
    assert count(case) == 0
