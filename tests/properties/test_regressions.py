"""Known hostile inputs, each through the real command line under the memory cap.

Each must end with exit code 0 or 1 within the cap, say what is wrong in one line (no
traceback, no echo of a 50 MB value), and leave a consistent case. These are the
regressions of issue 8: depth, size, numbers beyond int64, surrogates, overlong UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from properties.hostile import Raw, dump, nested
from properties.ingest_worker import consistency
from properties.support import MEMORY_CAP, run_cli

BIG = 2**80


def _message(**fields: object) -> dict[str, object]:
    text = fields.pop("text", "hello")
    raw: dict[str, object] = {
        "id": 1, "type": "message", "date": "2024-05-01T10:00:00",
        "date_unixtime": "1714557600", "from": "Alice", "from_id": "user1001", "text": text,
        "text_entities": [{"type": "plain", "text": text}]}
    raw.update(fields)
    return raw


def _export(message: dict[str, object]) -> bytes:
    return dump({"name": "Chat", "type": "public_supergroup", "id": 1_500_000_001,
                 "messages": [_message(id=0, text="before"), message]})


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "nesting 1,000 in a message field":
        ("result.json", lambda: _export(_message(poll=nested(1000)))),
    "nesting 100,000 in a message field":
        ("result.json", lambda: _export(_message(poll=nested(100_000)))),
    "objects nested 100,000 in a message field":
        ("result.json", lambda: _export(_message(poll=nested(100_000, kind="object")))),
    "nesting 100,000 in the text":
        ("result.json", lambda: _export(_message(text=nested(100_000)))),
    "a 50 MB message text":
        ("result.json", lambda: _export(_message(text="продам " + "x" * 50_000_000))),
    "date_unixtime 2**80":
        ("result.json", lambda: _export(_message(date_unixtime=str(BIG)))),
    "edited_unixtime 2**80":
        ("result.json", lambda: _export(_message(edited_unixtime=str(BIG)))),
    "message id 2**80":
        ("result.json", lambda: _export(_message(id=BIG))),
    "reply_to_message_id 2**80":
        ("result.json", lambda: _export(_message(reply_to_message_id=BIG))),
    "a \\udfff escape in the text":
        ("result.json", lambda: _export(_message(text=Raw(b'"he\\udfffllo"')))),
    "overlong UTF-8 in the text":
        ("result.json", lambda: _export(_message(text=Raw(b'"he\xc0\xafllo"')))),
    "JSONL id 2**80":
        ("messages.jsonl", lambda: f'{{"id": {BIG}, "text": "hi"}}\n'.encode()),
    "JSONL date 2**80":
        ("messages.jsonl", lambda: f'{{"id": 1, "text": "hi", "date": {BIG}}}\n'.encode()),
    "JSONL date 1e300":
        ("messages.jsonl", lambda: b'{"id": 1, "text": "hi", "date": 1e300}\n'),
    "JSONL \\udfff escape":
        ("messages.jsonl", lambda: b'{"id": 1, "text": "h\\udfffi"}\n'),
    "JSONL overlong UTF-8":
        ("messages.jsonl", lambda: b'{"id": 1, "text": "h\xc0\xafi"}\n'),
    "JSONL nesting 100,000":
        ("messages.jsonl",
         lambda: b'{"id": 1, "text": "hi", "x": ' + nested(100_000).data + b"}\n"),
    "JSONL a 50 MB text":
        ("messages.jsonl",
         lambda: json.dumps({"id": 1, "text": "x" * 50_000_000}).encode() + b"\n"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_through_the_cli(tmp_path: Path, name: str) -> None:
    filename, build = CASES[name]
    path = tmp_path / filename
    path.write_bytes(build())
    db = tmp_path / "case.db"
    result = run_cli("ingest", path, "--db", db)
    stderr = result.stderr
    assert result.returncode in (0, 1), (
        f"exit code {result.returncode} (negative: killed by that signal) under a "
        f"{MEMORY_CAP >> 20} MB cap; stderr ends:\n{stderr[-2000:]}")
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) <= 1 and len(stderr) < 4000, f"not a one-line error:\n{stderr[:4000]}"
    if result.returncode == 1:
        assert errors or "marked" in stderr, f"exit code 1 without saying why:\n{stderr}"
    if db.exists():
        assert consistency(db) == []
