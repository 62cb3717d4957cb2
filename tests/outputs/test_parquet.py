"""Parquet export: explicit schemas, batches, counts against the case, numbers masked, and
the DuckDB queries of docs/exports.md run on the files with the answers the case holds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from market_fixture import BTC_FROST, BTC_SHOP, SHOP, market_case, read

from bazaarwatch.outputs import parquet
from bazaarwatch.outputs.tabular import TABLES
from bazaarwatch.store import queries

__all__ = ["market_case"]  # the shared case fixture (market_fixture.py)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "exports.md"


def documented(title: str) -> str:
    """The SQL block of docs/exports.md that starts with the comment ``-- title``."""
    blocks: list[str] = re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    for block in blocks:
        if block.startswith(f"-- {title}\n"):
            return block
    raise AssertionError(f"no query {title!r} in {DOCS}")


@pytest.fixture(scope="module")
def tables(market_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet") / "tables"
    case, found = read(market_case)
    with case:
        counts = parquet.write(case, found, folder)
    assert counts["messages"] == 12 and counts["chats"] == 3
    return folder


def plain(kind: pa.DataType) -> pa.DataType:
    """The type as a Parquet file gives it back: lists without their item's name (``item``
    comes back as ``element``), seconds as milliseconds (Parquet's smallest unit)."""
    if pa.types.is_list(kind):
        return pa.list_(kind.value_type)
    if pa.types.is_timestamp(kind):
        return pa.timestamp("ms", tz=kind.tz)
    return kind


def sql(folder: Path, query: str) -> list[tuple[Any, ...]]:
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")
        db.execute(f"SET file_search_path = '{folder}'")
        return db.execute(query).fetchall()


def test_files_have_the_explicit_schemas(tables: Path) -> None:
    assert sorted(p.name for p in tables.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)
    for table in TABLES:
        found = pq.read_schema(tables / f"{table}.parquet")
        assert [(f.name, plain(f.type)) for f in found] == \
            [(f.name, plain(f.type)) for f in parquet.SCHEMAS[table]]
    dates = pq.read_table(tables / "messages.parquet", columns=["date"])["date"]
    assert all(d.value % 1000 == 0 for d in dates)  # whole seconds, UTC
    assert dates.type.tz == "UTC"


def test_rows_match_the_case(tables: Path, market_case: Path) -> None:
    messages = pq.read_table(tables / "messages.parquet").to_pylist()
    case, _ = read(market_case)
    with case:
        indicators = queries.indicators(case)
        totals = queries.totals(case)
    assert len(messages) == totals["messages"]
    assert pq.read_table(tables / "indicators.parquet").num_rows == len(indicators)
    shop = [m for m in messages if m["chat_id"] == str(SHOP) and m["offer"]]
    assert shop and all(m["date"].tzinfo is not None for m in shop)
    assert "carding" in {c for m in shop for c in m["categories"]}
    whole = b"".join((tables / f"{t}.parquet").read_bytes() for t in TABLES)
    assert b"900123" not in whole  # zstd would hide nothing here: texts are masked first
    assert any("+44" in (m["text"] or "") for m in messages)


def test_top_vendors_query(tables: Path) -> None:
    rows = sql(tables, documented("top vendors"))
    names = [r[1] for r in rows]
    assert "Mr. Frost ❄️" in names
    assert [r[2] for r in rows] == sorted((r[2] for r in rows), reverse=True)
    frost = next(r for r in rows if r[1] == "Mr. Frost ❄️")
    assert frost[3] == 1 and frost[4] == "drugs"


def test_wallets_in_two_chats_query(tables: Path, market_case: Path) -> None:
    assert sql(tables, documented("wallets in 2+ chats")) == []  # each wallet in one chat
    rows = sql(tables, documented("wallets in 2+ chats").replace(">= 2", ">= 1"))
    assert {r[1] for r in rows} >= {BTC_SHOP, BTC_FROST}
    frost = next(r for r in rows if r[1] == BTC_FROST)
    assert frost[2] == 2 and frost[4] == ["Барахолка 24/7 ✦ Vendors & Buyers"]


def test_offers_per_category_per_week_query(tables: Path) -> None:
    rows = sql(tables, documented("offers per category per week"))
    weeks = {r[0].date().isoformat() for r in rows}
    assert weeks <= {"2024-03-04", "2024-03-11"} and "2024-03-04" in weeks
    drugs = sum(r[2] for r in rows if r[1] == "drugs")
    direct = sql(tables, "SELECT count(*) FROM 'messages.parquet' "
                         "WHERE offer AND list_contains(categories, 'drugs')")[0][0]
    assert drugs == direct >= 2


def test_written_in_batches(market_case: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet, "BATCH", 4)
    case, found = read(market_case)
    with case:
        parquet.write(case, found, tmp_path)
    metadata = pq.ParquetFile(tmp_path / "messages.parquet").metadata
    assert metadata.num_rows == 12 and metadata.num_row_groups == 3
    assert not list(tmp_path.glob("*.part"))
