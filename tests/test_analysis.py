"""Ingest with analysis workers: the same case as inline analysis, clear errors, no orphans."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from conftest import realistic_chats, tg_chat, tg_message, unix, write_account_export

from bazaarwatch import analysis
from bazaarwatch import ingest as ingest_module
from bazaarwatch.analysis import CLASSIFY_BATCH, Analyser, AnalysisError, analyse, pieces
from bazaarwatch.classify.model import Classifier
from bazaarwatch.indicators import default_extractor
from bazaarwatch.indicators.engine import Extractor
from bazaarwatch.ingest import Options, ingest, plan
from bazaarwatch.model import Chat, Entity, Indicator, Message
from bazaarwatch.store.sqlite import Case

OFFERS = [
    "Продам аккаунты, пишите в лс @shop_admin, оплата BTC 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
    "Fresh CVV base 90% valid, contact t.me/cardking_bot or +44 20 7946 0958",
    "gift card codes cheap, xmpp: dealer@jabber.ru, mirror abcdefghijklmnopqrstuvwxyz234567"
    "abcdefghijklmnopqrstuv.onion",
    "Как дела? Завтра встречаемся у метро в семь, не опаздывай",
    "Selling fullz with SSN and DOB, bulk discount, escrow accepted, wallet "
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "",
]


def _chats() -> list[dict[str, Any]]:
    """The shared realistic chats, and a busy market group: offers with indicators,
    edits, the same message twice, and one message that is refused."""
    market = []
    for i in range(1, 240):
        text = f"{OFFERS[i % len(OFFERS)]} lot {i}" if i % 11 else ""
        market.append(tg_message(i, text, date=unix(2024, 2, 1) + i * 60,
                                 edited=unix(2024, 3, 1) if i % 17 == 0 else None,
                                 sender=f"Vendor {i % 9}", sender_id=f"user{2000 + i % 9}"))
    market.append(tg_message(5, OFFERS[0] + " edited", date=unix(2024, 2, 1) + 300,
                             edited=unix(2024, 4, 1)))
    market.append({"id": "not a number", "type": "message", "date": 12})
    return [*realistic_chats(), tg_chat(market, name="Market", id=1_600_000_009)]


@pytest.fixture(autouse=True)
def _earlier_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """What earlier tests left in this process, so that each test checks only its own.

    Workers are forked only from a process that runs one thread (see ``analysis``): the
    command line is such a process, but a test process may hold idle threads that
    earlier tests left (Playwright's event-loop executor, another pool's manager thread).
    Here forking is allowed despite them, so that the workers are really started; and
    the child processes alive now are noted, so that "no process left" means none of
    this test's."""
    monkeypatch.setattr(analysis, "_can_fork", lambda: True)
    _BEFORE.clear()
    _BEFORE.update(_proc_children())


_BEFORE: set[int] = set()


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_account_export(tmp_path_factory.mktemp("analysis") / "export", _chats())


@pytest.fixture(scope="module")
def stages() -> tuple[Extractor, Classifier]:
    return default_extractor(), Classifier.load()


def _contents(db: Path) -> dict[str, str]:
    """A digest of each table ingest writes (the per-case link key's hashes left out)."""
    queries = {
        "sources": "SELECT status, error, warnings, messages_added, messages_updated "
                   "FROM sources ORDER BY id",
        "messages": "SELECT rowid, * FROM messages ORDER BY rowid",
        "indicators": "SELECT id, type, normalized, raw, checked FROM indicators ORDER BY id",
        "sightings": "SELECT * FROM message_indicators ORDER BY 1, 2, 3",
        "verdicts": "SELECT * FROM verdicts ORDER BY message_rowid",
        "edits": "SELECT message_rowid, edited, text FROM message_edits ORDER BY 1, 2",
        "chat_verdicts": "SELECT * FROM chat_verdicts ORDER BY chat_id",
    }
    con = sqlite3.connect(db)
    try:
        return {name: hashlib.sha256(repr(con.execute(sql).fetchall()).encode()).hexdigest()
                for name, sql in queries.items()}
    finally:
        con.close()


