"""The market map's place in the case: migration 6, and a map that is never stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bazaarwatch.model import Chat, Message
from bazaarwatch.store import market, queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.schema import LATEST
from bazaarwatch.store.sqlite import Case

SHOP = Chat(id="1500000001", name="Shop", type="public_channel")


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    with Case(tmp_path / "case.db") as opened:
        yield opened


def write(case: Case, *ids: int, text: str = "Fresh CVV 10$") -> None:
    source = case.start_source(path="x", sha256=f"{ids}", size=0, reader="test",
                               reader_version="1")
    case.write([Message(chat=SHOP, id=i, date=1_700_000_000 + i, text=text,
                        sender_id="channel1500000001") for i in ids], source_id=source)


def mapped() -> Market:
    return Market(vendors=[{"id": "chat:1500000001", "offers": 2}],
                  links=[{"a": {"kind": "chat", "id": "1"}, "b": {"kind": "chat", "id": "2"},
                          "reason": "shared wallet", "evidence": [], "score": 0.9}],
                  trends={"series": [{"week": "2023-11-13"}], "spikes": [],
                          "new": [{"week": "2023-11-13", "vendors": 1}]},
                  members={("vendor", "chat:1500000001"): [1, 2]})


def test_the_tables_are_migration_6(case: Case) -> None:
    assert LATEST >= 6 and case.schema_version == LATEST
    tables = {r[0] for r in case.db.execute("SELECT name FROM sqlite_master")}
    assert {"market_items", "market_members", "market_state"} <= tables


def test_a_saved_map_loads_back_and_is_current(case: Case) -> None:
    write(case, 1, 2)
    assert not market.is_current(case)
    messages, top = market.watermark(case)
    assert market.save(case, mapped(), {"messages": messages, "max_rowid": top})
    assert market.is_current(case)
    loaded = market.load(case)
    assert loaded.vendors == mapped().vendors and loaded.links == mapped().links
    assert loaded.trends == mapped().trends
    assert market.members(case, "vendor", "chat:1500000001") == [1, 2]
    assert market.analysed(case) == {"messages": 2, "max_rowid": 2}


def test_a_write_of_messages_makes_the_map_stale(case: Case) -> None:
    write(case, 1)
    messages, top = market.watermark(case)
    market.save(case, mapped(), {"messages": messages, "max_rowid": top})
    write(case, 2)
    assert not market.is_current(case)
    assert market.load(case).vendors == mapped().vendors  # kept until recomputed


def test_a_map_of_fewer_messages_than_the_case_holds_is_not_stored(case: Case) -> None:
    write(case, 1)
    messages, top = market.watermark(case)
    write(case, 2)  # another ingest wrote while the map was computed
    assert not market.save(case, mapped(), {"messages": messages, "max_rowid": top})
    assert not market.is_current(case) and market.load(case).vendors == []


def test_records_carry_verdict_and_indicators_in_rowid_order(case: Case) -> None:
    write(case, *range(1, 4002))  # more than one read batch
    found = list(market.records(case))
    assert [r.rowid for r in found] == list(range(1, 4002))
    assert found[0].text == "Fresh CVV 10$" and found[0].categories == []
    assert [r.rowid for r in market.records(case, after=4000)] == [4001]


def test_forwards_are_named_by_the_chat_the_case_holds(case: Case) -> None:
    write(case, 1)
    mirror = Chat(id="1500000002", name="Mirror", type="public_channel")
    source = case.start_source(path="y", sha256="y", size=0, reader="test", reader_version="1")
    case.write([Message(chat=mirror, id=i, date=1_700_000_100, text="restock",
                        forwarded_from=origin)
                for i, origin in enumerate(["channel 1500000001", "Shop", "Elsewhere"], 1)],
               source_id=source)
    rows = {r["source"]: (r["chat_id"], r["name"]) for r in queries.forwarded_sources(case)}
    assert rows == {"channel 1500000001": ("1500000001", "Shop"),
                    "Shop": ("1500000001", "Shop"), "Elsewhere": (None, "Elsewhere")}


def test_records_stop_at_until(case: Case) -> None:
    write(case, *range(1, 11))
    assert [r.rowid for r in market.records(case, after=2, until=5)] == [3, 4, 5]
