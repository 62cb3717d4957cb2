"""Shop bots: the bots a case shows or advertises, where, and whether they sell.

A bot is known from the export itself: ``via_bot`` (an inline bot's result posted by a
person), a bot chat (its bot is the sender ``user<chat id>``), or a message with a shop
menu sent by a bot into a group. It is also known from how it is advertised: ``@…bot``
handles and ``t.me/…bot`` links in the text or in url buttons (``advertised_bots``).

Usernames. A bot is keyed by its username, ``@name`` in lower case. A bot known only by
its own messages (a bot chat, a bot writing in a group) has a user id, but the export does
not give its username. It is named at ``result`` by one of the bot handles its own
messages mention whose letters match the chat's name ("Night Market" mentions
``@NightMarketShopBot``): the name test keeps a constructor's footer ("made with
@SomeBuilderBot") from naming it. Among several (a shop names its mirrors: "the backup
is @NightMarket2Bot"), the one the rest of the case shows most (inline results, links
in other chats), then the one mentioned most. Failing that, it keeps a stand-in
username: ``bot-chat:<chat id>`` for a bot chat, ``bot-user:<sender id>`` for a bot seen
writing in a group (its chat is not in the export).

Menus. A keyboard is a shop menu when a label holds one shop word (catalog, balance, top
up, orders, buy, cart, prices in several languages: ``_SHOP_WORDS``) or two of the
weaker words shops also use (support, reviews, profile: ``_SHOP_EXTRAS``). Reaction and
vote keyboards ("👍 12", "🔥 23", "Yes / No") have none. ``from_bot`` is not used:
readers set it for any message with buttons.

Shop. A bot is a shop when it shows a shop menu; or when its own messages (its bot chat,
its inline results) offer something or carry a crypto address (invoices); or when it is
advertised next to offers or with shop wording ("order in the bot", "наш бот", a "Buy"
button linking it). Shop wording counts within 150 characters of the handle (not in
the rest of a long news post). One such message in a chat is enough, two in a chat of 1,000
messages or more: in a busy marketplace group one misread message should not make a
bot a shop. Payment and utility bots that sellers name beside their offers (``@CryptoBot``
…) are never shops. A shop is not necessarily illicit: ``categories`` counts the illicit
categories of the messages that show or advertise the bot, and a florist bot's are none.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from bazaarwatch.indicators.redaction import mask_sensitive
from bazaarwatch.intel.posters import ChatNames, is_channel, iso
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record

#: A chat with this many messages or more needs two advertising messages to make a shop.
BIG_CHAT = 1000
MAX_MENU = 12
MAX_NAMES = 5
_MAX_MENTIONS = 20  # distinct handles a bot's own messages are remembered to mention
_MAX_BUTTONS = 100  # of one keyboard, read
_PER_MESSAGE = 20  # bots one message is taken to advertise, at most
_READ = 200  # characters of a button label read (and masked)
_LABEL = 40  # characters of a menu label kept
_URL = 300  # characters of a button's URL read
_CUE_SPAN = 4000  # characters of a text searched for shop wording
_NAME = 300  # characters of a chat name shown

# Flags of one message for one bot.
_OFFER, _CUE, _OWN, _WALLET = 1, 2, 4, 8
_WALLETS = frozenset({"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"})
_BOT_CHAT = "bot_chat"

_USERNAME = re.compile(r"[a-z][a-z0-9_]{3,30}[a-z0-9]")
_BOT_LINK = re.compile(
    r"(?:t\.me|telegram\.me|telegram\.dog)/([a-z][a-z0-9_]{3,30}[a-z0-9])(?![a-z0-9_])"
    r"|tg://resolve\?domain=([a-z][a-z0-9_]{3,30}[a-z0-9])(?![a-z0-9_])", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def _wordset(words: str) -> frozenset[str]:
    """A set of the words written in ``words`` (long lists read best as text)."""
    return frozenset(words.split())


#: One of these in a button label makes the keyboard a shop menu (lower case, by word).
_SHOP_WORDS = _wordset("""
catalog catalogue catalogs shop store buy purchase purchases cart basket checkout order
orders products product goods prices price pricelist balance deposit topup payment pay
каталог каталоги магазин купить покупки покупка корзина заказ заказы заказать товары
товар цены прайс баланс пополнить пополнение оплата оплатить витрина ассортимент
купити кошик замовлення замовити товари ціни поповнити поповнення
catálogo tienda comprar carrito pedidos pedido productos precios saldo recargar pago
loja carrinho produtos preços recarregar pagamento
katalog kaufen warenkorb bestellungen bestellen produkte preise guthaben aufladen zahlung
boutique acheter panier commandes commander produits prix solde recharger paiement
mağaza satın sepet siparişler sipariş ürünler fiyatlar bakiye ödeme
متجر المتجر كتالوج الكتالوج شراء سلة طلبات الطلبات منتجات المنتجات الأسعار رصيد الرصيد
فروشگاه کاتالوگ خرید سبد سفارش سفارشات محصولات قیمت موجودی پرداخت
""")
#: Chinese is written without spaces: these are looked for inside a label's words.
_SHOP_CJK = ("商店", "商城", "目录", "购买", "购物车", "订单", "商品", "价格", "余额", "充值",
             "支付")
#: Two different ones of these make a shop menu; one alone does not ("Support us").
_SHOP_EXTRAS = _wordset("""
support reviews review feedback profile delivery guarantee referral referrals promocode
поддержка отзывы профиль кабинет доставка гарант гарантии рефералы промокод
підтримка відгуки профіль soporte reseñas perfil envío suporte avaliações
bewertungen profil assistance avis destek yorumlar الدعم تقييمات پشتیبانی نظرات پروفایل
""")
_TOP_UP = ("top up", "top-up")

#: Shop wording near a bot's handle: the bot sells (with or without an offer). Words are
#: matched whole, stems as a word's start, phrases anywhere in the words near the handle
#: (a word-list regex costs a hundred times more on a long post).
_AD_WORDS = _wordset("""
order orders buy purchase shop store catalog catalogue price prices pricelist autoshop
mirror mirrors шоп tienda comprar pedido pedidos loja mağaza satın
""")
_AD_STEMS = ("заказ", "купит", "купи", "покупк", "магазин", "каталог", "прайс", "наличи",
             "автопродаж", "зеркал", "замов", "sipariş", "бот-магазин")
_AD_PHRASES = ("in stock", "price list", "our bot", "our only bot", "our official bot",
               "наш бот", "наши бот", "нашем бот", "бот магазин", "auto shop", "auto-shop",
               "auto-sales")
_NEAR = 150  # characters either side of a bot's handle searched for shop wording
_PUNCTUATION = ",.:;!?()[]{}<>\"'«»|/\\-—–•*#+=~`"

#: Payment and utility bots that sellers name beside their offers; they sell nothing.
NOT_SHOPS = frozenset({
    "@cryptobot", "@cryptotestnetbot", "@tonrocketbot", "@xrocketbot", "@walletbot",
    "@herewalletbot", "@premiumbot", "@botfather", "@combot", "@controllerbot",
    "@missrose_bot", "@shieldy_bot", "@groupanonymousbot", "@channel_bot", "@tgstat_bot",
    "@telemetrbot", "@my_id_bot", "@userinfobot", "@getmyid_bot", "@username_to_id_bot",
    "@getidsbot",
})


def advertised_bots(record: Record) -> list[str]:
    """The bot usernames (``@name``, lower case) that ``record`` shows or advertises: its
    inline bot, ``telegram_bot`` indicators of its text, and ``t.me/…bot`` links of its
    url buttons; in that order, each once, at most ``_PER_MESSAGE``. Cheap when it has
    none of these (most)."""
    via = _via(record)
    found = dict.fromkeys([via] if via is not None else [])
    found.update(dict.fromkeys(_linked(record)))
    return list(islice(found, _PER_MESSAGE))


def _via(record: Record) -> str | None:
    """The inline bot a message was sent through, as ``@name``; None for none or for a
    value no username could be."""
    if not record.via_bot:
        return None
    name = record.via_bot.removeprefix("@").lower()
    return "@" + name if _USERNAME.fullmatch(name) else None


def _linked(record: Record) -> Iterator[str]:
    """Bot handles in the text's indicators, then bots the url buttons link to."""
    for kind, value in record.indicators:
        if kind == "telegram_bot":
            yield value
    for button in _buttons(record.buttons):
        data = button.get("data")
        if button.get("type") != "url" or not isinstance(data, str):
            continue
        link = _BOT_LINK.search(data, 0, _URL)
        if link is not None:
            name = (link.group(1) or link.group(2)).lower()
            if name.endswith("bot"):
                yield "@" + name


