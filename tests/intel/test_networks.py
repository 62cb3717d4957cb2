"""Bot networks: shops under different names that share one offer template and one bot
menu are one network; a florist bot, a pizza chain and a shop reposting its own template
are not; skeletons mask what changes between reposts and keep what tells products apart."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from conftest import tg_chat, tg_message, tg_service, unix, write_account_export

from bazaarwatch.classify.model import Classifier
from bazaarwatch.indicators import default_extractor
from bazaarwatch.ingest import Options, ingest, plan
from bazaarwatch.intel.bots import Bots
from bazaarwatch.intel.networks import SHOWN, TEXT_CAP, Networks, _merge_menus, skeleton
from bazaarwatch.model import Chat
from bazaarwatch.store import market
from bazaarwatch.store.market import Record
from bazaarwatch.store.sqlite import Case

Raw = dict[str, Any]

# The franchise: four shops, two of them with their bot chats in the export.
SNOW, RABBIT, FLEA, BERLIN = (str(1_700_000_001 + i) for i in range(4))
SNOW_BOT, RABBIT_BOT = "7100000001", "7100000002"
# Look-alikes and noise.
FLORA, ROSES = "7200000001", "7200000002"
PIZZA = [str(1_700_000_101 + i) for i in range(3)]
KISLOROD, DACHA = "1700000201", "1700000202"
OWNER = "user99"  # the account of write_account_export
DAY = unix(2024, 3, 4, 10)
# Two people in two groups who write the same few words sell nothing together.
SHORT_OFFER = "Продаю аккаунты Netflix, пишите в лс"
FRANCHISE_BOTS = {"@snowqueen_shop_bot", "@whiterabbit_store_bot", "@greenleaf_shop_bot",
                  "@berlinexpress_bot"}


def mention(handle: str) -> Raw:
    return {"type": "mention", "text": handle}


def drug_post(shop: str, city: str, bot: str, operator: str, phone: str,
              prices: tuple[str, str, str, str]) -> list[str | Raw]:
    """The franchise's shared offer template, filled in by one shop."""
    return [
        "❄️ Магазин ", {"type": "bold", "text": f"«{shop}»"},
        f" — моментальные клады в городе {city}!\n\n",
        f"🔥 Мефедрон крис 1г — {prices[0]}\n🔥 Альфа-PVP 0.5г — {prices[1]}\n"
        f"🔥 Шишки AK-47 1г — {prices[2]}\n🔥 Гашиш Ice-o-lator 1г — {prices[3]}\n\n"
        "🚚 Клады 24/7, гарантия на каждый заказ. Перезаклад при ненаходе.\n"
        "🤖 Заказ только через бота: ", mention(f"@{bot}"), "\n💬 Оператор: ",
        mention(f"@{operator}"), f" ☎️ {phone}\n💸 Оплата: BTC, LTC или ",
        mention("@CryptoBot"), f"\n\nEN: instant dead drops in {city}, 24/7. "
        "Order via the bot only: ", mention(f"@{bot}")]


def shop_button(bot: str) -> list[list[Raw]]:
    return [[{"type": "url", "text": "🛒 Магазин", "data": f"https://t.me/{bot}?start=ch"}]]


def greeting(shop: str, balance: str, cities: tuple[str, str],
             bot: str | None) -> tuple[str, list[list[Raw]]]:
    """The bot software's greeting and menu, as one shop's bot shows it."""
    text = (f"❄️ Добро пожаловать в магазин «{shop}»!\n\n💰 Ваш баланс: {balance}\n"
            "🧾 Заказов: 0\n\n📦 Автоматическая выдача адреса сразу после оплаты. Оплата: "
            "BTC, LTC, карта.\n⚠️ Правила: перезаклад только с фото и в течение 3 часов "
            "после покупки.\n\nВыберите город 👇")
    buttons: list[list[Raw]] = [
        [{"type": "callback", "text": city, "data": f"city:{i}"}
         for i, city in enumerate(cities)],
        [{"type": "callback", "text": "🛒 Каталог", "data": "catalog"},
         {"type": "callback", "text": "💰 Пополнить баланс", "data": "topup"}],
        [{"type": "callback", "text": "🧾 Мои заказы", "data": "orders"},
         {"type": "callback", "text": "⭐ Отзывы", "data": "reviews"}]]
    if bot is not None:  # a referral button names the bot; the other bot names none
        buttons.append([{"type": "url", "text": "🎁 Пригласить друга",
                         "data": f"https://t.me/{bot}?start=ref_7781"}])
    return text, buttons


