"""Compose the labelled seed corpus from the hand-written phrase banks in ``banks/``.

The corpus trains the shipped classifier, so it has to look like channel traffic rather
than like a word list: most real messages are chatter and news, sellers wrap their
products in prices, stock notes, escrow promises and contact handles, and the same
words ("cocaine", "CVV", "passport", "cheat") turn up in arrest news, bank warnings and
gaming talk. Each example is therefore composed from several bank lines (products plus
shuffled wrappers in one of a few post layouts, or news plus a wrapper), with generated
prices, handles and links, and a share of them obfuscated the ways sellers do
(homoglyphs, zero-width characters, spaced or dotted letters, leetspeak, fullwidth).
Shop-bot menus and market listings are also short catalogue entries standing alone
("Xanax 2mg x30", "EU passport scan"): the ``[item]`` sections of the category banks are
composed one line at a time, and so are the ordinary shops' entries in ``chatter.txt``,
with the same counts, prices, tags and capitals, so that layout alone says nothing.

Everything is drawn from one ``random.Random(seed)``, so the same seed gives the same
bytes. Exact texts never repeat, and neither do their skeletons (the text lower-cased
with digits, handles, links and punctuation removed), so a bank line cannot multiply
into near-copies that differ only in a price.

Bank format (UTF-8 text): ``[section]`` or ``[section lang]`` headers (lower case; a
bracketed phrase such as ``[AAA+]`` is not a header), one phrase per line, blank lines
and lines starting with ``;;`` ignored, ``\\n`` for a line break inside a phrase,
``{slot}`` for values filled in at build time (``fills.txt`` and ``fills-*.txt`` list
the word slots; ``price``, ``handle``, ``bot``, ``link``, ``onion``, ``domain``,
``wallet``, ``n``, ``k`` and ``pct`` are generated here).

Run ``python -m bazaarwatch.classify.seed.build`` to rewrite ``seed.jsonl`` next to this
file, ``-o PATH`` (``-`` for stdout) to write elsewhere, ``--check`` to verify it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypedDict

BANKS_DIR = Path(__file__).with_name("banks")
SEED_PATH = Path(__file__).with_name("seed.jsonl")
DEFAULT_SEED = 7

CATEGORIES: tuple[str, ...] = (
    "drugs", "weapons", "carding", "gift-cards", "personal-data", "accounts",
    "fake-documents", "counterfeit-goods", "pirated-content", "hacking", "game-cheats",
    "fake-engagement", "medical-fraud", "money-laundering", "scam",
)
LANGS: tuple[str, ...] = ("en", "ru", "uk", "es", "pt", "de", "fr", "tr", "ar", "fa", "zh")
# English and Russian dominate real channels; the rest get a smaller share each.
LANG_WEIGHTS: tuple[int, ...] = (330, 280, 60, 55, 50, 45, 45, 40, 35, 30, 30)

# How many examples of each kind to compose (per category where it says so).
OFFERS_PER_CATEGORY = 150
TALK_PER_CATEGORY = 55
NEG_PER_CATEGORY = 180
LEGIT_PER_CATEGORY = 45
MULTI_BANK_OFFERS = 200
MULTI_BANK_TALK = 40
PAIR_OFFERS = 330
TRIPLE_OFFERS = 50
CHAT = 650
SALES = 230
# Catalogue entries: one product line as a shop bot's menu or a market lists it.
ITEMS_PER_CATEGORY = 180
ITEMS_OVERRIDE = {"drugs": 450,  # the widest trade: strains, pills, chemicals, units
                  "scam": 260, "pirated-content": 230, "personal-data": 220, "accounts": 220}
LEGIT_ITEMS = 1400
# The trades whose wording varies most (scam pitches, data leaks, app mods) get more offers.
OFFERS_OVERRIDE = {"scam": 260, "personal-data": 190, "accounts": 190,
                   "pirated-content": 190, "hacking": 190}
TALK_OVERRIDE = {"scam": 90}
# Scam texts that sell nothing (prize notices, testimonials, "team" recruiting): scam, no offer.
SPAM = 260
# Short texts that sell nothing (greetings, reactions, weather, headlines, questions), so
# that a short text is not taken for a catalogue entry.
SHORT_CHAT = 2000
# News and channel posts with a subscribe / feedback bot or a link under them: a bot handle
# or a t.me link alone does not make an offer.
NEWS = 600
P_FOOTER = 0.12  # share of chat and hard negatives that carry a channel footer

MIN_WORDS = 2
MIN_WORDS_SHORT = 1  # "hello", "gm": short chat may be one word
MAX_WORDS = 60
MAX_TRIES = 80

# Shops that sell across categories: the pairs a multi-label menu is composed from.
PAIRS: tuple[tuple[str, str], ...] = (
    ("carding", "gift-cards"), ("accounts", "game-cheats"),
    ("personal-data", "fake-documents"), ("carding", "personal-data"),
    ("carding", "money-laundering"), ("accounts", "fake-engagement"),
    ("hacking", "accounts"), ("hacking", "carding"), ("pirated-content", "accounts"),
    ("drugs", "medical-fraud"), ("fake-documents", "medical-fraud"), ("weapons", "drugs"),
    ("counterfeit-goods", "fake-documents"), ("scam", "money-laundering"),
    ("hacking", "personal-data"), ("gift-cards", "accounts"),
    ("pirated-content", "game-cheats"), ("money-laundering", "accounts"),
    ("counterfeit-goods", "money-laundering"), ("fake-engagement", "scam"),
)
TRIPLES: tuple[tuple[str, str, str], ...] = (
    ("carding", "personal-data", "accounts"), ("drugs", "weapons", "fake-documents"),
    ("hacking", "accounts", "carding"), ("accounts", "game-cheats", "pirated-content"),
    ("carding", "gift-cards", "money-laundering"),
)

CATEGORY_EMOJI: dict[str, tuple[str, ...]] = {
    "drugs": ("❄️", "🍁", "💊", "🔌", "🍄", "🌿", "💨"),
    "weapons": ("🔫", "💣", "🪖"),
    "carding": ("💳", "💰", "🏦"),
    "gift-cards": ("🎁", "🎟", "💳"),
    "personal-data": ("🕵️", "📂", "🔍", "📇"),
    "accounts": ("🔑", "👤", "📧", "🔐"),
    "fake-documents": ("📄", "🪪", "🛂", "📑"),
    "counterfeit-goods": ("⌚️", "👜", "👟", "💵"),
    "pirated-content": ("💿", "🎬", "📚", "🏴‍☠️"),
    "hacking": ("💻", "🦠", "☠️", "🛡"),
    "game-cheats": ("🎮", "🕹", "🎯"),
    "fake-engagement": ("📈", "❤️", "👍", "👁"),
    "medical-fraud": ("💉", "🧪", "💊"),
    "money-laundering": ("💸", "🏧", "🧼", "💱"),
    "scam": ("🚀", "💰", "🤑", "📈"),
}
GENERIC_EMOJI = ("🔥", "✅", "⚡️", "💯", "🚀", "⭐️", "👇", "📩", "💎", "🟢", "‼️", "🆕")
BULLETS = ("•", "▪️", "✅", "🔹", "-", "➖", "✔️", "👉")
SEPARATORS = (" | ", " • ", " / ", ". ", ", ", " — ", "\n", " ✅ ", " 🔥 ")
ILLICIT_WRAPPERS: dict[str, float] = {
    "cta": 3.0, "contact": 3.0, "stock": 2.0, "trust": 2.0, "pay": 2.0, "ship": 1.5,
    "discount": 1.0,
}
LEGIT_WRAPPERS: dict[str, float] = {"cta": 3.0, "contact": 3.0, "stock": 1.5, "discount": 1.0}

Sections = dict[tuple[str, str], list[str]]
# A composed message: text, language, labels.
Composed = tuple[str, str, Sequence[str]]


class Example(TypedDict):
    """One labelled message: ``labels`` in taxonomy order, ``[]`` for not illicit."""

    text: str
    labels: list[str]
    offer: bool
    lang: str


# --------------------------------------------------------------------------- banks


# A section header is lower case ("[offer en]"); a phrase may be bracketed ("[AAA+]").
_HEADER = re.compile(r"\[(?P<section>[a-z][a-z0-9_-]*)(?: (?P<lang>[a-z]+))?\]")


def parse_bank(text: str, *, name: str = "<bank>") -> Sections:
    """``{(section, lang): [phrases]}`` from one bank file; ``lang`` is ``""`` for all."""
    sections: Sections = {}
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(";;"):
            continue
        header = _HEADER.fullmatch(line)
        if header:
            if header["lang"] and header["lang"] not in LANGS:
                raise ValueError(f"{name}:{number}: bad section header {line!r}")
            key = (header["section"], header["lang"] or "")
            current = sections.setdefault(key, [])
            continue
        if current is None:
            raise ValueError(f"{name}:{number}: phrase before any [section] header")
        current.append(line.replace("\\n", "\n"))
    return sections


@dataclass(frozen=True)
class Banks:
    categories: dict[str, Sections]
    multi: Sections
    wrappers: Sections
    chatter: Sections
    fills: Sections


def load_banks(directory: Path = BANKS_DIR) -> Banks:
    """Every bank; slot values come from ``fills.txt`` and any ``fills-*.txt`` beside it
    (one file per trade keeps long value lists such as drug names apart)."""
    def read(path: Path) -> Sections:
        return parse_bank(path.read_text(encoding="utf-8"), name=str(path))

    fills: Sections = {}
    for path in [directory / "fills.txt", *sorted(directory.glob("fills-*.txt"))]:
        for key, values in read(path).items():
            fills.setdefault(key, []).extend(values)
    return Banks(
        categories={c: read(directory / f"{c}.txt") for c in CATEGORIES},
        multi=read(directory / "multi.txt"),
        wrappers=read(directory / "wrappers.txt"),
        chatter=read(directory / "chatter.txt"),
        fills=fills,
    )


# --------------------------------------------------------------------------- slot values

_SLOT = re.compile(r"\{(\w+)\}")
_AMOUNTS = (5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 75, 80, 90, 99, 100, 120, 149,
            150, 199, 200, 250, 300, 350, 400, 450, 500, 600, 750, 800, 999, 1000, 1200,
            1500, 2000)
# (format, multiplier from a dollar-ish amount) per language.
_CURRENCIES: dict[str, tuple[tuple[str, float], ...]] = {
    "en": (("${}", 1), ("{}$", 1), ("{} USD", 1), ("£{}", 0.8), ("€{}", 0.9),
           ("{} USDT", 1), ("{} usd", 1), ("{}€", 0.9)),
    "ru": (("{}₽", 90), ("{} руб", 90), ("{}р", 90), ("{} р.", 90), ("{}$", 1),
           ("{} USDT", 1), ("от {}₽", 90), ("{} рублей", 90)),
    "uk": (("{} грн", 40), ("{}₴", 40), ("{}$", 1), ("{} USDT", 1), ("від {} грн", 40)),
    "es": (("{}€", 0.9), ("${}", 1), ("{} USD", 1), ("{} pesos", 18), ("{} USDT", 1)),
    "pt": (("R$ {}", 5), ("R${}", 5), ("{}€", 0.9), ("{} USDT", 1)),
    "de": (("{}€", 0.9), ("{} EUR", 0.9), ("{},- €", 0.9), ("{} Euro", 0.9)),
    "fr": (("{}€", 0.9), ("{} euros", 0.9), ("{} EUR", 0.9), ("{} €", 0.9)),
    "tr": (("{} TL", 30), ("₺{}", 30), ("{}$", 1), ("{} USDT", 1)),
    "ar": (("{}$", 1), ("{} دولار", 1), ("{} USDT", 1), ("{} درهم", 3.7), ("{} ريال", 3.75)),
    "fa": (("{} دلار", 1), ("{} تتر", 1), ("{} تومان", 60000), ("{} USDT", 1)),
    "zh": (("{}元", 7), ("¥{}", 7), ("{}U", 1), ("{} USDT", 1)),
}
_K_VALUES = ("1k", "5k", "10k", "20k", "50k", "100k", "250k", "500k", "1M", "2M")
_HANDLE_PARTS = (
    "shop", "plug", "dark", "king", "vendor", "store", "mr", "best", "top", "lux", "alex",
    "max", "nik", "sasha", "team", "service", "help", "official", "real", "city", "fast",
    "pro", "vip", "market", "support", "admin", "boss", "news", "chat", "dima", "kate",
    "mike", "john", "ghost", "lucky", "north", "moon", "black", "green", "gold", "silver",
    "prime", "direct", "daily", "zone", "club", "hub", "world", "lab", "media", "work",
    "anna", "leo", "sam", "tony", "ivan", "oleg", "maria", "club24", "expert",
)
_TLDS = ("cc", "su", "to", "shop", "store", "com", "net", "ru", "io", "biz", "org", "info")
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _group(value: int, lang: str, rng: random.Random) -> str:
    if value < 1000 or rng.random() < 0.5:
        return str(value)
    sep = {"en": ",", "es": ".", "pt": ".", "de": ".", "tr": ".", "fr": " "}.get(lang, " ")
    return f"{value:,}".replace(",", sep)


def _nice(value: float) -> int:
    if value >= 100_000:
        return int(round(value, -4))
    if value >= 1000:
        return int(round(value, -2))
    if value >= 100:
        return int(round(value, -1))
    return max(1, round(value))


class Filler:
    """Fills ``{slot}``s: word slots from ``fills.txt``, the rest generated."""

    def __init__(self, fills: Sections, rng: random.Random) -> None:
        self.fills = fills
        self.rng = rng
        self.generators: dict[str, Callable[[str], str]] = {
            "price": self.price, "handle": lambda _: self.handle(),
            "bot": lambda _: self.bot(), "link": lambda _: self.link(),
            "onion": lambda _: self.onion(), "domain": lambda _: self.domain(),
            "wallet": lambda _: self.wallet(),
            "n": lambda _: str(self.rng.randint(2, 49)),
            "k": lambda _: self.rng.choice(_K_VALUES),
            "pct": lambda _: str(self.rng.choice((3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50))),
        }

    def __call__(self, template: str, lang: str) -> str:
        return _SLOT.sub(lambda m: self.value(m.group(1), lang), template)

    def value(self, name: str, lang: str) -> str:
        generator = self.generators.get(name)
        if generator is not None:
            return generator(lang)
        values = self.fills.get((name, lang)) or self.fills.get((name, ""))
        if not values:
            raise KeyError(f"no values for slot {{{name}}} (language {lang})")
        return self.rng.choice(values)

    def price(self, lang: str) -> str:
        rng = self.rng
        amount = rng.choice(_AMOUNTS)
        if rng.random() < 0.08:
            return f"{amount / 60000:.4f} BTC".replace("0.0000", "0.0001")
        fmt, mult = rng.choice(_CURRENCIES[lang])
        return fmt.format(_group(_nice(amount * mult), lang, rng))

    def _name(self) -> str:
        a, b = self.rng.sample(_HANDLE_PARTS, 2)
        name = a + self.rng.choice(("_", "", "_", "")) + b
        if self.rng.random() < 0.35:
            name += str(self.rng.randint(1, 999))
        return name

    def handle(self) -> str:
        return "@" + self._name()

    def bot(self) -> str:
        return "@" + self._name() + self.rng.choice(("_bot", "bot", "Bot", "_robot"))

    def link(self) -> str:
        rng = self.rng
        name = self._name()
        if rng.random() < 0.15:
            name = "+" + "".join(rng.choice(_B58) for _ in range(16))
        fmt = rng.choice(("t.me/{}", "t[.]me/{}", "https://t.me/{}", "hxxps://t[.]me/{}",
                          "t.me/{}", "https://t.me/{}", "t(.)me/{}"))
        return fmt.format(name)

    def onion(self) -> str:
        rng = self.rng
        host = "".join(rng.choice(_B32) for _ in range(56))
        end = rng.choice((".onion", "[.]onion", "(.)onion", "[dot]onion", ".onion"))
        return rng.choice(("", "http://", "hxxp://")) + host + end

    def domain(self) -> str:
        rng = self.rng
        name = self._name().replace("_", "-")
        dot = rng.choice((".", ".", ".", "[.]", "(.)"))
        return name + dot + rng.choice(_TLDS)

    def wallet(self) -> str:
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            return "bc1q" + "".join(rng.choice(_BECH32) for _ in range(38))
        if kind == 1:
            return "T" + "".join(rng.choice(_B58) for _ in range(33))
        return "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))


# --------------------------------------------------------------------------- obfuscation

_LAT_TO_CYR = dict(zip("aeopcxyAEOPCXBHKMT", "аеорсхуАЕОРСХВНКМТ", strict=True))
_CYR_TO_LAT = {v: k for k, v in _LAT_TO_CYR.items()}
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\u00ad")
_WORD = re.compile(r"(?<![@/\w.])[^\W\d_]{4,}(?![\w.]*[/@])")


def _is_latin(word: str) -> bool:
    return all("a" <= c.lower() <= "z" for c in word)


def _is_cyrillic(word: str) -> bool:
    return all("\u0400" <= c <= "\u04ff" for c in word)


def _homoglyphs(word: str, rng: random.Random) -> str:
    table = _LAT_TO_CYR if _is_latin(word) else _CYR_TO_LAT if _is_cyrillic(word) else {}
    spots = [i for i, c in enumerate(word) if c in table]
    if not spots:
        return word
    chosen = set(rng.sample(spots, max(1, len(spots) // 2)))
    return "".join(table[c] if i in chosen else c for i, c in enumerate(word))


def _zero_width(word: str, rng: random.Random) -> str:
    at = rng.randint(1, len(word) - 1)
    return word[:at] + rng.choice(_INVISIBLE) + word[at:]


def _spaced(word: str, rng: random.Random) -> str:
    return rng.choice((" ", " ", ".", "-", "_")).join(word)


def _leet(word: str, rng: random.Random) -> str:
    if not _is_latin(word):
        return word
    out = "".join(_LEET.get(c, c) if rng.random() < 0.6 else c for c in word.lower())
    return out if out != word.lower() else word


def _fullwidth(word: str, rng: random.Random) -> str:
    if not _is_latin(word):
        return word
    return "".join(chr(ord(c) + 0xFEE0) for c in word)


# (transform, share of eligible words it touches, most words it touches)
_OBFUSCATIONS: tuple[tuple[Callable[[str, random.Random], str], float, int], ...] = (
    (_homoglyphs, 0.5, 6),
    (_zero_width, 0.3, 3),
    (_spaced, 0.0, 1),
    (_leet, 0.4, 4),
    (_fullwidth, 0.0, 1),
)
_OBFUSCATION_WEIGHTS = (4, 3, 2, 2, 1)


def obfuscate(text: str, rng: random.Random) -> str:
    """``text`` with some of its words disguised the way sellers dodge keyword filters."""
    (transform, share, most), = rng.choices(_OBFUSCATIONS, weights=_OBFUSCATION_WEIGHTS)
    words = list(_WORD.finditer(text))
    if not words:
        return text
    count = min(most, max(1, round(len(words) * share)))
    chosen = sorted(rng.sample(range(len(words)), min(count, len(words))))
    pieces: list[str] = []
    last = 0
    for index in chosen:
        match = words[index]
        pieces.append(text[last:match.start()])
        pieces.append(transform(match.group(), rng))
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


# --------------------------------------------------------------------------- composition

_SKELETON_DROP = re.compile(
    r"@[A-Za-z0-9_]+"
    r"|\S*(?:\.|\[\.\]|\(\.\))(?:me|onion|cc|su|to|shop|store|com|net|ru|io|biz|org|info)\S*"
    r"|[\d\W_]+"
)


def skeleton(text: str) -> str:
    """``text`` without digits, handles, links and punctuation: the near-duplicate key."""
    return " ".join(_SKELETON_DROP.sub(" ", text.lower()).split())


_HAS_PRICE = re.compile(
    r"\d\s*(?:[$€£₽₴₺¥元U]|USDT?|usd|EUR|BTC|TL|руб|р\b|грн|euros?|pesos|دولار|تومان|تتر)"
    r"|[$€£₺¥]\s*\d|R\$|\bот \d|\bfrom \d"
)


def _word_count(text: str, lang: str) -> int:
    return len(text) // 2 if lang == "zh" else len(text.split())


def _join(parts: Sequence[str], sep: str, lang: str) -> str:
    """``parts`` joined by ``sep``; a sentence separator only where no punctuation ends."""
    parts = [p for p in dict.fromkeys(parts) if p]
    if sep.strip() not in (".", "!"):
        return sep.join(parts)
    if lang == "zh":
        sep = "。"
    out = ""
    for part in parts:
        if out:
            out += sep if out[-1].isalnum() else ("" if sep == "。" else " ")
        out += part
    return out


@dataclass
class Composer:
    banks: Banks
    rng: random.Random
    fill: Filler
    seen_texts: set[str] = field(default_factory=set)
    seen_skeletons: set[str] = field(default_factory=set)

    decks: dict[int, list[str]] = field(default_factory=dict)

    # ---- helpers

    def deal(self, lines: list[str], k: int = 1) -> list[str]:
        """``k`` distinct phrases, dealt from a shuffled deck per bank section so that every
        phrase is used about as often as the others before any comes round again."""
        k = min(k, len(set(lines)))
        picked: list[str] = []
        while len(picked) < k:
            deck = self.decks.get(id(lines))
            if not deck:
                deck = self.decks[id(lines)] = self.rng.sample(lines, len(lines))
            line = deck.pop()
            if line not in picked:
                picked.append(line)
        return picked

    def lang(self, available: Sequence[str]) -> str:
        weights = [w for lang, w in zip(LANGS, LANG_WEIGHTS, strict=True) if lang in available]
        langs = [lang for lang in LANGS if lang in available]
        return self.rng.choices(langs, weights=weights)[0]

    def langs_with(self, sections: Sections, section: str) -> list[str]:
        return [lang for lang in LANGS if sections.get((section, lang))]

    def wrapper(self, kind: str, lang: str) -> str:
        lines = self.banks.wrappers.get((kind, lang)) or self.banks.wrappers[(kind, "en")]
        return self.fill(self.rng.choice(lines), lang)

    def wrappers(self, lang: str, weights: dict[str, float], low: int, high: int) -> list[str]:
        kinds = list(weights)
        count = self.rng.randint(low, high)
        chosen: list[str] = []
        while len(chosen) < min(count, len(kinds)):
            kind = self.rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
            if kind not in chosen:
                chosen.append(kind)
        return [self.wrapper(kind, lang) for kind in chosen]

    def priced(self, product: str, lang: str) -> str:
        if _HAS_PRICE.search(product):
            return product
        price = self.fill.price(lang)
        fmt = self.rng.choice(("{} — {}", "{}: {}", "{} - {}", "{} {}", "{} ({})", "{} = {}"))
        return fmt.format(product, price)

    def decorate(self, text: str, categories: Sequence[str], p_cat: float, p_gen: float) -> str:
        rng = self.rng
        if categories and rng.random() < p_cat:
            emoji = rng.choice(CATEGORY_EMOJI[rng.choice(categories)])
            text = f"{emoji} {text}" if rng.random() < 0.7 else f"{text} {emoji}"
        if rng.random() < p_gen:
            emoji = rng.choice(GENERIC_EMOJI)
            text = f"{emoji}{emoji} {text}" if rng.random() < 0.3 else f"{text} {emoji}"
        return text

    def post(self, products: list[str], extras: list[str], lang: str) -> str:
        """Lay products and wrapper lines out the way shop posts are written."""
        rng = self.rng
        layout = rng.choices(("line", "menu", "para", "short"), weights=(35, 25, 30, 10))[0]
        if layout == "short" or (layout == "menu" and len(products) == 1):
            extra = rng.choice(extras) if extras else ""
            return f"{products[0]} {rng.choice(('—', '|', '-', '👉', ':', '.'))} {extra}".strip()
        if layout == "menu":
            bullet = rng.choice(BULLETS)
            numbered = rng.random() < 0.25
            body = [
                f"{i}. {self.priced(p, lang)}" if numbered else f"{bullet} {self.priced(p, lang)}"
                for i, p in enumerate(products, 1)
            ]
            header = self.wrapper("menu", lang)
            return "\n".join([header, *body, *extras])
        parts = [self.priced(p, lang) if rng.random() < 0.4 else p for p in products]
        parts += extras
        if layout == "line":
            head, tail = parts[: len(products)], parts[len(products):]
            rng.shuffle(tail)
            return _join(head + tail, rng.choice(SEPARATORS), lang)
        rng.shuffle(parts)
        return _join(parts, rng.choice((". ", "\n", " ", "! ")), lang)

    def accept(self, text: str, lang: str, min_words: int = MIN_WORDS) -> bool:
        text = text.strip()
        if _SLOT.search(text):
            raise ValueError(f"unfilled slot in {text!r}")
        words = _word_count(text, lang)
        if not min_words <= words <= MAX_WORDS:
            return False
        key = skeleton(text)
        if not key or text in self.seen_texts or key in self.seen_skeletons:
            return False
        self.seen_texts.add(text)
        self.seen_skeletons.add(key)
        return True

    def make(self, compose: Callable[[], Composed], offer: bool, what: str, *,
             p_obfuscate: float, min_words: int = MIN_WORDS) -> Example:
        """A new example from ``compose``, tried until its text and skeleton are new."""
        for _ in range(MAX_TRIES):
            text, lang, labels = compose()
            if self.rng.random() < p_obfuscate:
                text = obfuscate(text, self.rng)
            text = text.strip()
            if self.accept(text, lang, min_words):
                ordered = [c for c in CATEGORIES if c in labels]
                return Example(text=text, labels=ordered, offer=offer, lang=lang)
        raise RuntimeError(f"banks too small: no new distinct text for {what} "
                           f"after {MAX_TRIES} tries; add phrases to banks/")

    # ---- kinds of message

    def offer(self, categories: Sequence[str]) -> Composed:
        rng = self.rng
        available = set(LANGS)
        for c in categories:
            available &= set(self.langs_with(self.banks.categories[c], "offer"))
        lang = self.lang(sorted(available))
        products: list[str] = []
        for c in categories:
            lines = self.banks.categories[c][("offer", lang)]
            if len(categories) == 1:
                k = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
            else:
                k = rng.choices((1, 2), weights=(65, 35))[0]
            products += [self.fill(p, lang) for p in self.deal(lines, k)]
        if len(categories) > 1:
            rng.shuffle(products)
        extras = self.wrappers(lang, ILLICIT_WRAPPERS, 1, 4)
        text = self.post(products, extras, lang)
        return self.decorate(text, categories, 0.3, 0.25), lang, categories

    def multi(self, section: str) -> Composed:
        """A phrase from ``multi.txt`` (labels written with it), wrapped if an offer."""
        lang = self.lang(self.langs_with(self.banks.multi, section))
        (raw,) = self.deal(self.banks.multi[(section, lang)])
        labels_part, _, phrase = raw.partition("|")
        labels = [label.strip() for label in labels_part.split("+")]
        if any(label not in CATEGORIES for label in labels) or not phrase.strip():
            raise ValueError(f"multi.txt: bad line {raw!r}")
        text = self.fill(phrase.strip(), lang)
        if section == "offer":
            extras = self.wrappers(lang, ILLICIT_WRAPPERS, 1, 3)
            text = self.decorate(self.post([text], extras, lang), labels, 0.3, 0.25)
        elif self.rng.random() < 0.3:
            text = f"{self.reply(lang)} {text}"
        return text, lang, labels

    def talk(self, category: str) -> Composed:
        rng = self.rng
        sections = self.banks.categories[category]
        lang = self.lang(self.langs_with(sections, "talk"))
        lines = sections[("talk", lang)]
        roll = rng.random()
        parts = [self.fill(line, lang) for line in self.deal(lines, 2 if roll < 0.2 else 1)]
        if 0.2 <= roll < 0.35:
            parts.insert(0, self.chat_line(lang))
        text = _join(parts, rng.choice(("\n", ". ", ". ", "\n")), lang)
        if rng.random() < 0.25:
            text = f"{self.reply(lang)} {text}"
        return self.decorate(text, [category], 0.08, 0.1), lang, [category]

    def chat_line(self, lang: str) -> str:
        lines = self.banks.chatter.get(("chat", lang)) or self.banks.chatter[("chat", "en")]
        return self.fill(self.deal(lines)[0], lang)

    def reply(self, lang: str) -> str:
        lines = self.banks.chatter.get(("reply", lang)) or self.banks.chatter[("reply", "en")]
        return self.fill(self.rng.choice(lines), lang)

    def negative(self, category: str) -> Composed:
        rng = self.rng
        sections = self.banks.categories[category]
        lang = self.lang(self.langs_with(sections, "neg"))
        lines = sections[("neg", lang)]
        roll = rng.random()
        parts = [self.fill(line, lang) for line in self.deal(lines, 2 if roll < 0.15 else 1)]
        if 0.15 <= roll < 0.3:
            parts.append(self.chat_line(lang))
        text = _join(parts, rng.choice(("\n", ". ", "\n\n")), lang)
        chatter = self.banks.chatter
        if rng.random() < 0.35 and chatter.get(("newspre", lang)):
            text = f"{self.fill(rng.choice(chatter[('newspre', lang)]), lang)} {text}"
        if rng.random() < 0.3 and chatter.get(("newspost", lang)):
            text = f"{text}\n{self.fill(rng.choice(chatter[('newspost', lang)]), lang)}"
        if rng.random() < 0.15:
            text = f"{self.reply(lang)} {text}"
        if rng.random() < P_FOOTER:
            text = f"{text}\n{self.footer(lang)}"
        return self.decorate(text, [category], 0.06, 0.15), lang, []

    def product(self, sections: Sections, section: str) -> tuple[str, str]:
        """A filled phrase of ``section`` in a language that has one, and the language."""
        lang = self.lang(self.langs_with(sections, section))
        return self.fill(self.deal(sections[(section, lang)])[0], lang), lang

    def legit(self, category: str) -> Composed:
        product, lang = self.product(self.banks.categories[category], "legit")
        return *self.shop_post(product, lang, [category]), []

    def shop_post(self, product: str, lang: str, categories: Sequence[str]) -> tuple[str, str]:
        rng = self.rng
        weights = dict(LEGIT_WRAPPERS)
        if rng.random() < 0.15:
            weights["trust"] = 1.0
        extras = self.wrappers(lang, weights, 0, 3)
        products = [product]
        if rng.random() < 0.3:
            products = [self.priced(product, lang)]
        text = self.post(products, extras, lang) if extras else products[0]
        return self.decorate(text, categories, 0.05, 0.25), lang

    def item(self, category: str) -> Composed:
        """One catalogue entry of ``category`` ("Xanax 2mg bars x30", "EU passport scan")."""
        product, lang = self.product(self.banks.categories[category], "item")
        return self.listing(product, lang, illicit=True), lang, [category]

    def legit_item(self) -> Composed:
        """A catalogue entry of an ordinary shop, laid out the same way, so that the
        layout of a listing (count, price, tag, capitals) says nothing on its own."""
        product, lang = self.product(self.banks.chatter, "item")
        return self.listing(product, lang, illicit=False), lang, []

    def listing(self, product: str, lang: str, *, illicit: bool) -> str:
        """A product line as a catalogue shows it: maybe a count in front, a price, a
        tag ("FREE SHIPPING", "[AAA+]", "ESCROW"; the market tags only for illicit
        goods), shouted in capitals, or an emoji."""
        rng = self.rng
        text = product
        if rng.random() < 0.12:
            text = f"{rng.choice(('1x', '2x', '5 x', '10x', '3 x', '1 x', '20x'))} {text}"
        if rng.random() < 0.3:
            text = self.priced(text, lang)
        kinds = ["shoptag", "tag"] if illicit else ["shoptag"]
        if rng.random() < 0.35:
            kind = rng.choice(kinds)
            tags = self.banks.wrappers.get((kind, lang)) or self.banks.wrappers[(kind, "en")]
            tag = self.fill(rng.choice(tags), lang)
            text = f"{tag} {text}" if rng.random() < 0.3 else f"{text} {tag}"
        if lang != "zh" and rng.random() < 0.15:
            text = text.upper()
        return self.decorate(text, [], 0.0, 0.1)

    def chat(self) -> Composed:
        rng = self.rng
        lang = self.lang(self.langs_with(self.banks.chatter, "chat"))
        count = rng.choices((1, 2, 3), weights=(40, 42, 18))[0]
        lines = self.deal(self.banks.chatter[("chat", lang)], count)
        parts = [self.fill(line, lang) for line in lines]
        text = _join(parts, rng.choice(("\n", ". ", "! ")), lang)
        if rng.random() < 0.2:
            text = f"{self.reply(lang)} {text}"
        if rng.random() < P_FOOTER:
            text = f"{text}\n{self.footer(lang)}"
        return self.decorate(text, [], 0.0, 0.15), lang, []

    def footer(self, lang: str) -> str:
        """A channel footer: subscribe, feedback bot, join link (sells nothing)."""
        lines = self.banks.chatter.get(("footer", lang)) or self.banks.chatter[("footer", "en")]
        return self.fill(self.rng.choice(lines), lang)

    def short(self) -> Composed:
        """A few words that sell nothing: a greeting, a reaction, the weather, a headline."""
        rng = self.rng
        lang = self.lang(self.langs_with(self.banks.chatter, "short"))
        lines = self.banks.chatter[("short", lang)]
        count = rng.choices((1, 2), weights=(60, 40))[0]
        parts = [self.fill(line, lang) for line in self.deal(lines, count)]
        text = _join(parts, rng.choice((". ", " ", "\n", "! ")), lang)
        if rng.random() < 0.15:
            text = f"{self.reply(lang)} {text}"
        return self.decorate(text, [], 0.0, 0.2), lang, []

    def news(self) -> Composed:
        """A news or channel post with its footer (a bot handle, a link): not an offer."""
        rng = self.rng
        lang = self.lang(self.langs_with(self.banks.chatter, "news"))
        roll = rng.random()
        if roll < 0.6:
            body = self.fill(self.deal(self.banks.chatter[("news", lang)])[0], lang)
        elif roll < 0.8 and self.banks.chatter.get(("short", lang)):
            body = self.fill(self.deal(self.banks.chatter[("short", lang)])[0], lang)
        else:
            body = self.chat_line(lang)
        pre = self.banks.chatter.get(("newspre", lang))
        if pre and rng.random() < 0.4:
            body = f"{self.fill(rng.choice(pre), lang)} {body}"
        text = f"{body}\n{self.footer(lang)}" if rng.random() < 0.85 else \
            f"{body} {self.footer(lang)}"
        return self.decorate(text, [], 0.0, 0.15), lang, []

    def spam(self) -> Composed:
        """A scam text that sells nothing: a prize notice, a testimonial, a recruiting call."""
        rng = self.rng
        sections = self.banks.categories["scam"]
        lang = self.lang(self.langs_with(sections, "spam"))
        count = rng.choices((1, 2), weights=(65, 35))[0]
        parts = [self.fill(line, lang) for line in self.deal(sections[("spam", lang)], count)]
        text = _join(parts, rng.choice((". ", "\n", " ")), lang)
        if rng.random() < 0.15:
            text = f"{self.reply(lang)} {text}"
        return self.decorate(text, ["scam"], 0.1, 0.15), lang, ["scam"]

    def sale(self) -> Composed:
        product, lang = self.product(self.banks.chatter, "sale")
        return *self.shop_post(product, lang, []), []


def build(seed: int = DEFAULT_SEED, *, banks_dir: Path = BANKS_DIR) -> list[Example]:
    """The seed corpus: the same list for the same ``seed`` and banks, shuffled."""
    rng = random.Random(seed)
    banks = load_banks(banks_dir)
    composer = Composer(banks=banks, rng=rng, fill=Filler(banks.fills, rng))
    plan: list[tuple[int, Callable[[], Composed], bool, str, float]] = []
    for c in CATEGORIES:
        plan += [
            (OFFERS_OVERRIDE.get(c, OFFERS_PER_CATEGORY), partial(composer.offer, (c,)), True,
             f"{c} offer", 0.15),
            (TALK_OVERRIDE.get(c, TALK_PER_CATEGORY), partial(composer.talk, c), False,
             f"{c} talk", 0.08),
            (NEG_PER_CATEGORY, partial(composer.negative, c), False, f"{c} negative", 0.04),
            (LEGIT_PER_CATEGORY, partial(composer.legit, c), True, f"{c} legit offer", 0.03),
            (ITEMS_OVERRIDE.get(c, ITEMS_PER_CATEGORY), partial(composer.item, c), True,
             f"{c} item", 0.1),
        ]
    plan += [
        (MULTI_BANK_OFFERS, partial(composer.multi, "offer"), True, "multi offer", 0.1),
        (MULTI_BANK_TALK, partial(composer.multi, "talk"), False, "multi talk", 0.08),
    ]
    plan += [(PAIR_OFFERS // len(PAIRS), partial(composer.offer, pair), True,
              f"{'+'.join(pair)} offer", 0.12) for pair in PAIRS]
    plan += [(TRIPLE_OFFERS // len(TRIPLES), partial(composer.offer, triple), True,
              f"{'+'.join(triple)} offer", 0.12) for triple in TRIPLES]
    plan += [(CHAT, composer.chat, False, "chat", 0.03), (SALES, composer.sale, True, "sale", 0.03),
             (LEGIT_ITEMS, composer.legit_item, True, "legit item", 0.03)]

    plan += [(SPAM, composer.spam, False, "scam spam", 0.05),
             (NEWS, composer.news, False, "news", 0.02)]
    out = [composer.make(compose, offer, what, p_obfuscate=p)
           for count, compose, offer, what, p in plan for _ in range(count)]
    out += [composer.make(composer.short, False, "short chat", p_obfuscate=0.0,
                          min_words=MIN_WORDS_SHORT) for _ in range(SHORT_CHAT)]
    rng.shuffle(out)
    return out


def dumps(examples: Sequence[Example]) -> str:
    """JSONL, one example a line, keys in a fixed order, non-ASCII kept as is."""
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bazaarwatch.classify.seed.build",
        description="Compose the labelled seed corpus from the phrase banks.",
    )
    parser.add_argument("-o", "--output", default=str(SEED_PATH),
                        help="where to write the JSONL ('-' for stdout; default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if OUTPUT differs from a fresh build")
    args = parser.parse_args(argv)
    data = dumps(build(args.seed))
    if args.check:
        path = Path(args.output)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != data:
            print(f"{path} is out of date: run python -m bazaarwatch.classify.seed.build "
                  f"-o {path}", file=sys.stderr)
            return 1
        return 0
    if args.output == "-":
        sys.stdout.write(data)
    else:
        Path(args.output).write_text(data, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
