"""Triage labels: what an analyst says a message or a chat is, kept in the case.

The machine's verdicts are recomputed whenever a message changes; an analyst's word must
outlive that. Labels are rows in their own table (migration 7) that nothing but this
module writes, and only ever adds to: the latest row for a message or a chat is its label,
the earlier rows its history (who changed what, when). ``train --db`` learns from the
message labels (``training_rows``), which closes the loop from triage to the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from bazaarwatch.classify.chats import KINDS
from bazaarwatch.classify.taxonomy import IDS
from bazaarwatch.errors import InputError
from bazaarwatch.store import views
from bazaarwatch.store.sqlite import Case, now

TARGETS = ("message", "chat")
NOTE_LIMIT = 2_000  # characters: a note is a remark, not a document
ANALYST_LIMIT = 100


@dataclass(frozen=True)
class Label:
    """One analyst's statement. ``categories`` best first; [] says "not illicit".
    ``offer`` (messages) and ``kind`` (chats) are None when the analyst did not say."""

    id: int
    target: str
    chat_id: str
    message_id: int | str | None
    categories: list[str]
    offer: bool | None
    kind: str | None
    note: str | None
    analyst: str | None
    created: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "target": self.target, "chat_id": self.chat_id,
                "message_id": self.message_id, "categories": self.categories,
                "offer": self.offer, "kind": self.kind, "note": self.note,
                "analyst": self.analyst, "created": self.created}


def _label(row: Any) -> Label:
    offer = row["offer"]
    return Label(id=row["id"], target=row["target"], chat_id=row["chat_id"],
                 message_id=row["message_id"], categories=orjson.loads(row["categories"]),
                 offer=None if offer is None else bool(offer), kind=row["kind"],
                 note=row["note"], analyst=row["analyst"], created=row["created"])


def stored_id(case: Case, chat_id: str, message_id: int | str) -> int | str | None:
    """The message id as the case stores it (a URL gives "42" for Telegram's 42), or
    None when the chat has no such message."""
    rowid = views.find(case, chat_id, message_id)
    if rowid is None:
        return None
    found: int | str = case.query("SELECT message_id FROM messages WHERE rowid = ?",
                                  (rowid,))[0][0]
    return found


def _check(case: Case, target: str, chat_id: str, message_id: int | str | None,
           categories: list[str], kind: str | None) -> int | str | None:
    """Refuse what the case cannot hold: an unknown category or kind, a kind on a
    message, a chat or message the case does not have. Returns the message id as
    stored."""
    if target not in TARGETS:
        raise InputError("label", f"target {target!r} is neither 'message' nor 'chat'")
    unknown = [c for c in categories if c not in IDS]
    if unknown:
        raise InputError("label", f"unknown categories {unknown!r}",
                         hint="Use the category ids in docs/DESIGN.md")
    if len(set(categories)) != len(categories):
        raise InputError("label", "a category is given twice")
    if kind is not None and (target != "chat" or kind not in KINDS):
        raise InputError("label", f"kind {kind!r} is not a chat kind ({', '.join(KINDS)})")
    if target == "message":
        if message_id is None:
            raise InputError("label", "a message label needs the message id")
        stored = stored_id(case, chat_id, message_id)
        if stored is None:
            raise InputError("label", f"no message {message_id!r} in chat {chat_id!r}")
        return stored
    if message_id is not None:
        raise InputError("label", "a chat label takes no message id")
    if not case.query("SELECT 1 FROM chats WHERE id = ?", (chat_id,)):
        raise InputError("label", f"no chat {chat_id!r} in this case")
    return None


def add(case: Case, *, target: str, chat_id: str, message_id: int | str | None = None,
        categories: list[str], offer: bool | None = None, kind: str | None = None,
        note: str | None = None, analyst: str | None = None) -> Label:
    """Store a label (checked first, see ``_check``) and return it as stored."""
    message_id = _check(case, target, chat_id, message_id, categories, kind)
    if offer is not None and target != "message":
        raise InputError("label", "only a message label says whether it is an offer")
    note = note[:NOTE_LIMIT] if note else None
    analyst = analyst[:ANALYST_LIMIT] if analyst else None
    with case.transaction() as db:
        cursor = db.execute(
            "INSERT INTO labels (target, chat_id, message_id, categories, offer, kind, note,"
            " analyst, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (target, chat_id, message_id, orjson.dumps(categories).decode(),
             None if offer is None else int(offer), kind, note, analyst, now()))
        rowid = cursor.lastrowid
    return _label(case.query("SELECT * FROM labels WHERE id = ?", (rowid,))[0])


_LATEST = """
SELECT * FROM labels l WHERE l.id = (
    SELECT max(id) FROM labels k WHERE k.target = l.target AND k.chat_id = l.chat_id
    AND k.message_id IS l.message_id)"""


def current(case: Case, *, chat_id: str | None = None,
            target: str | None = None) -> list[Label]:
    """The label of each labelled message and chat (its latest row), newest first;
    only those of ``chat_id`` and of ``target`` kind when given."""
    sql, params = _LATEST, []
    if chat_id is not None:
        sql += " AND l.chat_id = ?"
        params.append(chat_id)
    if target is not None:
        sql += " AND l.target = ?"
        params.append(target)
    return [_label(r) for r in case.query(sql + " ORDER BY l.id DESC", params)]


def history(case: Case, chat_id: str, message_id: int | str | None = None) -> list[Label]:
    """Every label given to a message (or, without ``message_id``, to the chat itself),
    newest first."""
    rows = case.query("SELECT * FROM labels WHERE chat_id = ? AND message_id IS ? "
                      "ORDER BY id DESC", (chat_id, message_id))
    return [_label(r) for r in rows]


def training_rows(case: Case) -> Iterator[tuple[str, list[str], bool | None]]:
    """(text, categories, offer) for every labelled message with text: what ``train
    --db`` adds to the seed corpus."""
    rows = case.query(f"""
        SELECT m.text, l.categories, l.offer FROM ({_LATEST} AND l.target = 'message') l
        JOIN messages m ON m.chat_id = l.chat_id AND m.message_id = l.message_id
        WHERE m.text != '' ORDER BY l.id""")
    for r in rows:
        yield r["text"], orjson.loads(r["categories"]), (
            None if r["offer"] is None else bool(r["offer"]))
