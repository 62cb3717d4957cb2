"""Benchmark indicator extraction against other open-source extractors, on one corpus.

What it measures: a seeded generator writes a large corpus of realistic Telegram chat
messages in English and Russian: mostly ordinary chatter and news with no indicators, and
a share (15%) of marketplace posts carrying indicators that the generator makes itself,
valid with their checksums (bitcoin base58check and bech32/bech32m, EIP-55 ethereum,
monero, litecoin, tron, dogecoin, bitcoin cash cashaddr, onion v3, Luhn-valid cards with
real IIN prefixes, mod-97 IBANs, Tox IDs, PGP fingerprints and key blocks, E.164 phones,
emails, URLs, domains, Telegram handles, bots and invite links). Some are obfuscated the
way vendors write them (``[.]onion``, ``hxxps://``, zero-width characters, Cyrillic
look-alike letters), and the posts carry hard negatives that must *not* be extracted:
transaction hashes, addresses with one character changed (checksum fails), card numbers
failing Luhn, version numbers, file names, prices, dates, order and tax numbers. The
encoders and checksums that make them are written here, not imported from bazaarwatch:
ground truth made with the code under test would share its bugs.

Every tool then runs over the same corpus in the same process, one call per message as a
user would call it (building the extractor is not timed). The script prints each tool's
MB/s (of UTF-8 message text) and messages/s, its per-type precision and recall against
the generator's ground truth, the agreement between bazaarwatch and each other tool on
every type both support, examples of bazaarwatch's errors, and whether the goals are met:
**at least 10x the throughput of the fastest other tool, with equal or better precision
and recall on every type that tool supports, and at least 30 MB/s on one core for all
types together** (run it under ``taskset -c 0``).

The other extractors are not project dependencies. Install them to compare against::

    pip install iocextract iocsearcher ioc-finder requests

(iocextract imports ``requests`` without declaring it.) Any that is missing is skipped
with a note. Type mappings, and what each tool does not support, are in ``TOOL_DOCS``
below and in ``benchmarks/README.md``.

This script is a benchmark, not a test: it is never collected by the test run.
Run ``python benchmarks/extract.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from Crypto.Hash import keccak

# Bump when the generated text changes, so figures from different versions are not
# compared as if they were measured on the same bytes.
GENERATOR_VERSION = 1
DEFAULT_SEED = 20240607
DEFAULT_MESSAGES = 200_000
QUICK_MESSAGES = 5_000
MARKET_SHARE = 0.15
OBFUSCATION_SHARE = 0.2
GOAL_SPEEDUP = 10.0
GOAL_MB_S = 30.0
WARMUP_MESSAGES = 200

#: bazaarwatch's indicator type ids (a contract; see DESIGN.md), in report order.
TYPES = ("btc", "eth", "xmr", "ltc", "trx", "doge", "bch", "onion", "onion_v2", "telegram",
         "telegram_bot", "telegram_invite", "session_id", "tox", "xmpp", "pgp", "phone",
         "email", "url", "domain", "iban", "card")

Key = tuple[str, str]  # (type, canonical value)

# --------------------------------------------------------------------------------------
# Checksummed value generators
# --------------------------------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
HEX = "0123456789abcdef"
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
# Latin letter -> Cyrillic look-alike, as vendors write them to dodge filters.
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
              "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "X": "Х", "T": "Т",
              "H": "Н", "K": "К", "M": "М", "B": "В"}


def keccak256(data: bytes) -> bytes:
    digest: bytes = keccak.new(digest_bits=256, data=data).digest()
    return digest


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        out.append(B58[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58check(payload: bytes) -> str:
    return b58encode(payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4])


def convertbits(data: Iterable[int], frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def bech32_polymod(values: Iterable[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            chk ^= generator[i] if (top >> i) & 1 else 0
    return chk


def segwit_address(hrp: str, version: int, program: bytes) -> str:
    """BIP-173 (bech32, version 0) or BIP-350 (bech32m, version 1+) address."""
    const = 1 if version == 0 else 0x2BC830A3
    data = [version, *convertbits(program, 8, 5)]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def cashaddr(hash160: bytes, *, p2sh: bool = False) -> str:
    """Bitcoin Cash cashaddr (``bitcoincash:q...`` / ``p...``)."""
    generators = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
    payload = convertbits([8 if p2sh else 0, *hash160], 8, 5)
    chk = 1
    for value in [*(ord(c) & 31 for c in "bitcoincash"), 0, *payload, *([0] * 8)]:
        top = chk >> 35
        chk = ((chk & 0x07FFFFFFFF) << 5) ^ value
        for i in range(5):
            chk ^= generators[i] if (top >> i) & 1 else 0
    chk ^= 1
    checksum = [(chk >> 5 * (7 - i)) & 31 for i in range(8)]
    return "bitcoincash:" + "".join(BECH32[d] for d in payload + checksum)


def monero_b58(data: bytes) -> str:
    """Monero's base58: 8-byte blocks of 11 characters, the last block shorter."""
    sizes = (0, 2, 3, 5, 6, 7, 9, 10, 11)
    out: list[str] = []
    for i in range(0, len(data), 8):
        block = data[i:i + 8]
        number = int.from_bytes(block, "big")
        chars: list[str] = []
        while number:
            number, rest = divmod(number, 58)
            chars.append(B58[rest])
        out.append("".join(reversed(chars)).rjust(sizes[len(block)], "1"))
    return "".join(out)


def eip55(address_hex: str) -> str:
    digest = keccak256(address_hex.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                          for i, c in enumerate(address_hex))


def onion_v3(pubkey: bytes) -> str:
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x03").digest()[:2]
    return base64.b32encode(pubkey + checksum + b"\x03").decode().lower() + ".onion"


def luhn_digit(body: str) -> str:
    total = 0
    for i, char in enumerate(reversed(body)):
        digit = int(char)
        if i % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def tox_id(key: bytes) -> str:
    checksum = bytearray(2)
    for i, byte in enumerate(key):
        checksum[i % 2] ^= byte
    return (key + bytes(checksum)).hex().upper()


def crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pgp_key(rng: random.Random, user: str) -> tuple[str, str]:
    """An armored v4 Ed25519 public key (key and user id packets) and its fingerprint."""
    created = rng.randrange(1_500_000_000, 1_720_000_000).to_bytes(4, "big")
    oid = bytes.fromhex("2b06010401da470f01")
    body = (b"\x04" + created + b"\x16" + bytes([len(oid)]) + oid + b"\x01\x07\x40"
            + rng.randbytes(32))
    fingerprint = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest()
    uid = user.encode()
    packets = b"\xc6" + bytes([len(body)]) + body + b"\xcd" + bytes([len(uid)]) + uid
    text = base64.b64encode(packets).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    checksum = base64.b64encode(crc24(packets).to_bytes(3, "big")).decode()
    armor = "\n".join(["-----BEGIN PGP PUBLIC KEY BLOCK-----", "", *lines, "=" + checksum,
                       "-----END PGP PUBLIC KEY BLOCK-----"])
    return armor, fingerprint.upper()


def pgp_fingerprint(armor: str) -> str | None:
    """The v4 fingerprint of the first public key packet of an armored block."""
    lines = armor.strip().splitlines()
    try:
        start = lines.index("") + 1
    except ValueError:
        return None
    payload = "".join(line.strip() for line in lines[start:]
                      if line.strip() and not line.startswith(("=", "-----")))
    try:
        packets = base64.b64decode(payload)
    except ValueError:
        return None
    if len(packets) < 3 or packets[0] not in (0xC6, 0x99):
        return None
    if packets[0] == 0xC6:
        length, body_at = packets[1], 2
    else:
        length, body_at = int.from_bytes(packets[1:3], "big"), 3
    body = packets[body_at:body_at + length]
    return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()


