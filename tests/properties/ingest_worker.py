"""A long-lived ingest process for the reader properties, run under a memory cap.

Started by ``worker.IngestWorker`` with ``RLIMIT_AS`` set, so a memory blow-up fails the
example instead of swapping the machine. It loads the extractor and the shipped
classifier once, then answers one request per line on standard input::

    {"paths": [...], "again": [...], "db": "case.db", "format": null}

(``again``: the same inputs under other names, with other bytes but the same messages,
so that the second ingest reads them again rather than skipping a known SHA-256)

with one line ``@@ {...}`` on standard output: what escaped the library (type and
traceback) on the first and the second ingest, how many messages the second one added,
what the case looks like after (integrity, full-text index, rows pointing at nothing,
indicator spans outside their text), and which read commands failed.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import traceback
from pathlib import Path
from typing import Any

from bazaarwatch.classify.model import Classifier
from bazaarwatch.errors import BazaarwatchError
from bazaarwatch.indicators.registry import default_extractor
from bazaarwatch.ingest import Options, ingest, plan
from bazaarwatch.outputs import report
from bazaarwatch.store import queries
from bazaarwatch.store.sqlite import Case

_OPTIONS: list[Options] = []  # built once, by main(): loading the model takes a moment


def _escaped(error: BaseException) -> dict[str, Any]:
    lines = traceback.format_exception(error)
    return {"type": type(error).__name__, "documented": isinstance(error, BazaarwatchError),
            "message": str(error)[:300], "traceback": "".join(lines)[-3000:]}


def _ingest(paths: list[str], db: Path, fmt: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"error": None, "added": 0, "updated": 0, "statuses": []}
    try:
        planned = plan(paths, format=fmt)
        with Case(db) as case:
            results = ingest(case, planned, options=_OPTIONS[0])
        out["added"] = sum(r.added for r in results)
        out["updated"] = sum(r.updated for r in results)
        out["statuses"] = [r.status for r in results]
    except BaseException as e:  # reporting what escapes is the point
        out["error"] = _escaped(e)
    return out


def consistency(db: Path) -> list[str]:
    """What is wrong with the case file, in words (empty: nothing)."""
    problems: list[str] = []
    connection = sqlite3.connect(db)
    try:
        check = [r[0] for r in connection.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            problems.append(f"integrity_check: {check[:3]}")
        try:
            connection.execute(
                "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as e:
            problems.append(f"FTS5 integrity-check: {e}")
        queries_ = {
            "messages without a chat row":
                "SELECT count(*) FROM messages m LEFT JOIN chats c ON c.id = m.chat_id "
                "WHERE c.id IS NULL",
            "messages whose sender has no row":
                "SELECT count(*) FROM messages m LEFT JOIN senders s ON s.id = m.sender_id "
                "WHERE m.sender_id IS NOT NULL AND s.id IS NULL",
            "messages without a source row":
                "SELECT count(*) FROM messages m LEFT JOIN sources s ON s.id = m.source_id "
                "WHERE s.id IS NULL",
            "verdicts of no message":
                "SELECT count(*) FROM verdicts v LEFT JOIN messages m "
                "ON m.rowid = v.message_rowid WHERE m.rowid IS NULL",
            "indicator sightings of no message":
                "SELECT count(*) FROM message_indicators mi LEFT JOIN messages m "
                "ON m.rowid = mi.message_rowid WHERE m.rowid IS NULL",
            "indicator sightings of no indicator":
                "SELECT count(*) FROM message_indicators mi LEFT JOIN indicators i "
                "ON i.id = mi.indicator_id WHERE i.id IS NULL",
            "sources still running":
                "SELECT count(*) FROM sources WHERE status = 'running'",
        }
        for name, sql in queries_.items():
            count = connection.execute(sql).fetchone()[0]
            if count:
                problems.append(f"{name}: {count}")
        # In Python: SQLite's length() stops at a NUL character, which texts may hold.
        outside = sum(not 0 <= start < end <= len(text) for start, end, text in
                      connection.execute('SELECT mi.start, mi."end", m.text FROM '
                                         "message_indicators mi JOIN messages m "
                                         "ON m.rowid = mi.message_rowid"))
        if outside:
            problems.append(f"indicator spans outside their message text: {outside}")
    except sqlite3.DatabaseError as e:
        problems.append(f"cannot check the case: {e}")
    finally:
        connection.close()
    return problems


def reads(db: Path) -> list[dict[str, Any]]:
    """The read commands on the case; what each raised, if anything."""
    failed: list[dict[str, Any]] = []
    try:
        case = Case(db, create=False)
    except BaseException as e:
        return [{"read": "Case(db)", **_escaped(e)}]
    with case:
        word = case.query("SELECT text FROM messages WHERE text != '' LIMIT 1")
        term = (word[0][0].split() or ["x"])[0] if word else "x"
        calls: dict[str, Any] = {
            "chat_stats": lambda: queries.chat_stats(case),
            "search": lambda: queries.search(case, '"' + term.replace('"', '""') + '"'),
            "indicators": lambda: queries.indicators(case, reveal=True),
            "channels": lambda: queries.channels(case),
            "totals": lambda: queries.totals(case),
            "volume_by_month": lambda: queries.volume_by_month(case),
            "top_senders": lambda: queries.top_senders(case),
            "flagged_messages": lambda: queries.flagged_messages(case),
            "forwarded_sources": lambda: queries.forwarded_sources(case),
            "report.render": lambda: report.render(case),
        }
        for name, call in calls.items():
            try:
                call()
            except BazaarwatchError:
                pass
            except BaseException as e:
                failed.append({"read": name, **_escaped(e)})
    return failed


def handle(request: dict[str, Any]) -> dict[str, Any]:
    db = Path(request["db"])
    paths, fmt = request["paths"], request.get("format")
    first = _ingest(paths, db, fmt)
    answer: dict[str, Any] = {"first": first}
    if not db.exists():
        return answer
    before = _count(db)
    second = _ingest(request.get("again") or paths, db, fmt)
    answer.update(second=second, before=before, after=_count(db),
                  problems=consistency(db), reads=reads(db))
    return answer


def _count(db: Path) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.DatabaseError:
        return -1
    finally:
        connection.close()


def main() -> None:
    _OPTIONS.append(Options(extractor=default_extractor(), classifier=Classifier.load()))
    print("@@ ready", flush=True)
    for line in sys.stdin:
        try:
            answer = handle(json.loads(line))
        except BaseException as e:
            answer = {"worker": _escaped(e)}
        print("@@ " + json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
