"""The chat verdicts of a case: what each chat is, kept in the ``chat_verdicts`` table.

``classify.chats.decide`` judges a chat from all its posts; this reads a case's posts one
chat at a time (memory holds one chat, never the case), and keeps each chat's verdict.

A write of messages deletes their chats' verdicts in the same transaction (``Case.write``),
so "no row" means "to compute": ``refresh`` computes exactly those. Ingest calls it at its
end; ``verdicts`` (for ``channels`` and the report) calls it too on a writable case, which
completes a killed ingest and a case made before chat verdicts existed. A read-only case
cannot be written: its missing verdicts are computed in memory, the same way, each time.

Each chat is read, judged and stored in one transaction, so a verdict is never stored
for posts that another process's ingest changed meanwhile (see ``store``).
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from bazaarwatch.classify.chats import ChatVerdict, Post, decide, repost_key, title_text
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.store.sqlite import Case

if TYPE_CHECKING:  # the classifier's NumPy and SciPy are not loaded to read verdicts
    from bazaarwatch.classify.model import Classifier

_INDEX = {category: i for i, category in enumerate(IDS)}
_TITLES_PER_CALL = 1000
_SQLITE_BUSY = 5  # the primary result code of SQLITE_BUSY and SQLITE_BUSY_SNAPSHOT

_POSTS = """
SELECT m.rowid, m.text, m.sender_id, v.categories, v.offer, v.scores
FROM messages m JOIN verdicts v ON v.message_rowid = m.rowid
WHERE m.chat_id = ? AND m.kind = 'message'
ORDER BY m.date, m.rowid"""

_UPSERT = """
INSERT INTO chat_verdicts (chat_id, kind, categories, confidence, evidence, posts, offers)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (chat_id) DO UPDATE SET kind = excluded.kind, categories = excluded.categories,
    confidence = excluded.confidence, evidence = excluded.evidence, posts = excluded.posts,
    offers = excluded.offers"""


class _Scores(Mapping[str, float]):
    """A post's category scores in 60 bytes instead of a dict's kilobyte: a chat of a
    million posts is judged in memory."""

    __slots__ = ("_values",)

    def __init__(self, scores: Mapping[str, Any]) -> None:
        self._values = array("f", [scores.get(c) or 0.0 for c in IDS])

    def __getitem__(self, category: str) -> float:
        return self._values[_INDEX[category]]

    def get(self, category: str, default: Any = None) -> Any:
        i = _INDEX.get(category)
        return default if i is None else self._values[i]

    def __iter__(self) -> Iterator[str]:
        return iter(IDS)

    def __len__(self) -> int:
        return len(IDS)


def is_group(chat_type: str | None) -> bool:
    """Whether several people post in a chat of this type: Telegram's ``private_group``,
    ``private_supergroup`` and ``public_supergroup``, and any other reader's "group"."""
    return chat_type is not None and "group" in chat_type.lower()


def posts(case: Case, chat_id: str) -> list[Post]:
    """The classified messages of a chat as ``decide`` takes them, oldest first, keyed by
    rowid. A repost of an earlier post (``repost_key``) is left out: ``decide`` would count
    it once anyway, and a chat of one post copied a million times takes no memory. Texts
    are not kept (``Post.repost`` stands for them), and a post's categories are a tuple
    (the empty one is shared): memory grows by about 300 bytes per distinct post, not by
    the length of the posts."""
    seen: set[bytes] = set()
    senders: dict[str, str] = {}  # one string per sender, not one per post
    found = []
    for rowid, text, sender, categories, offer, scores in case.db.execute(_POSTS, (chat_id,)):
        key = repost_key(text)
        if key in seen:
            continue
        seen.add(key)
        found.append(Post(key=rowid, text="", scores=_Scores(orjson.loads(scores)),
                          categories=tuple(orjson.loads(categories)), offer=bool(offer),
                          sender=sender and senders.setdefault(sender, sender), repost=key))
    return found


def judge(case: Case, chat_id: str) -> ChatVerdict:
    """The verdict on one chat of the case, from its stored posts and title (not stored)."""
    row = case.db.execute("SELECT type, name, title_verdict FROM chats WHERE id = ?",
                          (chat_id,)).fetchone()
    kind, name, title = row if row else (None, None, None)
    return decide(posts(case, chat_id), group=is_group(kind),
                  title=_title_post(name, title) if name and title else None)


