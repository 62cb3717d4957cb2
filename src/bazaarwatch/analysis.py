"""The analysis stages of ingest (indicator extraction, classification), inline or in
worker processes.

Why workers: parsing and storing keep one core busy, and analysis costs about as much
again; in the same process the two take turns on the GIL. ``Analyser`` runs analysis in
a pool of processes sized to the cores this process may use, less the one that parses
and stores, while ingest goes on reading and writing; with one core it is not started
and ingest analyses inline, as before.

What crosses the process boundary is only what analysis reads (kind, text, entities)
and what it produces (indicators, verdict), pickled; the measured cost is in
``benchmarks/README.md``. The workers get the extractor and the classifier by ``fork``
after the parent has built them (no second copy to build, pages shared until written).
Forking a process while other threads run can leave the child holding a lock no one
will release, so ``fork`` is used only while this is the process's one thread; otherwise
the workers are spawned and rebuild both from a ``Spec`` (region and model path), and
with no ``Spec`` analysis stays inline.

Each worker ignores Ctrl-C (the parent stops the pool) and ends itself when its parent
is gone (a SIGKILL of ingest leaves no worker behind).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bazaarwatch.errors import BazaarwatchError
from bazaarwatch.model import Chat, Entity, Indicator, Message, Verdict

if TYPE_CHECKING:  # scikit-learn is imported only by the commands that classify
    from bazaarwatch.classify.model import Classifier
    from bazaarwatch.indicators.engine import Extractor

#: One message as the worker needs it: (kind, text, entities).
Item = tuple[str, str, list[Entity]]
#: What analysis gives back for one message: (indicators, verdict).
Found = tuple[list[Indicator], Verdict | None]

_T = TypeVar("_T")
_NOWHERE = Chat(id="", name=None, type="")  # analysis never reads the chat


#: Messages the classifier reads in one ``classify`` call. A verdict's evidence can depend
#: on which messages share the call (features tied in rank), so analysis is split only
#: where a call ends (``pieces``), and any split gives what one ``analyse`` call gives.
CLASSIFY_BATCH = 1000


def analyse(messages: Sequence[Message], extractor: Extractor | None,
            classifier: Classifier | None) -> None:
    """Set the indicators and verdict of ``messages`` in place: the one definition of
    the analysis stages, run inline and in the workers alike, so both give the same."""
    if extractor is not None:
        for message in messages:
            if message.text or message.entities:
                message.indicators = extractor.extract(message.text, message.entities)
    if classifier is not None:
        classifier.annotate(messages, batch=CLASSIFY_BATCH)


def _classified(message: Message) -> bool:
    """Whether ``Classifier.annotate`` reads ``message`` (the messages it counts in its
    batches; ``tests/test_analysis.py`` checks the two agree)."""
    return message.kind == "message" and bool(message.text)


def pieces(messages: list[Message]) -> list[list[Message]]:
    """``messages`` cut where ``annotate`` would end a ``classify`` call: analysing each
    piece alone gives what analysing them all at once gives, with a piece's memory
    bounded by ``CLASSIFY_BATCH`` messages instead of a whole batch's."""
    cut: list[list[Message]] = []
    start = counted = 0
    for i, message in enumerate(messages):
        if _classified(message):
            if counted == CLASSIFY_BATCH:
                cut.append(messages[start:i])
                start, counted = i, 0
            counted += 1
    if start < len(messages):
        cut.append(messages[start:])
    return cut


@dataclass(frozen=True)
class Spec:
    """How to build the analysis stages again in a spawned worker: picklable, unlike a
    compiled extractor."""

    extract: bool
    classify: bool
    region: str | None = None
    model_path: Path | None = None

    def build(self) -> tuple[Extractor | None, Classifier | None]:
        from bazaarwatch.indicators import default_extractor

        extractor = default_extractor(self.region) if self.extract else None
        if not self.classify:
            return extractor, None
        from bazaarwatch.classify.model import Classifier

        return extractor, Classifier.load(self.model_path)


