"""Ingest: stream exports into a case, idempotently and resumably.

Policy on bad input (documented in the README): every input path is checked before anything
is written (exists, format known), so a wrong path leaves the case untouched. A file that
turns out to be damaged part-way (truncated JSON, a field of the wrong type, a chat
without messages) keeps the messages read before the damage; its ``sources`` row is
marked ``partial`` with the error, or ``failed`` when nothing could be read. Running the
same ingest again on a repaired file adds what is missing and duplicates nothing.

A file whose SHA-256 is already recorded as ``done`` is skipped; one recorded as
``running`` (a killed ingest) or ``partial`` is read again from the start, which is cheap
because messages already stored are recognised and skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bazaarwatch.errors import InputError
from bazaarwatch.indicators.engine import Extractor
from bazaarwatch.model import Message
from bazaarwatch.sources import Reader, detect, get_reader
from bazaarwatch.store.sqlite import Case

if TYPE_CHECKING:  # scikit-learn is imported only by the commands that classify
    from bazaarwatch.classify.model import Classifier

# Measured: 20,000 is 5% faster than 5,000 for storing alone, but with verdicts and their
# evidence a batch of 20,000 pushed peak memory past 250 MB; 5,000 keeps it near 200.
BATCH = 5_000


@dataclass
class Planned:
    """An input resolved to its reader and the file that will be hashed and recorded."""

    path: Path
    file: Path
    reader: Reader
    size: int


@dataclass
class SourceResult:
    path: Path
    status: str  # done, partial, failed, skipped
    added: int = 0
    updated: int = 0
    read: int = 0
    error: InputError | None = None


@dataclass
class Progress:
    """What a progress display needs: the file, its bytes done and total, messages read."""

    path: Path
    done_bytes: int
    total_bytes: int
    messages: int


OnProgress = Callable[[Progress], None]


def plan(paths: Iterable[Path | str], *, format: str | None = None) -> list[Planned]:
    """Check every input before anything is written; raise on the first bad one."""
    planned = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(str(path), "no such file or folder",
                             hint="Give an export folder, its result.json, a .zip or a .jsonl")
        reader = get_reader(format) if format else detect(path)
        file = reader.locate(path)
        try:
            size = file.stat().st_size
        except OSError as e:
            raise InputError(str(file), f"cannot read: {e.strerror}") from e
        planned.append(Planned(path=path, file=file, reader=reader, size=size))
    return planned


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror}") from e
    return digest.hexdigest()


@dataclass(frozen=True)
class Options:
    """How to ingest: ``extractor`` None skips indicator extraction, ``classifier`` None
    skips classification; ``keep_sensitive`` stores raw card, IBAN and phone values (see
    ``indicators.redaction``)."""

    extractor: Extractor | None = None
    classifier: Classifier | None = None
    keep_sensitive: bool = False
    batch_size: int = BATCH


def ingest(case: Case, inputs: Sequence[Planned], *, options: Options = Options(),
           on_progress: OnProgress | None = None) -> list[SourceResult]:
    """Ingest each planned input; a damaged file does not stop the others."""
    return [_ingest_one(case, item, options, on_progress) for item in inputs]


def _ingest_one(case: Case, item: Planned, options: Options,
                on_progress: OnProgress | None) -> SourceResult:
    sha = sha256_file(item.file)
    previous = case.find_source(sha)
    result = SourceResult(path=item.path, status="done")
    if previous and previous[1] == "done":
        result.status = "skipped"
        return result
    source_id = case.start_source(path=str(item.file.resolve()), sha256=sha, size=item.size,
                                  reader=item.reader.name, reader_version=item.reader.version,
                                  resume=previous[0] if previous else None)
    done_bytes, total_bytes = 0, item.size

    def on_bytes(done: int, total: int) -> None:
        nonlocal done_bytes, total_bytes
        done_bytes, total_bytes = done, total

    def flush(batch: list[Message]) -> None:
        written = case.write(batch, source_id=source_id, keep_sensitive=options.keep_sensitive,
                             prepare=prepare)
        result.added += written.added
        result.updated += written.updated
        result.read += len(batch)
        batch.clear()
        if on_progress is not None:
            on_progress(Progress(item.path, done_bytes, total_bytes, result.read))

    def prepare(messages: Sequence[Message]) -> None:
        """The analysis stages, on the messages the case does not hold yet."""
        if options.extractor is not None:
            for message in messages:
                if message.text or message.entities:
                    message.indicators = options.extractor.extract(message.text,
                                                                   message.entities)
        if options.classifier is not None:
            options.classifier.annotate(messages)

    batch: list[Message] = []
    try:
        for message in item.reader.read(item.path, on_bytes=on_bytes):
            batch.append(message)
            if len(batch) >= options.batch_size:
                flush(batch)
    except InputError as e:
        flush(batch)  # keep what was read before the damage
        result.error = e
        result.status = "partial" if result.read else "failed"
        case.finish_source(source_id, status=result.status, error=str(e))
        return result
    flush(batch)
    case.finish_source(source_id, status="done")
    return result
