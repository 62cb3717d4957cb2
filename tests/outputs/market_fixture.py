"""A small market case shared by the export tests (MISP, STIX, Parquet): a shop channel
with a hostile name (wallets, an onion, a shop bot, a handle, an e-mail, a phone), a
Russian and English drugs seller in a group, and a benign chat; its market map computed.
Test modules import the fixture and the values they check from here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_into, tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.intel.analyse import refresh
from bazaarwatch.store import queries
from bazaarwatch.store.market import Market
from bazaarwatch.store.sqlite import Case

SHOP, FLEA, PIZZA = 1_720_000_001, 1_720_000_002, 1_720_000_003
BTC_SHOP = "bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n"
BTC_FROST = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
ETH = "0x52908400098527886E0F7030069857D2E4169EE7"
ONION = "zqktlwiuavvvqqt4ybvgvi7tyo4hjl5xgfuvpdf6otjiycgwqbym2qad.onion"
PHONE = "+44 7700 900123"
HOSTILE = 'Dark"Shop\\ ✦ CVV\x07 & Logs'
DAY = unix(2024, 3, 4, 10)
WALLETS = ("btc", "eth", "xmr", "ltc", "trx", "doge", "bch")


def shop_channel() -> dict[str, Any]:
    def post(i: int, text: str | list[Any], **extra: Any) -> dict[str, Any]:
        return tg_message(i, text, date=DAY + 86_400 * i, sender=HOSTILE,
                          sender_id=f"channel{SHOP}", **extra)

    return tg_chat([
        tg_service(1, "create_channel", date=DAY, actor=HOSTILE, actor_id=f"channel{SHOP}",
                   title=HOSTILE),
        post(2, ["💳 PRICE LIST: US Visa/MC CVV — 12$, EU fullz 25$. Valid 90%. Оплата BTC ",
                 {"type": "code", "text": BTC_SHOP}, " or ETH ", {"type": "code", "text": ETH},
                 ". Support: ", {"type": "mention", "text": "@darkshop_support"}]),
        post(3, f"🔥 Dumps with PIN 101/201 — от 40$. Магазин 24/7: @darkshop_market_bot, "
                f"зеркало {ONION}. Reserve mail darkshop.reserve@example.org",
             via_bot="@darkshop_market_bot",
             buttons=[[{"type": "url", "text": "🛒 Buy", "data": "https://t.me/darkshop_market_bot"}]]),
        post(4, f"Fresh CVV EU base, 15$ each, BTC only {BTC_SHOP}. WhatsApp {PHONE}"),
        post(5, "Stealer logs 2024, cookies + passwords, 50$ per 1k. Пишите @darkshop_support",
             forwarded_from="Logs Central"),
    ], name=HOSTILE, type="public_channel", id=SHOP)


def flea_market() -> list[dict[str, Any]]:
    def say(i: int, text: str, who: str = "Mr. Frost ❄️", uid: str = "user5001",
            **extra: Any) -> dict[str, Any]:
        return tg_message(i, text, date=DAY + 3600 * i, sender=who, sender_id=uid, **extra)

    return [tg_chat([
        tg_service(1, "invite_members", date=DAY, actor="Вася", actor_id="user5002",
                   members=["Mr. Frost ❄️"]),
        say(2, f"❄️ Кокаин 1г — 120$, мефедрон 🍁 в наличии, закладки по Москве. "
               f"BTC {BTC_FROST}, связь @frost_delivery"),
        say(3, "скинь прайс", "Вася", "user5002", reply_to=2),
        say(4, f"Cocaine 1g 120$, MDMA pills 15$ each, worldwide stealth shipping. "
               f"Pay BTC {BTC_FROST}. Contact @frost_delivery"),
        say(5, "Мефедрон кристалл 2г — 90$, шишки 🍁 — 15$/г. Закладки. @frost_delivery"),
    ], name="Барахолка 24/7 ✦ Vendors & Buyers", type="public_supergroup", id=FLEA),
        tg_chat([tg_message(1, "Who wants pizza tonight? 🍕", date=DAY),
                 tg_message(2, "Pepperoni please", date=DAY + 60, sender="Bob",
                            sender_id="user1002")],
                name="Pizza friends", type="private_group", id=PIZZA)]


@pytest.fixture(scope="module")
def market_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case with a shop channel (wallets, an onion, a bot, a handle, an e-mail, a
    phone), a drugs seller in a group, and a benign chat; its market map computed."""
    tmp = tmp_path_factory.mktemp("market_case")
    export = write_account_export(tmp / "export", [shop_channel(), *flea_market()])
    db: Path = ingest_into(tmp, [export])
    with Case(db) as case:
        refresh(case)
    return db


def read(db: Path) -> tuple[Case, Market]:
    case = Case(db, read_only=True)
    return case, refresh(case)


def case_values(db: Path, kinds: tuple[str, ...] | str) -> set[str]:
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    with Case(db, read_only=True) as case:
        return {r["value"] for k in kinds for r in queries.indicators(case, kind=k)}