def catalogue(city: str, prices: tuple[str, str, str]) -> str:
    return (f"📍 {city}\n\n🔥 Мефедрон крис 1г — {prices[0]}\n🔥 Альфа-PVP 0.5г — "
            f"{prices[1]}\n🔥 Шишки AK-47 1г — {prices[2]}\n\nВыберите товар и район доставки 👇")


def channel(chat_id: str, name: str, posts: list[list[str | Raw]],
            buttons: list[list[Raw]] | None = None) -> Raw:
    messages = [tg_service(1, "pin_message", date=DAY, actor=name,
                           actor_id=f"channel{chat_id}", message_id=2)]
    messages += [tg_message(2 + i, post, date=DAY + i * 86_400, sender=name,
                            sender_id=f"channel{chat_id}", buttons=buttons)
                 for i, post in enumerate(posts)]
    messages.append(tg_message(2 + len(posts), "Всем хороших выходных! 🌞",
                               date=DAY + 9 * 86_400, sender=name,
                               sender_id=f"channel{chat_id}"))
    return tg_chat(messages, name=name, type="public_channel", id=int(chat_id))


def bot_chat(chat_id: str, name: str, menu: tuple[str, list[list[Raw]]], city: str) -> Raw:
    bot = f"user{chat_id}"
    return tg_chat([
        tg_message(1, [{"type": "bot_command", "text": "/start"}], date=DAY,
                   sender="Test Analyst", sender_id=OWNER),
        tg_message(2, menu[0], date=DAY + 60, buttons=menu[1], sender=name, sender_id=bot),
        tg_message(3, catalogue(city, ("2500 руб", "1800 руб", "1500 руб")),
                   date=DAY + 120, sender=name, sender_id=bot),
        tg_message(4, catalogue(city, ("2400 руб", "1700 руб", "1400 руб")),
                   date=DAY + 3600, sender=name, sender_id=bot),
    ], name=name, type="bot_chat", id=int(chat_id))