# --------------------------------------------------------------------------------------
# Canonical forms, applied to the ground truth and to every tool's output alike
# --------------------------------------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u00ad"
                                    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_DEFANG = re.compile(r"\[\.\]|\(\.\)|\[dot\]|\(dot\)|\{\.\}", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*(?::|\[:\])//", re.IGNORECASE)
_TELEGRAM_PREFIX = re.compile(
    r"^(?:@|(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/(?:s/)?"
    r"|tg://resolve\?domain=)", re.IGNORECASE)


def clean(value: str) -> str:
    """NFKC, invisible characters removed, defanged dots and schemes undone."""
    value = unicodedata.normalize("NFKC", value).translate(_INVISIBLE).strip()
    value = _DEFANG.sub(".", value)
    return re.sub(r"^hxxp", "http", value, flags=re.IGNORECASE).replace("[:]//", "://")


def _host_and_rest(value: str) -> tuple[str, str]:
    value = _SCHEME.sub("", value)
    cut = min((i for i in (value.find(c) for c in "/?#") if i >= 0), default=len(value))
    return value[:cut], value[cut:]


def _host(host: str) -> str:
    """A host name in lower case, an IDN as its ``xn--`` form."""
    host = host.lower().rstrip(".")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii")
    return host


def canon(kind: str, value: str) -> str:
    """The form two tools' values of one type are compared in (lenient on purpose:
    letter case where it carries no meaning, schemes, trailing punctuation)."""
    value = clean(value)
    if kind in ("btc", "ltc"):
        return value.lower() if value.lower().startswith(("bc1", "tb1", "ltc1")) else value
    if kind == "domain":
        return _host(value)
    if kind in ("eth", "session_id", "email", "xmpp"):
        value = value.lower().rstrip(".")
        return re.sub(r"^(?:mailto|xmpp|jabber):", "", value)
    if kind == "bch":
        return value.lower().removeprefix("bitcoincash:")
    if kind in ("onion", "onion_v2"):
        host = _host_and_rest(value)[0].lower().rstrip(".").split(":")[0]
        return host if host.endswith(".onion") else host + ".onion"
    if kind in ("telegram", "telegram_bot"):
        name = _TELEGRAM_PREFIX.sub("", value)
        match = re.match(r"[A-Za-z0-9_]+", name)
        return (match.group() if match else name).lower()
    if kind == "telegram_invite":
        match = re.search(r"(?:/\+|/joinchat/|^\+)([A-Za-z0-9_\-]+)", value)
        return match.group(1) if match else value
    if kind in ("tox", "iban"):
        return re.sub(r"\s", "", value).upper()
    if kind in ("phone", "card"):
        digits = re.sub(r"\D", "", value)
        return ("+" + digits) if kind == "phone" else digits
    if kind == "pgp":
        if "BEGIN PGP" in value:
            return pgp_fingerprint(value) or value
        return re.sub(r"\s", "", value).upper().removeprefix("0X")
    if kind == "url":
        host, rest = _host_and_rest(value)
        return (_host(host) + rest).rstrip(".,;:!?)]}>'\"/")
    return value


# --------------------------------------------------------------------------------------
# Text: vocabulary and templates
# --------------------------------------------------------------------------------------

CHATTER_EN = (
    "anyone up?", "lol same", "good morning everyone", "what time is the meeting tomorrow?",
    "I'll be there in 10 minutes", "did you see the game last night?",
    "can someone send the notes from yesterday", "thanks, got it",
    "the weather is terrible today", "my train is late again", "happy birthday Anna!",
    "who's coming on Saturday?", "I think we should order pizza", "ok sounds good",
    "no worries", "see you at 7", "the wifi in the office is down again",
    "has anyone tried the new cafe on Main street?", "I'm stuck in traffic", "brb",
    "haha that's hilarious", "send me the photo pls", "my phone died yesterday",
    "the package arrived, thanks", "let's move the call to Friday", "I can't find my keys",
    "does anyone have a charger?", "congrats on the new job!", "the kids are finally asleep",
    "sorry, missed your call", "how much was the ticket?", "we need more milk",
    "I'll check and let you know", "this update broke everything on my laptop",
    "can you share the link later", "the concert was amazing", "going to the gym",
    "anyone selling a used bike?", "rent went up again", "my cat knocked over the plant",
    "I'll bring snacks", "great, thanks for the help", "meeting moved to 3pm",
    "just landed, will call you from the taxi", "who took my umbrella 😂",
    "the match starts at 21:00, don't be late", "please don't forget the documents",
    "is the pharmacy on the corner open on Sundays?", "that movie was way too long",
)
CHATTER_RU = (
    "всем привет", "кто сегодня идёт?", "доброе утро", "я буду через 10 минут",
    "спасибо, получил", "какая погода у вас?", "опять пробки на кольцевой",
    "с днём рождения!", "кто в субботу на шашлыки?", "ок, договорились", "перезвоню позже",
    "скинь фотки пожалуйста", "сегодня дождь весь день", "я в метро, плохо слышно",
    "посылка пришла, спасибо", "давайте перенесём созвон на пятницу",
    "у кого есть зарядка?", "поздравляю с новой работой!", "дети наконец уснули",
    "сколько стоил билет?", "надо купить молока", "проверю и отпишусь",
    "обновление всё сломало", "концерт был огонь", "иду в зал",
    "кто-нибудь продаёт велосипед?", "аренда опять подорожала", "кот уронил цветок",
    "я принесу печенье", "отлично, спасибо за помощь", "какой пароль от вайфая?",
    "встреча перенесена на 15:00", "ахаха", "да ладно", "не знаю, посмотрим",
    "уже выезжаю", "кто смотрел вчерашний матч?", "завтра на работу к девяти",
    "у нас отключили горячую воду", "скинь ссылку потом", "привет, как дела?",
    "нормально, а ты?", "на даче клубника пошла", "мама передаёт привет",
    "в магазине очередь огромная", "забери меня после работы 🙏", "сломался лифт, иду пешком",
)
NEWS_EN = (
    "The city council approved the new budget on Tuesday.",
    "Heavy rain is expected in the region over the weekend.",
    "Police arrested two suspects after a series of break-ins downtown.",
    "The central bank kept its key rate unchanged.",
    "A new metro line will open next year, officials said.",
    "Fuel prices rose for the third week in a row.",
    "The festival drew more than 20,000 visitors.",
    "Schools will close early due to the heat wave.",
    "Officials warned residents about a gift card scam circulating in messengers.",
    "The bridge on the river road is closed for repairs until May.",
    "The local football club signed a new coach.",
    "Hospitals report a rise in flu cases this month.",
    "Authorities seized a large shipment of counterfeit goods at the port.",
    "The airport expects record passenger numbers this summer.",
    "A court sentenced the former mayor to five years for bribery.",
    "Electricity tariffs will rise by 9% from July.",
)
NEWS_RU = (
    "Городская дума утвердила бюджет на следующий год.",
    "В выходные в регионе ожидаются сильные дожди.",
    "Полиция задержала двух подозреваемых в серии краж.",
    "Центробанк сохранил ключевую ставку без изменений.",
    "Новая линия метро откроется в следующем году.",
    "Цены на бензин растут третью неделю подряд.",
    "Фестиваль посетили более 20 тысяч человек.",
    "Из-за жары занятия в школах сократят.",
    "Мошенники рассылают сообщения от имени банков, предупреждает полиция.",
    "Мост на набережной закрыт на ремонт до мая.",
    "Местный футбольный клуб подписал нового тренера.",
    "В больницах растёт число случаев гриппа.",
    "На таможне изъяли крупную партию контрафакта.",
    "Аэропорт ожидает рекордный пассажиропоток летом.",
    "Суд приговорил бывшего мэра к пяти годам за взятку.",
    "Тарифы на электричество вырастут на 9% с июля.",
)
PRODUCTS_EN = (
    "Fresh CC dumps with PIN", "Stealer logs, updated daily", "Verified PayPal accounts",
    "Fake IDs, any state", "Premium VPN keys", "Gift cards -70%",
    "Streaming accounts, lifetime warranty", "Stress-test service, any target",
    "Cracked software bundle", "Bank drops EU", "SIM cards with registration",
    "Crypto mixer, 1% fee", "Fullz with SSN and DOB", "Residential proxies",
)
PRODUCTS_RU = (
    "Свежие дампы с пином", "Логи стилера, обновление каждый день",
    "Верифицированные аккаунты", "Документы любого региона",
    "Подарочные карты со скидкой 70%", "Симки с регистрацией", "Дропы под обнал",
    "Обнал криптовалюты", "Прокси и VPN под любые задачи", "Пробив по базам",
    "Аккаунты маркетплейсов с историей", "Миксер, комиссия 1%",
)
PITCH_EN = ("Quality guaranteed.", "Escrow available.", "Bulk discounts.", "24/7 support.",
            "No refunds after delivery.", "Replacements within 24h.", "Worldwide.",
            "Stock is limited, hurry up!", "Read the rules before ordering.")
PITCH_RU = ("Гарантия качества.", "Работаем через гаранта.", "Опт дешевле.",
            "Поддержка 24/7.", "Замена в течение суток.", "Отправка по всему СНГ.",
            "Количество ограничено!", "Перед заказом читайте правила.")
WORDS = ("night", "market", "fresh", "card", "house", "shop", "dark", "store", "drop",
         "vendor", "plug", "crypto", "mix", "logs", "pharma", "docs", "cheap", "best",
         "king", "money", "cash", "gold", "lux", "prime", "secure", "anon", "ghost",
         "black", "white", "red", "moscow", "spb", "euro", "usa", "magic", "fast", "club",
         "zone", "deal", "trade", "north", "south", "wolf", "fox", "tiger", "city")
TLDS = ("cc", "su", "to", "ru", "io", "biz", "shop", "top", "xyz", "net", "com", "org", "me",
        "is", "ws", "pw", "store", "club")
MAIL_DOMAINS = ("gmail.com", "proton.me", "protonmail.com", "mail.ru", "yandex.ru",
                "tutanota.com", "cock.li", "onionmail.org", "bk.ru", "inbox.ru")
XMPP_DOMAINS = ("jabber.ru", "xmpp.jp", "exploit.im", "jabber.cz", "thesecure.biz",
                "jabb.im", "jabber.de")
NEWS_SITES = ("ria-news.ru", "citydaily.com", "gazeta-online.ru", "metro-news.net",
              "localtimes.org", "novosti24.ru")
IDN_LABELS = ("магазин", "клад", "товары", "скидки", "доставка", "закладка", "опт")
FILE_EXTS = ("jpg", "png", "json", "pdf", "txt", "exe", "mp4", "docx", "xlsx", "apk", "rar",
             "csv", "log", "html", "gif", "mp3", "webp", "sql", "ini", "bak")

# Per type: how a post introduces an indicator, English then Russian.
LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "btc": (("BTC: {}", "Bitcoin: {}", "pay BTC to {}", "send the exact amount to {}"),
            ("BTC: {}", "Оплата BTC: {}", "кошелёк {}", "биткоин: {}")),
    "eth": (("ETH: {}", "USDT ERC20: {}", "Ethereum {}"), ("ETH/USDT ERC20: {}", "эфир: {}")),
    "xmr": (("XMR: {}", "Monero only: {}"), ("Monero: {}", "XMR кошелёк: {}")),
    "ltc": (("LTC: {}", "Litecoin {}"), ("LTC: {}", "Лайткоин: {}")),
    "trx": (("USDT TRC20: {}", "TRX: {}"), ("USDT (TRC20): {}", "тетер трц20 {}")),
    "doge": (("DOGE: {}",), ("DOGE: {}", "доги {}")),
    "bch": (("BCH: {}",), ("BCH: {}",)),
    "onion": (("Shop: {}", "Mirror: {}", "Tor: {}", "our site {}"),
              ("Сайт: {}", "Зеркало: {}", "Тор: {}", "наш сайт {}")),
    "onion_v2": (("old mirror (v2): {}",), ("старое зеркало: {}",)),
    "telegram": (("Contact: {}", "DM {}", "Support {}", "Channel {}", "admin {}"),
                 ("Связь: {}", "Пишите {}", "Оператор {}", "Канал {}", "админ {}")),
    "telegram_bot": (("Order via {}", "Bot: {}", "autoshop {}"),
                     ("Бот: {}", "Заказ через {}", "автопродажи {}")),
    "telegram_invite": (("Private chat: {}", "Join {}", "VIP group {}"),
                        ("Закрытый чат: {}", "Вступай {}", "Приватка: {}")),
    "session_id": (("Session: {}", "Session ID {}"), ("Session: {}", "Сессия: {}")),
    "tox": (("Tox: {}", "Tox ID: {}"), ("Tox: {}", "Токс: {}")),
    "xmpp": (("Jabber: {}", "XMPP: xmpp:{}", "jid {}"), ("Жаба: {}", "Jabber: {}")),
    "pgp": (("PGP fingerprint: {}", "verify with PGP {}"), ("PGP отпечаток: {}", "PGP: {}")),
    "phone": (("Call/WhatsApp {}", "Phone: {}", "tel {}"), ("Тел: {}", "Звонить {}",
                                                             "Ватсап {}")),
    "email": (("Email: {}", "mail {}", "write to {}"), ("Почта: {}", "email {}")),
    "url": (("Shop: {}", "More info {}", "catalog {}"), ("Подробнее: {}", "Каталог: {}")),
    "domain": (("Mirror: {}", "Clearnet: {}", "new domain {}"), ("Зеркало: {}",
                                                                "Новый домен {}")),
    "iban": (("IBAN: {}", "SEPA to {}"), ("IBAN: {}", "Перевод на {}")),
    "card": (("Card: {}", "sample: {}", "pay to card {}"), ("карта {}", "Оплата на карту {}")),
}
# How often each type appears in a marketplace post (relative weights).
WEIGHTS = {"btc": 15, "eth": 7, "xmr": 6, "ltc": 4, "trx": 10, "doge": 2, "bch": 2,
           "onion": 8, "onion_v2": 1, "telegram": 12, "telegram_bot": 6,
           "telegram_invite": 3, "session_id": 2, "tox": 1, "xmpp": 3, "pgp": 1,
           "phone": 5, "email": 4, "url": 5, "domain": 4, "iban": 1, "card": 3}
