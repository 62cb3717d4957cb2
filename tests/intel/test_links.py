"""Links: who shares a wallet, a handle or a source with whom, on a real ingested case."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from conftest import bw, tg_chat, tg_message, unix, write_account_export

from bazaarwatch.intel.links import Links
from bazaarwatch.store import market
from bazaarwatch.store.sqlite import Case

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
MARKET, ALPHA, BETA, MIRROR_1, MIRROR_2, COPY = (1_700_000_001, 1_700_000_002, 1_700_000_003,
                                                  1_700_000_004, 1_700_000_005, 1_700_000_006)


def btc(label: str) -> str:
    """A P2PKH address with a valid checksum (the extractor checks it), from a label."""
    payload = b"\x00" + hashlib.sha256(label.encode()).digest()[:20]
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n, out = int.from_bytes(raw, "big"), ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


SHARED = btc("operator wallet")


def chats() -> list[dict[str, Any]]:
    group = [
        tg_message(1, f"Selling fresh CVV US, 15$ each. Pay BTC {SHARED}, write @cvv_anna",
                   sender="Anna", sender_id="user2001", date=unix(2024, 3, 1)),
        tg_message(2, f"Продаю логи стилера, 30$. Оплата BTC {SHARED}, писать @logs_boris",
                   sender="Boris", sender_id="user2002", date=unix(2024, 3, 2)),
        tg_message(3, "Escrow via @garant_service only", sender="Anna", sender_id="user2001",
                   date=unix(2024, 3, 3)),
        tg_message(4, f"someone sent me {btc('a stranger')}, is it legit?", sender="Cid",
                   sender_id="user2003", date=unix(2024, 3, 4)),
    ]
    # Two channels that name one support handle: a weaker tie than a wallet.
    alpha = [tg_message(i, "💊 XTC 10 pcs 50€, order: @night_support", sender="Alpha",
                        sender_id=f"channel{ALPHA}", date=unix(2024, 3, i)) for i in (1, 2)]
    beta = [tg_message(1, "❄️ Cocaine 90% pure, 80€ per gram, order: @night_support", sender="Beta",
                       sender_id=f"channel{BETA}", date=unix(2024, 3, 5))]
    # Two mirrors of one outside source, and a channel that reposts the case's own Alpha;
    # the wallet in a forwarded post belongs to its source, not to the reposter.
    mirror = [tg_message(i, f"Dumps restock #{i}", sender="M", sender_id=f"channel{MIRROR_1}",
                         forwarded_from="Dumps Central", date=unix(2024, 4, i))
              for i in range(1, 4)]
    mirror_2 = [tg_message(i, f"Dumps restock #{i}", sender="N", sender_id=f"channel{MIRROR_2}",
                           forwarded_from="Dumps Central", date=unix(2024, 4, i))
                for i in range(1, 4)]
    copy = [tg_message(1, f"Pay here {SHARED}", sender="Copy", sender_id=f"channel{COPY}",
                       forwarded_from=f"channel {ALPHA}", date=unix(2024, 4, 9))]
    return [tg_chat(group, name="Маркет 24/7", type="private_supergroup", id=MARKET),
            tg_chat(alpha, name="Alpha Shop", type="public_channel", id=ALPHA),
            tg_chat(beta, name="Beta Shop", type="public_channel", id=BETA),
            tg_chat(mirror, name="Mirror One", type="public_channel", id=MIRROR_1),
            tg_chat(mirror_2, name="Mirror Two", type="public_channel", id=MIRROR_2),
            tg_chat(copy, name="Copycat", type="public_channel", id=COPY)]


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("links")
    db = tmp / "case.db"
    result = bw("ingest", write_account_export(tmp / "export", chats()), "--db", db)
    assert result.returncode == 0, result.stderr
    with Case(db, read_only=True) as case:
        links = Links(market.chats(case), market.senders(case))
        for record in market.records(case):
            links.add(record)
    vendors = [{"id": "sender:user2001", "names": ["Anna"], "chats": [{"id": str(MARKET)}],
                "wallets": [{"type": "btc", "value": SHARED}],
                "contacts": [{"type": "telegram", "value": "@cvv_anna"}]}]
    return links.result(bots=[], networks=[], vendors=vendors)


def pair(links: list[dict[str, Any]], a: str, b: str) -> dict[str, Any] | None:
    for link in links:
        if {link["a"]["id"], link["b"]["id"]} == {a, b}:
            return link
    return None


def test_two_vendors_paying_to_one_address_are_linked_by_it(found: Any) -> None:
    links = found[0]
    link = pair(links, "sender:user2001", "sender:user2002")
    assert link is not None
    assert link["reason"] == "shared wallet"
    assert link["evidence"] == [{"type": "btc", "value": SHARED}]
    assert link["score"] >= 0.9
    assert link["a"]["kind"] == "vendor" and link["a"]["name"] == "Anna"
    assert links[0] is link  # a wallet is the strongest tie here


def test_a_shared_handle_ties_two_channels_less_strongly(found: Any) -> None:
    link = pair(found[0], str(ALPHA), str(BETA))
    assert link is not None
    assert link["a"]["kind"] == "chat" and {link["a"]["name"], link["b"]["name"]} == {
        "Alpha Shop", "Beta Shop"}
    assert link["evidence"] == [{"type": "telegram", "value": "@night_support"}]
    assert 0.3 < link["score"] < 0.9


def test_mirrors_of_one_source_are_tied_and_reposts_tie_no_wallet(found: Any) -> None:
    links = found[0]
    mirror = pair(links, str(MIRROR_1), str(MIRROR_2))
    assert mirror is not None and mirror["reason"] == "mirror the same source"
    assert mirror["evidence"] == [{"type": "forwarded-from", "value": "source:Dumps Central"}]
    assert not [link for link in links if str(COPY) in (link["a"]["id"], link["b"]["id"])]
    assert not [link for link in links if "user2003" in link["a"]["id"] + link["b"]["id"]]


def test_forwards_are_resolved_to_the_chat_the_case_holds(found: Any) -> None:
    _, nodes, edges = found
    forwards = {(e["source"], e["target"]) for e in edges if e["relation"] == "forwarded-from"}
    assert (f"chat:{COPY}", f"chat:{ALPHA}") in forwards
    assert (f"chat:{MIRROR_1}", "source:Dumps Central") in forwards
    names = {n["id"]: n["name"] for n in nodes}
    assert names[f"chat:{ALPHA}"] == "Alpha Shop"
    assert {"id": f"wallet:btc:{SHARED}", "kind": "wallet", "name": SHARED} in nodes
    assert {"source": "sender:user2001", "target": f"wallet:btc:{SHARED}",
            "relation": "pays-to", "weight": 1} in edges


def test_a_value_everyone_names_ties_no_one(tmp_path: Path) -> None:
    group = [tg_message(i, "deals only through @garant_service", sender=f"U{i}",
                        sender_id=f"user{3000 + i}", date=unix(2024, 5, 1)) for i in range(40)]
    db = tmp_path / "case.db"
    result = bw("ingest", write_account_export(tmp_path / "export", [
        tg_chat(group, name="Big", type="private_supergroup", id=MARKET)]), "--db", db)
    assert result.returncode == 0, result.stderr
    with Case(db, read_only=True) as case:
        links = Links(market.chats(case), market.senders(case))
        for record in market.records(case):
            links.add(record)
    assert links.result(bots=[], networks=[], vendors=[])[0] == []


def test_a_shop_bot_is_linked_under_its_vendor_id(tmp_path: Path) -> None:
    bot_chat = [tg_message(i, f"Your order: fresh CVV US 15$. Pay BTC {SHARED}",
                           sender="CVV Bot", sender_id="user1700000009", date=unix(2024, 6, i))
                for i in (1, 2)]
    shop = [tg_message(1, f"Fresh CVV US 15$ each, pay BTC {SHARED}", sender="Alpha",
                       sender_id=f"channel{ALPHA}", date=unix(2024, 6, 3))]
    db = tmp_path / "case.db"
    result = bw("ingest", write_account_export(tmp_path / "export", [
        tg_chat(bot_chat, name="CVV Bot", type="bot_chat", id=1_700_000_009),
        tg_chat(shop, name="Alpha Shop", type="public_channel", id=ALPHA)]), "--db", db)
    assert result.returncode == 0, result.stderr
    with Case(db, read_only=True) as case:
        links = Links(market.chats(case), market.senders(case))
        for record in market.records(case):
            links.add(record)
    bot = {"id": "bot:@cvvshopbot", "kind": "bot", "names": ["CVV Bot"],
           "senders": ["user1700000009"]}
    found = links.result(bots=[], networks=[], vendors=[bot])[0]
    assert [(x["a"], x["b"]["id"]) for x in found] == [
        ({"kind": "vendor", "id": "bot:@cvvshopbot", "name": "CVV Bot"}, str(ALPHA))]
