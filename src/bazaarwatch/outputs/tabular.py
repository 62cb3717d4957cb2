"""CSV and JSON Lines exports of a case: messages with verdicts, indicators with
sightings, chats with their verdicts, and vendors, one file per table in a folder.

The rows themselves (``tables``) are shared with the Parquet export, and ``evidence``
(the messages that best show what a chat or vendor sells) with MISP and STIX: every
export says the same thing about a case.

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
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from bazaarwatch.dates import show_date
from bazaarwatch.errors import OutputError
from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.store import market as market_store
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

FORMATS = ("csv", "jsonl")
TABLES = ("messages", "indicators", "chats", "vendors")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_ISO = "%Y-%m-%dT%H:%M:%SZ"
_DATES = ("date", "first_seen", "last_seen")
#: Evidence texts are cut to this many characters: enough to read an offer whole.
EVIDENCE_TEXT = 1000
_PER_VENDOR = 3
_VENDOR_CANDIDATES = 50

Row = dict[str, Any]
Tables = dict[str, Callable[[], Iterable[Row]]]


def make_folder(folder: Path) -> None:
    """The -o folder of a table export, created; one clear line when it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{folder}: cannot create this folder ({e.strerror}). Give "
                          "another -o folder") from e


def write(case: Case, market: Market, folder: Path, fmt: str) -> dict[str, int]:
    """Write each table as ``folder/<table>.<fmt>`` (the folder is created); rows written
    per table. Each file is written beside its final name and renamed, so a failed
    export never leaves a half file under the real name."""
    if fmt not in FORMATS:
        raise OutputError(f"{fmt}: not a tabular format; give one of {', '.join(FORMATS)}")
    make_folder(folder)
    sources = tables(case, market)
    return {table: _write_table(folder / f"{table}.{fmt}", map(_iso_dates, sources[table]()),
                                fmt)
            for table in TABLES}


def tables(case: Case, market: Market) -> Tables:
    """Each table's rows, streamed when called (messages are never all in memory), values
    masked. Dates of messages and indicators are Unix seconds (or None); the vendors'
    come from the map as ISO text."""
    return {"messages": lambda: _messages(case), "indicators": lambda: _indicators(case),
            "chats": lambda: _chats(case), "vendors": lambda: _vendors(market)}


@contextmanager
def replaced(path: Path) -> Iterator[Path]:
    """A file beside ``path`` to write, renamed to ``path`` when the block ends well and
    removed when it fails: an export never leaves half a file under the real name. An
    OSError becomes an OutputError that names ``path``."""
    part = path.with_name(path.name + ".part")
    try:
        yield part
        os.replace(part, path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror}). Give another -o path") \
            from e
    finally:
        part.unlink(missing_ok=True)


def _iso_dates(row: Row) -> Row:
    for key in _DATES:
        if isinstance(row.get(key), int):
            row[key] = show_date(row[key], _ISO)
    return row


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _write_table(path: Path, rows: Iterable[Row], fmt: str) -> int:
    with replaced(path) as part, part.open("w", encoding="utf-8", newline="") as out:
        return (_csv if fmt == "csv" else _jsonl)(out, rows)


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
        for key in ("chat", "sender", "text", "forwarded_from", "via_bot"):
            m[key] = _masked(m[key])
        yield m


def _indicators(case: Case) -> Iterator[Row]:
    yield from queries.indicators(case)


def _chats(case: Case) -> Iterator[Row]:
    for row in queries.channels(case):
        yield {"chat_id": row["chat_id"], "name": _masked(row["name"]), "type": row["type"],
               "kind": row["kind"], "top_category": row["top_category"],
               "categories": [s["category"] for s in row["shares"]],
               "shares": [round(s["share"], 4) for s in row["shares"]],
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


def evidence(case: Case, market: Market, *, limit: int) -> list[Row]:
    """At most ``limit`` messages that show what the case's illicit chats and vendors sell:
    each illicit chat's verdict evidence (best first, surest chats first), then for each
    vendor the latest of its messages that name one of its wallets or contacts (the
    message that ties the vendor to the indicator). Rows: chat_id, chat, message_id,
    date (Unix seconds), sender_id, text (masked, at most ``EVIDENCE_TEXT`` characters),
    categories, vendor (its id, or None for a chat's evidence)."""
    found: list[Row] = []
    for chat in queries.channels(case):
        if chat["kind"] in ("not-illicit", "unknown"):
            continue
        found.extend({"chat_id": chat["chat_id"], "chat": chat["name"],
                      "message_id": e["message_id"], "date": e["date"], "sender_id": None,
                      "text": e["text"][:EVIDENCE_TEXT], "categories": e["categories"],
                      "vendor": None} for e in chat["evidence"])
        if len(found) >= limit:
            return found[:limit]
    names = {c["id"]: c.get("name") for v in market.vendors for c in v["chats"]}
    for vendor in market.vendors:
        found.extend(_vendor_evidence(case, vendor, names))
        if len(found) >= limit:
            break
    return found[:limit]


def _vendor_evidence(case: Case, vendor: Row, names: dict[str, Any]) -> Iterator[Row]:
    """The latest few messages of ``vendor`` whose text holds one of its wallets or
    contacts (their stored values are masked like the text is)."""
    values = [str(v["value"]).casefold() for v in [*vendor["wallets"], *vendor["contacts"]]]
    rowids = market_store.members(case, "vendor", vendor["id"])[-_VENDOR_CANDIDATES:]
    shown = 0
    for m in reversed(market_store.messages(case, rowids)):
        if shown == _PER_VENDOR:
            return
        text = mask_sensitive(m["text"])
        if not any(v in text.casefold() for v in values):
            continue
        shown += 1
        yield {"chat_id": m["chat_id"], "chat": _masked(names.get(m["chat_id"])),
               "message_id": m["message_id"], "date": m["date"], "sender_id": m["sender_id"],
               "text": text[:EVIDENCE_TEXT], "categories": list(vendor["categories"]),
               "vendor": vendor["id"]}