# Exports hold no markdown (bold and code are entities), so no ** or ` around values.
WRAPS = ("{}", "{}", "{}", "{}", "({})", "{}.", "{},", "«{}»", "\"{}\"", "{}!", "{};")


@dataclass(frozen=True, slots=True)
class Truth:
    type: str
    canon: str
    obfuscated: bool


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    truth: tuple[Truth, ...] = ()
    #: Values a tool may report without penalty: a URL's host as a domain, a t.me link
    #: as a URL, an XMPP address as an email.
    neutral: frozenset[Key] = frozenset()
    #: Hard negatives written into the text: (kind, snippet).
    negatives: tuple[tuple[str, str], ...] = ()
    market: bool = False


@dataclass
class _Post:
    parts: list[str] = field(default_factory=list)
    truth: list[Truth] = field(default_factory=list)
    neutral: set[Key] = field(default_factory=set)
    negatives: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, value: str, *, obfuscated: bool = False) -> None:
        self.truth.append(Truth(kind, canon(kind, value), obfuscated))

    def neutral_host(self, value: str) -> None:
        host = _host_and_rest(clean(value))[0].split(":")[0]
        self.neutral.add(("domain", canon("domain", host)))


class CorpusGenerator:
    """Seeded message generator; the same seed always gives the same messages."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # -- values ---------------------------------------------------------------------
    def hexstr(self, n: int) -> str:
        return "".join(self.rng.choices(HEX, k=n))

    def btc(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return b58check(b"\x00" + self.rng.randbytes(20))
        if r < 0.55:
            return b58check(b"\x05" + self.rng.randbytes(20))
        if r < 0.85:
            return segwit_address("bc", 0, self.rng.randbytes(20))
        if r < 0.92:
            return segwit_address("bc", 0, self.rng.randbytes(32))
        return segwit_address("bc", 1, self.rng.randbytes(32))

    def eth(self) -> str:
        address = self.rng.randbytes(20).hex()
        return "0x" + address if self.rng.random() < 0.1 else eip55(address)

    def xmr(self) -> str:
        if self.rng.random() < 0.85:
            data = b"\x12" + self.rng.randbytes(64)
        else:
            data = b"\x13" + self.rng.randbytes(72)
        return monero_b58(data + keccak256(data)[:4])

    def ltc(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return b58check(b"\x30" + self.rng.randbytes(20))
        if r < 0.7:
            return b58check(b"\x32" + self.rng.randbytes(20))
        return segwit_address("ltc", 0, self.rng.randbytes(20))

    def trx(self) -> str:
        return b58check(b"\x41" + self.rng.randbytes(20))

    def doge(self) -> str:
        return b58check(b"\x1e" + self.rng.randbytes(20))

    def bch(self) -> str:
        return cashaddr(self.rng.randbytes(20), p2sh=self.rng.random() < 0.2)

    def session_id(self) -> str:
        return "05" + self.hexstr(64)

    def tox(self) -> str:
        return tox_id(self.rng.randbytes(36))

    def onion(self) -> str:
        return onion_v3(self.rng.randbytes(32))

    def onion_v2(self) -> str:
        return "".join(self.rng.choices(BASE32, k=16)) + ".onion"

    def name(self, *, bot: bool = False) -> str:
        words = self.rng.sample(WORDS, self.rng.choice((2, 2, 3)))
        style = self.rng.random()
        if style < 0.4:
            base = "".join(w.capitalize() for w in words)
        elif style < 0.7:
            base = "_".join(words)
        else:
            base = "".join(words)
        if self.rng.random() < 0.3:
            base += str(self.rng.randrange(1, 999))
        base = base[:26].rstrip("_")
        if bot:
            base += self.rng.choice(("_bot", "Bot", "bot", "_robot"))
        return base

    def domain(self) -> str:
        label = self.rng.choice(WORDS) + self.rng.choice(("", "-", "")) + self.rng.choice(WORDS)
        if self.rng.random() < 0.3:
            label += str(self.rng.randrange(1, 99))
        return label + "." + self.rng.choice(TLDS)

    def card(self) -> str:
        prefix, length = self.rng.choice((
            ("427638", 16), ("427901", 16), ("437773", 16), ("4", 16), ("521324", 16),
            ("5469", 16), ("55", 16), ("2221", 16), ("2720", 16), ("220220", 16),
            ("2202", 16), ("34", 15), ("37", 15), ("6011", 16), ("62", 16), ("62", 19)))
        body = prefix + "".join(self.rng.choices("0123456789", k=length - len(prefix) - 1))
        return body + luhn_digit(body)

    def iban(self) -> str:
        digits = "0123456789"
        country = self.rng.choice(("DE", "GB", "NL", "LT", "UA"))
        if country == "DE":
            bban = "".join(self.rng.choices(digits, k=18))
        elif country == "GB":
            bban = self.rng.choice(("NWBK", "BARC", "HBUK", "LOYD")) + "".join(
                self.rng.choices(digits, k=14))
        elif country == "NL":
            bban = self.rng.choice(("ABNA", "INGB", "RABO")) + "".join(
                self.rng.choices(digits, k=10))
        elif country == "LT":
            bban = "".join(self.rng.choices(digits, k=16))
        else:
            bban = "".join(self.rng.choices(digits, k=25))
        return iban(country, bban)

    def phone(self) -> tuple[str, str]:
        """(as written, E.164)."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.45:
            code = rng.choice(("916", "903", "926", "985", "999", "977", "921", "952"))
            sub = "".join(rng.choices("0123456789", k=7))
            e164 = f"+7{code}{sub}"
            written = rng.choice((f"+7 ({code}) {sub[:3]}-{sub[3:5]}-{sub[5:]}", e164,
                                  f"+7 {code} {sub[:3]} {sub[3:5]} {sub[5:]}",
                                  f"+7-{code}-{sub[:3]}-{sub[3:5]}-{sub[5:]}"))
        elif kind < 0.7:
            sub = f"01{rng.randrange(100):02d}"
            e164 = f"+1202555{sub}"
            written = rng.choice((f"+1 202 555 {sub}", f"+1 (202) 555-{sub}", e164,
                                  f"+1-202-555-{sub}"))
        elif kind < 0.8:
            sub = "".join(rng.choices("0123456789", k=7))
            e164 = f"+38067{sub}"
            written = rng.choice((f"+380 67 {sub[:3]} {sub[3:]}", e164))
        elif kind < 0.9:
            sub = rng.choice("123456789") + "".join(rng.choices("0123456789", k=6))
            e164 = f"+37529{sub}"
            written = rng.choice((f"+375 29 {sub[:3]}-{sub[3:5]}-{sub[5:]}", e164))
        else:
            sub = "".join(rng.choices("0123456789", k=8))
            e164 = f"+49151{sub}"
            written = rng.choice((f"+49 151 {sub}", f"+49 1512 {sub[1:]}"
                                  if sub[0] == "2" else e164))
        return written, e164

    # -- obfuscation ----------------------------------------------------------------
    def zero_width(self, value: str, lo: int = 3) -> str:
        at = self.rng.randrange(lo, max(lo + 1, len(value) - 2))
        return value[:at] + self.rng.choice(ZERO_WIDTH) + value[at:]

    def homoglyph(self, value: str, lo: int = 0) -> str:
        spots = [i for i, c in enumerate(value) if i >= lo and c in HOMOGLYPHS]
        if not spots:
            return value
        at = self.rng.choice(spots)
        return value[:at] + HOMOGLYPHS[value[at]] + value[at + 1:]

    def defang_dot(self, value: str, dot_at: int) -> str:
        return value[:dot_at] + self.rng.choice(("[.]", "[.]", "(.)", "[dot]")) + value[
            dot_at + 1:]

    # -- hard negatives -------------------------------------------------------------
    def corrupt(self, value: str, alphabet: str, lo: int) -> str:
        at = self.rng.randrange(lo, len(value))
        choices = [c for c in alphabet if c != value[at]]
        return value[:at] + self.rng.choice(choices) + value[at + 1:]

    def negative(self, market: bool) -> tuple[str, str]:
        """(kind, text): something an extractor must not report."""
        rng = self.rng
        kinds = ["tx-hash", "version", "file", "price", "date", "order-number", "js-name",
                 "git-sha", "ip-address", "bank-account"]
        if market:
            kinds += ["corrupt-btc", "corrupt-bech32", "corrupt-eth", "corrupt-trx",
                      "corrupt-xmr", "corrupt-onion", "corrupt-ltc", "corrupt-doge",
                      "luhn-fail", "iban-fail", "corrupt-tox", "corrupt-bch"] * 2
        kind = rng.choice(kinds)
        if kind == "tx-hash":
            h = self.hexstr(64)
            return kind, rng.choice((f"tx {h}", f"txid: {h}", f"hash 0x{h}", f"SHA256: {h}",
                                     f"хэш транзакции {h}"))
        if kind == "git-sha":
            return kind, rng.choice(("commit ", "build ", "sha1 ")) + self.hexstr(40)
        if kind == "version":
            a, b, c = rng.randrange(1, 20), rng.randrange(0, 30), rng.randrange(0, 200)
            return kind, rng.choice((f"v{a}.{b}.{c}", f"version {a}.{b}.{c}",
                                     f"Android {a}.{b}", f"build {a}.{b}.{c}.{rng.randrange(9999)}",
                                     f"обновился до {a}.{b}.{c}"))
        if kind == "file":
            stem = rng.choice(("photo", "result", "logs", "passport_scan", "setup", "video",
                               "base", "Report", "IMG_" + str(rng.randrange(1000, 9999)),
                               "config", "dump", "scan_2024"))
            return kind, f"{stem}.{rng.choice(FILE_EXTS)}"
        if kind == "price":
            return kind, rng.choice((f"${rng.randrange(5, 5000):,}.00",
                                     f"{rng.randrange(1, 99) / 1000:.4f} BTC",
                                     f"{rng.randrange(1, 99)} 500 ₽",
                                     f"{rng.randrange(5, 500)} USDT",
                                     f"€{rng.randrange(5, 500)}.99",
                                     f"от {rng.randrange(1, 50) * 100}₽"))
        if kind == "date":
            d, m, y = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(2019, 2026)
            return kind, rng.choice((f"{d:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{d:02d}",
                                     f"{m:02d}/{d:02d}/{y}", f"{d:02d}.{m:02d}.{y} {d:02d}:{m:02d}",
                                     f"с {rng.randrange(8, 12)}:00 до 22:00"))
        if kind == "order-number":
            return kind, rng.choice((f"order #{rng.randrange(10**6, 10**7)}",
                                     f"заказ №{rng.randrange(10**9, 10**10)}",
                                     f"ИНН {rng.randrange(10**9, 10**10)}",
                                     f"трек {rng.randrange(10**13, 10**14)}"))
        if kind == "ip-address":
            ip = ".".join(str(rng.randrange(1, 255)) for _ in range(4))
            return kind, rng.choice((f"server {ip}", f"{ip}:{rng.randrange(1024, 65535)}",
                                     f"прокси {ip}"))
        if kind == "bank-account":  # 20-digit Russian account numbers, not cards
            number = "40817810" + "".join(rng.choices("0123456789", k=12))
            return kind, rng.choice((f"р/с {number}", f"счёт {number}", f"acc. {number}"))
        if kind == "js-name":
            return kind, rng.choice(("node.js", "vue.js", "next.js", "three.js", "chart.js"))
        if kind == "corrupt-btc":
            value = rng.choice((b58check(b"\x00" + rng.randbytes(20)),
                                b58check(b"\x05" + rng.randbytes(20))))
            return kind, "BTC: " + self.corrupt(value, B58, 1)
        if kind == "corrupt-bech32":
            value = segwit_address("bc", rng.choice((0, 0, 1)), rng.randbytes(
                rng.choice((20, 32))))
            return kind, "BTC: " + self.corrupt(value, BECH32, 4)
        if kind == "corrupt-eth":
            # Flip the case of one letter, keeping the address mixed-case: an all-upper
            # or all-lower address is valid (unchecked) by EIP-55's rules.
            while True:
                value = eip55(rng.randbytes(20).hex())
                groups = [[i for i, c in enumerate(value) if i >= 2 and c.isalpha()
                           and c.islower() is lower] for lower in (True, False)]
                groups = [g for g in groups if len(g) >= 2]
                if groups:
                    break
            at = rng.choice(rng.choice(groups))
            return kind, "ETH: " + value[:at] + value[at].swapcase() + value[at + 1:]
        if kind == "corrupt-trx":
            return kind, "USDT TRC20: " + self.corrupt(self.trx(), B58, 1)
        if kind == "corrupt-xmr":
            return kind, "XMR: " + self.corrupt(self.xmr(), B58, 2)
        if kind == "corrupt-onion":
            label = self.onion().removesuffix(".onion")
            return kind, "Mirror: " + self.corrupt(label, BASE32, 0) + ".onion"
        if kind == "corrupt-ltc":
            return kind, "LTC: " + self.corrupt(b58check(b"\x30" + rng.randbytes(20)), B58, 1)
        if kind == "corrupt-doge":
            return kind, "DOGE: " + self.corrupt(self.doge(), B58, 1)
        if kind == "corrupt-bch":
            return kind, "BCH: " + self.corrupt(self.bch(), BECH32, 13)
        if kind == "luhn-fail":
            value = self.card()
            return kind, "card " + value[:-1] + str((int(value[-1]) + 1) % 10)
        if kind == "iban-fail":
            value = self.iban()
            return kind, "IBAN: " + self.corrupt(value, "0123456789", len(value) - 6)
        value = tox_id(rng.randbytes(36))
        return kind, "Tox: " + self.corrupt(value[:64], "0123456789ABCDEF", 0) + value[64:]

    # -- indicators in a post -------------------------------------------------------
    def indicator(self, kind: str, post: _Post, ru: bool) -> str:
        """Write one indicator of ``kind`` (recorded in ``post``); return its text."""
        rng = self.rng
        obf = rng.random() < OBFUSCATION_SHARE
        shown: str
        if kind in ("btc", "eth", "xmr", "ltc", "trx", "doge", "bch", "session_id", "tox"):
            make: dict[str, Callable[[], str]] = {
                "btc": self.btc, "eth": self.eth, "xmr": self.xmr, "ltc": self.ltc,
                "trx": self.trx, "doge": self.doge, "bch": self.bch,
                "session_id": self.session_id, "tox": self.tox}
            value = make[kind]()
            post.add(kind, value, obfuscated=obf)
            shown = self.zero_width(value, 4) if obf else value
            if kind == "btc" and not obf:
                variant = rng.random()
                if variant < 0.05:  # a payment URI, as wallets copy it
                    amount = f"?amount=0.0{rng.randrange(1, 99)}"
                    shown = f"bitcoin:{value}" + rng.choice(("", amount))
                elif variant < 0.08 and value.startswith("bc1"):  # from a QR code
                    shown = value.upper()
        elif kind in ("onion", "onion_v2"):
            value = self.onion() if kind == "onion" else self.onion_v2()
            label = value.removesuffix(".onion")
            form = rng.random()
            if form < 0.3:
                port = rng.choice((":8080", ":8000")) if rng.random() < 0.1 else ""
                url = f"http://{value}{port}/" + rng.choice(("login", "shop", "catalog",
                                                             "?r=1"))
                post.add("url", url, obfuscated=obf)
            elif form < 0.5:
                url = f"http://{value}"
                post.neutral.add(("url", canon("url", url)))
            else:
                url = value
                post.neutral.add(("url", canon("url", url)))
            post.add(kind, value, obfuscated=obf)
            if obf:
                how = rng.random()
                if how < 0.5:
                    url = self.defang_dot(url, url.index(".onion"))
                elif how < 0.8:
                    url = url.replace(label, self.zero_width(label, 4))
                else:
                    url = url.replace(label, self.homoglyph(label))
                url = url.replace("http://", rng.choice(("hxxp://", "http://")))
                if form >= 0.3:  # a look-alike letter left as written is no false URL
                    post.neutral.add(("url", canon("url", url)))
            shown = url
        elif kind in ("telegram", "telegram_bot"):
            name = self.name(bot=kind == "telegram_bot")
            post.add(kind, name, obfuscated=obf)
            form = rng.random()
            if form < 0.6:
                shown = "@" + name
            elif form < 0.85:
                shown = rng.choice(("t.me/", "https://t.me/", "http://t.me/")) + name
            elif form < 0.95:
                shown = rng.choice(("telegram.me/", "https://telegram.dog/")) + name
            else:
                shown = "tg://resolve?domain=" + name
            if obf:
                clear = shown
                shown = (self.zero_width(shown, len(shown) - len(name) + 1)
                         if rng.random() < 0.5 else
                         self.homoglyph(shown, len(shown) - len(name)))
                if "/" in shown:
                    post.neutral.add(("url", canon("url", clear)))
            if "/" in shown:
                post.neutral.add(("url", canon("url", shown)))
                post.neutral_host(shown)
        elif kind == "telegram_invite":
            token = "".join(rng.choices(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                k=rng.choice((16, 22))))
            shown = rng.choice(("https://t.me/+", "t.me/+", "https://t.me/joinchat/")) + token
            post.add(kind, shown, obfuscated=False)
            post.neutral.add(("url", canon("url", shown)))
            post.neutral_host(shown)
        elif kind == "xmpp":
            value = f"{self.name().lower()}@{rng.choice(XMPP_DOMAINS)}"
            post.add(kind, value, obfuscated=obf)
            post.neutral.add(("email", canon("email", value)))
            post.neutral_host(value.split("@")[1])
            shown = self.defang_dot(value, value.rindex(".")) if obf else value
        elif kind == "pgp":
            if rng.random() < 0.3:
                armor, fingerprint = pgp_key(rng, f"{self.name()} <{self.name()}@proton.me>")
                post.add(kind, fingerprint)
                return ("Our PGP key:" if not ru else "Наш PGP ключ:") + "\n" + armor
            fingerprint = self.hexstr(40).upper()
            post.add(kind, fingerprint)
            shown = (" ".join(fingerprint[i:i + 4] for i in range(0, 40, 4))
                     if rng.random() < 0.6 else fingerprint)
        elif kind == "phone":
            written, e164 = self.phone()
            post.add(kind, e164, obfuscated=obf)
            if obf and rng.random() < 0.3:  # fullwidth digits
                shown = written.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
            else:
                shown = self.zero_width(written, 4) if obf else written
        elif kind == "email":
            domain = rng.choice(MAIL_DOMAINS)
            local = rng.choice((self.name().lower(), self.name().lower().replace("_", "."),
                                rng.choice(WORDS) + str(rng.randrange(10, 9999))))
            if rng.random() < 0.1:
                local += "+" + rng.choice(("orders", "shop", "tg"))
            value = f"{local}@{domain}"
            post.add(kind, value, obfuscated=obf)
            post.neutral_host(domain)
            shown = self.defang_dot(value, value.rindex(".")) if obf else value
        elif kind == "url":
            host = rng.choice(("", "", "www.")) + self.domain()
            path = rng.choice((
                "/", "/shop", "/catalog/cards", "/login", f"/item/{rng.randrange(9999)}",
                f"/?ref={rng.randrange(99999)}", f"/product.php?id={rng.randrange(999)}",
                f"/ru/{self.name().lower()}"))
            if rng.random() < 0.05:
                host += f":{rng.choice((8080, 8443, 3000))}"
            url = rng.choice(("https://", "http://")) + host + path
            post.add(kind, url, obfuscated=obf)
            post.neutral_host(url)
            if obf:
                url = url.replace("http", "hxxp", 1) if rng.random() < 0.6 else url
                host_at = url.index("//") + 2
                url = self.defang_dot(url, url.rindex(".", host_at, url.index("/", host_at)))
            shown = url
        elif kind == "domain":
            value = self.domain()
            if ru and rng.random() < 0.1:  # an IDN name, as Russian shops register them
                value = rng.choice(IDN_LABELS) + rng.choice(("", "24", "-shop")) + ".рф"
            post.add(kind, value, obfuscated=obf)
            post.neutral.add(("url", canon("url", value)))
            shown = self.defang_dot(value, value.rindex(".")) if obf else value
        elif kind == "iban":
            value = self.iban()
            post.add(kind, value)
            shown = (" ".join(value[i:i + 4] for i in range(0, len(value), 4))
                     if rng.random() < 0.5 else value)
        else:  # card
            value = self.card()
            post.add(kind, value)
            form = rng.random()
            if form < 0.4 and len(value) == 16:
                shown = " ".join(value[i:i + 4] for i in range(0, 16, 4))
            elif form < 0.6:
                shown = (f"{value}|{rng.randrange(1, 13):02d}/{rng.randrange(25, 31)}"
                         f"|{rng.randrange(100, 999)}")
            else:
                shown = value
        return shown

    # -- messages -------------------------------------------------------------------
    def chatter(self, ru: bool) -> Message:
        rng = self.rng
        news = rng.random() < 0.2
        pool = (NEWS_RU if ru else NEWS_EN) if news else (CHATTER_RU if ru else CHATTER_EN)
        # Chats are short lines; channel news posts run to several sentences.
        count = rng.randrange(3, 9) if news else rng.choice((1, 1, 1, 2, 2, 3))
        parts = rng.sample(pool, count)
        negatives: list[tuple[str, str]] = []
        truth: list[Truth] = []
        neutral: set[Key] = set()
        if rng.random() < 0.05:
            negatives.append(self.negative(market=False))
            parts.insert(rng.randrange(len(parts) + 1), negatives[-1][1])
        if news and rng.random() < 0.15:
            url = (f"https://{rng.choice(NEWS_SITES)}/{rng.randrange(2019, 2026)}/"
                   f"{rng.randrange(1, 13):02d}/news-{rng.randrange(10**5)}")
            truth.append(Truth("url", canon("url", url), False))
            neutral.add(("domain", canon("domain", _host_and_rest(url)[0])))
            parts.append(("Подробнее: " if ru else "Read more: ") + url)
        elif news and rng.random() < 0.1:
            channel = self.name()
            truth.append(Truth("telegram", canon("telegram", channel), False))
            parts.append(("via @" if not ru else "источник: @") + channel)
        return Message(" ".join(parts), tuple(truth), frozenset(neutral), tuple(negatives))

    def market(self, ru: bool) -> Message:
        rng = self.rng
        post = _Post()
        header = rng.choice(PRODUCTS_RU if ru else PRODUCTS_EN)
        if rng.random() < 0.3:  # zero-width inside an ordinary word, to dodge filters
            header = self.zero_width(header, 1)
        price = ("price", rng.choice((
            f"${rng.randrange(5, 900)}", f"{rng.randrange(1, 99) / 1000:.3f} BTC",
            f"{rng.randrange(3, 90) * 100} руб", f"{rng.randrange(5, 500)} USDT")))
        post.parts.append(f"{rng.choice(('🔥', '✅', '💳', '⚡️', ''))} {header} — {price[1]}")
        post.negatives.append(price)
        if rng.random() < 0.5:
            post.parts.append(rng.choice(PITCH_RU if ru else PITCH_EN))
        kinds = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()),
                            k=rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
        for kind in dict.fromkeys(kinds):
            shown = self.indicator(kind, post, ru)
            if "\n" in shown:  # a PGP key block: on its own lines
                post.parts.append(shown)
                continue
            label = rng.choice(LABELS[kind][1 if ru else 0])
            post.parts.append(label.format(rng.choice(WRAPS).format(shown)))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            post.negatives.append(self.negative(market=True))
            post.parts.insert(rng.randrange(1, len(post.parts) + 1), post.negatives[-1][1])
        if rng.random() < 0.4:
            post.parts.append(rng.choice(PITCH_RU if ru else PITCH_EN))
        joiner = rng.choice(("\n", "\n", " ", " | ", "\n\n"))
        truth: dict[Key, Truth] = {}
        for item in post.truth:
            key = (item.type, item.canon)
            if key not in truth or not item.obfuscated:
                truth[key] = item
        neutral = frozenset(post.neutral - set(truth))
        return Message(joiner.join(post.parts), tuple(truth.values()), neutral,
                       tuple(post.negatives), market=True)

    def messages(self, count: int | None, megabytes: float | None) -> Iterator[Message]:
        """``count`` messages, or messages until ``megabytes`` of UTF-8 text."""
        produced = size = 0
        limit = None if megabytes is None else int(megabytes * 1e6)
        while size < limit if limit is not None else produced < (count or 0):
            ru = self.rng.random() < 0.45
            message = self.market(ru) if self.rng.random() < MARKET_SHARE else self.chatter(ru)
            produced += 1
            size += len(message.text.encode())
            yield message


