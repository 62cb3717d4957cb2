"""Chat verdicts in the case: computed from the stored posts, forgotten when a chat is
written to, completed after a kill or an upgrade, computed in memory on a read-only case."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
import pytest

from bazaarwatch.classify import chats
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.model import Chat, Message, Verdict
from bazaarwatch.store import chat_verdicts, queries
from bazaarwatch.store import sqlite as store
from bazaarwatch.store.schema import LATEST
from bazaarwatch.store.sqlite import Case

SHOP = Chat(id="1500000001", name="Card Shop", type="public_channel")
NEWS = Chat(id="1500000002", name="Riverside Daily", type="public_channel")
T0 = 1_700_000_000
WORDS = ["amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "heron", "iris",
         "juniper", "kelp", "larch", "maple", "nectar", "olive", "pine", "quartz", "reed",
         "sage", "thyme"]


def verdict(categories: Sequence[str] = (), *, offer: bool = False) -> Verdict:
    return Verdict(categories=list(categories), offer=offer,
                   scores={c: (0.95 if c in categories else 0.01) for c in IDS})


def shop_posts(n: int = 12, start: int = 1) -> list[Message]:
    return [Message(chat=SHOP, id=start + i, date=T0 + i, sender_id="channel1",
                    text=f"fresh cvv dumps with pin, {WORDS[i % len(WORDS)]} base, "
                         "card 4111 1111 1111 1111 sample, write to buy",
                    verdict=verdict(["carding"], offer=True)) for i in range(n)]


def news_posts(n: int = 12, start: int = 1) -> list[Message]:
    return [Message(chat=NEWS, id=start + i, date=T0 + i, sender_id="channel2",
                    text=f"the {WORDS[i % len(WORDS)]} bridge reopens on monday",
                    verdict=verdict()) for i in range(n)]


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        yield opened


def write(case: Case, messages: Sequence[Message]) -> None:
    source = case.start_source(path="/exports/result.json", sha256="ab" * 32, size=1,
                               reader="telegram", reader_version="1")
    case.write(messages, source_id=source)


def stored(case: Case) -> dict[str, tuple[object, ...]]:
    return {r[0]: tuple(r[1:]) for r in case.db.execute("SELECT * FROM chat_verdicts")}


def test_the_table_has_its_columns(case: Case) -> None:
    assert case.schema_version == LATEST >= 5
    columns = [r[1] for r in case.db.execute("PRAGMA table_info(chat_verdicts)")]
    assert columns == ["chat_id", "kind", "categories", "confidence", "evidence", "posts",
                       "offers"]


def test_refresh_computes_and_stores_each_chat(case: Case) -> None:
    write(case, shop_posts() + news_posts())
    assert set(chat_verdicts.missing(case)) == {SHOP.id, NEWS.id}
    assert set(chat_verdicts.refresh(case)) == {SHOP.id, NEWS.id}
    assert chat_verdicts.missing(case) == []
    rows = stored(case)
    kind, categories, confidence, evidence, posts, offers = rows[SHOP.id]
    assert kind == "shop"
    assert isinstance(categories, str) and isinstance(evidence, str)
    shares = orjson.loads(categories)
    assert shares[0]["category"] == "carding" and set(shares[0]) == {"category", "share"}
    assert isinstance(confidence, float) and 0 < confidence <= 1
    rowids = {r[0] for r in case.db.execute("SELECT rowid FROM messages WHERE chat_id = ?",
                                            (SHOP.id,))}
    assert orjson.loads(evidence) and set(orjson.loads(evidence)) <= rowids
    assert (posts, offers) == (12, 12)
    assert rows[NEWS.id][0] == "not-illicit" and rows[NEWS.id][1] == "[]"
    assert chat_verdicts.refresh(case) == {}


def test_a_write_forgets_the_verdict_of_its_chats_only(case: Case) -> None:
    write(case, shop_posts() + news_posts())
    chat_verdicts.refresh(case)
    write(case, [Message(chat=NEWS, id=100 + i, date=T0 + 100, text=f"{word} fair opens",
                         verdict=verdict()) for i, word in enumerate(["spring", "autumn"])])
    assert chat_verdicts.missing(case) == [NEWS.id]
    assert list(chat_verdicts.refresh(case)) == [NEWS.id]
    assert stored(case)[NEWS.id][4] == 14


def test_writing_the_same_messages_again_keeps_the_verdicts(case: Case) -> None:
    write(case, shop_posts() + news_posts())
    chat_verdicts.refresh(case)
    before = stored(case)
    write(case, shop_posts() + news_posts())
    assert chat_verdicts.missing(case) == []
    assert stored(case) == before


def test_a_newer_edit_forgets_the_verdict(case: Case) -> None:
    write(case, shop_posts() + news_posts())
    chat_verdicts.refresh(case)
    edited = news_posts(1)[0]
    edited.edited = T0 + 1000
    write(case, [edited])
    assert chat_verdicts.missing(case) == [NEWS.id]


def test_posts_leave_out_reposts_unclassified_and_service_messages(case: Case) -> None:
    posts = shop_posts(3)
    repost = Message(chat=SHOP, id=50, date=T0 + 50, text=posts[0].text,
                     verdict=verdict(["carding"], offer=True))
    unclassified = Message(chat=SHOP, id=51, date=T0 + 51, text="no verdict stored")
    service = Message(chat=SHOP, id=52, date=T0 + 52, kind="service", text="pinned",
                      verdict=verdict())
    write(case, [*posts, repost, unclassified, service])
    found = chat_verdicts.posts(case, SHOP.id)
    rowids = dict(case.db.execute("SELECT message_id, rowid FROM messages WHERE chat_id = ?",
                                  (SHOP.id,)).fetchall())
    assert [p.key for p in found] == [rowids[m.id] for m in posts]
    assert [p.repost for p in found] == [chats.repost_key(m.text) for m in posts]
    first = found[0]
    assert first.categories == ("carding",) and first.offer and first.sender == "channel1"
    assert first.scores.get("carding") == pytest.approx(0.95)
    assert first.scores.get("drugs", 0.0) == pytest.approx(0.01)
    assert first.scores.get("no-such-category", 0.0) == 0.0
    assert dict(first.scores) == pytest.approx(verdict(["carding"]).scores)


@pytest.mark.parametrize(("chat_type", "group"), [
    ("private_group", True), ("private_supergroup", True), ("public_supergroup", True),
    ("group", True), ("public_channel", False), ("private_channel", False),
    ("personal_chat", False), ("bot_chat", False), ("saved_messages", False),
    ("unknown", False), (None, False)])
def test_groups_are_told_by_the_chat_type(chat_type: str | None, group: bool) -> None:
    assert chat_verdicts.is_group(chat_type) is group


def test_a_group_with_several_sellers_is_a_marketplace(case: Case) -> None:
    market = Chat(id="1500000003", name="Барахолка", type="private_supergroup")
    messages = [Message(chat=market, id=i, date=T0 + i, sender_id=f"user{i % 4}",
                        sender_name=f"Seller {i % 4}",
                        text=f"selling cvv with {WORDS[i]} balance, dm me",
                        verdict=verdict(["carding"], offer=True)) for i in range(16)]
    write(case, messages)
    assert chat_verdicts.judge(case, market.id).kind == "marketplace"


def test_a_killed_refresh_is_completed_by_the_next(case: Case,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    write(case, shop_posts() + news_posts())
    real = chats.decide
    calls = 0

    def dies_on_the_second(posts: Sequence[chats.Post], *, group: bool,
                           title: chats.Post | None = None) -> chats.ChatVerdict:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real(posts, group=group, title=title)

    monkeypatch.setattr(chat_verdicts, "decide", dies_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        chat_verdicts.refresh(case)
    assert not case.db.in_transaction
    assert len(stored(case)) == 1
    monkeypatch.setattr(chat_verdicts, "decide", real)
    assert list(chat_verdicts.refresh(case)) == [NEWS.id]
    assert set(stored(case)) == {SHOP.id, NEWS.id}


def _as_schema_4(path: Path) -> None:
    """Make the case at ``path`` one that an older bazaarwatch (schema 4) wrote."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("DROP TABLE chat_verdicts; DELETE FROM schema_migrations "
                     "WHERE version = 5;")
    db.close()