def _title_post(name: str, stored: str) -> Post:
    verdict = orjson.loads(stored)
    return Post(key=None, text=title_text(name), scores=_Scores(verdict["scores"]),
                categories=tuple(verdict["categories"]), offer=False)


def judge_titles(case: Case, chat_ids: Sequence[str], classifier: Classifier) -> None:
    """Score the names of these chats that have none scored yet (``chats.title_verdict``),
    a thousand per classifier call: ``judge`` counts a chat's name as one of its posts."""
    wanted = set(chat_ids)
    named = [(chat_id, name) for chat_id, name in case.db.execute(
        "SELECT id, name FROM chats WHERE title_verdict IS NULL AND name != ''")
        if chat_id in wanted]
    for at in range(0, len(named), _TITLES_PER_CALL):
        part = named[at:at + _TITLES_PER_CALL]
        judged = classifier.classify([title_text(name) for _, name in part])
        rows = [(orjson.dumps({"categories": v.categories, "scores": v.scores}).decode(),
                 chat_id) for (chat_id, _), v in zip(part, judged, strict=True)]
        with case.transaction("IMMEDIATE") as db:
            db.executemany("UPDATE chats SET title_verdict = ? WHERE id = ?", rows)


def missing(case: Case) -> list[str]:
    """The chats without a stored verdict: written to since it was computed, or never."""
    return [r[0] for r in case.db.execute(
        "SELECT id FROM chats WHERE id NOT IN (SELECT chat_id FROM chat_verdicts) ORDER BY id")]


def store(case: Case, chat_ids: Iterable[str] | None = None, *,
          classifier: Classifier | None = None) -> dict[str, ChatVerdict]:
    """(Re)compute and store the verdicts of ``chat_ids`` (every chat when None), one
    chat per transaction, and return them. A kill leaves the rest to compute later.

    Each chat is read and judged in a read transaction that becomes a write only to store
    the verdict, so an ingest running in another process is never held up for the time
    ``decide`` takes. Should that ingest have written meanwhile, or be writing, the
    verdict is returned but not stored (SQLite refuses to write from a stale snapshot):
    it stays missing, and the next refresh computes it.

    With a ``classifier`` (ingest has one), the chats' names are scored first where they
    have not been (``judge_titles``); without one, a name counts only once scored."""
    ids = list(chat_ids) if chat_ids is not None else [
        r[0] for r in case.db.execute("SELECT id FROM chats ORDER BY id")]
    if classifier is not None:
        judge_titles(case, ids, classifier)
    return {chat_id: _store_one(case, chat_id) for chat_id in ids}


def refresh(case: Case, *, classifier: Classifier | None = None) -> dict[str, ChatVerdict]:
    """Compute and store the verdicts that are missing; return them."""
    return store(case, missing(case), classifier=classifier)


def verdicts(case: Case) -> dict[str, ChatVerdict]:
    """Every chat's verdict, by chat id. Missing ones are computed first: stored on a
    writable case, in memory on a read-only one."""
    fresh = refresh(case) if not case.read_only else {
        chat_id: judge(case, chat_id) for chat_id in missing(case)}
    found = {chat_id: ChatVerdict(kind, [(c["category"], c["share"])
                                         for c in orjson.loads(categories)],
                                  confidence, list(orjson.loads(evidence)), posts, offers)
             for chat_id, kind, categories, confidence, evidence, posts, offers
             in case.db.execute("SELECT chat_id, kind, categories, confidence, evidence, "
                                "posts, offers FROM chat_verdicts")}
    return found | fresh


def _store_one(case: Case, chat_id: str) -> ChatVerdict:
    with case.transaction("DEFERRED") as db:
        verdict = judge(case, chat_id)
        try:
            db.execute(_UPSERT, (chat_id, *_columns(verdict)))
        except sqlite3.OperationalError as e:
            if e.sqlite_errorcode & 0xFF != _SQLITE_BUSY:
                raise
            db.execute("ROLLBACK")  # another process wrote or writes: left missing
    return verdict


def _columns(verdict: ChatVerdict) -> tuple[Any, ...]:
    categories = [{"category": c, "share": share} for c, share in verdict.categories]
    return (verdict.kind, orjson.dumps(categories).decode(), float(verdict.confidence),
            orjson.dumps(list(verdict.evidence)).decode(), verdict.posts, verdict.offers)