# --------------------------------------------------------------------------------------
# The tools
# --------------------------------------------------------------------------------------

TOOL_DOCS = {
    "bazaarwatch": "default_extractor().extract(text); every type, as its .type; values from "
                   ".normalized (.value where the normalized form is masked)",
    "iocsearcher": "Searcher().search_data(text, targets=...): bitcoin->btc, ethereum->eth, "
                   "monero->xmr, litecoin->ltc, tron->trx, dogecoin->doge, bitcoincash->bch, "
                   "onionAddress->onion (onion_v2 when 16 chars), telegramHandle (t.me/NAME only)"
                   "->telegram (telegram_bot when NAME ends in 'bot'), tox, phoneNumber->phone, "
                   "email, url, fqdn->domain, iban. Not supported: telegram_invite, session_id, "
                   "xmpp, pgp, card",
    "iocextract": "extract_urls(text, refang=True)->url, extract_emails(text, refang=True)"
                  "->email, extract_telephone_nums(text)->phone. Not supported: every crypto "
                  "type, onion, telegram*, session_id, tox, xmpp, pgp, domain, iban, card",
    "ioc-finder": "find_iocs(text, included_ioc_types=[...]): bitcoin_addresses->btc, "
                  "monero_addresses->xmr, email_addresses->email, xmpp_addresses->xmpp, "
                  "urls->url, domains->domain (a .onion name -> onion, or onion_v2 when 16 chars). "
                  "Not supported: eth, ltc, trx, doge, bch, telegram*, session_id, tox, pgp, "
                  "phone, iban, card",
}
PIP_NAMES = {"iocsearcher": "iocsearcher", "iocextract": "iocextract requests",
             "ioc-finder": "ioc-finder"}
