"""Parquet export of a case: the tables of the CSV/JSON Lines export (``tabular.tables``)
as ``<table>.parquet`` files with explicit schemas, for DuckDB, pandas or Spark.

Why explicit schemas: inferred ones change with the data (a column that is empty in one
case becomes ``null`` typed, a list of numbers becomes ``list<int64>``), so a query that
worked on one case fails on the next. Here dates are ``timestamp[s, tz=UTC]``, lists are
``list<string>``, counts ``int64``, whatever the case holds. A date no calendar shows
(before 1970 or after 9999, from a damaged export) is null rather than a value DuckDB
cannot convert.

Rows are written in batches of ``BATCH`` as they are read, so memory holds one batch:
a million-message case is never in memory. Values are masked as in every export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bazaarwatch.dates import FIRST, LAST
from bazaarwatch.outputs.tabular import TABLES, Row, make_folder, replaced, tables
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

BATCH = 10_000
_TIME = pa.timestamp("s", tz="UTC")
_TEXTS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "messages": pa.schema([
        ("rowid", pa.int64()), ("chat_id", pa.string()), ("chat", pa.string()),
        ("message_id", pa.string()), ("date", _TIME), ("kind", pa.string()),
        ("sender_id", pa.string()), ("sender", pa.string()), ("text", pa.string()),
        ("forwarded_from", pa.string()), ("via_bot", pa.string()),
        ("top_category", pa.string()), ("categories", _TEXTS), ("offer", pa.bool_())]),
    "indicators": pa.schema([
        ("type", pa.string()), ("value", pa.string()), ("checked", pa.bool_()),
        ("messages", pa.int64()), ("first_seen", _TIME), ("last_seen", _TIME),
        ("chats", _TEXTS)]),
    "chats": pa.schema([
        ("chat_id", pa.string()), ("name", pa.string()), ("type", pa.string()),
        ("kind", pa.string()), ("top_category", pa.string()), ("categories", _TEXTS),
        ("shares", pa.list_(pa.float64())), ("confidence", pa.float64()),
        ("messages", pa.int64()), ("offers", pa.int64())]),
    "vendors": pa.schema([
        ("id", pa.string()), ("kind", pa.string()), ("names", _TEXTS), ("handles", _TEXTS),
        ("chats", _TEXTS), ("categories", _TEXTS), ("offers", pa.int64()),
        ("prices", _TEXTS), ("wallets", _TEXTS), ("contacts", _TEXTS),
        ("first_seen", _TIME), ("last_seen", _TIME)]),
}


def write(case: Case, market: Market, folder: Path) -> dict[str, int]:
    """Write each table as ``folder/<table>.parquet`` (the folder is created), each file
    beside its name and then renamed; rows written per table."""
    make_folder(folder)
    sources = tables(case, market)
    return {table: _write_table(folder / f"{table}.parquet", SCHEMAS[table],
                                map(_SHAPES[table], sources[table]()))
            for table in TABLES}


def _write_table(path: Path, schema: pa.Schema, rows: Iterable[Row]) -> int:
    count = 0
    with replaced(path) as part, pq.ParquetWriter(part, schema, compression="zstd") as out:
        for batch in _batches(rows):
            out.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        yield batch


def _seconds(value: Any) -> int | None:
    """A date as Parquet holds it (Unix seconds): Unix seconds or ISO text in, None when
    out of range."""
    if isinstance(value, str):
        value = int(datetime.fromisoformat(value).timestamp())
    if isinstance(value, int) and FIRST <= value <= LAST:
        return value
    return None


def _message(row: Row) -> Row:
    row["message_id"] = str(row["message_id"])
    row["date"] = _seconds(row["date"])
    return row


def _indicator(row: Row) -> Row:
    row["first_seen"] = _seconds(row["first_seen"])
    row["last_seen"] = _seconds(row["last_seen"])
    return row


def _vendor(row: Row) -> Row:
    row["categories"] = list(row["categories"])
    row["prices"] = [f"{c}: {p}" for c, p in row["prices"].items()]
    row["first_seen"] = _seconds(row["first_seen"])
    row["last_seen"] = _seconds(row["last_seen"])
    return row


_SHAPES = {"messages": _message, "indicators": _indicator, "chats": lambda row: row,
           "vendors": _vendor}
