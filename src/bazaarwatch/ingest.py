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
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bazaarwatch.bounds import bound
from bazaarwatch.errors import InputError
from bazaarwatch.indicators.engine import Extractor
from bazaarwatch.model import Message
from bazaarwatch.sources import Reader, detect, get_reader
from bazaarwatch.sources.registry import Problem
from bazaarwatch.store import chat_verdicts
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
    """How ingest of one input went. ``refused`` lists the messages left out (each a line
    naming the file, the message and why); ``warnings`` what was not taken as written.
    Both keep the first ``MAX_LISTED`` and count the rest in ``refused_count`` and
    ``warning_count``."""

    path: Path
    status: str  # done, partial, failed, skipped
    added: int = 0
    updated: int = 0
    read: int = 0
    error: InputError | None = None
    refused: list[str] = field(default_factory=list)
    refused_count: int = 0
    warnings: list[str] = field(default_factory=list)
    warning_count: int = 0

    def refuse(self, line: str) -> None:
        self.refused_count += 1
        if len(self.refused) < MAX_LISTED:
            self.refused.append(line)

    def warn(self, line: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(line)

    def record(self) -> list[str]:
        """The source's ``warnings`` as stored in the case: refusals first."""
        lines = [f"refused: {line}" for line in self.refused] + self.warnings
        more = self.refused_count + self.warning_count - len(lines)
        return lines + ([f"... and {more:,} more"] if more > 0 else [])


#: Refusals and warnings listed per source; the rest are counted.
MAX_LISTED = 20


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
        if not path.is_dir():
            _regular_size(path)  # before detection, which would read a FIFO or device
        reader = get_reader(format) if format else detect(path)
        file = reader.locate(path)
        planned.append(Planned(path=path, file=file, reader=reader, size=_regular_size(file)))
    return planned


def _regular_size(file: Path) -> int:
    """The size of ``file``; refuse anything but a regular file. /dev/zero would be read
    forever, a FIFO once only (the hash and the read need it twice), a socket not at all."""
    try:
        st = file.stat()
    except OSError as e:
        raise InputError(str(file), f"cannot read: {e.strerror}") from e
    if not stat.S_ISREG(st.st_mode):
        raise InputError(str(file), "not a regular file (a device, FIFO or socket)",
                         hint="Give an export folder, its result.json, a .zip or a .jsonl")
    return st.st_size


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
    """Ingest each planned input; a damaged file does not stop the others. Then compute
    the verdicts of the chats written to (and of any chat still without one, after a
    killed ingest or on a case from an older bazaarwatch): see ``store.chat_verdicts``."""
    results = [_ingest_one(case, item, options, on_progress) for item in inputs]
    chat_verdicts.refresh(case)
    return results


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
        if written.rewritten:
            result.warn(f"{item.file}: {written.rewritten:,} stored message(s) rewritten by "
                        "a newer edit; the earlier text is kept in message_edits")
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

    def on_problem(problem: Problem) -> None:
        where = f" ({problem.where})" if problem.where else ""
        line = f"{item.file}{where}: {problem.what}"
        if problem.refused:
            result.refuse(f"{line}; the message was left out")
        else:
            result.warn(line)

    batch: list[Message] = []
    try:
        for message in item.reader.read(item.path, on_bytes=on_bytes, on_problem=on_problem):
            for change in bound(message):
                result.warn(f"{item.file} (chat {message.chat.id}, message id "
                            f"{message.id}): {change}")
            batch.append(message)
            if len(batch) >= options.batch_size:
                flush(batch)
    except InputError as e:
        flush(batch)  # keep what was read before the damage
        result.error = e
        result.status = "partial" if result.read else "failed"
        case.finish_source(source_id, status=result.status, error=str(e),
                           warnings=result.record())
        return result
    flush(batch)
    if result.refused_count:  # the file was read to its end, less the refused messages
        result.status = "partial" if result.read else "failed"
        more = result.refused_count - 1
        error = result.refused[0] + (f" (and {more:,} more refused)" if more else "")
    else:
        error = None
    case.finish_source(source_id, status=result.status, error=error,
                       warnings=result.record())
    return result
