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
    return {r["message_id"] for r in queries.search(case, query).results}


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
    rows = queries.search(case, "аккаунты").results
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
    assert len(queries.search(case, "card*", limit=2).results) == 2
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


# -- filters, counts, folded reposts -----------------------------------------------------------

BTC = "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"  # a valid checksummed address


@pytest.fixture
def market(tmp_path: Path) -> Iterator[Case]:
    """Two shops and a news channel; one offer text reposted in three chats."""
    from bazaarwatch.classify.model import Classifier
    from bazaarwatch.indicators import default_extractor
    from bazaarwatch.ingest import Options, ingest, plan

    shop_b = Chat(id="1500000003", name="Dumps Central", type="public_channel")
    offer = f"Fresh CVV dumps with pin, 20$ each. Pay BTC {BTC}, write @dumps_seller"
    rows = [(SHOP, 1, offer, T0), (shop_b, 2, offer, T0 + 60),
            (NEWS, 3, offer.replace(" ", "  "), T0 + 120),
            (SHOP, 4, "cvv checker down today, sorry", T0 + 86_400 * 30),
            (NEWS, 5, "Police seized a CVV shop", T0 + 86_400 * 60),
            (shop_b, 6, f"restock soon, same wallet {BTC}", T0 + 86_400 * 90)]
    lines = [{"id": i, "text": text, "chat": chat.id, "chat_type": chat.type, "date": date,
              "sender": f"user{i % 2}"} for chat, i, text, date in rows]
    path = tmp_path / "market.jsonl"
    import json

    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    with Case(tmp_path / "market.db") as opened:
        ingest(opened, plan([str(path)]),
               options=Options(extractor=default_extractor(), classifier=Classifier.load()))
        yield opened


def ids(result: queries.SearchResult) -> list[int]:
    return [r["message_id"] for r in result.results]


def test_reposts_fold_into_the_first_hit(market: Case) -> None:
    folded = queries.search(market, "dumps")
    assert folded.total == 3 and not folded.capped and folded.order == "rank"
    (hit,) = folded.results
    assert hit["reposts"] == 2
    assert {c["id"] for c in hit["repost_chats"]} <= {"1500000001", "1500000002",
                                                      "1500000003"}
    assert len(hit["repost_chats"]) == 2
    every = queries.search(market, "dumps", fold=False)
    assert sorted(ids(every)) == [1, 2, 3] and all(r["reposts"] == 0 for r in every.results)


def test_filters_narrow_the_search(market: Case) -> None:
    news = queries.search(market, "cvv", filters=queries.Filters(chat=NEWS.id), fold=False)
    assert sorted(ids(news)) == [3, 5]
    since = queries.Filters(since=T0 + 86_400 * 20, until=T0 + 86_400 * 45)
    assert ids(queries.search(market, "cvv", filters=since)) == [4]
    offers = queries.search(market, "cvv", filters=queries.Filters(offer=True), fold=False)
    assert set(ids(offers)) <= {1, 2, 3} and ids(offers)
    assert all(r["offer"] for r in offers.results)
    carding = queries.search(market, "", filters=queries.Filters(category="carding"))
    assert carding.order == "recent"
    assert all("carding" in r["categories"] for r in carding.results) and carding.results
    btc = queries.search(market, "", filters=queries.Filters(indicator_type="btc"), fold=False)
    assert sorted(ids(btc)) == [1, 2, 3, 6]


@pytest.mark.parametrize("value", [BTC, f"  {BTC} ", "@dumps_seller", "@Dumps_Seller"])
def test_an_indicator_value_finds_every_message_holding_it(market: Case, value: str) -> None:
    result = queries.search(market, "", filters=queries.Filters(indicator=value), fold=False)
    expected = [1, 2, 3, 6] if "Boat" in value else [1, 2, 3]
    assert sorted(ids(result)) == expected
    assert result.total == len(expected)


def test_an_unknown_indicator_finds_nothing(market: Case) -> None:
    result = queries.search(market, "", filters=queries.Filters(indicator="@nobody_here"))
    assert result.total == 0 and result.results == []


def test_paging_and_count(market: Case) -> None:
    first = queries.search(market, "cvv", limit=1, fold=False)
    second = queries.search(market, "cvv", limit=1, offset=1, fold=False)
    assert first.total == second.total == 5
    assert ids(first) != ids(second)


def test_a_search_needs_words_or_a_filter(market: Case) -> None:
    with pytest.raises(InputError, match="nothing to search for"):
        queries.search(market, "  ")
    with pytest.raises(InputError, match="characters long"):
        queries.search(market, "x" * (queries.QUERY_LIMIT + 1))