Found = list[tuple[str, str]]  # (type, value as the tool gives it)


class ToolMissing(Exception):
    pass


@dataclass
class Tool:
    name: str
    version: str
    supports: frozenset[str]
    call: Callable[[str], Any]
    convert: Callable[[Any], Found]
    detail: str = ""


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ToolMissing(f"{exc}") from exc


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _onion_type(label: str) -> str:
    return "onion_v2" if len(label.removesuffix(".onion")) == 16 else "onion"


def load_bazaarwatch() -> Tool:
    indicators = _module("bazaarwatch.indicators")
    try:
        extractor = indicators.default_extractor()
    except Exception as exc:
        raise ToolMissing(f"default_extractor() failed: {exc!r}") from exc

    def convert(found: Any) -> Found:
        out: Found = []
        for item in found:
            value = item.normalized or item.value
            if item.type in ("card", "phone") and any(c in value for c in "*•…xX"):
                value = item.value  # a masked normalized form: compare the text as written
            out.append((item.type, value))
        return out

    return Tool("bazaarwatch", _version("bazaarwatch"), frozenset(TYPES), extractor.extract,
                convert, f"engine: {getattr(extractor, 'engine', '?')}")


def load_iocsearcher() -> Tool:
    searcher_module = _module("iocsearcher.searcher")
    logging.getLogger("iocsearcher").setLevel(logging.ERROR)
    searcher = searcher_module.Searcher()
    mapping = {"bitcoin": "btc", "ethereum": "eth", "monero": "xmr", "litecoin": "ltc",
               "tron": "trx", "dogecoin": "doge", "bitcoincash": "bch", "tox": "tox",
               "phoneNumber": "phone", "email": "email", "url": "url", "fqdn": "domain",
               "iban": "iban"}
    targets = {*mapping, "onionAddress", "telegramHandle"}

    def call(text: str) -> Any:
        return searcher.search_data(text, targets=targets)

    def convert(found: Any) -> Found:
        out: Found = []
        for ioc in found:
            name, value = ioc.name, str(ioc.value)
            if name == "onionAddress":
                out.append((_onion_type(value), value))
            elif name == "telegramHandle":
                out.append(("telegram_bot" if value.lower().endswith("bot") else "telegram",
                            value))
            elif name == "fqdn" and value.lower().endswith(".onion"):
                out.append((_onion_type(value), value))
            elif name in mapping:
                out.append((mapping[name], value))
        return out

    supports = frozenset({*mapping.values(), "onion", "onion_v2", "telegram", "telegram_bot"})
    return Tool("iocsearcher", _version("iocsearcher"), supports, call, convert)