def usable_cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per usable core but the one that parses and stores: none on one core."""
    return usable_cores() - 1


class AnalysisError(BazaarwatchError):
    """A worker process failed; the batches it had are not written, so running the same
    ingest again completes them."""


def settle_heap() -> None:
    """Call once what long batch work needs is loaded (model, lexicon, patterns).

    Python's garbage collector runs after every 700 new container objects and walks all
    objects of the generations it collects; a batch of 1,000 messages makes tens of
    thousands that live until the batch is done. ``gc.freeze`` keeps what is loaded out
    of every walk (and a forked worker from writing to the pages it shares with its
    parent), and a collection every 50,000 objects instead of 700 walks each batch's
    objects a few times instead of hundreds. Measured on 20,000 long posts through
    ``bazaarwatch classify``: 0.35 s of collections before, 0.09 s after."""
    gc.freeze()
    gc.set_threshold(50_000, *gc.get_threshold()[1:])


# -- in the worker ---------------------------------------------------------------------------

_stages: tuple[Extractor | None, Classifier | None] = (None, None)


def _start_forked(stages: tuple[Extractor | None, Classifier | None], parent: int) -> None:
    global _stages
    _stages = stages
    _detach(parent)
    settle_heap()


def _start_spawned(spec: Spec, parent: int) -> None:
    global _stages
    _detach(parent)
    _stages = spec.build()
    settle_heap()


def _detach(parent: int) -> None:
    """Leave Ctrl-C to the parent, and end when the parent is gone: a killed ingest
    must not leave its workers running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run(items: list[Item]) -> list[Found]:
    messages = [Message(chat=_NOWHERE, id=0, date=0, kind=kind, text=text, entities=entities)
                for kind, text, entities in items]
    analyse(messages, *_stages)
    return [(m.indicators, m.verdict) for m in messages]


def _ready() -> int:
    return os.getpid()


# -- in the parent ---------------------------------------------------------------------------


def _can_fork() -> bool:
    """Whether forking is safe: this process runs no other thread, and can fork."""
    return (threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods())


def _answer(future: Future[_T]) -> _T:
    """A worker's answer, or its failure as one clear error."""
    try:
        return future.result()
    except BrokenProcessPool as e:
        raise AnalysisError("an analysis worker process stopped unexpectedly (killed, or "
                            "out of memory); what was written before is kept: run the same "
                            "ingest again to complete it") from e
    except BazaarwatchError:
        raise
    except Exception as e:
        raise AnalysisError(f"analysis failed in a worker process: {e!r}; what was written "
                            "before is kept: run the same ingest again to complete it") from e


class Job:
    """The analysis of a batch's messages, under way in a worker."""

    def __init__(self, messages: list[Message], future: Future[list[Found]],
                 stages: tuple[Extractor | None, Classifier | None]) -> None:
        self.messages = messages
        self.future = future
        self.stages = stages

    def done(self) -> bool:
        """Whether applying it now would not wait."""
        return self.future.done()

    def apply(self) -> None:
        """Set the analysis on the messages: the worker's answer or, when no worker has
        begun it yet, this process's own (it would only wait otherwise)."""
        if self.future.cancel():
            analyse(self.messages, *self.stages)
            return
        found = _answer(self.future)
        for message, (indicators, verdict) in zip(self.messages, found, strict=True):
            message.indicators = indicators
            message.verdict = verdict


class Analyser:
    """A pool of analysis workers. Start it before any reader thread (see the module's
    docstring); ``close`` (or the ``with`` block) stops every worker."""

    def __init__(self, extractor: Extractor | None, classifier: Classifier | None, *,
                 workers: int, spec: Spec | None = None) -> None:
        parent = os.getpid()
        self.workers = workers
        self.stages = (extractor, classifier)
        self.under_way: list[Future[list[Found]]] = []
        if _can_fork():
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_start_forked, initargs=((extractor, classifier), parent))
        else:
            assert spec is not None, "spawned workers need a Spec"
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_spawned, initargs=(spec, parent))
        # With fork the first submission starts every worker, here, before the caller
        # starts any thread; with spawn it checks that the stages can be built. A pool
        # whose workers cannot start is stopped here: no caller holds it to close it.
        try:
            for ready in [self.pool.submit(_ready) for _ in range(workers)]:
                _answer(ready)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def can_start(spec: Spec | None) -> bool:
        """Whether workers can be started safely now (see the module's docstring)."""
        return spec is not None or _can_fork()

    def submit(self, messages: list[Message]) -> Job:
        """Send ``messages`` (kind, text and entities only) to a worker, whole: one of
        ``pieces``, so that the worker's verdicts are the caller's."""
        items = [(m.kind, m.text, m.entities) for m in messages]
        future = self.pool.submit(_run, items)
        self.under_way.append(future)
        return Job(messages, future, self.stages)

    def room(self) -> bool:
        """Whether a worker would begin a piece sent now, or as soon as it ends the one
        it has: more would only wait (holding memory), and is better analysed by the
        caller meanwhile."""
        self.under_way = [f for f in self.under_way if not f.done()]
        return len(self.under_way) < 2 * self.workers

    def close(self) -> None:
        """Stop the workers: queued jobs are dropped, running ones end first (a batch)."""
        self.pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
