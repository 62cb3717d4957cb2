"""Vendors: who sells in a case, and their profile across chats.

Who sells an offer (a message the classifier marks ``offer``, or one with an illicit
category and sale wording: "продам", "in stock", "делаем"), by one rule:

1. An offer posted as itself is its poster's (``posters.poster``): a sender in a group or
   private chat, a channel for its posts, a bot for its bot chat (the bots pass names the
   bot's user id: such a vendor is ``bot:@name``). A vendor posting in three groups is one
   profile, keyed by its sender id.
2. A forwarded offer is not its forwarder's. When the chat it comes from is in the case
   (by name, or as "channel <id>") it is left out: it is counted where it was posted.
   Otherwise it is the contact handle it points to (below), or its first Telegram
   handle: ``handle:@name``.
3. A contact handle that offers of two or more different posters point to ("write @x",
   "support: @y", "DM @z", "связь: @x") is a vendor of its own too (``handle:@name``),
   holding all those offers: the seller behind admins and repost channels advertising
   it. Each poster keeps its offers as well (it posted them).

A handle "points to" when a contact word comes in the 30 characters before it. Messages
of saved messages that are not forwards (the analyst's own notes), and the account owner
(the sender of saved messages, the person talking to a bot) are never vendors.

A vendor is kept when at least one of its offers has an illicit category: a florist, a
pizza channel or a friend's "selling my bike" has offers but no trade this tool maps.
Uncategorized offers of a kept vendor still count ("Adobe CC — 17$ • C R A C K E D").
Everything an offer's indicators say (wallets, onions, contacts, handles) and its counts
(categories, chats, dates) is taken from every offer. Its text is read for payment methods
("bitcoin", "USDT", "PayPal" near "pay"), reputation words (reviews, ratings, escrow,
"гарант") and prices (``classify.prices``, categorized offers only, each price to the
offer's first category; a category shows its most frequent currency, amounts are not
converted). Reading text costs ten times the rest, and a large market is mostly offers,
so the text of the first 10,000 offers of a case is read, and after them a vendor's first
5 offers and then one in 25: in a large case, the ranges and reputation counts of a vendor
with many offers come from a sample of them.
"""

from __future__ import annotations

import math
import re
from array import array
from collections.abc import Mapping
from typing import Any

from bazaarwatch.classify.prices import Price, find_prices
from bazaarwatch.indicators.redaction import SENSITIVE, mask, mask_sensitive
from bazaarwatch.intel.posters import ChatNames, iso, poster
from bazaarwatch.model import Chat
from bazaarwatch.store.market import Record

MAX_NAMES = 10
MAX_HANDLES = 10
MAX_SENDERS = 10
MAX_WALLETS = 50
MAX_CONTACTS = 50
MAX_ONIONS = 20
_MAX_COUNTED = 50  # distinct handles counted per vendor (the top MAX_HANDLES are shown)
_SPAN = 4000  # characters of an offer read for prices and wording
_NAME = 300  # characters of a name kept
_PER_MESSAGE = 50  # indicators of one offer read, at most (in text order)
_WINDOW = 30  # characters before a handle searched for a contact word
READ_ALL = 10_000  # offers whose text is all read; after them, only
_READ_FIRST = 5  # a vendor's first offers, then
_READ_EVERY = 25  # one offer in this many (see the module's docstring)

_WALLETS = {"btc": "bitcoin", "eth": "ethereum", "xmr": "monero", "ltc": "litecoin",
            "trx": "tron", "doge": "dogecoin", "bch": "bitcoin-cash"}
_ONIONS = frozenset({"onion", "onion_v2"})
_CONTACTS = frozenset({"telegram", "telegram_bot", "email", "phone", "xmpp", "tox",
                       "session_id", "wickr", "threema", "telegram_invite"})
_HANDLES = frozenset({"telegram", "telegram_bot"})
_SAVED = "saved_messages"
_BOT_CHAT = "bot_chat"


# A word, or a whole handle ("@cvv_reviews" is not the word "reviews").
_TOKEN = re.compile(r"[\w@]+")
# Around words split at spaces (cheaper than the regex on a few words).
_PUNCTUATION = ",.:;!?()[]{}<>\"'«»|/\\-—–•*#+=~`"
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # Chinese and Japanese


