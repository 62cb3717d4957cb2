"""Vendors: one profile per seller across chats (a sender, a channel, a shop bot, or a
contact handle that reposted offers point to), with prices, wallets, contacts and
reputation; benign chats and the analyst's own account yield none; phones are masked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_into, tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.intel import vendors
from bazaarwatch.intel.bots import Bots
from bazaarwatch.intel.vendors import MAX_CONTACTS, MAX_HANDLES, Vendors
from bazaarwatch.store import market
from bazaarwatch.store.market import Record
from bazaarwatch.store.sqlite import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"
CONTRACT = ["id", "names", "handles", "senders", "chats", "categories", "offers", "prices",
            "wallets", "contacts", "first_seen", "last_seen"]
EXTRAS = ["kind", "payments", "onions", "reputation"]

NORTH, CENTRAL, DARK, SHOP, REPOST, FRIENDS, PIZZA = (str(1_710_000_001 + i) for i in range(7))
OWNER = "99"  # the account of write_account_export: its saved messages chat has its id
DAY = unix(2024, 4, 1, 9)
BTC = "bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n"
TRX = "TJy65GkgWHHDPfSXkjfhXCWdT9KLYLJbWE"
PHONE = "+44 7700 900123"
GLOCK = "🔫 Glock 19 без лицензии, патроны в наличии. Доставка по РФ. Связь: @gunsmith_ru"

Result = tuple[list[dict[str, Any]], dict[str, list[int]], list[Record]]


def read(db: Path) -> Result:
    """The bots and vendors passes over the case: (vendors, members, records)."""
    with Case(db, read_only=True) as case:
        chats, senders = market.chats(case), market.senders(case)
        records = list(market.records(case))
    bots, vendors = Bots(chats), Vendors(chats, senders)
    for record in records:
        bots.add(record)
        vendors.add(record)
    return vendors.result(bots.result()), vendors.members(), records


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows}


def chat_ids(vendor: dict[str, Any]) -> set[str]:
    return {c["id"] for c in vendor["chats"]}


def msg(id: int, text: str, sender: str, sender_id: str, *, hour: int = 0,
        **extra: Any) -> dict[str, Any]:
    return tg_message(id, text, date=DAY + 3600 * hour + 60 * id, sender=sender,
                      sender_id=sender_id, **extra)


# -- a small market: one seller in three groups, a channel shop, reposted ads --------------


def north() -> list[dict[str, Any]]:
    return [
        tg_service(1, "invite_members", date=DAY, actor="Bob", actor_id="user3003",
                   members=["Вася"]),
        msg(2, "👑 Stealer logs 2024 (EU), 50k lines, cookies + passwords — 40$. DM @logsmith",
            "LogSmith 🔑", "user3001"),
        msg(3, "скинь прайс", "Вася", "user3002", reply_to=2),
        msg(4, f"🪪 Паспорт РФ, права, дипломы под заказ — от 200$. WhatsApp {PHONE}, "
               "связь: @docs_master_x", "Docs Master X", "user3007", hour=2),
        msg(5, "💳 PRICE LIST: US Visa/MC CVV — 12$, EU — 18$, UK — 15$. Valid 90%, "
               "replace 30 min. Support: @cvv_monster_support", "Bob", "user3003", hour=3,
            forwarded_from="CVV Monster 💳"),
    ]


def central() -> list[dict[str, Any]]:
    return [
        msg(1, "🔑 Netflix / Spotify premium accounts — 3$ each, replacement 24h. "
               "DM @logsmith", "LogSmith 🔑", "user3001", hour=30),
        msg(2, GLOCK, "Kolya", "user3004", hour=31, forwarded_from="Gun Smith Official"),
        msg(3, "куплю логи, кто продаст?", "Petya", "user3005", hour=32),
        msg(4, "💳 PRICE LIST: US Visa/MC CVV — 12$, EU — 18$, UK — 15$. Valid 90%, "
               "replace 30 min. Support: @cvv_monster_support", "Sasha", "user3010", hour=33,
            forwarded_from=f"channel {SHOP}"),  # as the export names a source it cannot
    ]


def dark() -> list[dict[str, Any]]:
    return [
        msg(1, "Продам логи с куками, 80к строк (US) — 25$. Писать @logsmith",
            "LogSmith 🔑", "user3001", hour=60),
        msg(2, "🔫 Травматы и охолощенка под переделку, цена от 300$. Связь: @gunsmith_ru",
            "Админ Маркета", "user3009", hour=61),
    ]


def shop() -> list[dict[str, Any]]:
    def post(i: int, text: str) -> dict[str, Any]:
        return msg(i, text, "CVV Monster 💳", f"channel{SHOP}", hour=10 * i)

    return [
        post(1, "💳 PRICE LIST: US Visa/MC CVV — 12$, EU — 18$, UK — 15$. Valid 90%, "
                "replace 30 min. Support: @cvv_monster_support"),
        post(2, f"💳 Fresh US fullz with SSN + DOB — 35$. BTC: {BTC}"),
        post(3, f"💳 CVV restock: US Amex — 20$. USDT TRC20: {TRX}. Escrow via гарант "
                "@garant_desk. ⭐ Reviews: @cvv_monster_reviews"),
        post(4, "🎉 We are 2 years old! Thank you for your trust."),
    ]


def repost() -> list[dict[str, Any]]:
    return [msg(1, GLOCK, "Реклама Маркет 📢", f"channel{REPOST}", hour=50)]


def friends() -> list[dict[str, Any]]:
    return [
        msg(1, "Кто едет на дачу в субботу? Я привезу шашлык 🍖", "Маша", "user5001"),
        msg(2, "Steam gift card for Masha's birthday, 50$, who chips in?", "Tom", "user5002"),
        msg(3, "selling my old bike 50€, anyone interested?", "Dima", "user5003"),
        msg(4, "Кстати, кто хотел крипту попробовать — я вернул долг Тому в эфире, вот мой "
               "адрес если что: 0x81cA4bFCa7dDAb337b6c8c77F682B852C1d7d24E", "Dima", "user5003"),
    ]


def pizza() -> list[dict[str, Any]]:
    return [
        msg(1, "🍕 Pepperoni 30cm — 12€, Margherita — 9€. Order in our bot @pizza_roma_bot",
            "Pizza Roma 🍕", f"channel{PIZZA}"),
        msg(2, "🍕 Friday deal: two large pizzas for 20€! Free delivery in Riverside.",
            "Pizza Roma 🍕", f"channel{PIZZA}"),
    ]


def saved() -> list[dict[str, Any]]:
    return [
        msg(1, "Заметка: LogSmith продаёт stealer logs по 40$, куки + пароли, @logsmith",
            "Test Analyst", f"user{OWNER}"),
        msg(2, f"💳 Fresh US fullz with SSN + DOB — 35$. BTC: {BTC}", "Test Analyst",
            f"user{OWNER}", forwarded_from="CVV Monster 💳"),
    ]


@pytest.fixture(scope="module")
def market_case(tmp_path_factory: pytest.TempPathFactory) -> Result:
    folder = tmp_path_factory.mktemp("vendors")
    export = write_account_export(folder / "export", [
        tg_chat(north(), name="Барахолка Север", type="private_supergroup", id=int(NORTH)),
        tg_chat(central(), name="Market Central", type="public_supergroup", id=int(CENTRAL)),
        tg_chat(dark(), name="Darknet Chat RU", type="private_supergroup", id=int(DARK)),
        tg_chat(shop(), name="CVV Monster 💳", type="public_channel", id=int(SHOP)),
        tg_chat(repost(), name="Реклама Маркет 📢", type="public_channel", id=int(REPOST)),
        tg_chat(friends(), name="Дача 🏡 & friends", type="private_group", id=int(FRIENDS)),
        tg_chat(pizza(), name="Pizza Roma 🍕", type="public_channel", id=int(PIZZA)),
        tg_chat(saved(), name=None, type="saved_messages", id=int(OWNER)),
    ])
    return read(ingest_into(folder, [export]))


def test_a_vendor_posting_in_three_groups_is_one_profile(market_case: Result) -> None:
    rows, members, records = market_case
    mine = [r for r in rows if "user3001" in r["senders"]]
    assert [r["id"] for r in mine] == ["sender:user3001"]
    (logsmith,) = mine
    assert logsmith["kind"] == "sender" and logsmith["names"] == ["LogSmith 🔑"]
    assert chat_ids(logsmith) == {NORTH, CENTRAL, DARK}
    assert logsmith["offers"] == 3 and logsmith["categories"] == {"accounts": 3}
    assert logsmith["prices"] == {"accounts": {"min": 3.0, "max": 40.0, "currency": "USD"}}
    assert logsmith["handles"] == ["@logsmith"]
    assert logsmith["first_seen"] < logsmith["last_seen"]
    posted = sorted(r.rowid for r in records if r.sender_id == "user3001")
    assert members["sender:user3001"] == posted


def test_a_channel_shop_is_one_vendor_with_its_wallets_prices_and_reputation(
        market_case: Result) -> None:
    rows, members, _ = market_case
    cvv = by_id(rows)[f"chat:{SHOP}"]
    assert cvv["kind"] == "channel" and cvv["names"] == ["CVV Monster 💳"]
    assert cvv["senders"] == [f"channel{SHOP}"] and chat_ids(cvv) == {SHOP}
    assert cvv["offers"] == 3, "the anniversary post is no offer; forwards are not counted"
    assert cvv["wallets"] == [{"type": "btc", "value": BTC}, {"type": "trx", "value": TRX}]
    assert cvv["prices"]["carding"] == {"min": 12.0, "max": 20.0, "currency": "USD"}
    assert {"bitcoin", "usdt", "tron"} <= set(cvv["payments"])
    assert cvv["reputation"] == {"escrow": 2, "reviews": 1}
    assert {"type": "telegram", "value": "@cvv_monster_support"} in cvv["contacts"]
    assert len(members[f"chat:{SHOP}"]) == 3


def test_a_handle_that_reposted_and_forwarded_offers_point_to_is_a_vendor(
        market_case: Result) -> None:
    rows = by_id(market_case[0])
    gunsmith = rows["handle:@gunsmith_ru"]
    assert gunsmith["kind"] == "handle" and gunsmith["handles"] == ["@gunsmith_ru"]
    assert chat_ids(gunsmith) == {CENTRAL, DARK, REPOST}
    assert gunsmith["offers"] == 3 and gunsmith["categories"] == {"weapons": 3}
    assert gunsmith["names"] == ["Gun Smith Official"]  # the forward's source
    # The posters keep the offers they posted; whoever forwarded one does not get it.
    assert f"chat:{REPOST}" in rows and "sender:user3009" in rows
    assert not {"sender:user3004", "sender:user3003", "sender:user3010"} & set(rows)
    # Forwards of the channel (by name or as "channel <id>") are the channel's own offers.
    assert "handle:@cvv_monster_support" not in rows


def test_benign_chats_buyers_and_the_analyst_yield_no_vendor(market_case: Result) -> None:
    rows = market_case[0]
    for vendor in rows:
        assert not {FRIENDS, PIZZA, OWNER} & chat_ids(vendor), vendor["id"]
        assert not {"user5001", "user5002", "user5003", f"user{OWNER}", "user3002",
                    "user3005"} & set(vendor["senders"]), vendor["id"]
        assert vendor["categories"], "every vendor sells something illicit"


def test_a_vendors_phone_is_masked(market_case: Result) -> None:
    docs = by_id(market_case[0])["sender:user3007"]
    phones = [c["value"] for c in docs["contacts"] if c["type"] == "phone"]
    assert len(phones) == 1 and "*" in phones[0] and phones[0].endswith("23")
    shown = json.dumps(market_case[0], ensure_ascii=False)
    assert "900123" not in shown and "7700 900" not in shown


def test_vendor_dicts_have_the_contract_keys_in_order_most_offers_first(
        market_case: Result) -> None:
    rows, members = market_case[0], market_case[1]
    assert rows and all(list(r)[:len(CONTRACT)] == CONTRACT for r in rows)
    assert all(set(r) == {*CONTRACT, *EXTRAS} for r in rows)
    offers = [r["offers"] for r in rows]
    assert offers == sorted(offers, reverse=True)
    assert set(members) == {r["id"] for r in rows}
    assert all(len(members[r["id"]]) == r["offers"] for r in rows)


# -- the bundled example -------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return read(ingest_into(tmp_path_factory.mktemp("example"), [EXAMPLE]))


def test_the_example_vendors_are_found_with_their_categories(example: Result) -> None:
    rows = example[0]
    named = {name: r for r in rows for name in r["names"]}
    logs, docs = named["LogsKing 👑"], named["Doc Master 🪪"]
    assert logs["kind"] == docs["kind"] == "sender"
    assert logs["categories"].get("accounts", 0) >= 5
    assert {"type": "trx", "value": "TJy65GkgWHHDPfSXkjfhXCWdT9KLYLJbWE"} in logs["wallets"]
    assert logs["onions"] and logs["onions"][0].endswith(".onion")
    assert docs["categories"].get("fake-documents", 0) >= 5
    assert docs["prices"]["fake-documents"]["currency"] == "USD"
    # "Реплики часов … тоже есть, спрашивайте": no offer to the classifier, a sale in words.
    assert named["Mr. Frost ❄️"]["categories"].get("counterfeit-goods") == 1
    # "BTC 17ZH7h2q…" is his wallet, not a price of 17 BTC.
    assert named["Mr. Frost ❄️"]["prices"].get("drugs", {}).get("currency") != "BTC"
    cards = by_id(rows)["chat:2041873659"]
    assert cards["kind"] == "channel" and cards["names"] == ["CardHouse ✦ CVV & Gift Cards"]
    assert cards["categories"].get("carding", 0) >= 10 and cards["wallets"]
    bot = by_id(rows)["bot:@nightmarketshopbot"]
    assert bot["kind"] == "bot" and bot["names"] == ["Night Market"]
    assert {"gift-cards", "drugs"} <= set(bot["categories"])


def test_the_example_benign_chats_and_buyers_are_no_vendors(example: Result) -> None:
    rows = example[0]
    friends, news = "912384756", "1632047719"
    assert all(not {friends, news} & chat_ids(r) for r in rows)
    names = {n for r in rows for n in r["names"]}
    assert not {"kira_22", "Alex Demo", "Moderator | Барахолка"} & names  # buyers, owner, mod
    for vendor in rows:
        for contact in vendor["contacts"]:
            if contact["type"] == "phone":
                assert "*" in contact["value"]


# -- hostile input ---------------------------------------------------------------------------


def test_a_flood_of_handles_and_a_long_name_are_capped_and_masked(tmp_path: Path) -> None:
    handles = " ".join(f"@seller_{i:04d}" for i in range(400))
    name = f"Logs {PHONE} " + "x" * 5000
    export = write_account_export(tmp_path / "export", [tg_chat([
        msg(i, f"👑 Stealer logs 2024, cookies + passwords — {10 + i}$. DM {handles}",
            name, "user4001") for i in range(1, 4)
    ], name="Flood", type="private_supergroup", id=1_710_000_099)])
    rows, members, _ = read(ingest_into(tmp_path, [export]))
    (vendor,) = rows
    assert vendor["offers"] == 3 and len(members[vendor["id"]]) == 3
    assert len(vendor["contacts"]) == MAX_CONTACTS and len(vendor["handles"]) == MAX_HANDLES
    (shown,) = vendor["names"]
    assert len(shown) <= 300 and "900123" not in shown and shown.startswith("Logs +4")


def test_past_the_read_budget_counts_stay_whole_and_prices_come_from_a_sample(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    export = write_account_export(tmp_path / "export", [tg_chat([
        msg(i, f"👑 Stealer logs 2024 batch #{i}, cookies + passwords — {9 + i}$. DM @logsmith"
               + (f" BTC: {BTC}" if i == 17 else ""), "LogSmith 🔑", "user3001")
        for i in range(1, 31)
    ], name="Logs Market", type="private_supergroup", id=1_710_000_098)])
    db = ingest_into(tmp_path, [export])
    monkeypatch.setattr(vendors, "READ_ALL", 0)  # as if 10,000 offers came before
    (sampled,) = read(db)[0]
    assert sampled["offers"] == 30 and sampled["categories"] == {"accounts": 30}
    assert sampled["wallets"] == [{"type": "btc", "value": BTC}]  # offer 17 is not read
    prices = sampled["prices"]["accounts"]
    assert prices["min"] == 10.0 and prices["max"] == 34.0  # offers 1 to 5, and the 25th
    monkeypatch.setattr(vendors, "READ_ALL", 10_000)
    (whole,) = read(db)[0]
    assert whole["prices"]["accounts"] == {"min": 10.0, "max": 39.0, "currency": "USD"}
