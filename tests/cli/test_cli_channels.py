"""Verdicts stored by `scan`, the per-chat profile of `channels`, and the report's trade
sections."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import bw, tg_message, write_chat_export

from bazaarwatch.classify.chats import KINDS
from bazaarwatch.classify.taxonomy import IDS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "telegram_export"
FIXTURES = ROOT / "tests" / "fixtures" / "readers"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan") / "out"
    result = bw("scan", str(EXAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_scan_stores_a_verdict_for_every_message_with_text(scanned: Path) -> None:
    with sqlite3.connect(scanned / "case.db") as db:
        with_text = db.execute("SELECT count(*) FROM messages WHERE kind = 'message' "
                               "AND text <> ''").fetchone()[0]
        verdicts = db.execute("SELECT count(*) FROM verdicts").fetchone()[0]
        rows = db.execute("SELECT top_category, categories, offer, scores FROM verdicts")
        for top, categories, offer, scores in rows:
            listed = json.loads(categories)
            assert set(json.loads(scores)) == set(IDS)
            assert top == (listed[0] if listed else None)
            assert offer in (0, 1)
    assert verdicts == with_text > 0


def test_channels_profiles_each_chat(scanned: Path) -> None:
    result = bw("channels", "--db", str(scanned / "case.db"), "--format", "json")
    assert result.returncode == 0, result.stderr
    profiles = {p["name"]: p for p in json.loads(result.stdout)}
    shop = profiles["CardHouse ✦ CVV & Gift Cards"]
    assert shop["top_category"] == "carding"
    assert shop["categories"]["carding"] >= 10
    assert shop["offer_rate"] > 0.5
    assert shop["indicators"].get("card", 0) >= 1
    bot = next(p for p in profiles.values() if p["type"] == "bot_chat")
    assert bot["bots"]
    for p in profiles.values():
        assert set(p) >= {"chat_id", "name", "type", "messages", "top_category",
                          "categories", "offer_rate", "bots", "indicators"}
        assert p["flagged"] <= p["messages"]
    news = profiles["Riverside Daily"]
    assert news["flagged"] <= 2, "a benign news channel must stay mostly unflagged"
    table = bw("channels", "--db", str(scanned / "case.db"))
    assert table.returncode == 0 and "carding" in table.stdout


def test_report_shows_trade_per_chat_and_flagged_messages(scanned: Path) -> None:
    html = (scanned / "report.html").read_text(encoding="utf-8")
    assert 'id="chats"' in html and 'id="flagged"' in html
    assert "carding" in html and "(offer)" in html
    assert "4111 1111 1111 1111" not in html  # flagged message text is masked too
    assert "\\x0a" not in html  # line breaks stay line breaks; other controls are shown


def chat_verdicts(db: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return {r[0]: tuple(r[1:]) for r in conn.execute("SELECT * FROM chat_verdicts")}


def channels_json(db: Path, *flags: str) -> list[dict[str, Any]]:
    result = bw("channels", "--db", str(db), *(flags or ("--json",)))
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_scan_stores_a_chat_verdict_for_every_chat(scanned: Path) -> None:
    with sqlite3.connect(scanned / "case.db") as db:
        chats = {r[0] for r in db.execute("SELECT id FROM chats")}
    rows = chat_verdicts(scanned / "case.db")
    assert set(rows) == chats
    for kind, categories, confidence, evidence, posts, offers in rows.values():
        assert kind in KINDS
        assert all(set(c) == {"category", "share"} for c in json.loads(categories))
        assert 0.0 <= confidence <= 1.0
        assert all(isinstance(rowid, int) for rowid in json.loads(evidence))
        assert isinstance(posts, int) and isinstance(offers, int)


def test_channels_json_carries_each_chats_verdict(scanned: Path) -> None:
    rows = channels_json(scanned / "case.db")
    assert rows == channels_json(scanned / "case.db", "--format", "json")
    with sqlite3.connect(scanned / "case.db") as db:
        assert len(rows) == db.execute("SELECT count(*) FROM chats").fetchone()[0]
    for row in rows:
        assert row["kind"] in KINDS
        assert isinstance(row["confidence"], float) and 0.0 <= row["confidence"] <= 1.0
        assert isinstance(row["posts"], int)
        assert isinstance(row["shares"], list)
        for share in row["shares"]:
            assert set(share) == {"category", "share"}
            assert share["category"] in IDS and 0.0 < share["share"] <= 1.0
        assert row["top_category"] == (row["shares"][0]["category"] if row["shares"] else None)
        assert (row["kind"] == "not-illicit") == (row["shares"] == [])
        assert isinstance(row["evidence"], list) and len(row["evidence"]) <= 10
        assert bool(row["evidence"]) == bool(row["shares"])
        for e in row["evidence"]:
            assert set(e) == {"message_id", "date", "text", "categories", "score"}
            assert isinstance(e["message_id"], int) and isinstance(e["date"], int)
            assert isinstance(e["text"], str) and len(e["text"]) <= 202
            assert isinstance(e["categories"], list) and isinstance(e["score"], float)
        for key in ("messages", "classified", "offers", "flagged", "bot_messages"):
            assert isinstance(row[key], int)
        assert isinstance(row["categories"], dict) and isinstance(row["offer_rate"], float)
    illicit = [r for r in rows if r["kind"] != "not-illicit"]
    assert rows[:len(illicit)] == illicit, "illicit chats come first"
    assert [r["confidence"] for r in illicit] == sorted(
        (r["confidence"] for r in illicit), reverse=True)
    profiles = {p["name"]: p for p in rows}
    shop = profiles["CardHouse ✦ CVV & Gift Cards"]
    assert shop["kind"] == "shop" and shop["top_category"] == "carding"
    assert profiles["Riverside Daily"]["kind"] == "not-illicit"


def test_channels_evidence_is_masked(scanned: Path) -> None:
    out = bw("channels", "--db", str(scanned / "case.db"), "--json").stdout
    assert "4111 1111 1111 1111" not in out and "4111111111111111" not in out


def test_channels_table_shows_kind_shares_and_confidence(scanned: Path) -> None:
    table = bw("channels", "--db", str(scanned / "case.db"))
    assert table.returncode == 0, table.stderr
    header = table.stdout.splitlines()[1]
    for column in ("chat", "kind", "categories", "confidence", "messages", "offers"):
        assert column in header
    first = next(line for line in table.stdout.splitlines() if "CardHouse ✦" in line)
    assert "shop" in first and "carding" in first and "%" in first


def test_ingest_of_fixture_exports_judges_each_chat_and_again_changes_nothing(
        tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    inputs = [FIXTURES / "telegram_full_account.json", FIXTURES / "telegram_single_chat.json"]
    first = bw("ingest", *inputs, "--db", db)
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(db) as conn:
        chats = {r[0] for r in conn.execute("SELECT id FROM chats")}
    before = chat_verdicts(db)
    assert set(before) == chats and len(chats) >= 4
    profiles = channels_json(db)
    again = bw("ingest", *inputs, "--db", db)
    assert again.returncode == 0, again.stderr
    assert chat_verdicts(db) == before
    assert channels_json(db) == profiles


def test_ingest_of_new_messages_recomputes_their_chat_only(tmp_path: Path) -> None:
    db = tmp_path / "case.db"
    posts = [tg_message(i, f"the {word} bridge reopens on monday", sender="Daily",
                        sender_id="channel42")
             for i, word in enumerate(["amber", "birch", "cedar"], start=1)]
    first = write_chat_export(tmp_path / "a", posts, name="Daily", type="public_channel",
                              id=42)
    other = write_chat_export(tmp_path / "b", posts, name="Other", type="public_channel",
                              id=43)
    assert bw("ingest", first, other, "--db", db).returncode == 0
    before = chat_verdicts(db)
    assert before["42"][4] == 3
    more = [*posts, tg_message(9, "the maple market opens on sunday", sender="Daily",
                               sender_id="channel42")]
    later = write_chat_export(tmp_path / "c", more, name="Daily", type="public_channel", id=42)
    result = bw("ingest", later, "--db", db)
    assert result.returncode == 0, result.stderr
    after = chat_verdicts(db)
    assert after["42"][4] == 4
    assert after["43"] == before["43"]
