"""Readers and ingest on hostile files: only documented errors, a consistent case after,
a second ingest that adds nothing, read commands that work on whatever was stored.

Every file is ingested by a capped worker process (``support.IngestWorker``), with the
extractor and the shipped classifier, as ``bazaarwatch ingest`` does.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from properties.hostile import damaged, jsonl_files, tg_exports, valid_export
from properties.support import IngestWorker, check_answer, scaled

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"
VALID = [
    (FIXTURES / "telegram_single_chat.json").read_bytes(),
    (FIXTURES / "telegram_full_account.json").read_bytes(),
    valid_export([(1_600_000_001, ["Продам CVV 4111 1111 1111 1111", "hi"]),
                  (1_600_000_002, ["bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n"])]),
]


def _write(folder: Path, name: str, data: bytes, layout: str, comment: bytes) -> Path:
    folder.mkdir()
    if layout == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("DataExport_2024-05-01/result.json", data)
            archive.comment = comment
        path = folder / "export.zip"
        path.write_bytes(buffer.getvalue())
        return path
    if layout == "folder":
        (folder / "result.json").write_bytes(data + comment)
        return folder
    path = folder / name
    path.write_bytes(data + comment)
    return path


def _ingest(worker: IngestWorker, name: str, data: bytes, *, layout: str = "file",
            fmt: str | None = None) -> None:
    """Ingest ``data``, then a copy with a trailing newline (or zip comment): another
    SHA-256, the same messages, so the second ingest reads it all and must add nothing."""
    with tempfile.TemporaryDirectory(prefix="bw-fuzz-") as tmp:
        first = _write(Path(tmp) / "a", name, data, layout, b"")
        again = _write(Path(tmp) / "b", name, data, layout, b"\n")
        check_answer(worker.run([first], Path(tmp) / "case.db", fmt, again=[again]))


@scaled(1)
@given(data=tg_exports(), layout=st.sampled_from(["file", "folder", "zip"]))
def test_telegram_exports_with_arbitrary_fields(worker: IngestWorker, data: bytes,
                                                layout: str) -> None:
    _ingest(worker, "result.json", data, layout=layout)


@scaled(0.6)
@given(data=st.sampled_from(VALID).flatmap(damaged), layout=st.sampled_from(["file", "zip"]))
def test_telegram_exports_damaged_byte_by_byte(worker: IngestWorker, data: bytes,
                                               layout: str) -> None:
    _ingest(worker, "result.json", data, layout=layout)


@scaled(0.6)
@given(data=tg_exports().flatmap(damaged))
def test_telegram_exports_arbitrary_and_damaged(worker: IngestWorker, data: bytes) -> None:
    _ingest(worker, "result.json", data)


@scaled(1)
@given(data=jsonl_files())
def test_jsonl_files_with_arbitrary_fields(worker: IngestWorker, data: bytes) -> None:
    _ingest(worker, "messages.jsonl", data)


@scaled(0.6)
@given(data=st.one_of(tg_exports(), jsonl_files(), st.binary(max_size=200)),
       fmt=st.sampled_from(["telegram", "jsonl"]))
def test_forced_format_on_any_bytes(worker: IngestWorker, data: bytes, fmt: str) -> None:
    """``--format`` forces a reader onto whatever the file holds."""
    _ingest(worker, "input.json" if fmt == "telegram" else "input.jsonl", data, fmt=fmt)
