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
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bazaarwatch.analysis import Analyser, Job, Spec, analyse, default_workers, pieces
from bazaarwatch.bounds import bound
from bazaarwatch.errors import InputError
from bazaarwatch.indicators.engine import Extractor
from bazaarwatch.model import Message
from bazaarwatch.sources import Reader, detect, get_reader
from bazaarwatch.sources.registry import Problem
from bazaarwatch.store import chat_verdicts
from bazaarwatch.store.sqlite import BatchResult, Case

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
#: A refusal or warning met while reading, and where it is to be recorded.
Note = tuple[Callable[[str], None], str]


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
    ``indicators.redaction``). ``workers`` is the number of analysis processes (None: one
    per usable core but one; 0: analyse inline); ``spec`` lets them be spawned where they
    cannot be forked (see ``analysis``)."""

    extractor: Extractor | None = None
    classifier: Classifier | None = None
    keep_sensitive: bool = False
    batch_size: int = BATCH
    workers: int | None = None
    spec: Spec | None = None


def ingest(case: Case, inputs: Sequence[Planned], *, options: Options = Options(),
           on_progress: OnProgress | None = None) -> list[SourceResult]:
    """Ingest each planned input; a damaged file does not stop the others. Then compute
    the verdicts of the chats written to (and of any chat still without one, after a
    killed ingest or on a case from an older bazaarwatch): see ``store.chat_verdicts``."""
    with _Analysis(options) as analysis:
        results = [_ingest_one(case, item, options, analysis, on_progress) for item in inputs]
    chat_verdicts.refresh(case, classifier=options.classifier)
    return results


class _Analysis:
    """The analysis workers of one ingest, started on the first input that is read (no
    reader thread runs then: see ``analysis``), or None where analysis stays inline."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.analyser: Analyser | None = None
        self.started = False

    def get(self) -> Analyser | None:
        if not self.started:
            self.started = True
            self.analyser = _start_workers(self.options)
        return self.analyser

    def __enter__(self) -> _Analysis:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.analyser is not None:
            self.analyser.close()


def _start_workers(options: Options) -> Analyser | None:
    if options.extractor is None and options.classifier is None:
        return None
    workers = default_workers() if options.workers is None else options.workers
    if workers < 1 or not Analyser.can_start(options.spec):
        return None
    return Analyser(options.extractor, options.classifier, workers=workers, spec=options.spec)


#: Characters of message text held by batches read and not yet written, past which
#: ingest waits for the oldest one's analysis: counted in text, not messages, since 5,000
#: long posts weigh ten times 5,000 chat lines. One batch of 950-character posts may wait
#: while the next is read, so that the workers always have work.
MAX_HELD_CHARS = 6_000_000
#: The most text in one piece that this process analyses itself while the workers are
#: busy. Classifying 1,000 texts peaks at about 100 bytes per character of them
#: (measured on 950-character Russian posts: +100 MB), on top of the batches held here;
#: longer pieces queue for a worker instead.
MAX_INLINE_CHARS = 400_000


@dataclass
class _Pending:
    """A batch read and not yet written: its analysis under way (``jobs``, the pieces
    sent to workers; the others were analysed here) and its refusals and warnings."""

    batch: list[Message]
    notes: list[Note]
    analysed: list[Message] | None = None  # the messages analysed before the write
    jobs: list[Job] = field(default_factory=list)
    chars: int = 0

    def ready(self) -> bool:
        return all(job.done() for job in self.jobs)


