"""Prices in message text: amount and currency, with their span.

A price is the strongest single sign that a message offers something for sale, and the
amounts themselves are what an analyst compares across vendors. Currencies are written
as symbols before or after the amount ("$120", "120$", "1500₽"), as codes ("25 USDT",
"0.004 BTC") or as words in the market's languages ("1500 руб", "300 грн", "50 евро").
Amounts may use a decimal comma, thousands separators and a "k"/"к"/"тыс" multiplier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Currency spellings, lower-case, to ISO 4217 or the coin's ticker.
_WORDS = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "доллар": "USD",
    "долларов": "USD", "доллара": "USD", "бакс": "USD", "баксов": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "евро": "EUR",
    "£": "GBP", "gbp": "GBP",
    "₽": "RUB", "rub": "RUB", "руб": "RUB", "рублей": "RUB", "рубля": "RUB", "р": "RUB",
    "₴": "UAH", "uah": "UAH", "грн": "UAH", "гривен": "UAH", "гривень": "UAH",
    "₸": "KZT", "kzt": "KZT", "тг": "KZT",
    "₺": "TRY", "tl": "TRY", "try": "TRY",
    "r$": "BRL", "brl": "BRL", "reais": "BRL",
    "¥": "CNY", "元": "CNY", "cny": "CNY", "rmb": "CNY",
    "btc": "BTC", "₿": "BTC", "xmr": "XMR", "eth": "ETH", "ltc": "LTC",
    "usdt": "USDT", "trx": "TRX", "ton": "TON",
}
_MULTIPLIERS = {"k": 1_000, "к": 1_000, "тыс": 1_000, "тыс.": 1_000, "m": 1_000_000,
                "млн": 1_000_000}

_CURRENCY = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_AMOUNT = r"\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MULTIPLIER = r"(?:k|к|тыс\.?|m|млн)"
# "$120", "R$ 50", "€1.5k" | "120$", "1500 руб", "0.004 BTC", "2к грн"
_PRICE = re.compile(
    rf"(?P<pre>{_CURRENCY})\s?(?P<a1>{_AMOUNT})\s?(?P<m1>{_MULTIPLIER})?(?![\w])"
    rf"|(?<![\w.,])(?P<a2>{_AMOUNT})\s?(?P<m2>{_MULTIPLIER})?\s?(?P<post>{_CURRENCY})(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Price:
    amount: float
    currency: str
    start: int
    end: int


def find_prices(text: str) -> list[Price]:
    """Every price in ``text``, in order."""
    prices = []
    for m in _PRICE.finditer(text):
        word = (m.group("pre") or m.group("post")).lower()
        amount = _amount(m.group("a1") or m.group("a2"))
        if amount is None:
            continue
        multiplier = m.group("m1") or m.group("m2")
        if multiplier:
            amount *= _MULTIPLIERS[multiplier.lower()]
        prices.append(Price(amount=amount, currency=_WORDS[word], start=m.start(),
                            end=m.end()))
    return prices


def _amount(text: str) -> float | None:
    """The number in ``text``: "1 500", "1,500.50", "1.500,50", "0,004", "12.5"."""
    digits = re.sub(r"[ '\u00a0\u202f]", "", text)
    if "," in digits and "." in digits:
        # The later separator is the decimal one.
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        thousands = len(tail) == 3 and head not in ("0", "")  # "1,500" but "0,004"
        digits = f"{head.replace(',', '')}{'' if thousands else '.'}{tail}"
    elif digits.count(".") > 1 or (digits.count(".") == 1 and len(digits.split(".")[1]) == 3
                                   and len(digits.split(".")[0]) <= 3
                                   and not digits.startswith("0")):
        digits = digits.replace(".", "")
    try:
        return float(digits)
    except ValueError:
        return None
