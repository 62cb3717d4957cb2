"""Triage labels (store.labels): checked, kept as history, surviving re-ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BARAHOLKA, CARD_SHOP, bw, realistic_chats, write_account_export

from bazaarwatch.errors import InputError
from bazaarwatch.store import labels
from bazaarwatch.store.sqlite import Case


def test_the_latest_label_wins_and_history_keeps_the_rest(realistic_case: Path) -> None:
    with Case(realistic_case) as case:
        first = labels.add(case, target="message", chat_id=str(CARD_SHOP), message_id=10,
                           categories=["carding"], offer=True, analyst="ana")
        second = labels.add(case, target="message", chat_id=str(CARD_SHOP), message_id="10",
                            categories=["carding", "personal-data"], offer=True,
                            note="fullz too")
        chat = labels.add(case, target="chat", chat_id=str(BARAHOLKA),
                          categories=["accounts"], kind="marketplace")
        assert second.message_id == 10  # "10" from a URL is the stored integer id
        current = labels.current(case)
        assert [label.id for label in current] == [chat.id, second.id]
        assert current[1].categories == ["carding", "personal-data"]
        assert [label.id for label in labels.history(case, str(CARD_SHOP), 10)] == [
            second.id, first.id]
        assert labels.current(case, target="chat")[0].kind == "marketplace"
        assert labels.current(case, chat_id=str(CARD_SHOP)) == [second]


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"target": "message", "chat_id": str(CARD_SHOP), "message_id": 10,
      "categories": ["guns"]}, "unknown categories"),
    ({"target": "message", "chat_id": str(CARD_SHOP), "message_id": 999,
      "categories": []}, "no message 999"),
    ({"target": "chat", "chat_id": "nope", "categories": []}, "no chat 'nope'"),
    ({"target": "message", "chat_id": str(CARD_SHOP), "message_id": 10,
      "categories": [], "kind": "shop"}, "not a chat kind"),
    ({"target": "chat", "chat_id": str(CARD_SHOP), "categories": [],
      "kind": "bazaar"}, "not a chat kind"),
    ({"target": "chat", "chat_id": str(CARD_SHOP), "categories": [],
      "offer": True}, "only a message label"),
    ({"target": "thread", "chat_id": str(CARD_SHOP), "categories": []}, "target"),
    ({"target": "message", "chat_id": str(CARD_SHOP), "message_id": 10,
      "categories": ["drugs", "drugs"]}, "twice"),
])
def test_a_bad_label_is_refused_and_nothing_stored(realistic_case: Path, kwargs: dict,  # type: ignore[type-arg]
                                                   problem: str) -> None:
    with Case(realistic_case) as case:
        with pytest.raises(InputError, match=problem):
            labels.add(case, **kwargs)
        assert case.query("SELECT count(*) FROM labels")[0][0] == 0


def test_labels_survive_a_reingest_that_rewrites_the_message(tmp_path: Path,
                                                            realistic_case: Path) -> None:
    with Case(realistic_case) as case:
        labels.add(case, target="message", chat_id=str(CARD_SHOP), message_id=10,
                   categories=["carding"], offer=True)
    chats = realistic_chats()
    chats[0]["messages"][0]["text"] = "Fresh CVV base, 95% valid"
    chats[0]["messages"][0]["edited_unixtime"] = "1700000000"
    newer = write_account_export(tmp_path / "newer", chats)
    assert bw("ingest", newer, "--db", realistic_case).returncode == 0
    with Case(realistic_case) as case:
        (label,) = labels.current(case)
        assert (label.message_id, label.categories) == (10, ["carding"])
        rows = list(labels.training_rows(case))
        assert rows == [("Fresh CVV base, 95% valid", ["carding"], True)]


def test_notes_and_names_are_bounded(realistic_case: Path) -> None:
    with Case(realistic_case) as case:
        label = labels.add(case, target="chat", chat_id=str(CARD_SHOP), categories=[],
                           note="x" * 100_000, analyst="a" * 1_000)
        assert len(label.note or "") == labels.NOTE_LIMIT
        assert len(label.analyst or "") == labels.ANALYST_LIMIT
