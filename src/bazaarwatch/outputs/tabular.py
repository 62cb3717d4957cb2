"""CSV and JSON Lines exports of a case: messages with verdicts, indicators with
sightings, chats with their verdicts, and vendors, one file per table in a folder.

Every value is hostile text that another program will open. Card, IBAN and phone numbers
are masked (as everywhere). In CSV, a cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``
(OWASP's advice against CSV injection), so a vendor named ``=HYPERLINK(...)`` stays text;
JSON Lines keeps values as they are, masked.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from bazaarwatch.dates import show_date
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

FORMATS = ("csv", "jsonl")
TABLES = ("messages", "indicators", "chats", "vendors")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_ISO = "%Y-%m-%dT%H:%M:%SZ"

Row = dict[str, Any]


def write(case: Case, market: Market, folder: Path, fmt: str) -> dict[str, int]:
    """Write each table as ``folder/<table>.<fmt>`` (the folder is created); rows written
    per table. Each file is written beside its final name and renamed, so a failed
    export never leaves a half file under the real name."""
    if fmt not in FORMATS:
        raise OutputError(f"{fmt}: not a tabular format; give one of {', '.join(FORMATS)}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{folder}: cannot create this folder ({e.strerror}). Give "
                          "another -o folder") from e
    sources: dict[str, Callable[[], Iterable[Row]]] = {
        "messages": lambda: _messages(case),
        "indicators": lambda: _indicators(case),
        "chats": lambda: _chats(case),
        "vendors": lambda: _vendors(market),
    }
    return {table: _write_table(folder / f"{table}.{fmt}", sources[table](), fmt)
            for table in TABLES}


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _write_table(path: Path, rows: Iterable[Row], fmt: str) -> int:
    part = path.with_name(path.name + ".part")
    count = 0
    try:
        with part.open("w", encoding="utf-8", newline="") as out:
            count = (_csv if fmt == "csv" else _jsonl)(out, rows)
        os.replace(part, path)
    except OSError as e:
        part.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({e.strerror}). Give another -o folder") \
            from e
    return count


def _csv(out: IO[str], rows: Iterable[Row]) -> int:
    writer: csv.DictWriter[str] | None = None
    count = 0
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row))
            writer.writeheader()
        writer.writerow({k: neutralised(_cell(v)) for k, v in row.items()})
        count += 1
    return count


def _cell(value: Any) -> Any:
    """Lists and mappings as one cell: ``a; b`` and ``key: value; ...``."""
    if isinstance(value, list):
        return "; ".join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return value


def _jsonl(out: IO[str], rows: Iterable[Row]) -> int:
    count = 0
    for row in rows:
        out.write(orjson.dumps(row, option=orjson.OPT_NON_STR_KEYS).decode())
        out.write("\n")
        count += 1
    return count


def _masked(value: Any) -> Any:
    return mask_sensitive(value) if isinstance(value, str) else value


def _messages(case: Case) -> Iterator[Row]:
    for m in queries.all_messages(case):
        m["date"] = show_date(m["date"], _ISO)
        for key in ("chat", "sender", "text", "forwarded_from", "via_bot"):
            m[key] = _masked(m[key])
        yield m


def _indicators(case: Case) -> Iterator[Row]:
    for row in queries.indicators(case):
        row["first_seen"] = show_date(row["first_seen"], _ISO)
        row["last_seen"] = show_date(row["last_seen"], _ISO)
        yield row


def _chats(case: Case) -> Iterator[Row]:
    for row in queries.channels(case):
        yield {"chat_id": row["chat_id"], "name": _masked(row["name"]), "type": row["type"],
               "kind": row["kind"], "top_category": row["top_category"],
               "categories": [f"{s['category']} {s['share']:.2f}" for s in row["shares"]],
               "confidence": row["confidence"], "messages": row["messages"],
               "offers": row["offers"]}


def _vendors(market: Market) -> Iterator[Row]:
    for v in market.vendors:
        yield {"id": v["id"], "kind": v.get("kind"), "names": v["names"],
               "handles": v["handles"], "chats": [c.get("name") or c["id"] for c in v["chats"]],
               "categories": v["categories"], "offers": v["offers"],
               "prices": {c: f"{p['min']:g}-{p['max']:g} {p['currency']}"
                          for c, p in v["prices"].items()},
               "wallets": [f"{w['type']}:{w['value']}" for w in v["wallets"]],
               "contacts": [c["value"] for c in v["contacts"]],
               "first_seen": v["first_seen"], "last_seen": v["last_seen"]}