def load_iocextract() -> Tool:
    module = _module("iocextract")

    def call(text: str) -> Any:
        return (list(module.extract_urls(text, refang=True)),
                list(module.extract_emails(text, refang=True)),
                list(module.extract_telephone_nums(text)))

    def convert(found: Any) -> Found:
        urls, emails, phones = found
        return ([("url", v) for v in urls] + [("email", v) for v in emails]
                + [("phone", v) for v in phones])

    return Tool("iocextract", _version("iocextract"), frozenset({"url", "email", "phone"}),
                call, convert)


def load_iocfinder() -> Tool:
    module = _module("ioc_finder")
    mapping = {"bitcoin_addresses": "btc", "monero_addresses": "xmr",
               "email_addresses": "email", "xmpp_addresses": "xmpp", "urls": "url",
               "domains": "domain"}
    included = list(mapping)

    def call(text: str) -> Any:
        return module.find_iocs(text, included_ioc_types=included)

    def convert(found: Any) -> Found:
        out: Found = []
        for key, kind in mapping.items():
            for value in found.get(key) or ():
                if kind == "domain" and value.lower().endswith(".onion"):
                    out.append((_onion_type(value), value))
                else:
                    out.append((kind, value))
        return out

    supports = frozenset({*mapping.values(), "onion", "onion_v2"})
    return Tool("ioc-finder", _version("ioc-finder"), supports, call, convert)


LOADERS: dict[str, Callable[[], Tool]] = {
    "bazaarwatch": load_bazaarwatch, "iocsearcher": load_iocsearcher,
    "iocextract": load_iocextract, "ioc-finder": load_iocfinder}


# --------------------------------------------------------------------------------------
# Running and scoring
# --------------------------------------------------------------------------------------

@dataclass
class Run:
    tool: Tool
    seconds: float
    cpu_seconds: float
    errors: int
    first_error: str
    predictions: list[dict[Key, str]]  # per message: canonical key -> value as given


@dataclass
class Score:
    truth: int = 0
    truth_plain: int = 0
    tp: int = 0
    tp_plain: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.truth if self.truth else None

    @property
    def recall_plain(self) -> float | None:
        return self.tp_plain / self.truth_plain if self.truth_plain else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p is not None and r is not None and p + r else None


@dataclass
class Example:
    value: str
    text: str
    note: str = ""


def run_tool(tool: Tool, texts: Sequence[str], repeat: int = 1) -> Run:
    """Time ``tool`` over ``texts`` ``repeat`` times (the fastest pass counts)."""
    call = tool.call
    for text in texts[:WARMUP_MESSAGES]:
        with contextlib.suppress(Exception):  # counted in the timed pass below
            call(text)
    raw: list[Any] = []
    errors = 0
    first_error = ""
    seconds = cpu_seconds = float("inf")
    for _ in range(repeat):
        out: list[Any] = []
        append = out.append
        errors = 0
        gc.collect()
        start, cpu_start = time.perf_counter(), time.process_time()
        for text in texts:
            try:
                append(call(text))
            except Exception as exc:
                append(None)
                errors += 1
                if not first_error:
                    first_error = f"{type(exc).__name__}: {exc}"[:200]
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        if elapsed < seconds:
            seconds, cpu_seconds = elapsed, cpu
        raw = raw or out
        del out
    predictions: list[dict[Key, str]] = []
    for found in raw:
        keys: dict[Key, str] = {}
        if found is not None:
            for kind, value in tool.convert(found):
                if kind in tool.supports or kind not in TYPES:
                    keys.setdefault((kind, canon(kind, value)), value)
        predictions.append(keys)
    return Run(tool, seconds, cpu_seconds, errors, first_error, predictions)


def time_by_kind(tool: Tool, corpus: Sequence[Message]) -> list[tuple[str, int, int, float]]:
    """(label, messages, bytes, seconds) for chatter/news and for marketplace posts apart."""
    out = []
    for label, market in (("chatter and news", False), ("marketplace posts", True)):
        texts = [m.text for m in corpus if m.market is market]
        if not texts:
            continue
        call = tool.call
        gc.collect()
        start = time.perf_counter()
        for text in texts:
            with contextlib.suppress(Exception):
                call(text)
        out.append((label, len(texts), sum(len(t.encode()) for t in texts),
                    time.perf_counter() - start))
    return out


@dataclass
class Scored:
    scores: dict[str, Score]
    false_positives: dict[str, list[Example]]
    false_negatives: dict[str, list[Example]]
    fp_causes: dict[str, Counter[str]]