def _ingest(db: Path, export: Path, options: Options) -> list[ingest_module.SourceResult]:
    with Case(db) as case:
        return ingest(case, plan([export]), options=options)


def _started(monkeypatch: pytest.MonkeyPatch) -> list[Analyser]:
    """Record every Analyser ingest starts."""
    started: list[Analyser] = []

    class Recorded(Analyser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(ingest_module, "Analyser", Recorded)
    return started


def _no_children() -> bool:
    """Whether this test left no child process, waiting up to 5 s."""
    deadline = time.monotonic() + 5
    while set(_proc_children()) - _BEFORE:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _proc_children() -> list[int]:
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_write_the_same_case_as_inline_analysis(
        tmp_path: Path, export: Path, stages: tuple[Extractor, Classifier], workers: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    extractor, classifier = stages
    inline = Options(extractor=extractor, classifier=classifier, batch_size=13, workers=0)
    _ingest(tmp_path / "inline.db", export, inline)
    started = _started(monkeypatch)
    pooled = Options(extractor=extractor, classifier=classifier, batch_size=13,
                     workers=workers)
    results = _ingest(tmp_path / "pooled.db", export, pooled)
    assert [a.workers for a in started] == [workers]
    assert results[0].refused_count == 1 and results[0].status == "partial"
    assert _contents(tmp_path / "pooled.db") == _contents(tmp_path / "inline.db")
    con = sqlite3.connect(tmp_path / "pooled.db")
    try:  # the comparison is not vacuous: there are indicators, verdicts and an edit
        assert con.execute("SELECT count(*) FROM message_indicators").fetchone()[0] > 100
        assert con.execute("SELECT count(*) FROM verdicts WHERE top_category IS NOT NULL"
                           ).fetchone()[0] > 50
        assert con.execute("SELECT count(*) FROM messages WHERE chat_id = '1600000009' "
                           "AND message_id = 5 AND text LIKE '% edited'").fetchone()[0] == 1
    finally:
        con.close()
    assert _no_children()


def test_a_repeated_ingest_sends_nothing_to_analysis(
        tmp_path: Path, export: Path, stages: tuple[Extractor, Classifier],
        monkeypatch: pytest.MonkeyPatch) -> None:
    extractor, classifier = stages
    db = tmp_path / "case.db"
    options = Options(extractor=extractor, classifier=classifier, workers=1)
    _ingest(db, export, options)  # partial (a refused message): read again next time
    sent: list[int] = []
    submit = Analyser.submit

    def counted(self: Analyser, messages: list[Message]) -> Any:
        sent.append(len(messages))
        return submit(self, messages)

    monkeypatch.setattr(Analyser, "submit", counted)
    here: list[int] = []
    monkeypatch.setattr(ingest_module, "analyse",
                        lambda messages, *stages: here.append(len(messages)))
    before = _contents(db)
    _ingest(db, export, options)
    assert sum(sent) == sum(here) == 0
    assert _contents(db) == before


def test_unwritten_keeps_new_and_newer_messages_only(tmp_path: Path) -> None:
    chat = Chat(id="1", name="c", type="public_channel")
    stored = [Message(chat=chat, id=i, date=100, text=f"m{i}", edited={2: 50, 3: 70}.get(i))
              for i in range(1, 4)]
    with Case(tmp_path / "case.db") as case:
        source = case.start_source(path="x", sha256="0", size=1, reader="t", reader_version="1")
        case.write(stored, source_id=source)
        incoming = [Message(chat=chat, id=1, date=100, text="same"),
                    Message(chat=chat, id=2, date=100, text="newer", edited=60),
                    Message(chat=chat, id=3, date=100, text="same edit", edited=70),
                    Message(chat=chat, id=4, date=100, text="new")]
        assert [m.text for m in case.unwritten(incoming)] == ["newer", "new"]


class _Failing(Extractor):
    """An extractor that fails on one text, as a bug in a validator would."""

    def __init__(self, inner: Extractor) -> None:
        self.inner = inner

    def extract(self, text: str, entities: Iterable[Entity] = ()) -> list[Indicator]:
        if "fullz" in text:
            raise ValueError("validator bug")
        return self.inner.extract(text, entities)


def test_a_failing_worker_is_a_clear_error_and_leaves_no_process(
        tmp_path: Path, export: Path, stages: tuple[Extractor, Classifier],
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = _started(monkeypatch)
    options = Options(extractor=_Failing(stages[0]), classifier=None, batch_size=13, workers=1)
    # A chunk no worker had begun is analysed by ingest's own process: the bug is raised
    # there as it is, as in an ingest without workers.
    with pytest.raises((AnalysisError, ValueError), match="validator bug"):
        _ingest(tmp_path / "case.db", export, options)
    assert len(started) == 1
    assert _no_children()
    con = sqlite3.connect(tmp_path / "case.db")
    try:  # batches before the failure are kept; the source is left to be resumed
        assert con.execute("SELECT status FROM sources").fetchall() == [("running",)]
    finally:
        con.close()


def test_a_killed_worker_is_a_clear_error(
        tmp_path: Path, export: Path, stages: tuple[Extractor, Classifier],
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = _started(monkeypatch)

    parent = os.getpid()

    class Killer(_Failing):
        def extract(self, text: str, entities: Iterable[Entity] = ()) -> list[Indicator]:
            if os.getpid() != parent:  # a worker, not this process doing a chunk itself
                os._exit(9)  # as the kernel's out-of-memory killer would end it
            return self.inner.extract(text, entities)

    options = Options(extractor=Killer(stages[0]), batch_size=13, workers=1)
    with pytest.raises(AnalysisError, match="stopped unexpectedly"):
        _ingest(tmp_path / "case.db", export, options)
    assert len(started) == 1
    assert _no_children()


def test_no_analysis_starts_no_process(tmp_path: Path, export: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    started = _started(monkeypatch)
    results = _ingest(tmp_path / "case.db", export, Options(extractor=None, classifier=None))
    assert results[0].read > 200
    assert started == []


def test_pieces_end_where_the_classifier_ends_a_call(
        stages: tuple[Extractor, Classifier], monkeypatch: pytest.MonkeyPatch) -> None:
    chat = Chat(id="1", name="c", type="public_channel")
    kinds = ["message", "message", "service", "message"]

    def batch() -> list[Message]:
        return [Message(chat=chat, id=i, date=i, kind=kinds[i % 4],
                        text="" if i % 5 == 0 else f"{OFFERS[i % len(OFFERS)]} {i}")
                for i in range(4 * CLASSIFY_BATCH)]

    calls: list[int] = []
    classify = Classifier.classify

    def counted(self: Classifier, texts: list[str], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(texts))
        return classify(self, texts, *args, **kwargs)

    monkeypatch.setattr(Classifier, "classify", counted)
    whole, cut = batch(), batch()
    analyse(whole, *stages)
    split = calls[:]
    calls.clear()
    for piece in pieces(cut):
        calls.append(-1)
        analyse(piece, *stages)
    # One classify call per piece, of the texts one call on the whole batch takes.
    assert [n for n in calls if n != -1] == split and calls.count(-1) == len(split) == 3
    assert sum(map(len, pieces(cut))) == len(cut)
    assert [(m.indicators, m.verdict) for m in cut] == [(m.indicators, m.verdict)
                                                        for m in whole]
    assert sum(m.verdict is not None for m in whole) > 2 * CLASSIFY_BATCH


def test_settle_heap_freezes_what_is_loaded_and_collects_less_often() -> None:
    # In a process of its own: the test process's collector is left as it is.
    script = ("import gc; from bazaarwatch.analysis import settle_heap; loaded = [[] for _ in "
              "range(1000)]; settle_heap(); print(gc.get_freeze_count(), gc.get_threshold()[0])")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    frozen, threshold = map(int, done.stdout.split())
    assert frozen > 1000 and threshold == 50_000