def franchise() -> list[Raw]:
    """Four shops under Russian and English names, in two channels, a flea-market group
    and an English-named channel, each with its bot, prices, city and contacts; two of
    their bots show the same menu in their bot chats."""
    snow = [drug_post("Снежная Королева", "Москва", "snowqueen_shop_bot", "snowqueen_op",
                      "+7 916 123-45-67", (p, "1800 руб", "1500 руб", "2200 руб"))
            for p in ("2500 руб", "2600 руб", "2450 руб")]
    rabbit = [drug_post("White Rabbit", "Санкт-Петербург", "whiterabbit_store_bot",
                        "rabbit_support", "+7 926 765-43-21", (p, "2 000₽", "1 600₽", "2 400₽"))
              for p in ("2700₽", "2650₽")]
    berlin = [drug_post("Berlin Express", "Berlin", "berlinexpress_bot", "bex_help",
                        "+49 1521 2345678", ("45€", "35€", "15€", "20€"))]
    leaf = drug_post("Зелёный Лист", "Казань", "greenleaf_shop_bot", "greenleaf_op",
                     "+7 987 111-22-33", ("2300 руб", "1700 руб", "1450 руб", "2100 руб"))
    flea = tg_chat([
        tg_service(1, "invite_members", date=DAY, members=["Green Leaf 🍃"]),
        tg_message(2, "Всем привет, кто знает нормальный магазин в Казани?", date=DAY + 10,
                   sender="Макс", sender_id="user5001"),
        tg_message(3, leaf, date=DAY + 20, sender="Green Leaf 🍃", sender_id="user5002"),
        tg_message(4, "ого, а отзывы есть?", date=DAY + 30, sender="Макс",
                   sender_id="user5001", reply_to=3),
        tg_message(5, snow[0], date=DAY + 40, sender="Лена", sender_id="user5003",
                   forwarded_from="Снежная Королева ❄️"),
        tg_message(6, leaf, date=DAY + 86_400, sender="Green Leaf 🍃", sender_id="user5002"),
        tg_message(7, SHORT_OFFER, date=DAY + 90_000, sender="Макс", sender_id="user5001"),
    ], name="Барахолка Казань", type="private_supergroup", id=int(FLEA))
    return [
        channel(SNOW, "Снежная Королева ❄️", snow, shop_button("snowqueen_shop_bot")),
        channel(RABBIT, "White Rabbit 🐇", rabbit, shop_button("whiterabbit_store_bot")),
        channel(BERLIN, "Berlin Express", berlin),
        flea,
        bot_chat(SNOW_BOT, "Snow Queen Shop",
                 greeting("Снежная Королева", "0 руб", ("Москва", "Химки"),
                          "snowqueen_shop_bot"), "Москва"),
        bot_chat(RABBIT_BOT, "White Rabbit Store",
                 greeting("White Rabbit", "150 руб", ("Санкт-Петербург", "Пушкин"), None),
                 "Санкт-Петербург"),
    ]


def look_alikes() -> list[Raw]:
    """A florist bot's software in two flower shops, a pizza chain's templated posts in
    three channels, one card shop reposting its own template, and a family group."""
    chats: list[Raw] = []
    for chat_id, name, city in ((FLORA, "Flower Lab", "Berlin"),
                                (ROSES, "Rose Garden", "Hamburg")):
        bot = f"user{chat_id}"
        menu = [[{"type": "callback", "text": "🛒 Catalog", "data": "catalog"},
                 {"type": "callback", "text": "💰 Balance", "data": "balance"}],
                [{"type": "callback", "text": "➕ Top up", "data": "topup"},
                 {"type": "callback", "text": "🧾 My orders", "data": "orders"}]]
        chats.append(tg_chat([
            tg_message(1, "/start", date=DAY, sender="Test Analyst", sender_id=OWNER),
            tg_message(2, f"🌷 Welcome to {name}! Fresh bouquets with same-day delivery in "
                          f"{city}.\n\n💰 Balance: 0.00€\n🧾 Orders: 0\n\nChoose a section "
                          "below 👇", date=DAY + 5, buttons=menu, sender=name, sender_id=bot),
            tg_message(3, f"💐 Bouquet of 25 red roses — 45€\nDelivery today in {city}. "
                          "Order in the bot, pay by card or PayPal.", date=DAY + 9,
                       sender=name, sender_id=bot),
            tg_message(4, f"🌻 Sunflowers, 9 stems — 29€\nDelivery today in {city}. "
                          "Order in the bot, pay by card or PayPal.", date=DAY + 12,
                       sender=name, sender_id=bot),
        ], name=name, type="bot_chat", id=int(chat_id)))
    for chat_id, branch in zip(PIZZA, ("Centro", "Nord", "Sud"), strict=True):
        name = f"Pizza Roma {branch}"
        posts: list[list[str | Raw]] = [
            [f"🍕 Pizza of the day at {name}: {pizza} 30 cm — {price}, Quattro Formaggi "
             f"30 cm — 11.50€. Free delivery from 25€! Order: ",
             mention(f"@pizzaroma_{branch.lower()}_bot"), " or call +39 06 6982 1234."]
            for pizza, price in (("Margherita", "9.90€"), ("Diavola", "10.90€"))]
        chats.append(channel(chat_id, name, posts))
    cards: list[list[str | Raw]] = [
        [f"💳 FRESH CVV DROP — US Visa/MC {us}$, EU {eu}$, fullz with DOB/SSN 35$. "
         "Valid rate 90%, replacement 10 min. Buy: ", mention(handle)]
        for us, eu, handle in (("12", "20", "@kislorod_cc"), ("11", "19", "@kislorod_cc"),
                               ("12", "22", "@kislorod_support"), ("10", "18", "@kislorod_cc"))]
    chats.append(channel(KISLOROD, "Кислород CC 💳", cards))
    chats.append(tg_chat([
        tg_service(1, "create_group", date=DAY, title="Дача 🏡", members=["Маша", "Дима"]),
        tg_message(4, SHORT_OFFER, date=DAY + 70, sender="Дима", sender_id="user6002"),
        tg_message(2, "Кто в субботу едет на дачу? Могу взять двоих 🚗", date=DAY + 50,
                   sender="Маша", sender_id="user6001"),
        tg_message(3, "Road works on Mill Street from Monday", date=DAY + 60,
                   sender="Дима", sender_id="user6002", forwarded_from="Riverside Daily"),
    ], name="Дача 🏡", type="private_group", id=int(DACHA)))
    return chats