def test_a_schema_4_case_is_migrated_and_its_verdicts_computed_on_demand(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Case(path) as case:
        write(case, shop_posts() + news_posts())
    _as_schema_4(path)
    with Case(path, create=False, read_only=True) as case:  # a writable file: migrated
        assert case.schema_version == LATEST
        assert stored(case) == {}
        rows = {r["chat_id"]: r for r in queries.channels(case)}
        assert rows[SHOP.id]["kind"] == "shop" and rows[NEWS.id]["kind"] == "not-illicit"
        assert set(stored(case)) == {SHOP.id, NEWS.id}  # kept for the next command
        assert case.db.execute("SELECT text FROM messages WHERE message_id = 1 AND "
                               "chat_id = ?", (NEWS.id,)).fetchone()[0].startswith("the")


def test_a_read_only_case_computes_missing_verdicts_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case.db"
    with Case(path) as case:
        write(case, shop_posts() + news_posts())  # verdicts left to compute
        expected = {r["chat_id"]: r for r in queries.channels(case)}
        case.db.execute("DELETE FROM chat_verdicts")
    # As on a read-only mount: the case is opened with mode=ro.
    monkeypatch.setattr("bazaarwatch.store.sqlite.os.access", lambda *_: False)
    with Case(path, create=False, read_only=True) as case:
        assert case.read_only
        rows = {r["chat_id"]: r for r in queries.channels(case)}
        assert stored(case) == {}
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            case.db.execute("DELETE FROM chat_verdicts")
    assert rows == expected


def test_a_case_locked_by_another_writer_gives_the_verdict_unstored(
        case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    write(case, shop_posts())
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.1)
    case.db.execute("PRAGMA busy_timeout = 100")
    other = sqlite3.connect(case.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # an ingest in another process, mid-batch
    try:
        judged = chat_verdicts.refresh(case)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert judged[SHOP.id].kind == "shop"
    assert not case.db.in_transaction
    assert chat_verdicts.missing(case) == [SHOP.id]
    assert set(chat_verdicts.refresh(case)) == {SHOP.id}
    assert chat_verdicts.missing(case) == []


def test_a_verdict_made_stale_by_another_writer_is_not_stored(
        case: Case, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process's ingest adds a post while the chat is judged: the verdict, made
    from the posts before it, must not be stored as the chat's."""
    write(case, shop_posts())
    real = chats.decide

    def meanwhile(posts: Sequence[chats.Post], *, group: bool,
                  title: chats.Post | None = None) -> chats.ChatVerdict:
        with Case(case.path) as other:
            write(other, [Message(chat=SHOP, id=100, date=T0 + 100, text="new cvv base",
                                  verdict=verdict(["carding"], offer=True))])
        return real(posts, group=group, title=title)

    monkeypatch.setattr(chat_verdicts, "decide", meanwhile)
    assert chat_verdicts.refresh(case)[SHOP.id].posts == 12
    assert chat_verdicts.missing(case) == [SHOP.id]
    monkeypatch.setattr(chat_verdicts, "decide", real)
    chat_verdicts.refresh(case)
    assert stored(case)[SHOP.id][4] == 13


def test_titles_are_scored_once_and_forgotten_on_a_rename(case: Case) -> None:
    from bazaarwatch.classify.model import Classifier

    write(case, shop_posts() + news_posts())
    chat_verdicts.refresh(case)  # no classifier: no title is scored
    assert case.db.execute("SELECT count(*) FROM chats WHERE title_verdict IS NOT NULL"
                           ).fetchone()[0] == 0
    case.db.execute("DELETE FROM chat_verdicts")
    chat_verdicts.refresh(case, classifier=Classifier.load())
    scored = dict(case.db.execute("SELECT id, title_verdict FROM chats"))
    assert set(scored) == {SHOP.id, NEWS.id}
    title = orjson.loads(scored[SHOP.id])
    assert set(title["scores"]) == set(IDS) and isinstance(title["categories"], list)
    write(case, [Message(chat=Chat(id=SHOP.id, name="Renamed", type=SHOP.type), id=99,
                         date=T0 + 99, text="back tomorrow", verdict=verdict())])
    assert case.db.execute("SELECT title_verdict FROM chats WHERE id = ?",
                           (SHOP.id,)).fetchone()[0] is None
    assert case.db.execute("SELECT title_verdict FROM chats WHERE id = ?",
                           (NEWS.id,)).fetchone()[0] == scored[NEWS.id]


def test_a_scored_title_speaks_for_a_chat_of_few_posts(case: Case) -> None:
    app = Chat(id="1500000003", name="mod_apk_premium_unlocked", type="public_channel")
    scores = {c: 0.01 for c in IDS}
    write(case, [Message(chat=app, id=i, date=T0 + i, sender_id="channel3",
                         text=f"{WORDS[i]} v2.{i} download",
                         verdict=Verdict(categories=[], offer=False, scores=scores))
                 for i in range(4)])
    assert chat_verdicts.judge(case, app.id).categories == []
    title = {"categories": ["pirated-content"],
             "scores": {c: (0.99 if c == "pirated-content" else 0.01) for c in IDS}}
    case.db.execute("UPDATE chats SET title_verdict = ? WHERE id = ?",
                    (orjson.dumps(title).decode(), app.id))
    judged = chat_verdicts.judge(case, app.id)
    assert judged.categories[0][0] == "pirated-content"
    assert judged.posts == 4 and len(judged.evidence) == 4