def _cause(kind: str, value: str, message: Message) -> str:
    """Which hard negative (if any) a false positive came from."""
    cleaned = clean(value).lower()
    digits = re.sub(r"\D", "", cleaned)
    for negative, snippet in message.negatives:
        written = clean(snippet).lower()
        if cleaned and (cleaned in written or (len(digits) > 6 and digits in written)):
            return negative
    mine = canon(kind, value)
    for other_kind, other in [*((t.type, t.canon) for t in message.truth), *message.neutral]:
        if other_kind == kind and mine and other != mine:
            if other.startswith(mine):
                return f"cut short: {other!r}"
            if mine.startswith(other):
                return f"runs on past {other!r}"
    if message.truth:
        for item in message.truth:
            if cleaned.lower() in item.canon.lower() or item.canon.lower() in cleaned.lower():
                return f"part of a true {item.type}"
    return "other"


def score(run: Run, corpus: Sequence[Message], examples: int) -> Scored:
    supports = run.tool.supports
    scores: dict[str, Score] = defaultdict(Score)
    fps: dict[str, list[Example]] = defaultdict(list)
    fns: dict[str, list[Example]] = defaultdict(list)
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    for message, predicted in zip(corpus, run.predictions, strict=True):
        truth = {(t.type, t.canon): t for t in message.truth if t.type in supports}
        for key, item in truth.items():
            s = scores[item.type]
            s.truth += 1
            s.truth_plain += not item.obfuscated
            if key in predicted:
                s.tp += 1
                s.tp_plain += not item.obfuscated
            else:
                s.fn += 1
                if len(fns[item.type]) < examples:
                    fns[item.type].append(Example(item.canon, message.text,
                                                  "obfuscated" if item.obfuscated else ""))
        for key, value in predicted.items():
            if key in truth or key in message.neutral:
                continue
            scores[key[0]].fp += 1
            cause = _cause(key[0], value, message)
            causes[key[0]][re.sub(r":.*", "", cause)] += 1
            if len(fps[key[0]]) < examples:
                fps[key[0]].append(Example(value, message.text, cause))
    return Scored(dict(scores), dict(fps), dict(fns), dict(causes))


@dataclass
class Agreement:
    both: int = 0
    only_ours: int = 0
    only_theirs: int = 0

    @property
    def jaccard(self) -> float | None:
        union = self.both + self.only_ours + self.only_theirs
        return self.both / union if union else None


def agreement(ours: Run, theirs: Run, corpus: Sequence[Message]) -> dict[str, Agreement]:
    shared = ours.tool.supports & theirs.tool.supports
    result: dict[str, Agreement] = {kind: Agreement() for kind in TYPES if kind in shared}
    for message, a, b in zip(corpus, ours.predictions, theirs.predictions, strict=True):
        a_keys = {k for k in a if k[0] in shared and k not in message.neutral}
        b_keys = {k for k in b if k[0] in shared and k not in message.neutral}
        for key in a_keys & b_keys:
            result[key[0]].both += 1
        for key in a_keys - b_keys:
            result[key[0]].only_ours += 1
        for key in b_keys - a_keys:
            result[key[0]].only_theirs += 1
    return result


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [str(c).ljust(w) if i < left else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _snippet(text: str, value: str, width: int = 150) -> str:
    if "xn--" in value:
        with contextlib.suppress(UnicodeError):
            value = value.encode().decode("idna")
    at = text.find(value)
    if at < 0:
        at = text.find(value[:8])
    start = max(0, at - 40) if at >= 0 else 0
    piece = text[start:start + width]
    return ascii(piece) if any(ord(c) in _INVISIBLE for c in piece) else repr(piece)


def report(corpus: Sequence[Message], megabytes: float, runs: list[Run],
           scored: dict[str, Scored], split: list[tuple[str, int, int, float]],
           args: argparse.Namespace) -> None:
    truth_by_type = Counter(t.type for m in corpus for t in m.truth)
    obf_by_type = Counter(t.type for m in corpus for t in m.truth if t.obfuscated)
    negatives = Counter(kind for m in corpus for kind, _ in m.negatives if kind != "price")
    ru = sum(1 for m in corpus if re.search("[а-яё]", m.text))
    print(f"\ncorpus: {len(corpus):,} messages, {megabytes:.1f} MB of UTF-8 text "
          f"({1e6 * megabytes / max(1, len(corpus)):.0f} bytes/message, "
          f"{100 * ru / max(1, len(corpus)):.0f}% Russian), "
          f"{sum(m.market for m in corpus):,} marketplace posts; "
          f"{sum(truth_by_type.values()):,} true indicators "
          f"({sum(obf_by_type.values()):,} obfuscated), {sum(negatives.values()):,} hard "
          f"negatives; seed {args.seed}, generator v{GENERATOR_VERSION}")
    print("  hard negatives: " + ", ".join(f"{k} {v:,}" for k, v in negatives.most_common()))

    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    print(f"\nthroughput: one call per message, extractor built beforehand, "
          f"fastest of {args.repeat} pass{'es' if args.repeat > 1 else ''}; "
          f"CPUs allowed: {cores or '?'}"
          + ("" if len(cores) == 1 else "  (use `taskset -c 0` for the one-core figure)"))
    ours = next((r for r in runs if r.tool.name == "bazaarwatch"), None)
    rows = []
    for run in runs:
        mbs = megabytes / run.seconds if run.seconds else float("inf")
        ratio = (f"{run.seconds / ours.seconds:.1f}x slower" if ours and run is not ours
                 and ours.seconds else "")
        rows.append([run.tool.name, run.tool.version, f"{run.seconds:.2f}",
                     f"{run.cpu_seconds:.2f}", f"{len(corpus) / run.seconds:,.0f}",
                     f"{mbs:.2f}", f"{megabytes / run.cpu_seconds:.2f}",
                     f"{1e6 * run.seconds / len(corpus):.1f}", str(run.errors), ratio])
    print(table(["tool", "version", "wall s", "cpu s", "messages/s", "MB/s", "MB/cpu s",
                 "µs/msg", "errors", "vs bazaarwatch"], rows))
    for label, count, size, seconds in split:
        print(f"  bazaarwatch on {label} alone: {count:,} messages of {size / count:.0f} "
              f"bytes on average, {1e6 * seconds / count:.1f} µs/message, "
              f"{size / 1e6 / seconds:.2f} MB/s")
    for run in runs:
        if run.tool.detail:
            print(f"  {run.tool.name}: {run.tool.detail}")
        if run.seconds > 1.1 * run.cpu_seconds:
            print(f"  {run.tool.name}: wall time exceeds CPU time by "
                  f"{100 * (run.seconds / run.cpu_seconds - 1):.0f}%: the core was shared; "
                  "rerun on a quiet machine (or with --repeat)")
        if run.first_error:
            print(f"  {run.tool.name}: {run.errors} calls raised; first: {run.first_error}")

    print("\nquality against the ground truth, per type (P precision, R recall, "
          "Rp recall on the non-obfuscated ones; — where the tool does not support the type):")
    names = [r.tool.name for r in runs]
    header = ["type", "truth", "obf", *[f"{n} P/R/Rp" for n in names]]
    rows = []
    extra = sorted({k for s in scored.values() for k in s.scores} - set(TYPES))
    for kind in [*TYPES, *extra]:
        cells = [kind, f"{truth_by_type[kind]:,}", f"{obf_by_type[kind]:,}"]
        for run in runs:
            if kind not in run.tool.supports and kind in TYPES:
                cells.append("—")
                continue
            s = scored[run.tool.name].scores.get(kind, Score())
            cells.append(f"{_pct(s.precision)}/{_pct(s.recall)}/{_pct(s.recall_plain)}"
                         + (f" ({s.fp:,} FP)" if s.fp else ""))
        rows.append(cells)
    print(table(header, rows))
    for run in runs:
        print(f"  {run.tool.name}: {TOOL_DOCS[run.tool.name]}")

    if ours:
        for run in runs:
            if run is ours:
                continue
            agree = agreement(ours, run, corpus)
            print(f"\nagreement, bazaarwatch vs {run.tool.name} (message-level values; "
                  "neutral values left out):")
            print(table(["type", "both", "bazaarwatch only", f"{run.tool.name} only",
                         "agreement %"],
                        [[k, f"{a.both:,}", f"{a.only_ours:,}", f"{a.only_theirs:,}",
                          _pct(a.jaccard)] for k, a in agree.items()]))

    for name in args.errors_for:
        if name not in scored or not args.errors:
            continue
        result = scored[name]
        print(f"\n{name} errors by type (up to {args.errors} examples each):")
        for kind in [*TYPES, *extra]:
            errs = result.scores.get(kind)
            if not errs or (not errs.fp and not errs.fn):
                continue
            causes = ", ".join(f"{c} {n:,}" for c, n in result.fp_causes.get(kind, Counter())
                               .most_common())
            print(f"  {kind}: {errs.fp:,} false positives{f' ({causes})' if causes else ''}, "
                  f"{errs.fn:,} false negatives "
                  f"({errs.fn - (errs.truth_plain - errs.tp_plain):,} "
                  "of them obfuscated)")
            for ex in result.false_positives.get(kind, []):
                print(f"    FP {ex.value!r} [{ex.note}] in {_snippet(ex.text, ex.value)}")
            for ex in result.false_negatives.get(kind, []):
                print(f"    FN {ex.value!r}{' [' + ex.note + ']' if ex.note else ''} in "
                      f"{_snippet(ex.text, ex.value)}")

    if ours:
        goals(ours, runs, scored, megabytes, cores)


def goals(ours: Run, runs: list[Run], scored: dict[str, Scored], megabytes: float,
          cores: list[int]) -> None:
    print("\ngoals:")
    ours_mbs = megabytes / ours.seconds
    others = [r for r in runs if r is not ours]
    if others:
        fastest = min(others, key=lambda r: r.seconds)
        speedup = fastest.seconds / ours.seconds
        print(f"  throughput >= {GOAL_SPEEDUP:.0f}x the fastest other tool ({fastest.tool.name}, "
              f"{megabytes / fastest.seconds:.2f} MB/s): {speedup:.1f}x  "
              f"{'MET' if speedup >= GOAL_SPEEDUP else 'NOT MET'}")
        shortfalls = []
        for run in others:
            theirs = scored[run.tool.name].scores
            mine = scored["bazaarwatch"].scores
            for kind in TYPES:
                if kind not in run.tool.supports or kind not in theirs:
                    continue
                a, b = mine.get(kind, Score()), theirs[kind]
                for label, x, y in (("precision", a.precision, b.precision),
                                    ("recall", a.recall, b.recall)):
                    if y is not None and (x is None or x < y - 1e-9):
                        shortfalls.append(f"{kind} {label} {_pct(x)} < {run.tool.name} "
                                          f"{_pct(y)}")
        print("  precision and recall >= every other tool's, on each type it supports: "
              + ("MET" if not shortfalls else "NOT MET: " + "; ".join(shortfalls)))
    else:
        print("  no other tool ran: nothing to compare with")
    one_core = "" if len(cores) == 1 else f" (measured with {len(cores)} CPUs allowed)"
    print(f"  >= {GOAL_MB_S:.0f} MB/s on one core, all types together: {ours_mbs:.1f} MB/s  "
          f"{'MET' if ours_mbs >= GOAL_MB_S else 'NOT MET'}{one_core}")


# --------------------------------------------------------------------------------------

# -- real-shaped text: speed only -----------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
DEV_EXPORT = ROOT.parent / "shared" / "data" / "dev" / "telegram-channels" / "result.json"
BENIGN = (ROOT / "benchmarks" / "data" / "benign.jsonl",
          ROOT / "benchmarks" / "data" / "benign-blind.jsonl")
LONG = 900  # characters: a long post, as in classify.py
LONG_POSTS = 20_000
PROFILE_LINES = 15


def dev_export_texts() -> list[str]:
    """The texts of the dev export's messages (real channels), or none when it is absent."""
    if not DEV_EXPORT.is_file():
        return []
    reader = _module("bazaarwatch.sources").get_reader("telegram")
    return [m.text for m in reader.read(DEV_EXPORT) if m.text]


def long_russian_posts(count: int = LONG_POSTS) -> list[str]:
    """Posts of about ``LONG`` characters, the project's benign Russian texts joined in turn
    (as ``classify.py``'s ``long_posts``): news-like prose where every sentence ends in a
    dot and some posts carry links, handles and phone numbers."""
    texts = [row["text"] for path in BENIGN if path.is_file()
             for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())
             if row.get("lang") == "ru"]
    posts: list[str] = []
    current = ""
    while texts and len(posts) < count:
        for text in texts:
            current = f"{current}\n\n{text}" if current else text
            if len(current) >= LONG:
                posts.append(current)
                current = ""
                if len(posts) == count:
                    break
    return posts


