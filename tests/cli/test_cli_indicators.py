"""`extract` (the JSONL contract), `indicators`, and indicators stored during ingest."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import bw

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "telegram_export"
CARD = "4111 1111 1111 1111"
BTC = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"  # BIP-173's own example address


def test_extract_obeys_the_jsonl_contract() -> None:
    paid = f"pay {BTC} or card {CARD}"
    lines: list[dict[str, object]] = [{"id": 1, "text": paid},
             {"id": "b", "text": "nothing to see, just chatting"},
             {"id": 3, "text": "Пишите @night_market_shop_bot"}]
    result = bw("extract", stdin="\n".join(json.dumps(x) for x in lines) + "\n\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b", 3]
    first = {i["type"]: i for i in out[0]["indicators"]}
    assert set(first) == {"btc", "card"}
    assert first["btc"]["normalized"] == BTC
    assert paid[first["btc"]["start"]:first["btc"]["end"]] == BTC
    assert set(first["btc"]) == {"type", "value", "normalized", "start", "end", "checked"}
    assert first["card"]["value"] == "4111 11** **** 1111"  # masked by default
    assert first["card"]["normalized"] == "411111******1111"
    assert out[1]["indicators"] == []
    assert [i["type"] for i in out[2]["indicators"]] == ["telegram_bot"]


def test_extract_reveal_and_file_argument(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 7, "text": f"card {CARD}"}) + "\n", encoding="utf-8")
    result = bw("extract", str(source), "--reveal")
    assert result.returncode == 0, result.stderr
    [card] = json.loads(result.stdout)["indicators"]
    assert card["value"] == CARD and card["normalized"] == "4111111111111111"


def test_extract_bad_line_names_the_line() -> None:
    result = bw("extract", stdin='{"id": 1, "text": "ok"}\n{"id": 2, "text": 5}\n')
    assert result.returncode == 1
    assert "line 2" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 1  # the good line before it was written


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("case") / "case.db"
    result = bw("ingest", str(EXAMPLE), "--db", str(db))
    assert result.returncode == 0, result.stderr
    return db


def test_ingest_stores_indicators_with_cards_masked(case: Path) -> None:
    with sqlite3.connect(case) as db:
        kinds = dict(db.execute("SELECT type, count(*) FROM indicators GROUP BY type"))
        raw = db.execute("SELECT count(*) FROM indicators WHERE raw IS NOT NULL").fetchone()[0]
        stored = [v for (v,) in db.execute(
            "SELECT normalized FROM indicators WHERE type = 'card' UNION ALL "
            "SELECT value FROM message_indicators mi JOIN indicators i ON i.id = "
            "mi.indicator_id WHERE i.type = 'card'")]
    assert kinds.get("btc", 0) >= 8 and kinds.get("onion", 0) >= 3 and kinds.get("card")
    assert raw == 0
    assert stored and all("*" in v for v in stored)
    assert all(sum(ch.isdigit() for ch in v) == 10 for v in stored)


def test_indicators_command_lists_first_last_seen_and_chats(case: Path) -> None:
    result = bw("indicators", "--db", str(case), "--type", "btc", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {r["type"] for r in rows} == {"btc"}
    assert all(r["messages"] >= 1 and r["first_seen"] <= r["last_seen"] and r["chats"]
               for r in rows)
    table = bw("indicators", "--db", str(case))
    assert table.returncode == 0 and "onion" in table.stdout
    wrong = bw("indicators", "--db", str(case), "--type", "nosuch")
    assert wrong.returncode == 2 and "not an indicator type" in wrong.stderr


def test_keep_sensitive_stores_raw_and_reveal_shows_it(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    assert bw("ingest", str(EXAMPLE), "--db", str(db), "--keep-sensitive").returncode == 0
    masked = json.loads(bw("indicators", "--db", str(db), "--type", "card",
                            "--json").stdout)
    shown = json.loads(bw("indicators", "--db", str(db), "--type", "card", "--json",
                           "--reveal").stdout)
    assert all("*" in r["value"] for r in masked)
    assert shown and all(r["value"].isdigit() for r in shown)


def test_reingest_adds_no_sightings(case: Path) -> None:
    with sqlite3.connect(case) as db:
        before = db.execute("SELECT count(*) FROM message_indicators").fetchone()[0]
    again = bw("ingest", str(EXAMPLE / "result.json"), "--db", str(case))
    assert again.returncode == 0
    with sqlite3.connect(case) as db:
        assert db.execute("SELECT count(*) FROM message_indicators").fetchone()[0] == before


def test_search_snippets_mask_cards_unless_revealed(case: Path) -> None:
    masked = bw("search", "--db", str(case), "4111", "--json")
    assert masked.returncode == 0, masked.stderr
    rows = json.loads(masked.stdout)
    assert rows, "the example has a message with the 4111 test card"
    assert all("4111 1111 1111 1111" not in r["snippet"] for r in rows)
    assert any("4111 11** **** 1111" in r["snippet"] for r in rows)
    shown = json.loads(bw("search", "--db", str(case), "4111", "--json",
                           "--reveal").stdout)
    assert any("4111 1111 1111 1111" in r["snippet"] for r in shown)


def test_report_lists_indicators_with_cards_masked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert bw("scan", str(EXAMPLE), "-o", str(out)).returncode == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="indicators"' in html
    assert "411111******1111" in html
    assert "4111111111111111" not in html and "4111 1111 1111 1111" not in html
    assert ".onion" in html


def test_region_reads_national_phone_numbers_and_rejects_unknown_codes() -> None:
    line = json.dumps({"id": 1, "text": "звоните 8 916 123-45-67"}) + "\n"
    international_only = json.loads(bw("extract", stdin=line).stdout)
    assert international_only["indicators"] == []
    russian = json.loads(bw("extract", "--region", "ru", stdin=line).stdout)
    assert [(i["type"], i["normalized"]) for i in russian["indicators"]] == [
        ("phone", "+79*******67")]
    unknown = bw("extract", "--region", "ZZ", stdin=line)
    assert unknown.returncode == 2 and "'ZZ'" in unknown.stderr