def _shop_wording(text: str, handles: list[str]) -> bool:
    """Whether shop wording ("order in the bot", "наш бот", "каталог") comes within
    ``_NEAR`` characters of one of ``handles`` in ``text``; url buttons have no place in
    the text, and count on their labels (``menu_labels``)."""
    low = text[:_CUE_SPAN].lower()
    for handle in handles:
        at = low.find(handle[1:])
        if at < 0:
            continue
        near = low[max(0, at - _NEAR):at + len(handle) + _NEAR]
        words = [w.strip(_PUNCTUATION) for w in near.split()]
        if (not _AD_WORDS.isdisjoint(words) or any(w.startswith(_AD_STEMS) for w in words)
                or any(p in near for p in _AD_PHRASES)):
            return True
    return False


def _buttons(rows: list[list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """The first ``_MAX_BUTTONS`` buttons of a keyboard, row by row."""
    n = 0
    for row in rows:
        for button in row:
            if n == _MAX_BUTTONS:
                return
            n += 1
            if isinstance(button, dict):
                yield button


def menu_labels(rows: list[list[dict[str, Any]]]) -> list[str]:
    """The labels of a keyboard when it is a shop menu (see the module's docstring), as
    shown: the first ``MAX_MENU``, sensitive numbers masked, cut to ``_LABEL``
    characters; [] when it is not a menu."""
    labels = [b["text"][:_READ].strip() for b in _buttons(rows)
              if isinstance(b.get("text"), str)]
    joined = "\n".join(labels).lower()
    words = set(_WORD.findall(joined))
    if not words:  # emoji and counters: a reaction keyboard
        return []
    strong = not words.isdisjoint(_SHOP_WORDS) or any(t in joined for t in _TOP_UP) or any(
        c in w for w in words if not w.isascii() for c in _SHOP_CJK)
    if not strong and len(words & _SHOP_EXTRAS) < 2:
        return []
    kept = list(dict.fromkeys(label for label in labels if label))[:MAX_MENU]
    return [mask_sensitive(label)[:_LABEL] for label in kept]


class _Bot:
    """What one bot (or one not yet named) has shown: one entry per message in the
    arrays, so that a bot found under two keys is merged without counting a message
    twice."""

    __slots__ = ("cats", "chats", "dates", "flags", "how", "mentions", "menu", "rowids")

    def __init__(self) -> None:
        self.how: set[str] = set()
        self.menu: list[str] = []
        self.mentions: dict[str, int] = {}
        self.rowids = array("q")
        self.chats = array("i")
        self.dates = array("q")
        self.flags = array("B")
        self.cats = array("I")


class Bots:
    """The bots pass: ``add`` every message in rowid order, then ``result``."""

    def __init__(self, chats: Mapping[str, Chat]) -> None:
        self._chats = chats
        self._bot_chats = {i for i, c in chats.items() if c.type == _BOT_CHAT}
        self._index: dict[str, int] = {}  # chat id -> position in _ids and _sizes
        self._ids: list[str] = []
        self._sizes = array("q")
        self._categories: dict[str, int] = {}  # category -> its bit in a message's mask
        self._bots: dict[str, _Bot] = {}  # "@name", or the sender id of an unnamed bot
        self._chat_name = ChatNames(chats)

    def add(self, record: Record) -> None:
        chat = self._index.get(record.chat_id)
        if chat is None:
            chat = self._index[record.chat_id] = len(self._ids)
            self._ids.append(record.chat_id)
            self._sizes.append(0)
        self._sizes[chat] += 1
        if not (record.via_bot or record.buttons or record.indicators
                or record.chat_id in self._bot_chats):
            return  # the common message: no bot in sight
        menu = menu_labels(record.buttons) if record.buttons else []
        own = self._own(record, menu)
        linked = list(islice(dict.fromkeys(_linked(record)), _PER_MESSAGE))
        touched = self._touched(record, menu, own, linked)
        if not touched:
            return
        cats = self._mask(record.categories)
        for key, (flags, how) in touched.items():
            bot = self._bots.get(key)
            if bot is None:
                bot = self._bots[key] = _Bot()
            bot.how |= how
            if menu and flags & _OWN:
                bot.menu.extend(m for m in menu if m not in bot.menu)
                del bot.menu[MAX_MENU:]
            bot.rowids.append(record.rowid)
            bot.chats.append(chat)
            bot.dates.append(record.date)
            bot.flags.append(flags)
            bot.cats.append(cats)
        if own is not None:
            self._mentioned(self._bots[own], linked)

    def _touched(self, record: Record, menu: list[str], own: str | None,
                 linked: list[str]) -> dict[str, tuple[int, set[str]]]:
        """The bots ``record`` shows or advertises, each with its flags and how: a message
        that both shows a bot and links it (an inline result with a "Buy" button) is one
        message of that bot."""
        via = _via(record)
        if own is None and via is None and not linked:
            return {}
        base = self._flags(record)
        touched: dict[str, tuple[int, set[str]]] = {}
        for key, way in ((own, "bot-chat" if record.chat_id in self._bot_chats else "menu"),
                         (via, "inline")):
            if key is not None:
                touched[key] = (base | _OWN, {way, "menu"} if menu else {way})
        if linked:
            # An offer counts as it is: its wording need not be searched (the costly part).
            cue = bool(menu) or (not record.offer and _shop_wording(record.text, linked))
            flags = base | (_CUE if cue else 0)
            for name in linked:
                old = touched.get(name, (0, set()))
                touched[name] = (old[0] | flags, old[1] | {"advertised"})
        return touched

    def _own(self, record: Record, menu: list[str]) -> str | None:
        """The sender id of a bot that wrote ``record`` itself: a bot chat's bot, or a
        sender (not a channel, not an inline bot, not a forward) whose keyboard is a shop
        menu, which only bots can attach."""
        sender = record.sender_id
        if not sender:
            return None
        if record.chat_id in self._bot_chats:
            return sender if sender == "user" + record.chat_id else None
        if (menu and record.via_bot is None and record.forwarded_from is None
                and sender.startswith("user") and not is_channel(self._chats.get(record.chat_id))):
            return sender
        return None

    @staticmethod
    def _flags(record: Record) -> int:
        flags = _OFFER if record.offer else 0
        if any(kind in _WALLETS for kind, _ in record.indicators):
            flags |= _WALLET
        return flags

    def _mask(self, categories: list[str]) -> int:
        """The categories of a message as bits (the first 32 categories seen get one)."""
        mask = 0
        for category in categories:
            bit = self._categories.get(category)
            if bit is None:
                if len(self._categories) == 32:
                    continue
                bit = self._categories[category] = len(self._categories)
            mask |= 1 << bit
        return mask

    @staticmethod
    def _mentioned(bot: _Bot, handles: list[str]) -> None:
        """Count the bot handles a bot's own messages show: one of them may be its own."""
        for handle in handles:
            if handle in bot.mentions:
                bot.mentions[handle] += 1
            elif len(bot.mentions) < _MAX_MENTIONS:
                bot.mentions[handle] = 1

    # -- results -------------------------------------------------------------------------

    def result(self) -> list[dict[str, Any]]:
        """One dict per bot (see the issue's shape; ``senders`` lists the user ids a bot
        wrote as, for the passes that meet it as a poster): shops first, then by the
        number of chats and of messages."""
        rows = [self._row(name, parts) for name, parts in self._named().items()]
        rows.sort(key=lambda r: (not r["shop"], -len(r["chats"]), -r["messages"],
                                 r["username"]))
        return rows

    def members(self) -> dict[str, list[int]]:
        """Each bot's messages (rowids, ascending): those that show or advertise it."""
        return {name: sorted({r for _, bot in parts for r in bot.rowids})
                for name, parts in self._named().items()}

    def _named(self) -> dict[str, list[tuple[str, _Bot]]]:
        """Every bot under its final username, with the (key, state) pairs merged in it."""
        named: dict[str, list[tuple[str, _Bot]]] = {}
        for key, bot in self._bots.items():
            name = key if key.startswith("@") else self._username(key, bot)
            named.setdefault(name, []).append((key, bot))
        return named

    def _username(self, sender: str, bot: _Bot) -> str:
        """The username of a bot known by its sender id (see the module's docstring)."""
        chat_id = sender.removeprefix("user")
        chat = self._chats.get(chat_id) if chat_id in self._bot_chats else None
        letters = _letters(chat.name) if chat is not None and chat.name else ""
        fits = [(self._elsewhere(h, chat_id), n, -i, h)
                for i, (h, n) in enumerate(bot.mentions.items()) if _matches(h, letters)]
        if fits:
            return max(fits)[3]
        return f"bot-chat:{chat_id}" if chat is not None else f"bot-user:{sender}"

    def _elsewhere(self, handle: str, chat_id: str) -> int:
        """How many messages outside chat ``chat_id`` show or advertise ``handle``."""
        bot = self._bots.get(handle)
        here = self._index.get(chat_id)
        return 0 if bot is None else sum(1 for c in bot.chats if c != here)

    def _row(self, name: str, parts: list[tuple[str, _Bot]]) -> dict[str, Any]:
        tally = _Tally(bot for _, bot in parts)
        menu = list(dict.fromkeys(m for _, bot in parts for m in bot.menu))[:MAX_MENU]
        advertised = any(n >= (2 if self._sizes[c] >= BIG_CHAT else 1)
                         for c, n in tally.ads.items())
        bits = {1 << b: c for c, b in self._categories.items()}
        senders = [key for key, _ in parts if not key.startswith("@")]
        return {
            "username": name,
            "names": self._names(senders),
            "chats": [{"id": self._ids[c], "name": self._chat_name(self._ids[c]),
                       "messages": n}
                      for c, n in sorted(tally.chats.items(), key=lambda kv: (-kv[1], kv[0]))],
            "categories": dict(sorted(((bits[b], n) for b, n in tally.categories.items()),
                                      key=lambda kv: (-kv[1], kv[0]))),
            "messages": sum(tally.chats.values()),
            "offers": tally.offers,
            "shop": name not in NOT_SHOPS and bool(menu or tally.sold or advertised),
            "menu": menu,
            "how": sorted({h for _, bot in parts for h in bot.how}),
            "first_seen": iso(tally.first) if tally.chats else None,
            "last_seen": iso(tally.last) if tally.chats else None,
            "senders": senders,
        }

    def _names(self, senders: list[str]) -> list[str]:
        """Display names: the names of the bot chats of the bot's user ids."""
        names = [mask_sensitive(c.name[:_NAME]) for s in senders
                 if (c := self._chats.get(s.removeprefix("user"))) is not None
                 and c.type == _BOT_CHAT and c.name]
        return list(dict.fromkeys(names))[:MAX_NAMES]



class _Tally:
    """What the messages of a bot (merged from its keys) add up to: messages per chat,
    advertising messages per chat (offers or shop wording, not its own), its own messages
    that sell (offers, invoices), messages per category bit, offers, first and last date."""

    def __init__(self, bots: Iterable[_Bot]) -> None:
        self.chats: dict[int, int] = {}
        self.ads: dict[int, int] = {}
        self.categories: dict[int, int] = {}
        self.offers = self.sold = self.first = self.last = 0
        for chat, date, flags, cats in _merged(bots):
            if not self.chats:
                self.first = self.last = date
            self.chats[chat] = self.chats.get(chat, 0) + 1
            self.offers += flags & _OFFER
            if flags & _OWN:
                self.sold += bool(flags & (_OFFER | _WALLET))
            elif flags & (_OFFER | _CUE):
                self.ads[chat] = self.ads.get(chat, 0) + 1
            self.first, self.last = min(self.first, date), max(self.last, date)
            while cats:
                bit = cats & -cats
                self.categories[bit] = self.categories.get(bit, 0) + 1
                cats ^= bit


def _merged(bots: Iterable[_Bot]) -> Iterator[tuple[int, int, int, int]]:
    """(chat, date, flags, categories) of each message of ``bots``, once per message: a
    message seen under two keys of one bot has the union of its flags."""
    parts = list(bots)
    if len(parts) == 1:
        bot = parts[0]
        yield from zip(bot.chats, bot.dates, bot.flags, bot.cats, strict=True)
        return
    seen: dict[int, list[int]] = {}
    for bot in parts:
        for rowid, chat, date, flags, cats in zip(bot.rowids, bot.chats, bot.dates,
                                                  bot.flags, bot.cats, strict=True):
            entry = seen.get(rowid)
            if entry is None:
                seen[rowid] = [chat, date, flags, cats]
            else:
                entry[2] |= flags
    for chat, date, flags, cats in seen.values():
        yield chat, date, flags, cats


def _letters(name: str) -> str:
    """The ASCII letters and digits of a name, lower case: "🌙 Night Market" -> nightmarket."""
    return "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())


def _matches(handle: str, letters: str) -> bool:
    """Whether a bot handle looks like the name of the chat it was seen in: the name's
    letters are in the handle, or the handle's stem (less "bot") is in the name."""
    if len(letters) < 4:
        return False
    plain = handle[1:].replace("_", "")
    stem = plain.removesuffix("bot")
    return letters in plain or (len(stem) >= 4 and stem in letters)