def time_calls(call: Callable[[str], Any], texts: Sequence[str], repeat: int) -> float:
    """CPU time of one call per text, fastest of ``repeat`` passes (errors count as calls)."""
    for text in texts[:WARMUP_MESSAGES]:
        with contextlib.suppress(Exception):
            call(text)
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        for text in texts:
            try:  # noqa: SIM105 - a context manager per call would be timed too
                call(text)
            except Exception:  # a tool's crash on one text is not a speed figure
                pass
        best = min(best, time.process_time() - start)
    return best


def real_text_speed(tools: Sequence[Tool], corpora: dict[str, list[str]], repeat: int,
                    measured: dict[str, dict[str, float]]) -> None:
    """MB/s and messages/s of every tool on each corpus (``measured`` holds CPU seconds
    already taken, by corpus and tool), with bazaarwatch's speed as a multiple of
    iocsearcher's (the issue's goal: 10x on real chat text)."""
    print("\nspeed by corpus (CPU seconds, one call per message):")
    rows = []
    for name, texts in corpora.items():
        megabytes = sum(len(t.encode()) for t in texts) / 1e6
        seconds = measured.get(name) or {
            tool.name: time_calls(tool.call, texts, repeat) for tool in tools}
        for tool in tools:
            took = seconds[tool.name] or 1e-9
            ratio = ""
            if tool.name == "bazaarwatch" and "iocsearcher" in seconds:
                ratio = f"{seconds['iocsearcher'] / took:.1f}x"
            rows.append([name, tool.name, f"{len(texts):,}", f"{megabytes:.1f}",
                         f"{megabytes / took:.2f}", f"{len(texts) / took:,.0f}", ratio])
    print(table(["corpus", "tool", "messages", "MB", "MB/s", "messages/s",
                 "vs iocsearcher"], rows, left=2))


def profile_extraction(corpora: dict[str, list[str]]) -> None:
    """cProfile's top functions (own time) of bazaarwatch's extraction on each corpus."""
    import cProfile
    import io
    import pstats

    extract = _module("bazaarwatch.indicators").default_extractor().extract
    for name, texts in corpora.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for text in texts:
            extract(text)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(PROFILE_LINES)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        print(f"\nprofile of bazaarwatch on {name} (top {PROFILE_LINES} by own time):")
        print("\n".join(lines[lines.index(next(x for x in lines if "ncalls" in x)):]))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Compare bazaarwatch's indicator extraction with other extractors on "
                    "a generated chat corpus (speed, per-type precision/recall, agreement).")
    parser.add_argument("--messages", type=int, default=None,
                        help=f"corpus size in messages (default {DEFAULT_MESSAGES:,})")
    parser.add_argument("--mb", type=float, default=None,
                        help="corpus size in MB of UTF-8 text instead of --messages")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--tools", nargs="+", choices=list(LOADERS), default=list(LOADERS),
                        help="which extractors to run (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a small run: {QUICK_MESSAGES:,} messages")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="time each tool N times over the corpus; the fastest pass counts")
    parser.add_argument("--errors", type=int, default=3, metavar="N",
                        help="examples of false positives/negatives per type (0: none)")
    parser.add_argument("--errors-for", nargs="+", default=["bazaarwatch"], metavar="TOOL",
                        help="whose errors to list (default: bazaarwatch)")
    parser.add_argument("--dump", type=Path, metavar="FILE",
                        help="also write the corpus and its ground truth as JSON lines")
    parser.add_argument("--real", nargs="*", choices=["dev", "longru"], default=["dev", "longru"],
                        help="real-shaped corpora timed besides the generated one: the dev "
                             "export's texts (when present) and generated long Russian "
                             "posts (default: both; none with --real alone)")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile summary of bazaarwatch on each corpus")
    args = parser.parse_args(argv)
    if args.messages is None:
        args.messages = QUICK_MESSAGES if args.quick else DEFAULT_MESSAGES
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tools: list[Tool] = []
    for name in args.tools:
        try:
            tools.append(LOADERS[name]())
        except ToolMissing as exc:
            hint = (f"pip install {PIP_NAMES[name]}" if name in PIP_NAMES
                    else "pip install -e .  (from the repository root)")
            print(f"note: skipping {name}: not importable ({exc}); {hint}", file=sys.stderr)
    if not tools:
        print("no extractor to run", file=sys.stderr)
        return 2

    started = time.perf_counter()
    corpus = list(CorpusGenerator(args.seed).messages(args.messages, args.mb))
    texts = [m.text for m in corpus]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(f"generated {len(corpus):,} messages ({megabytes:.1f} MB) in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as out:
            for m in corpus:
                out.write(json.dumps({
                    "text": m.text, "truth": [[t.type, t.canon, t.obfuscated] for t in m.truth],
                    "neutral": sorted(m.neutral), "negatives": list(m.negatives)},
                    ensure_ascii=False) + "\n")

    runs: list[Run] = []
    for tool in tools:
        print(f"running {tool.name} ...", file=sys.stderr, flush=True)
        runs.append(run_tool(tool, texts, args.repeat))
        print(f"  {runs[-1].seconds:.1f} s", file=sys.stderr, flush=True)
    split = next((time_by_kind(r.tool, corpus) for r in runs if r.tool.name == "bazaarwatch"),
                 [])
    scored = {run.tool.name: score(run, corpus, args.errors) for run in runs}
    report(corpus, megabytes, runs, scored, split, args)
    corpora = {"generated": texts}
    if "dev" in args.real and (dev := dev_export_texts()):
        corpora["dev export"] = dev
    if "longru" in args.real:
        corpora["long Russian"] = long_russian_posts()
    measured = {"generated": {run.tool.name: run.cpu_seconds for run in runs}}
    real_text_speed(tools, corpora, args.repeat, measured)
    if args.profile and any(tool.name == "bazaarwatch" for tool in tools):
        profile_extraction(corpora)
    return 0


if __name__ == "__main__":
    sys.exit(main())
