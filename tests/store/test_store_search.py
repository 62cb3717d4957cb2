"""Full-text search over a case (store.queries.search): Cyrillic, phrases, prefixes, errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bazaarwatch.errors import BazaarwatchError, InputError
from bazaarwatch.model import Chat, Message
from bazaarwatch.store import queries
from bazaarwatch.store.sqlite import Case

SHOP = Chat(id="1500000001", name="Барахолка", type="private_supergroup")
NEWS = Chat(id="1500000002", name="Fraud News", type="public_channel")
T0 = 1_700_000_000
MARK_START, MARK_END = "\x02", "\x03"  # how search() marks matches in snippets

TEXTS: dict[int, tuple[Chat, str]] = {
    1: (SHOP, "Продам карты CVV оптом"),
    2: (SHOP, "ПРОДАМ аккаунты, пишите"),
    3: (SHOP, "gift card codes cheap"),
    4: (SHOP, "buy gift cards now"),
    5: (SHOP, "Закладки в центре города"),
    6: (SHOP, "закладка готова"),
    7: (NEWS, "news: card fraud ring arrested"),
    8: (SHOP, "ёлка и йогурт"),
    9: (SHOP, ""),
}


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        source = opened.start_source(path="x.json", sha256="0" * 64, size=1, reader="telegram",
                                     reader_version="1")
        opened.write([Message(chat=chat, id=i, date=T0 + i * 3600, text=text,
                              sender_id=f"user{i % 2}", sender_name=f"Vendor {i % 2}")
                      for i, (chat, text) in TEXTS.items()], source_id=source)
        yield opened


def found(case: Case, query: str) -> set[int]:
    return {r["message_id"] for r in queries.search(case, query)}


@pytest.mark.parametrize(("query", "expected"), [
    ("ПРОДАМ", {1, 2}),
    ("продам", {1, 2}),
    ("ПрОдАм", {1, 2}),
    ("АККАУНТЫ", {2}),
    ("cvv", {1}),
    ("CARD", {3, 7}),
    ("ЁЛКА", {8}),
    ("ЙОГУРТ", {8}),
])
def test_search_folds_case_for_cyrillic_and_latin(case: Case, query: str,
                                                  expected: set[int]) -> None:
    assert found(case, query) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ('"gift card"', {3}),
    ('"gift cards"', {4}),
    ('"card codes"', {3}),
    ('"codes card"', set()),
    ('"продам карты"', {1}),
])
def test_phrase_queries(case: Case, query: str, expected: set[int]) -> None:
    assert found(case, query) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("закладк*", {5, 6}),
    ("ЗАКЛАД*", {5, 6}),
    ("card*", {3, 4, 7}),
    ("прод*", {1, 2}),
])
def test_prefix_queries(case: Case, query: str, expected: set[int]) -> None:
    assert found(case, query) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("card NOT news", {3}),
    ("gift AND cheap", {3}),
    ("cvv OR аккаунты", {1, 2}),
])
def test_boolean_queries(case: Case, query: str, expected: set[int]) -> None:
    assert found(case, query) == expected


def test_result_rows_carry_chat_date_sender_and_marked_snippet(case: Case) -> None:
    rows = queries.search(case, "аккаунты")
    assert len(rows) == 1
    r = rows[0]
    assert r["chat_id"] == SHOP.id
    assert r["chat_name"] == "Барахолка"
    assert r["message_id"] == 2
    assert r["date"] == T0 + 2 * 3600
    assert r["sender_id"] == "user0"
    assert r["sender_name"] == "Vendor 0"
    assert r["snippet"] == f"ПРОДАМ {MARK_START}аккаунты{MARK_END}, пишите"


def test_limit_caps_the_results(case: Case) -> None:
    assert len(queries.search(case, "card*", limit=2)) == 2
    assert found(case, "nosuchword") == set()


@pytest.mark.parametrize("query", ['"unterminated', "AND", "gift AND", "(card", "nocol:card",
                                   "*"])
def test_invalid_query_is_an_input_error(case: Case, query: str) -> None:
    with pytest.raises(InputError) as info:
        queries.search(case, query)
    assert isinstance(info.value, BazaarwatchError)
    assert query in str(info.value)
    assert "FTS5 syntax" in str(info.value)
    assert not case.db.in_transaction


def test_snippet_windows_long_text_around_the_first_match() -> None:
    from bazaarwatch.store.queries import snippet

    text = ("intro " * 30) + "cvv fresh card " + ("tail " * 60)
    at = text.index("cvv")
    cut = snippet(text, [(at, at + 3)])
    assert cut.startswith("…") and cut.endswith("…")
    assert "\x02cvv\x03" in cut
    assert len(cut.replace("\x02", "").replace("\x03", "")) <= 202
    assert snippet("just cvv here", [(5, 8)]) == "just \x02cvv\x03 here"