class _Terms:
    """Words and phrases looked for in lower-case text, each with a label. Words are
    looked up by token (a set lookup per word of the text: a regex alternation of many
    words costs a hundred times more); phrases (spaces, hyphens, or Chinese, written
    without spaces) by substring."""

    __slots__ = ("phrases", "words")

    def __init__(self, table: dict[str, str]) -> None:
        self.words: dict[str, str] = {}
        self.phrases: list[tuple[str, str]] = []
        for terms, label in table.items():
            for term in terms.split("|"):
                if _TOKEN.fullmatch(term) and not _SPACELESS.search(term):
                    self.words[term] = label
                else:
                    self.phrases.append((term, label))

    def find(self, low: str, tokens: list[str]) -> list[str]:
        """The label of each word found (once per time it is written) and each phrase."""
        found = [label for token in tokens if (label := self.words.get(token)) is not None]
        found.extend(label for phrase, label in self.phrases if phrase in low)
        return found

    def any(self, low: str, tokens: list[str]) -> bool:
        return not self.words.keys().isdisjoint(tokens) or any(
            phrase in low for phrase, _ in self.phrases)


def _terms(words: str) -> _Terms:
    """Terms that all mean one thing (a yes/no test)."""
    return _Terms({words: ""})


# Sale wording that makes a categorized message an offer, and buyer wording that does not.
_SALE = _terms(
    "продам|продаю|продаем|продаём|в наличии|спрашивайте|обращайтесь|делаем|сделаем|"
    "изготовим|изготовление|предлагаем|прайс|цена|цены|продаємо|є в наявності|"
    "sell|selling|for sale|in stock|we sell|we make|we offer|available now|price|prices|"
    "price list|order now|dm me|pm me|vendo|vendemos|precio|precios|satılık|fiyat|"
    "للبيع|بيع|فروش|出售|价格|有货")
_WANT = _terms("куплю|кто продаст|нужен|нужна|нужны|ищу|wtb|looking for|buying|need|compro|"
               "alıyorum|шукаю|求购")
# A contact word shortly before a handle: the offer points to it.
_CONTACT = _terms(
    "write|dm|pm|contact|contacts|support|order|orders|admin|manager|operator|seller|owner|"
    "tg|telegram|связь|связи|писать|пиши|пишите|напиши|напишите|лс|личка|заказ|заказы|"
    "поддержка|саппорт|оператор|менеджер|админ|продавец|контакт|контакты|вопросы|"
    "вопросам|зв'язок|пишіть|escribe|escríbeme|contacto|yaz|iletişim|تواصل|پشتیبانی|"
    "联系|客服")
_FACETS = _Terms({
    "bitcoin|btc|биткоин|биткоины|биткоинах|биток|битком|битка": "bitcoin",
    "usdt|tether|trc20|trc-20|erc20|erc-20": "usdt",
    "monero|xmr|монеро": "monero",
    "ethereum|eth": "ethereum",
    "litecoin|ltc": "litecoin",
    "tron|trx": "tron",
    "toncoin": "toncoin",
    "paypal|пейпал": "paypal",
    "cashapp|cash app": "cashapp",
    "zelle": "zelle",
    "venmo": "venmo",
    "qiwi|киви": "qiwi",
    "yoomoney|юmoney|юмани": "yoomoney",
    "на карту|картой|by card|card payment|bank card|сбп": "card",
    "western union|moneygram": "money-transfer",
    "reviews|review|feedback|vouch|vouches|vouched|отзыв|отзывы|отзывов|отзывами|"
    "відгуки|reseñas": "reviews",
    "rating|ratings|rated|рейтинг|рейтинга|рейтингом": "ratings",
    "escrow|guarantor|middleman|гарант|гаранта|гарантом|гаранту|гаранты": "escrow",
})
_REPUTATION = frozenset({"reviews", "ratings", "escrow"})
#: Named as goods as often as as a way to pay ("PayPal logs"): a payment word must be near.
_FIAT = frozenset({"paypal", "cashapp", "zelle", "venmo", "qiwi", "yoomoney", "card",
                   "money-transfer"})
_PAY = _terms("pay|payment|paying|accept|accepted|оплата|оплату|оплачивать|принимаю|"
              "принимаем|pago|pagamento|ödeme|zahlung|paiement")


class _Reading:
    """What the text of an offer says beside its indicators: payment methods named,
    reputation words, prices (of categorized offers)."""

    __slots__ = ("payments", "prices", "reputation")

    def __init__(self, text: str, low: str, wallets: list[tuple[str, str]],
                 categorized: bool) -> None:
        tokens = _TOKEN.findall(low)
        self.payments: set[str] = set()
        self.reputation: dict[str, int] = {}
        fiat: set[str] = set()
        for label in _FACETS.find(low, tokens):
            if label in _REPUTATION:
                self.reputation[label] = self.reputation.get(label, 0) + 1
            elif label in _FIAT:
                fiat.add(label)
            else:
                self.payments.add(label)
        if fiat and _PAY.any(low, tokens):
            self.payments |= fiat
        self.prices = _prices(text, wallets) if categorized else []


