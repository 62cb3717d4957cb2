"""``bazaarwatch export`` for misp, stix and parquet as a user runs it: files that load in
their own libraries, one-line errors for a bad --tlp or -o, no half files left behind."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import bw, tg_chat, tg_message, unix, write_account_export
from pymisp import MISPEvent
from stix2validator import ValidationOptions, validate_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    hostile = tg_chat([
        tg_message(1, "Selling fresh CVV US 15$ each, BTC only. Call +44 7700 900123",
                   sender="=cmd|' /C calc'!A0", sender_id="user4001", date=unix(2024, 2, 1)),
        tg_message(2, "Дампы с пин-кодом 20$, пишите @dumps_rus", sender="Dumps",
                   sender_id="user4002", date=unix(2024, 2, 2)),
    ], name='Evil "Market" \\ ✦', type="private_supergroup", id=1_800_000_001)
    result = bw("ingest", EXAMPLE, write_account_export(tmp / "hostile", [hostile]),
                "--db", tmp / "case.db")
    assert result.returncode == 0, result.stderr
    return tmp / "case.db"


def test_misp_event_loads_with_pymisp(case: Path, tmp_path: Path) -> None:
    result = bw("export", "--db", case, "--format", "misp", "--tlp", "green",
                "-o", tmp_path / "event.json")
    assert result.returncode == 0, result.stderr
    assert "coin-address" in result.stderr and "telegram-account" in result.stderr
    event = MISPEvent()
    event.load_file(tmp_path / "event.json")
    assert "tlp:green" in [t.name for t in event.tags]
    assert event.info.startswith("bazaarwatch case case.db:")
    addresses = {a.value for o in event.objects if o.name == "coin-address"
                 for a in o.attributes if a.object_relation == "address"}
    assert "bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n" in addresses
    assert "900123" not in (tmp_path / "event.json").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["event.json"]


def test_stix_bundle_validates(case: Path, tmp_path: Path) -> None:
    result = bw("export", "--db", case, "--format", "stix", "-o", tmp_path / "bundle.json")
    assert result.returncode == 0, result.stderr
    assert validate_file(str(tmp_path / "bundle.json"), ValidationOptions(version="2.1")).is_valid
    kinds = {o["type"] for o in json.loads(
        (tmp_path / "bundle.json").read_text(encoding="utf-8"))["objects"]}
    assert {"indicator", "user-account", "cryptocurrency-wallet", "threat-actor",
            "relationship", "note", "report", "marking-definition"} <= kinds


def test_parquet_tables_read_in_duckdb(case: Path, tmp_path: Path) -> None:
    result = bw("export", "--db", case, "--format", "parquet", "-o", tmp_path / "t")
    assert result.returncode == 0, result.stderr
    assert "357 messages" in result.stderr
    with duckdb.connect() as db:
        count, hostile = db.execute(
            f"SELECT count(*), count(*) FILTER (WHERE chat = 'Evil \"Market\" \\ ✦') "
            f"FROM '{tmp_path / 't' / 'messages.parquet'}'").fetchone() or (0, 0)
    assert (count, hostile) == (357, 2)


def test_unknown_tlp_is_a_usage_error(case: Path, tmp_path: Path) -> None:
    result = bw("export", "--db", case, "--format", "stix", "--tlp", "white",
                "-o", tmp_path / "b.json")
    assert result.returncode == 2 and "--tlp" in result.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("fmt", "target"), [("misp", "missing/event.json"),
                                             ("stix", "missing/bundle.json"),
                                             ("parquet", "file.txt/tables")])
def test_unwritable_output_is_one_line(case: Path, tmp_path: Path, fmt: str,
                                       target: str) -> None:
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    result = bw("export", "--db", case, "--format", fmt, "-o", tmp_path / target)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "-o" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