Result = tuple[list[dict[str, Any]], dict[str, list[int]], list[Record], list[dict[str, Any]]]


def analyse(records: list[Record], chats: dict[str, Chat]) -> Result:
    """The bots pass, then the networks pass, over ``records`` as ``intel.analyse`` runs
    them: (networks, members, records, bots)."""
    bots, networks = Bots(chats), Networks(chats)
    for record in records:
        bots.add(record)
        networks.add(record)
    found_bots = bots.result()
    return networks.result(found_bots), networks.members(), records, found_bots


@pytest.fixture(scope="module")
def case_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The franchise and the look-alikes in one account export, ingested, extracted and
    classified as ``scan`` does."""
    folder = tmp_path_factory.mktemp("networks")
    export = write_account_export(folder / "export", franchise() + look_alikes())
    with Case(folder / "case.db") as opened:
        options = Options(extractor=default_extractor(), classifier=Classifier.load())
        assert [r.status for r in ingest(opened, plan([export]), options=options)] == ["done"]
    return folder / "case.db"


@pytest.fixture(scope="module")
def case(case_file: Path) -> tuple[list[Record], dict[str, Chat]]:
    with Case(case_file, read_only=True) as opened:
        return list(market.records(opened)), market.chats(opened)


@pytest.fixture(scope="module")
def found(case: tuple[list[Record], dict[str, Chat]]) -> Result:
    return analyse(*case)


def chat_ids(network: dict[str, Any]) -> set[str]:
    return {c["id"] for c in network["chats"]}


def franchise_rowids(records: list[Record]) -> set[int]:
    """The messages of the template and of the bots' menus and catalogues."""
    marks = ("Мефедрон крис", "Добро пожаловать в магазин")
    return {r.rowid for r in records if any(m in r.text for m in marks)}