def _prices(text: str, wallets: list[tuple[str, str]]) -> list[Price]:
    """The prices in an offer. Its wallet addresses are blanked first: "BTC 17ZH7h2q…" is
    an address, not 17 BTC, and a run of digits sends ``find_prices`` looking for card
    and phone numbers, its costly part. A price glued to a longer run of letters and
    digits is part of something else, and left out."""
    for _, address in wallets:
        text = text.replace(address, " " * len(address))
    return [p for p in find_prices(text)
            if not text[p.end:p.end + 1].isalnum() and math.isfinite(p.amount)]


class _Offer:
    """One offer as the vendors it is credited to see it: its indicators at once, its
    text when a vendor reads it (``read``, once)."""

    __slots__ = ("_low", "_reading", "categories", "contacts", "date", "handles", "onions",
                 "payments", "rowid", "sender", "text", "wallets")

    def __init__(self, record: Record) -> None:
        self.rowid, self.date, self.sender = record.rowid, record.date, record.sender_id
        self.categories = record.categories
        self.text = record.text[:_SPAN]
        self.wallets: list[tuple[str, str]] = []
        self.onions: list[str] = []
        self.contacts: list[tuple[str, str]] = []
        self.handles: list[str] = []
        self.payments: set[str] = set()
        for kind, value in record.indicators[:_PER_MESSAGE]:
            if kind in _WALLETS:
                self.wallets.append((kind, value))
                self.payments.add(_WALLETS[kind])
            elif kind in _ONIONS:
                self.onions.append(value)
            elif kind in _CONTACTS:
                self.contacts.append((kind, _masked(kind, value)))
                if kind == "telegram":
                    self.handles.append(value)
        self._low: str | None = None
        self._reading: _Reading | None = None

    def low(self) -> str:
        if self._low is None:
            self._low = self.text.lower()
        return self._low

    def read(self) -> _Reading:
        if self._reading is None:
            self._reading = _Reading(self.text, self.low(), self.wallets,
                                     bool(self.categories))
        return self._reading

    def pointed(self) -> list[str]:
        """The handles of the offer that a contact word comes shortly before."""
        found = []
        for handle in dict.fromkeys(self.handles):
            name = handle[1:]
            at = self.text.find(name)  # as written, most often: no need to lower the text
            text = self.text
            if at < 0:
                text = self.low()
                at = text.find(name)
            if at > 0:
                before = text[max(0, at - _WINDOW):at].lower()
                if _CONTACT.any(before, [w.strip(_PUNCTUATION) for w in before.split()]):
                    found.append(handle)
        return found


class _Vendor:
    """One vendor's counts and capped lists."""

    __slots__ = ("categories", "chats", "contacts", "first", "forwarded", "handles", "illicit",
                 "last", "names", "offers", "onions", "payments", "posters", "prices",
                 "reputation", "rowids", "senders", "wallets")

    def __init__(self) -> None:
        self.offers = 0
        self.illicit = False
        self.forwarded = False
        self.first = self.last = 0
        self.rowids = array("q")
        self.chats: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.prices: dict[str, dict[str, list[float]]] = {}  # cat -> currency -> n, min, max
        self.wallets: dict[tuple[str, str], None] = {}
        self.contacts: dict[tuple[str, str], None] = {}
        self.onions: dict[str, None] = {}
        self.handles: dict[str, int] = {}
        self.payments: set[str] = set()
        self.reputation: dict[str, int] = {}
        self.senders: dict[str, None] = {}
        self.posters: set[str] = set()  # of a handle vendor: up to two posters pointing to it
        self.names: dict[str, None] = {}  # of a handle vendor: sources it was forwarded from

    def add(self, offer: _Offer, chat_id: str, *, read: bool) -> None:
        """Count ``offer``; read its text when ``read`` or when this vendor samples it."""
        date = offer.date
        if not self.offers:
            self.first = self.last = date
        elif date < self.first:
            self.first = date
        elif date > self.last:
            self.last = date
        self.offers += 1
        self.rowids.append(offer.rowid)
        chats = self.chats
        chats[chat_id] = chats.get(chat_id, 0) + 1
        if offer.categories:
            self.illicit = True
            categories = self.categories
            for category in offer.categories:
                categories[category] = categories.get(category, 0) + 1
        if read or self.offers <= _READ_FIRST or self.offers % _READ_EVERY == 0:
            self._read(offer)
        if offer.wallets:
            _extend(self.wallets, offer.wallets, MAX_WALLETS)
        if offer.contacts:
            _extend(self.contacts, offer.contacts, MAX_CONTACTS)
        if offer.onions:
            _extend(self.onions, offer.onions, MAX_ONIONS)
        handles = self.handles
        for handle in offer.handles:
            if handle in handles:
                handles[handle] += 1
            elif len(handles) < _MAX_COUNTED:
                handles[handle] = 1
        if offer.payments:
            self.payments |= offer.payments
        sender = offer.sender
        if sender and sender not in self.senders and len(self.senders) < MAX_SENDERS:
            self.senders[sender] = None

    def _read(self, offer: _Offer) -> None:
        reading = offer.read()
        self.payments |= reading.payments
        for label, n in reading.reputation.items():
            self.reputation[label] = self.reputation.get(label, 0) + n
        if not reading.prices:
            return
        currencies = self.prices.setdefault(offer.categories[0], {})
        for price in reading.prices:
            seen = currencies.get(price.currency)
            if seen is None:
                currencies[price.currency] = [1, price.amount, price.amount]
            else:
                seen[0] += 1
                seen[1] = min(seen[1], price.amount)
                seen[2] = max(seen[2], price.amount)