class _Writer:
    """Batches on their way into the case, written in order. With workers, a batch is
    analysed as soon as it is read (only the messages ``write`` would store: a repeated
    ingest analyses nothing twice), in ``analysis.pieces``: each goes to a worker if one
    is free, else it is analysed here at once, so that both cores work (unless its text
    is too long to classify here within the memory goal: ``MAX_INLINE_CHARS``). A batch is
    written when its pieces are done, or sooner when too many messages wait
    (``depth`` batches or ``MAX_HELD_CHARS``): memory stays flat whatever the text.

    Analysis always sees exactly the messages a write stores, as inline analysis does:
    should a batch store other messages than were analysed (a message repeated in a
    batch still in flight), its write analyses them again here.

    The refusals and warnings met while a batch was read wait with it, and are recorded
    when it is written: the source's list keeps the order an inline ingest gives."""

    def __init__(self, case: Case, source_id: int, options: Options,
                 analyser: Analyser | None, on_written: Callable[[BatchResult, int], None]
                 ) -> None:
        self.case = case
        self.source_id = source_id
        self.options = options
        self.analyser = analyser
        self.on_written = on_written
        self.depth = analyser.workers + 1 if analyser is not None else 0
        self.pending: deque[_Pending] = deque()
        self.held = 0

    def add(self, batch: list[Message], notes: list[Note]) -> None:
        entry = _Pending(batch, notes)
        if self.analyser is not None:
            entry.analysed = self.case.unwritten(batch)
            entry.chars = sum(len(m.text) for m in batch)
            for piece in pieces(entry.analysed):
                self._analyse(piece, entry, self.analyser)
        self.pending.append(entry)
        self.held += entry.chars
        self._write_done()
        while self.pending and (len(self.pending) > self.depth
                                or self.held > MAX_HELD_CHARS):
            self._write_oldest()

    def finish(self) -> None:
        """Write every batch still waiting."""
        while self.pending:
            self._write_oldest()

    def _analyse(self, piece: list[Message], entry: _Pending, analyser: Analyser) -> None:
        if analyser.room() or sum(len(m.text) for m in piece) > MAX_INLINE_CHARS:
            entry.jobs.append(analyser.submit(piece))
            return
        self._write_done()  # what the workers have finished leaves memory first
        analyse(piece, self.options.extractor, self.options.classifier)

    def _write_done(self) -> None:
        while self.pending and self.pending[0].ready():
            self._write_oldest()

    def _write_oldest(self) -> None:
        entry = self.pending.popleft()
        self.held -= entry.chars
        for job in entry.jobs:
            job.apply()
        options, analysed = self.options, entry.analysed

        def prepare(messages: Sequence[Message]) -> None:
            if analysed is None or not _same(messages, analysed):
                analyse(messages, options.extractor, options.classifier)

        analysing = options.extractor is not None or options.classifier is not None
        written = self.case.write(entry.batch, source_id=self.source_id,
                                  keep_sensitive=options.keep_sensitive,
                                  prepare=prepare if analysing else None)
        for record, line in entry.notes:
            record(line)
        self.on_written(written, len(entry.batch))


def _same(a: Sequence[Message], b: Sequence[Message]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _ingest_one(case: Case, item: Planned, options: Options, analysis: _Analysis,
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

    def on_written(written: BatchResult, read: int) -> None:
        result.added += written.added
        result.updated += written.updated
        if written.rewritten:
            result.warn(f"{item.file}: {written.rewritten:,} stored message(s) rewritten by "
                        "a newer edit; the earlier text is kept in message_edits")
        result.read += read
        if on_progress is not None:
            on_progress(Progress(item.path, done_bytes, total_bytes, result.read))

    notes: list[Note] = []

    def on_problem(problem: Problem) -> None:
        where = f" ({problem.where})" if problem.where else ""
        line = f"{item.file}{where}: {problem.what}"
        if problem.refused:
            notes.append((result.refuse, f"{line}; the message was left out"))
        else:
            notes.append((result.warn, line))

    writer = _Writer(case, source_id, options, analysis.get(), on_written)
    batch: list[Message] = []
    try:
        for message in item.reader.read(item.path, on_bytes=on_bytes, on_problem=on_problem):
            for change in bound(message):
                notes.append((result.warn, f"{item.file} (chat {message.chat.id}, message "
                                           f"id {message.id}): {change}"))
            batch.append(message)
            if len(batch) >= options.batch_size:
                writer.add(batch, notes)
                batch, notes = [], []
    except InputError as e:
        writer.add(batch, notes)
        writer.finish()  # keep what was read before the damage
        result.error = e
        result.status = "partial" if result.read else "failed"
        case.finish_source(source_id, status=result.status, error=str(e),
                           warnings=result.record())
        return result
    writer.add(batch, notes)
    writer.finish()
    if result.refused_count:  # the file was read to its end, less the refused messages
        result.status = "partial" if result.read else "failed"
        more = result.refused_count - 1
        error = result.refused[0] + (f" (and {more:,} more refused)" if more else "")
    else:
        error = None
    case.finish_source(source_id, status=result.status, error=error,
                       warnings=result.record())
    return result
