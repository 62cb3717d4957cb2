"""Helpers for the reader and ingest tests: fixture exports, export builders, the CLI.

A plain module (not a conftest.py: tests/conftest.py exists, and two modules named
``conftest`` in one mypy run are an error). The test modules beside it import it by name,
which pytest's default import mode allows for test folders without ``__init__.py``.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "readers"
SINGLE = "telegram_single_chat.json"
FULL = "telegram_full_account.json"
JSONL = "messages.jsonl"
BASE_UNIXTIME = 1714557600  # 2024-05-01T10:00:00Z

Doc = dict[str, Any]
CliResult = subprocess.CompletedProcess[str]


def load_fixture(name: str) -> Doc:
    """Parse one fixture export (to build variants of it)."""
    doc = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


def tg_message(i: int, **extra: Any) -> Doc:
    """One message in tdesktop's shape, Russian and English text; ``extra`` adds/replaces."""
    text = f"Сообщение {i}: продаю товар #{i}, message {i}"
    raw: Doc = {
        "id": i,
        "type": "message",
        "date": "2024-05-01T13:00:00",
        "date_unixtime": str(BASE_UNIXTIME + i),
        "from": "Продавец",
        "from_id": "user444444",
        "text": text,
        "text_entities": [{"type": "plain", "text": text}],
    }
    raw.update(extra)
    return raw


def tg_chat(chat_id: int, n: int, *, name: str | None = None,
            type: str = "private_supergroup", first: int = 1) -> Doc:
    """A chat of n messages whose texts name their chat: "chat 101 msg 7 ..."."""
    messages = []
    for i in range(first, first + n):
        text = f"chat {chat_id} msg {i} пример текста"
        messages.append(tg_message(i, text=text,
                                   text_entities=[{"type": "plain", "text": text}]))
    return {"name": name or f"Чат {chat_id}", "type": type, "id": chat_id,
            "messages": messages}


def dump_json(doc: Any) -> str:
    """The text of a document as tdesktop writes it: UTF-8, one-space indentation."""
    return json.dumps(doc, ensure_ascii=False, indent=1)


def write_export(folder: Path, doc: Doc) -> Path:
    """Write folder/result.json; return the file."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "result.json"
    file.write_text(dump_json(doc), encoding="utf-8")
    return file


def zip_export(result: Path, target: Path,
               inner: str = "DataExport_2024-05-01/result.json") -> Path:
    """Zip an export the way a user would: the export folder inside the archive."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(result, inner)
    return target


def run_cli(*args: str | Path, wide: bool = True, memory: int | None = None,
            timeout: float = 120) -> CliResult:
    """``python -m bazaarwatch ARGS`` in a subprocess.

    ``wide`` sets COLUMNS so rich does not wrap stderr; the one test about wrapping
    passes ``wide=False`` to see what a user piping stderr to a log file gets. ``memory``
    caps the address space (bytes), so a memory blow-up fails fast instead of swapping.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if wide:
        env["COLUMNS"] = "1000"

    def cap() -> None:
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "bazaarwatch", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          preexec_fn=cap, check=False)


def query_db(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows from the case file, read with plain sqlite3."""
    connection = sqlite3.connect(db)
    try:
        return list(connection.execute(sql, params).fetchall())
    finally:
        connection.close()
