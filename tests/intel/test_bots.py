"""Shop bots: found from export fields (inline bots, bot chats, shop menus) and from how
they are advertised; reaction keyboards and news footers do not make shops; the example's
shop bot is found in the group, the channel and its own bot chat."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ingest_into, tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.intel.bots import BIG_CHAT, MAX_MENU, Bots, advertised_bots
from bazaarwatch.store import market
from bazaarwatch.store.market import Record
from bazaarwatch.store.sqlite import Case

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "telegram_export"
GROUP, CHANNEL, BOT_CHAT = "1876302954", "2041873659", "6843201957"  # of the example

MARKET, NEWS, FLORA, HELPER, FLEA = (str(1_700_000_001 + i) for i in range(5))
OWNER = "user99"  # the account of write_account_export
DAY = unix(2024, 3, 4, 10)


def read(db: Path) -> tuple[list[dict[str, Any]], dict[str, list[int]], list[Record]]:
    """The bots pass over every message of the case: (result, members, records)."""
    with Case(db, read_only=True) as case:
        bots = Bots(market.chats(case))
        records = list(market.records(case))
    for record in records:
        bots.add(record)
    return bots.result(), bots.members(), records


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["username"]: r for r in rows}


def chat_ids(bot: dict[str, Any]) -> set[str]:
    return {c["id"] for c in bot["chats"]}


def rowid(records: list[Record], chat: str, message: int) -> int:
    return next(r.rowid for r in records if r.chat_id == chat and r.message_id == message)


# -- the bundled example -------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[
        list[dict[str, Any]], dict[str, list[int]], list[Record]]:
    return read(ingest_into(tmp_path_factory.mktemp("example"), [EXAMPLE]))


def test_the_example_shop_bot_is_found_in_the_group_the_channel_and_its_bot_chat(
        example: tuple[list[dict[str, Any]], dict[str, list[int]], list[Record]]) -> None:
    rows, members, records = example
    bot = by_name(rows)["@nightmarketshopbot"]
    assert bot["shop"] is True
    assert {GROUP, CHANNEL, BOT_CHAT} <= chat_ids(bot)
    assert bot["how"] == ["advertised", "bot-chat", "inline", "menu"]
    # The bot chat "Night Market" is named by the handle its messages show and the rest
    # of the case advertises, not by the backup bot it also names.
    assert bot["names"] == ["Night Market"] and bot["senders"] == [f"user{BOT_CHAT}"]
    assert {"🛒 Catalog", "💰 Top up balance", "🧾 My orders"} <= set(bot["menu"])
    assert {"carding", "gift-cards", "drugs"} <= set(bot["categories"])
    assert bot["offers"] > 0 and bot["messages"] == sum(c["messages"] for c in bot["chats"])
    assert bot["first_seen"] < bot["last_seen"] and bot["first_seen"].endswith("Z")
    inline = rowid(records, GROUP, 22)  # "Steam Gift Card 100$" via @NightMarketShopBot
    welcome = rowid(records, CHANNEL, 2)  # "🛒 Open shop" button linking the bot
    assert {inline, welcome} <= set(members["@nightmarketshopbot"])
    assert members["@nightmarketshopbot"] == sorted(set(members["@nightmarketshopbot"]))


def test_the_example_has_no_other_bots_and_lists_shops_first(
        example: tuple[list[dict[str, Any]], dict[str, list[int]], list[Record]]) -> None:
    rows, _, records = example
    assert {r["username"] for r in rows} == {"@nightmarketshopbot", "@nightmarket2bot"}
    assert rows[0]["username"] == "@nightmarketshopbot"
    with_buttons = [r for r in records if r.buttons]
    assert len(with_buttons) > 20  # the reader marks all of them from_bot; not all are bots
    mirror = by_name(rows)["@nightmarket2bot"]  # named by the shop as its backup
    assert chat_ids(mirror) == {BOT_CHAT} and mirror["how"] == ["advertised"]


# -- a market, a news channel, a florist and a helper bot -----------------------------------


def market_group() -> list[dict[str, Any]]:
    return [
        tg_service(1, "invite_members", date=DAY, actor="Bob", actor_id="user2004",
                   members=["Nina"]),
        tg_message(2, "🌿 Шишки AK-47 и гаш в наличии, клады по городу. Заказ в боте "
                   "@green_wave_shop_bot", date=DAY + 60, sender="Green Wave 🌿",
                   sender_id="user2001"),
        tg_message(3, ["Pay via ", {"type": "mention", "text": "@CryptoBot"},
                       ". Fresh CVV dumps with pin — 25$, BTC or USDT"],
                   date=DAY + 120, sender="Card Guru", sender_id="user2002"),
        tg_message(4, "🛍 Витрина магазина: выберите раздел", date=DAY + 180,
                   sender="Витрина 24/7", sender_id="user2003",
                   buttons=[[{"type": "callback", "text": "🛒 Каталог", "data": "Y2F0"},
                             {"type": "callback", "text": "💰 Баланс", "data": "YmFs"}],
                            [{"type": "url", "text": "💬 Поддержка",
                              "data": "https://t.me/vitrina_help"}]]),
        tg_message(5, "ok", date=DAY + 240, sender="Bob", sender_id="user2004", reply_to=2),
        tg_message(6, "+1", date=DAY + 300, sender="Bob", sender_id="user2004"),
        tg_message(7, "Steam Gift Card 100$ (US) — 44$", date=DAY + 360, sender="Ghost",
                   sender_id="user2007", via_bot="@NightOwlShopBot",
                   buttons=[[{"type": "url", "text": "🛒 Buy",
                              "data": "https://t.me/NightOwlShopBot?start=item_7"}]]),
        tg_message(8, "Кто пробовал @green_wave_shop_bot? норм?", date=DAY + 420,
                   sender="Nina", sender_id="user2006"),
        tg_message(9, "📢 Наш бот для заказов: @north_star_shop_bot — в чате не спамим, всё "
                   "туда", date=DAY + 480, sender="Админ", sender_id="user2008"),
        tg_message(10, "📢 Правила чата: без спама и оскорблений. Бот-модератор: "
                   "@north_guard_bot", date=DAY + 540, sender="Админ", sender_id="user2008"),
    ]


def news_channel() -> list[dict[str, Any]]:
    def post(i: int, text: str, buttons: list[list[dict[str, Any]]] | None) -> dict[str, Any]:
        return tg_message(i, text, date=DAY + 3600 * i, sender="Riverside Daily",
                          sender_id=f"channel{NEWS}", buttons=buttons)

    def reactions(*labels: str) -> list[list[dict[str, Any]]]:
        return [[{"type": "callback", "text": t, "data": f"cmVh{i}"}
                 for i, t in enumerate(labels)]]

    return [
        post(1, "🌧 Storm warning for Riverside tonight. Get breaking alerts: "
                "@riverside_alerts_bot", reactions("👍 12", "👎 3")),
        post(2, "🏗 The bridge reopens on Monday.", reactions("🔥 23", "❤️ 5", "😢 1")),
        post(3, "🗳 Should the market move to the square?", reactions("Yes", "No")),
        post(4, "🚔 Police warn about fake gift-card sellers.\n\nAlerts: @riverside_alerts_bot",
             None),
        post(5, "Order of business for the council meeting on Thursday: the new bridge, the "
                "school repairs and the budget. The mayor will open the session at 18:00 and "
                "residents can ask questions at the end. The session is public and will be "
                "streamed on our website for everyone who cannot come in person. Get breaking "
                "alerts: @riverside_alerts_bot", None),
    ]


def flora_bot() -> list[dict[str, Any]]:
    def bot(i: int, text: str, buttons: list[list[dict[str, Any]]] | None = None
            ) -> dict[str, Any]:
        return tg_message(i, text, date=DAY + 600 * i, sender="Flora Bouquet 🌷",
                          sender_id=f"user{FLORA}", buttons=buttons)

    menu = [[{"type": "callback", "text": "🌸 Catalog", "data": "Y2F0YWxvZw"},
             {"type": "callback", "text": "💰 Balance", "data": "YmFsYW5jZQ"}],
            [{"type": "callback", "text": "🧾 My orders", "data": "b3JkZXJz"},
             {"type": "url", "text": "💬 Support", "data": "https://t.me/flora_care"}]]
    return [
        tg_message(1, "/start", date=DAY, sender="Test Analyst", sender_id=OWNER),
        bot(2, "🌷 Welcome to Flora Bouquet! Fresh flowers with delivery across Riverside.",
            menu),
        bot(3, "💐 Roses bouquet 25 pcs — 40€. Delivery today.",
            [[{"type": "url", "text": "🛒 Buy",
               "data": "https://t.me/flora_bouquet_bot?start=roses"}]]),
        bot(4, "Share our shop bot with friends: @flora_bouquet_bot"),
        tg_message(5, "/balance", date=DAY + 3000, sender="Test Analyst", sender_id=OWNER),
        bot(6, "💰 Balance: 0.00€", [[{"type": "callback", "text": "💰 Top up",
                                       "data": "dG9wdXA"}]]),
    ]


def helper_bot() -> list[dict[str, Any]]:
    return [
        tg_message(1, "/start", date=DAY, sender="Test Analyst", sender_id=OWNER),
        tg_message(2, "Choose your language", date=DAY + 5, sender="Language Helper",
                   sender_id=f"user{HELPER}",
                   buttons=[[{"type": "callback", "text": "🇬🇧 English", "data": "ZW4"},
                             {"type": "callback", "text": "🇷🇺 Русский", "data": "cnU"}]]),
        tg_message(3, "Send me a voice message and I will transcribe it.", date=DAY + 9,
                   sender="Language Helper", sender_id=f"user{HELPER}"),
    ]


CHATTER = ["всем привет", "кто в центре сегодня?", "ok", "спасибо", "+1", "lol",
           "good morning", "где встречаемся?", "👍", "понял", "weather is nice today",
           "кто-нибудь был на концерте?"]


def flea_group() -> list[dict[str, Any]]:
    """A busy group: BIG_CHAT messages of chatter, one offer for one bot, two for another."""
    messages = [tg_message(i, f"{CHATTER[i % len(CHATTER)]} #{i}", date=DAY + 30 * i,
                           sender=f"Member {i % 40}", sender_id=f"user{3000 + i % 40}")
                for i in range(1, BIG_CHAT + 1)]
    offers = [
        "❄️ Fresh stuff in stock: coke 1g — 90€, MDMA 10 pcs — 60€. Order in the bot "
        "@snowline_shop_bot",
        "💊 Xanax 2mg bars, 100 pcs — 150$. Order in the bot @alpine_shop_bot",
        "❄️ Coke 1g — 95€, in stock now. Order in the bot @alpine_shop_bot",
    ]
    messages += [tg_message(BIG_CHAT + 1 + i, text, date=DAY + 40_000 + i, sender="Dealer",
                            sender_id="user3999") for i, text in enumerate(offers)]
    return messages


@pytest.fixture(scope="module")
def market_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[
        list[dict[str, Any]], dict[str, list[int]], list[Record]]:
    folder = tmp_path_factory.mktemp("market")
    export = write_account_export(folder / "export", [
        tg_chat(market_group(), name="Маркет 24/7 | Market", type="private_supergroup",
                id=int(MARKET)),
        tg_chat(news_channel(), name="Riverside Daily", type="public_channel", id=int(NEWS)),
        tg_chat(flora_bot(), name="Flora Bouquet 🌷", type="bot_chat", id=int(FLORA)),
        tg_chat(helper_bot(), name="Language Helper", type="bot_chat", id=int(HELPER)),
        tg_chat(flea_group(), name="Flea Market Chat", type="public_supergroup", id=int(FLEA)),
    ])
    return read(ingest_into(folder, [export]))


Result = tuple[list[dict[str, Any]], dict[str, list[int]], list[Record]]


def test_every_bot_is_found_and_reaction_keyboards_are_not_bots(market_case: Result) -> None:
    rows, _, _ = market_case
    assert {r["username"] for r in rows} == {
        "@green_wave_shop_bot", "@cryptobot", "bot-user:user2003", "@nightowlshopbot",
        "@riverside_alerts_bot", "@flora_bouquet_bot", f"bot-chat:{HELPER}",
        "@snowline_shop_bot", "@alpine_shop_bot", "@north_star_shop_bot", "@north_guard_bot"}
    shops = [r["shop"] for r in rows]
    assert shops == sorted(shops, reverse=True), "shops come first"
    for bot in rows:
        assert NEWS not in chat_ids(bot) or bot["username"] == "@riverside_alerts_bot"


def test_a_bot_advertised_with_an_offer_is_a_shop_and_carries_its_category(
        market_case: Result) -> None:
    bot = by_name(market_case[0])["@green_wave_shop_bot"]
    assert bot["shop"] is True and bot["how"] == ["advertised"]
    assert bot["categories"].get("drugs", 0) >= 1
    assert bot["messages"] == 2 and chat_ids(bot) == {MARKET}  # the offer and the question
    assert bot["menu"] == [] and bot["senders"] == []


def test_a_payment_bot_beside_an_offer_and_a_news_footer_bot_are_not_shops(
        market_case: Result) -> None:
    rows = by_name(market_case[0])
    assert rows["@cryptobot"]["shop"] is False and rows["@cryptobot"]["offers"] == 1
    news = rows["@riverside_alerts_bot"]  # "Order of business…" is too far from it
    assert news["shop"] is False and news["how"] == ["advertised"]
    assert news["categories"] == {} and news["messages"] == 3 and chat_ids(news) == {NEWS}


def test_shop_wording_next_to_a_handle_makes_a_shop_without_an_offer(
        market_case: Result) -> None:
    rows, _, records = market_case
    said = {r.message_id: r for r in records if r.chat_id == MARKET}
    assert not said[9].offer and not said[10].offer  # neither is an offer: the words decide
    assert by_name(rows)["@north_star_shop_bot"]["shop"] is True  # "Наш бот для заказов"
    assert by_name(rows)["@north_guard_bot"]["shop"] is False  # a moderator bot


def test_a_bot_writing_a_shop_menu_in_a_group_is_a_shop_without_a_username(
        market_case: Result) -> None:
    bot = by_name(market_case[0])["bot-user:user2003"]
    assert bot["shop"] is True and bot["how"] == ["menu"]
    assert bot["menu"] == ["🛒 Каталог", "💰 Баланс", "💬 Поддержка"]
    assert bot["senders"] == ["user2003"] and bot["names"] == []


def test_an_inline_shop_bot_with_a_buy_button_is_counted_once_per_message(
        market_case: Result) -> None:
    rows, members, records = market_case
    bot = by_name(rows)["@nightowlshopbot"]
    assert bot["how"] == ["advertised", "inline", "menu"] and bot["shop"] is True
    assert bot["messages"] == 1 and members["@nightowlshopbot"] == [rowid(records, MARKET, 7)]
    assert bot["categories"].get("gift-cards") == 1


def test_a_florist_bot_is_a_shop_with_no_illicit_category(market_case: Result) -> None:
    rows, members, records = market_case
    bot = by_name(rows)["@flora_bouquet_bot"]
    assert bot["shop"] is True and bot["categories"] == {}
    assert bot["names"] == ["Flora Bouquet 🌷"] and bot["senders"] == [f"user{FLORA}"]
    assert bot["how"] == ["advertised", "bot-chat", "menu"]
    assert bot["menu"][:4] == ["🌸 Catalog", "💰 Balance", "🧾 My orders", "💬 Support"]
    own = [rowid(records, FLORA, i) for i in (2, 3, 4, 6)]  # the owner's /start is not
    assert members["@flora_bouquet_bot"] == own
    assert bot["messages"] == 4 and bot["chats"] == [
        {"id": FLORA, "name": "Flora Bouquet 🌷", "messages": 4}]


def test_a_bot_chat_naming_no_handle_keeps_a_stand_in_and_is_not_a_shop(
        market_case: Result) -> None:
    bot = by_name(market_case[0])[f"bot-chat:{HELPER}"]
    assert bot["shop"] is False and bot["how"] == ["bot-chat"] and bot["menu"] == []
    assert bot["names"] == ["Language Helper"] and bot["messages"] == 2


def test_one_offer_in_a_busy_chat_does_not_make_a_shop_two_do(market_case: Result) -> None:
    rows = by_name(market_case[0])
    assert rows["@snowline_shop_bot"]["shop"] is False
    assert rows["@snowline_shop_bot"]["offers"] == 1
    assert rows["@alpine_shop_bot"]["shop"] is True
    assert rows["@alpine_shop_bot"]["categories"].get("drugs") == 2


def test_advertised_bots_reads_inline_bots_texts_and_url_buttons(market_case: Result) -> None:
    records = {(r.chat_id, r.message_id): r for r in market_case[2]}
    assert advertised_bots(records[MARKET, 7]) == ["@nightowlshopbot"]
    assert advertised_bots(records[MARKET, 2]) == ["@green_wave_shop_bot"]
    assert advertised_bots(records[FLORA, 3]) == ["@flora_bouquet_bot"]
    assert advertised_bots(records[MARKET, 4]) == []  # t.me/vitrina_help is not a bot
    assert advertised_bots(records[NEWS, 2]) == []
    assert advertised_bots(records[MARKET, 5]) == []


# -- hostile input ---------------------------------------------------------------------------


def test_a_huge_keyboard_keeps_a_few_short_masked_labels(tmp_path: Path) -> None:
    phone = "+44 7700 900123"
    label = f"🛒 Catalog {phone} " + "x" * 3000
    keyboard = [[{"type": "callback", "text": f"{label}{r}-{c}", "data": "Y2F0"}
                 for c in range(60)] for r in range(60)]
    export = write_account_export(tmp_path / "export", [tg_chat([
        tg_message(1, "/start", sender="Test Analyst", sender_id=OWNER),
        tg_message(2, "Menu", sender="Shop", sender_id="user1700000099", buttons=keyboard),
    ], name="Shop", type="bot_chat", id=1_700_000_099)])
    rows, members, _ = read(ingest_into(tmp_path, [export]))
    (bot,) = rows
    assert bot["shop"] is True and 0 < len(bot["menu"]) <= MAX_MENU
    assert all(len(label) <= 40 for label in bot["menu"])
    shown = json.dumps(rows, ensure_ascii=False)
    assert "900123" not in shown and "7700 900" not in shown
    assert members == {"bot-chat:1700000099": [2]}