def _extend(kept: dict[Any, None], values: Any, cap: int) -> None:
    """Add ``values`` to an insertion-ordered set, keeping at most ``cap``."""
    for value in values:
        if len(kept) >= cap:
            return
        kept[value] = None


def _masked(kind: str, value: str) -> str:
    """A contact as results show it: phones masked whatever the case keeps (a case
    ingested with --keep-sensitive holds them raw), numbers in other values too. A
    handle holds none: its digits are glued to letters, which no card or phone is."""
    if kind in SENSITIVE:
        return mask(kind, value)
    return value if kind in _HANDLES else mask_sensitive(value)


def _sells(text: str) -> bool:
    """Whether a message with an illicit category reads as a sale, not a request. The
    raw text is read, not its matching form: the classifier's ``offer`` already saw
    that, and folding every such message would cost more than all the rest."""
    low = text[:_SPAN].lower()
    tokens = _TOKEN.findall(low)
    return _SALE.any(low, tokens) and not _WANT.any(low, tokens)


class Vendors:
    """The vendors pass: ``add`` every message in rowid order, then ``result`` (which
    names bot vendors from the bots pass), then ``members``."""

    def __init__(self, chats: Mapping[str, Chat], senders: Mapping[str, str | None]) -> None:
        self._chats = chats
        self._senders = senders
        self._names = {c.name for c in chats.values() if c.name}
        self._private = {i for i, c in chats.items() if c.type in (_SAVED, _BOT_CHAT)}
        self._owners: set[str] = set()  # the account's own user id(s)
        self._vendors: dict[str, _Vendor] = {}  # poster key -> vendor
        self._handles: dict[str, _Vendor] = {}  # "@name" -> vendor, kept if it qualifies
        self._ids: dict[str, str] = {}  # vendor id -> key, from the last result
        self._chat_name = ChatNames(chats)
        self._offers = 0  # offers credited so far

    def add(self, record: Record) -> None:
        if record.chat_id in self._private:
            self._owner(record)
        if not (record.offer or record.categories):
            return  # the common message
        if not (record.offer or _sells(record.text)):
            return
        chat = self._chats.get(record.chat_id)
        if record.forwarded_from is not None:
            self._forward(record, record.forwarded_from)
            return
        if chat is not None and chat.type == _SAVED:
            return
        key = poster(record, chat)
        if key is None:
            return
        offer = _Offer(record)
        read = self._count()
        _vendor(self._vendors, key).add(offer, record.chat_id, read=read)
        for handle in offer.pointed():
            vendor = _vendor(self._handles, handle)
            vendor.add(offer, record.chat_id, read=read)
            if len(vendor.posters) < 2:
                vendor.posters.add(key)

    def _count(self) -> bool:
        """Count an offer; whether every offer is still read (the first ``READ_ALL``)."""
        self._offers += 1
        return self._offers <= READ_ALL

    def _owner(self, record: Record) -> None:
        """Remember the account owner: who writes in saved messages, or to a bot."""
        sender = record.sender_id
        if not sender or record.forwarded_from is not None or len(self._owners) >= 10:
            return
        chat = self._chats[record.chat_id]
        if chat.type == _SAVED or sender != "user" + record.chat_id:
            self._owners.add(sender)

    def _forward(self, record: Record, source: str) -> None:
        """Credit an offer forwarded from ``source`` to the handle it points to (rule 2)."""
        if self._in_case(source):
            return
        offer = _Offer(record)
        handles = offer.pointed() or offer.handles
        if not handles:
            return
        vendor = _vendor(self._handles, handles[0])
        vendor.add(offer, record.chat_id, read=self._count())
        vendor.forwarded = True
        _extend(vendor.names, (mask_sensitive(source[:_NAME]),), MAX_NAMES)

    def _in_case(self, source: str) -> bool:
        """Whether a forward's source is a chat of the case: by name, or as the export
        writes a source it has no name for ("channel 1736488447")."""
        kind, _, number = source.partition(" ")
        return source in self._names or (kind in ("channel", "chat") and number in self._chats)

    # -- results -------------------------------------------------------------------------

    def result(self, bots: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One dict per vendor (the issue's shape, then ``kind``, ``payments``, ``onions``,
        ``reputation``), most offers first."""
        bot_of = {s: b for b in bots for s in b.get("senders", ())}
        rows: list[dict[str, Any]] = []
        self._ids = {}
        for key, vendor in self._vendors.items():
            sender = key.removeprefix("sender:")
            if vendor.illicit and sender not in self._owners:
                rows.append(self._row(key, vendor, bot_of.get(sender)))
        for handle, vendor in self._handles.items():
            if vendor.illicit and (vendor.forwarded or len(vendor.posters) >= 2):
                rows.append(self._row(handle, vendor, None))
        rows.sort(key=lambda r: (-r["offers"], r["id"]))
        return rows

    def members(self) -> dict[str, list[int]]:
        """Each vendor's offers (rowids, ascending), by the ids of the last ``result``."""
        found = {}
        for vid, key in self._ids.items():
            vendor = self._handles[key] if key.startswith("@") else self._vendors[key]
            found[vid] = sorted(vendor.rowids)
        return found

    def _row(self, key: str, vendor: _Vendor, bot: dict[str, Any] | None) -> dict[str, Any]:
        kind, vid, names, handles = self._who(key, vendor, bot)
        self._ids[vid] = key
        counted = sorted(vendor.handles.items(), key=lambda kv: (-kv[1], kv[0]))
        handles = list(dict.fromkeys([*handles, *(h for h, _ in counted)]))[:MAX_HANDLES]
        return {
            "id": vid,
            "names": names[:MAX_NAMES],
            "handles": handles,
            "senders": list(vendor.senders),
            "chats": [{"id": c, "name": self._chat_name(c)} for c, _ in
                      sorted(vendor.chats.items(), key=lambda kv: (-kv[1], kv[0]))],
            "categories": dict(sorted(vendor.categories.items(),
                                      key=lambda kv: (-kv[1], kv[0]))),
            "offers": vendor.offers,
            "prices": _ranges(vendor.prices),
            "wallets": [{"type": t, "value": v} for t, v in vendor.wallets],
            "contacts": [{"type": t, "value": v} for t, v in vendor.contacts],
            "first_seen": iso(vendor.first),
            "last_seen": iso(vendor.last),
            "kind": kind,
            "payments": sorted(vendor.payments),
            "onions": list(vendor.onions),
            "reputation": dict(sorted(vendor.reputation.items())),
        }

    def _who(self, key: str, vendor: _Vendor,
             bot: dict[str, Any] | None) -> tuple[str, str, list[str], list[str]]:
        """(kind, id, names, own handles) of the vendor under ``key``."""
        if key.startswith("@"):
            return "handle", f"handle:{key}", list(vendor.names), [key]
        if key.startswith("chat:"):
            return "channel", key, self._name_list(self._chat_name(key[5:])), []
        sender = key.removeprefix("sender:")
        names = self._name_list(self._sender_name(sender))
        if bot is not None:
            username = bot["username"]
            handles = [username] if username.startswith("@") else []
            return "bot", f"bot:{username}", list(dict.fromkeys([*bot["names"], *names])), \
                handles
        return "sender", key, names, []


    def _sender_name(self, sender: str) -> str | None:
        name = self._senders.get(sender)
        return mask_sensitive(name[:_NAME]) if name else None

    @staticmethod
    def _name_list(name: str | None) -> list[str]:
        return [name] if name else []


def _vendor(table: dict[str, _Vendor], key: str) -> _Vendor:
    vendor = table.get(key)
    if vendor is None:
        vendor = table[key] = _Vendor()
    return vendor


def _ranges(seen: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, Any]]:
    """Per category, the range in its most frequent currency (ties: alphabetical)."""
    found: dict[str, dict[str, Any]] = {}
    for category, currencies in sorted(seen.items()):
        currency, (_, low, high) = min(currencies.items(), key=lambda kv: (-kv[1][0], kv[0]))
        found[category] = {"min": low, "max": high, "currency": currency}
    return found

