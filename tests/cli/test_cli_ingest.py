"""`bazaarwatch ingest` run twice, and on a re-export carrying an edit (real subprocesses)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from conftest import assert_fts_consistent, bw, tg_message, tg_service, write_chat_export

T0 = 1_700_000_000


def messages(*, edit: bool = False) -> list[dict[str, Any]]:
    raw = [
        tg_service(1, "create_channel", date=T0, title="Card Shop"),
        tg_message(2, "Fresh CVV base, stock 200", date=T0 + 60),
        tg_message(3, [{"type": "bold", "text": "SALE"}, " dumps ", {
            "type": "text_link", "text": "here", "href": "http://shop.example"}],
                   date=T0 + 120),
        tg_message(4, "price list in pm", date=T0 + 180, sender="Bob", sender_id="user1002"),
    ]
    if edit:
        raw[1] = tg_message(2, "Fresh CVV base, restocked 500", date=T0 + 60,
                            edited=T0 + 3600)
    return raw


def snapshot(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        return {
            "messages": con.execute("SELECT count(*) FROM messages").fetchone()[0],
            "rows": con.execute("SELECT rowid, chat_id, message_id, text, edited FROM messages "
                                "ORDER BY rowid").fetchall(),
            "sources": con.execute("SELECT status, messages_added, messages_updated "
                                   "FROM sources ORDER BY id").fetchall(),
            "fts_restock": con.execute("SELECT count(*) FROM messages_fts "
                                       "WHERE messages_fts MATCH 'restocked'").fetchone()[0],
            "fts_stock": con.execute("SELECT count(*) FROM messages_fts "
                                     "WHERE messages_fts MATCH 'stock'").fetchone()[0],
        }
    finally:
        con.close()


def test_ingesting_the_same_export_twice_adds_nothing(tmp_path: Path) -> None:
    export = write_chat_export(tmp_path / "export", messages(), name="Card Shop",
                               type="public_channel")
    db = tmp_path / "case.db"
    first = bw("ingest", export, "--db", db)
    assert first.returncode == 0, first.stderr
    assert "4 messages read, 4 added, 0 updated" in first.stderr
    after_first = snapshot(db)
    assert after_first["messages"] == 4
    assert after_first["sources"] == [("done", 4, 0)]

    second = bw("ingest", export, "--db", db)
    assert second.returncode == 0, second.stderr
    assert "already ingested" in second.stderr
    assert "Traceback" not in second.stderr
    assert snapshot(db) == after_first

    # The result.json itself, rather than its folder, is the same file: also skipped.
    third = bw("ingest", export / "result.json", "--db", db)
    assert third.returncode == 0, third.stderr
    assert "already ingested" in third.stderr
    assert snapshot(db) == after_first


def test_reingesting_an_edited_export_updates_in_place(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    original = write_chat_export(tmp_path / "v1", messages(), name="Card Shop",
                                 type="public_channel")
    assert bw("ingest", original, "--db", db).returncode == 0
    before = snapshot(db)
    assert before["fts_stock"] == 1

    edited = write_chat_export(tmp_path / "v2", messages(edit=True), name="Card Shop",
                               type="public_channel")
    result = bw("ingest", edited, "--db", db)
    assert result.returncode == 0, result.stderr
    assert "4 messages read, 0 added, 1 updated" in result.stderr
    after = snapshot(db)
    assert after["messages"] == before["messages"] == 4
    changed = [(b, a) for b, a in zip(before["rows"], after["rows"], strict=True) if b != a]
    assert len(changed) == 1
    (old, new), = changed
    assert new[0] == old[0]  # same rowid: updated in place
    assert new[2] == 2
    assert new[3] == "Fresh CVV base, restocked 500"
    assert new[4] == T0 + 3600
    assert after["fts_restock"] == 1
    assert after["fts_stock"] == 0
    assert after["sources"] == [("done", 4, 0), ("done", 0, 1)]
    con = sqlite3.connect(db)
    try:
        assert_fts_consistent(con)
    finally:
        con.close()

    # The older export again: recorded already, and would not overwrite the edit anyway.
    again = bw("ingest", original, "--db", db)
    assert again.returncode == 0
    assert snapshot(db)["rows"] == after["rows"]