def test_shops_sharing_a_template_and_a_bot_menu_are_one_network(found: Result) -> None:
    networks, members, records, _ = found
    assert len(networks) == 1, [n["why"] for n in networks]
    network = networks[0]
    assert list(network)[:10] == ["id", "chats", "bots", "messages", "categories",
                                  "skeleton", "example", "first_seen", "last_seen", "posters"]
    assert chat_ids(network) == {SNOW, RABBIT, FLEA, BERLIN, SNOW_BOT, RABBIT_BOT}
    names = {c["id"]: c["name"] for c in network["chats"]}
    assert names[SNOW] == "Снежная Королева ❄️" and names[RABBIT_BOT] == "White Rabbit Store"
    # The bots its posts advertise, and the bot chats' own bots: the one whose menu names
    # no bot is known to the bots pass by a stand-in, from the sender of its bot chat. A
    # payment bot named in every post is no shop bot.
    assert set(network["bots"]) == FRANCHISE_BOTS | {f"bot-chat:{RABBIT_BOT}"}
    assert "@cryptobot" not in network["bots"]
    assert set(members[network["id"]]) == franchise_rowids(records)
    assert network["messages"] == len(franchise_rowids(records)) == 15
    assert network["categories"]["drugs"] >= 12
    # The three channels, the vendor and the member who forwarded a post, the two bots.
    assert network["posters"] == 7
    assert network["why"] == "15 near-identical messages in 6 chats from 7 posters, 5 shop bots"


def test_a_network_says_when_where_and_what_it_posts_with_sensitive_values_masked(
        found: Result) -> None:
    network = found[0][0]
    dates = [r.date for r in found[2] if r.rowid in set(found[1][network["id"]])]
    assert network["first_seen"] == "2024-03-04T10:00:00Z"  # the first channel post
    assert min(dates) == DAY and max(dates) == DAY + 2 * 86_400
    assert network["last_seen"] == "2024-03-06T10:00:00Z"
    assert network["id"] == "n" + hashlib.sha1(network["skeleton"].encode()).hexdigest()[:10]
    # The most common skeleton is the template's; the example is one real post of it.
    assert network["skeleton"].startswith("❄ магазин <shop> — моментальные клады в городе")
    assert "<price>" in network["skeleton"] and "<handle>" in network["skeleton"]
    assert "Мефедрон крис 1г" in network["example"]
    assert "123-45-67" not in network["example"] and "765-43-21" not in network["example"]
    assert len(network["example"]) <= SHOWN and len(network["skeleton"]) <= SHOWN


def test_look_alikes_and_a_shop_reposting_its_own_template_stay_out(found: Result) -> None:
    networks, _, records, bots = found
    listed = set().union(*(chat_ids(n) for n in networks))
    # A florist bot's menu in two flower shops and a pizza chain's posts in three channels
    # repeat across chats, are shops with menus or bots, and are not illicit.
    assert not listed & {FLORA, ROSES, *PIZZA}
    assert {b["username"] for b in bots if b["shop"]} >= {"@pizzaroma_centro_bot"}
    # One card shop reposting its template with other prices and handles is one chat.
    assert KISLOROD not in listed
    carding = [r for r in records if r.chat_id == KISLOROD and r.offer]
    assert len(carding) == 4 and all("carding" in r.categories for r in carding)
    assert len({skeleton(r.text) for r in carding}) == 1
    assert DACHA not in listed
    short = [r for r in records if r.text == SHORT_OFFER]
    assert len(short) == 2 and all(r.categories and r.offer for r in short)
    assert {r.chat_id for r in short} == {FLEA, DACHA}
    assert not {r.rowid for r in short} & set().union(*found[1].values())


# Run in a fresh interpreter: the networks of a case, as JSON.
RUN = """
import json, sys
from bazaarwatch.intel.bots import Bots
from bazaarwatch.intel.networks import Networks
from bazaarwatch.store import market
from bazaarwatch.store.sqlite import Case
with Case(sys.argv[1], read_only=True) as case:
    chats = market.chats(case)
    bots, networks = Bots(chats), Networks(chats)
    for record in market.records(case):
        bots.add(record)
        networks.add(record)
print(json.dumps([networks.result(bots.result()), networks.members()]))
"""


