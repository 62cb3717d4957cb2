"""Small SQL helpers shared by the store's modules."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

_STEP = 10_000  # keys per statement: SQLite allows 32,766 parameters


def select_in(db: sqlite3.Connection, select: str, columns: str,
              keys: Sequence[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows of ``select`` whose ``columns`` (a row value like "(a, b)") are among ``keys``.

    One statement per 10,000 keys, using the table's index on those columns.
    """
    for i in range(0, len(keys), _STEP):
        part = keys[i:i + _STEP]
        width = len(part[0])
        placeholders = ",".join("(" + ", ".join("?" * width) + ")" for _ in part)
        params = [x for key in part for x in key]
        yield from db.execute(f"{select} WHERE {columns} IN (VALUES {placeholders})", params)
