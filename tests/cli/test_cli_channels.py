"""Verdicts stored by `scan`, the per-chat profile of `channels`, and the report's trade
sections."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import bw

from bazaarwatch.classify.taxonomy import IDS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "telegram_export"


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
    assert 'id="trade"' in html and 'id="flagged"' in html
    assert "carding" in html and "(offer)" in html
    assert "4111 1111 1111 1111" not in html  # flagged message text is masked too
    assert "\\x0a" not in html  # line breaks stay line breaks; other controls are shown