def test_the_network_is_the_same_from_run_to_run(case_file: Path, found: Result) -> None:
    """Python salts its string hashes per process: nothing found may depend on them."""
    runs = [subprocess.run([sys.executable, "-c", RUN, str(case_file)], check=True,
                           capture_output=True, text=True, encoding="utf-8",
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1]
    assert json.loads(runs[0]) == [found[0], found[1]]


def test_two_chats_are_no_network_without_illicit_messages(
        case: tuple[list[Record], dict[str, Chat]]) -> None:
    """The franchise's template with its categories taken away (a classifier that saw
    nothing) is a look-alike like the others."""
    records, chats = case
    blank = [msgspec.structs.replace(r, categories=[]) for r in records]
    assert analyse(blank, chats)[0] == []


def test_one_shop_in_its_own_channel_is_no_network(
        case: tuple[list[Record], dict[str, Chat]]) -> None:
    records, chats = case
    own = [r for r in records if r.chat_id in (SNOW, KISLOROD)]
    assert analyse(own, chats)[0] == []


# -- skeletons ---------------------------------------------------------------------------------

def test_a_repost_with_other_prices_contacts_and_dates_has_the_same_skeleton() -> None:
    first = ("🔥 Мефедрон 1г — 2500 руб, Альфа 0.5г — 1 800₽, $20 or 0.004 BTC. Заказ: "
             "@snow_shop_bot, https://t.me/snow_op, +7 916 123-45-67, snow@proton.me, "
             "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh. Обновлено 12.05.2024 в 14:30")
    second = ("🔥 Мефедрон 2г — 4900 руб, Альфа 1г — 3 100₽, $35 or 0.006 BTC. Заказ: "
              "@rabbit_bot, https://t.me/rabbit_help, +7 926 765-43-21, rabbit@mail.ru, "
              "TNcpNNZ4mYwsposWUz7vyjHZn2skynrj6W. Обновлено 01.06.2024 в 09:05")
    assert skeleton(first) == skeleton(second)
    shape = skeleton(first)
    for mask in ("<qty>", "<price>", "<handle>", "<link>", "<phone>", "<email>", "<address>",
                 "<date>", "<time>"):
        assert mask in shape
    assert not any(ch.isdigit() for ch in shape)


def test_shop_names_are_masked_where_they_can_be_told() -> None:
    assert skeleton("Welcome to Snow Queen shop! Choose a city") \
        == skeleton("Welcome to Night Market shop! Choose a city") \
        == "welcome to <shop> shop! choose a city"
    assert skeleton("Магазин «Снежок» работает 24/7") == skeleton("Магазин «Кролик» работает 24/7")
    assert skeleton("Добро пожаловать в White Rabbit!") \
        == skeleton("Добро пожаловать в Зелёный Лист!")


def test_two_products_keep_two_skeletons() -> None:
    assert skeleton("Amazon gift card 100$ — 47$, instant delivery") \
        != skeleton("Steam gift card 100$ — 44$, instant delivery")
    assert skeleton("Мефедрон 1г — 2500 руб") != skeleton("Гашиш 1г — 2500 руб")


def test_emoji_variations_case_and_spacing_do_not_matter() -> None:
    plain = "❄ fresh cvv drop 👍 buy now"
    assert skeleton("❄️ FRESH  CVV\u200b drop 👍🏽\n\nBuy now") == skeleton(plain) == plain


def test_a_huge_message_is_cut_before_it_is_read() -> None:
    text = "Мефедрон 1г — 2500 руб. " * 20_000
    assert skeleton(text) == skeleton(text[:TEXT_CAP])
    assert skeleton(text).startswith("мефедрон <qty> — <price> . мефедрон")


def test_a_bot_named_by_two_templates_does_not_tie_them_but_its_menu_joins_one() -> None:
    """Clusters 1 and 2 are two vendors' posts that both name a market bot (0) besides
    their own (1, 2); cluster 3 is bot 1's menu in its bot chats, cluster 4 a menu of
    bots no post advertises."""
    advertised = {1: {0, 1}, 2: {0, 2}}
    written = {3: {1}, 4: {5, 6}}
    assert _merge_menus([1, 2, 3, 4], advertised, written) == [[1, 3], [2], [4]]
