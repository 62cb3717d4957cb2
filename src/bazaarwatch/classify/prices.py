"""Prices in message text: amount and currency, with their span.

A price is the strongest single sign that a message offers something for sale, and the
amounts themselves are what an analyst compares across vendors. Currencies are written
as symbols before or after the amount ("$120", "120$", "1500₽"), as codes ("25 USDT",
"0.004 BTC") or as words in the market's languages ("1500 руб", "300 грн", "50 евро").
Amounts may use a decimal comma, thousands separators and a "k"/"к"/"тыс" multiplier.
A sum written in millions ("$4.3 million", "$10m", "1 млн рублей") is no price.
No number that is (part of) a card, IBAN or phone number is an amount
("4111111111111111$" is a card and a dollar sign, "+447700900123$" a phone): a price
would put the number into the evidence that outputs show.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec

from bazaarwatch.indicators.redaction import sensitive_spans
from bazaarwatch.text import batch

if TYPE_CHECKING:
    import numpy as np

# Seven digits from where it is matched: one pass (possessive), where a search for seven
# digits from each digit in turn reads the rest of a line of figures again for each.
_SEVEN_DIGITS = re.compile(r"(?:\D*+\d){7}")
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
_MULTIPLIERS = {"k": 1_000, "к": 1_000, "тыс": 1_000, "тыс.": 1_000}
# Words that make a figure a sum of millions or more ("$4.3 million", "$10m", "2 млрд
# рублей"), as regular expressions ("m" last, after the words it begins). A seller writes
# what he asks in figures: an amount written in millions is a sum in news (damages, a
# ransom, a fine, a market's worth), and is no price.
_LARGE_WORDS = ("millions?", "mln", "mn", "bn", "billions?", "trillions?", "millones",
                "milliards?", "milh(?:ão|ões)", "millionen", "milliarden", "млн", "млрд",
                "трлн", "миллион\\w*", "миллиард\\w*", "мільйон\\w*", "мільярд\\w*", "m")
_LARGE = "|".join(_LARGE_WORDS)



def _first(words: list[str]) -> str:
    """A class of the first characters of ``words``. As a look-ahead in front of their
    alternation it turns away most positions tried (numbers followed by no currency)
    several times faster than the alternation does."""
    return "[" + re.escape("".join(sorted({w[0] for w in words}))) + "]"


def _trie(words: list[str]) -> str:
    """An alternation of the literal ``words``, longest first, written as a trie
    ("р(?:уб(?:л(?:ей|я))?)?"): the words that match at one place are the prefixes of
    the longest one, tried from the longest down, as in a list sorted by length. Python's
    regex engine tries each branch of an alternation in turn, and ignoring case it cannot
    skip one on its first character: sixty currencies were sixty tries at every number
    followed by a letter, and a trie makes them a few."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    branches = "|".join(re.escape(head) + _trie(tails)
                        for head, tails in sorted(heads.items()) if head)
    if "" in heads:  # a word ends here: what follows is optional
        return f"(?:{branches})?" if branches else ""
    return f"(?:{branches})"


_CURRENCY = f"(?={_first(list(_WORDS))}){_trie(list(_WORDS))}"
# Before an amount only symbols and codes are written ("$120", "USDT 25"), never words.
_SHORT_WORDS = [w for w in _WORDS if len(w) <= 4 and w != "р"]
_SHORT = _trie(_SHORT_WORDS)
_MULTIPLIER = (rf"(?:(?={_first([*_MULTIPLIERS, *_LARGE_WORDS])})"
               rf"(?:{_LARGE}|k|к|тыс\.?))")


# The scan is anchored on numbers. Grouped "1 500" first, else plain "1500"; both start
# with a digit, written once so that the regex engine skips ahead to digits instead of
# trying both branches everywhere.
_NUMBER = re.compile(r"\d(?:\d{0,2}(?:[ ,.'\u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d*(?:[.,]\d+)?)")
_AFTER = re.compile(rf"(?=\s{{0,2}}{_first([*_WORDS, *_MULTIPLIERS, *_LARGE_WORDS])})"
                    rf"\s?(?P<m>{_MULTIPLIER})?\s?(?P<c>{_CURRENCY})(?!\w)", re.IGNORECASE)
_BEFORE = re.compile(rf"(?<!\w)(?={_first(_SHORT_WORDS)})(?P<c>{_SHORT})\s?\Z", re.IGNORECASE)
_MULTIPLIER_AFTER = re.compile(rf"\s?(?P<m>{_MULTIPLIER})(?!\w)", re.IGNORECASE)


def _ends() -> str:
    """A class of the characters that a code or symbol written before an amount ends with."""
    return "[" + re.escape("".join(sorted({ch for word in _SHORT_WORDS
                                           for ch in (word[-1], word[-1].upper())}))) + "]"


def _written_before() -> str:
    """Look-behinds, one per length, for a code or symbol right before a digit, with one
    space between or none: what ``_BEFORE`` finds before a number's first digit (a
    look-behind must have a fixed width). Those with a space and those without are
    behind a test of their own, the character such a code or symbol ends with right
    before the digit or before the space: most digits (a number after a space and a
    word) are turned away by one or two tests instead of trying every look-behind."""
    by_length: dict[int, list[str]] = {}
    for word in _SHORT_WORDS:
        by_length.setdefault(len(word), []).append(re.escape(word))

    def each(space: str) -> str:
        return "|".join(rf"(?<=(?<!\w)(?:{'|'.join(words)}){space}\d)"
                        for _, words in sorted(by_length.items()))

    bare, spaced = each(""), each(r"\s")
    return rf"(?:(?<={_ends()}\d)(?:{bare})|(?<={_ends()}\s\d)(?:{spaced}))"


# A digit that a price may be made of: the last digit of a number that a currency follows
# (``_AFTER``), or the first digit of one that a code or symbol comes before (``_BEFORE``).
# Every price has one, so the numbers around these are the only ones worth reading.
# It is tried only at the digits that ``_beside`` gives for these classes.
_PRICE_FOLLOW = _first([*_WORDS, *_MULTIPLIERS, *_LARGE_WORDS])
_PRICE_DIGIT = re.compile(rf"\d(?:(?=\s{{0,2}}{_PRICE_FOLLOW})"
                          rf"(?=\s?{_MULTIPLIER}?\s?(?:{_CURRENCY})(?!\w))|{_written_before()})",
                          re.IGNORECASE)
_IN_NUMBER = frozenset(" ,.'\u00a0\u202f")  # what a number holds besides digits


_SEPARATOR = re.compile(r"[ '\u00a0\u202f]")  # of thousands


class Price(msgspec.Struct, frozen=True, gc=False):
    """A price found in a text. Not tracked by the garbage collector (it refers only to
    numbers and a string), as the prices of a batch outlive several collections (see
    ``lexicon.Hit``)."""

    amount: float
    currency: str
    start: int
    end: int


def find_prices(text: str) -> list[Price]:
    """Every price in ``text``, in order: "$120", "120$", "1500 руб", "0.004 BTC", "2к грн"."""
    return find_prices_all([text])[0]


def find_prices_all(texts: Sequence[str]) -> list[list[Price]]:
    """``find_prices`` of each text, the texts searched as one string (``text.batch``:
    no number, currency or multiplier holds its separator, and it is neither a letter,
    a digit nor a space).

    Prices are read number by number (``_NUMBER``), but most numbers are no price (dates,
    counts, phone numbers): only the numbers around a digit that ``_PRICE_DIGIT`` matches
    (one with a currency written beside it) are read, and the others never reach Python.
    That regex is tried only where ``_beside`` finds a digit with a character that may
    begin such a currency beside it. Numbers are read from a point that no number spans,
    so each is the very number that reading all of them from the start of the text would
    give."""
    joined, bases = batch.join(texts)
    found: list[list[Price]] = [[] for _ in texts]
    # The sensitive spans of each line with a candidate (``_line``), by its text.
    values: dict[str, list[tuple[int, int, str]]] = {}
    read = 0  # numbers are read up to here
    for at in _beside(joined, _PRICE_FOLLOW, _ends()):
        if at < read or _PRICE_DIGIT.match(joined, at) is None:
            continue  # its number was read, or no currency is written beside it
        start = at
        while start > read and (joined[start - 1] in _IN_NUMBER or joined[start - 1].isdecimal()):
            start -= 1
        for number in _NUMBER.finditer(joined, start):
            if number.start() > at:
                break
            read = number.end()
            price = _price(joined, bases, texts, number, values)
            if price is not None:
                found[price[0]].append(price[1])
    return found


def _beside(joined: str, after: str, before: str | None = None) -> list[int]:
    """The positions in ``joined`` of the digits that a character of the class ``after``
    follows, with at most two white-space characters between (``\\s{0,2}``), and of those
    that a character of ``before`` comes before, with at most one: where a price or a
    quantity may end or begin. The classes are read as ``re.IGNORECASE`` reads them.

    A regex scan for digits reads every character of a batch, and long posts hold few
    digits with a currency or unit beside them: NumPy finds those in a few operations
    on the code points. Characters beyond the Basic Multilingual Plane count as digits,
    spaces and class members alike (``_table``): a position given may be no such digit,
    so that the regex tried there decides; none that is one is left out."""
    import numpy as np

    # Three separators more: what follows the last digit, and what a negative index
    # (the first digit, after the leading separator) finds before it.
    points = batch.code_points(joined + batch.SEPARATOR * 3)
    digits = np.flatnonzero(_table(r"\d").take(points, mode="clip"))

    def at(table: np.ndarray, shift: int) -> np.ndarray:
        found: np.ndarray = table.take(points[digits + shift], mode="clip")
        return found

    space, follows = _table(r"\s"), _table(after, re.IGNORECASE)
    keep = at(follows, 1) | at(space, 1) & (at(follows, 2) | at(space, 2) & at(follows, 3))
    if before is not None:
        ends = _table(before, re.IGNORECASE)
        keep |= at(ends, -1) | at(space, -1) & at(ends, -2)
    positions: list[int] = digits[keep].tolist()
    return positions


@functools.cache
def _table(pattern: str, flags: int = 0) -> np.ndarray:
    """Whether the regex ``pattern`` matches each character of the Basic Multilingual
    Plane, as a look-up table of code points. Its last entry, which ``_beside`` reads for
    every character beyond that plane (and that is no letter, digit or space itself), is
    true: those are left to the regex."""
    import numpy as np

    plane = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    table = np.zeros(0x10000, dtype=bool)
    table[[match.start() for match in re.finditer(pattern, plane, flags)]] = True
    table[0xFFFF] = True
    return table


def _price(joined: str, bases: Sequence[int], texts: Sequence[str], number: re.Match[str],
           values: dict[str, list[tuple[int, int, str]]]) -> tuple[int, Price] | None:
    """The price that ``number`` is the amount of, and its text's index, if any."""
    start, end = number.span()
    if joined[start - 1].isalnum() or joined[start - 1] in "_.,":
        return None  # inside a word, a version number or a longer figure
    amount = _amount(number.group())
    if amount is None:
        return None
    row = bisect_right(bases, start) - 1
    after = _AFTER.match(joined, end)
    if after is not None:
        word, multiplier, end = after.group("c"), after.group("m"), after.end()
    else:
        before = _BEFORE.search(joined, max(bases[row], start - 5), start)
        if before is None:
            return None
        word, start = before.group("c"), before.start()
        tail = _MULTIPLIER_AFTER.match(joined, end)
        multiplier = tail.group("m") if tail else None
        end = tail.end() if tail else end
    at, until = number.start() - bases[row], number.end() - bases[row]
    # Only a number with seven digits near it can be part of a card, IBAN or phone
    # (the longest is 34 characters): find those in its line only then, once.
    near = _SEVEN_DIGITS.match(texts[row], max(at - 40, 0), until + 40)
    if near is not None:
        first, last = _line(texts[row], at, until)
        line = texts[row][first:last]
        if line not in values:
            values[line] = sensitive_spans(line)
        if any(s < until - first and at - first < e for s, e, _ in values[line]):
            return None  # part of a card, IBAN or phone number
    if multiplier:
        if multiplier.lower() not in _MULTIPLIERS:
            return None  # "$4.3 million", "1 млн рублей": a sum in news, not a price
        amount *= _MULTIPLIERS[multiplier.lower()]
    return row, Price(amount=amount, currency=_WORDS[word.lower()],
                      start=start - bases[row], end=end - bases[row])


def _line(text: str, start: int, end: int) -> tuple[int, int]:
    """The line of ``text`` that holds ``text[start:end]`` (no newline in it), with the
    newline on either side of it: where a number is asked about cards, IBANs and phones.

    ``sensitive_spans`` of that line alone give the spans of the whole text's that hold
    a character of it: a long post has dozens of lines, and asking about the whole of it
    for every number was a tenth of ``classify``'s time on news posts. A newline is a
    wall for all of it. No card, IBAN or phone pattern takes one (their separators are
    spaces, dashes, dots and brackets), so each span lies within a line. The text's
    matching form (``text.fold``) is made line by line alike: NFKC never joins a newline
    to a neighbour, look-alike letters are folded per run of letters and digits,
    invisible characters by their own neighbours, and no defanging rewrite takes a
    newline. The newlines at the ends are kept in the slice, so that each look-around at
    its ends sees the character it sees in the whole text. The checks ``sensitive_spans``
    makes first (seven digits, dense ones) hold for every such number in itself (see
    ``indicators.redaction``), so they pass for its line too. The spans depend on the
    line's text alone, so a line that recurs (a post's contact line) is asked about once
    per batch."""
    after = text.find("\n", end)
    return max(text.rfind("\n", 0, start), 0), len(text) if after < 0 else after + 1


def _amount(text: str) -> float | None:
    """The number in ``text``: "1 500", "1,500.50", "1.500,50", "0,004", "12.5"."""
    if text.isdecimal():  # most are plain digits
        return float(text)
    digits = _SEPARATOR.sub("", text)
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


# Quantities as vendors list them: "5g", "250 mg", "1/4 lb", "1/8 Ounce", "10 pills",
# "3 гр", "100 шт", and a count times a dose ("50x10mg", "10 x 2mg").
# The number starts with a digit that nothing of a word or a longer figure comes
# before; the digit is matched first and the look-behind comes after it, so that the
# regex engine skips ahead to digits.
_UNITS = ("g|gr|gram|grams|grammes?|mg|mcg|ug|µg|kg|kilos?|oz|ounces?|lb|lbs|pounds?|qp|ml"
          "|pills?|tabs?|tablets?|caps?|capsules?|blotters?|hits|vials?|pcs|rounds|x"
          "|г|гр|грамм|грамма|граммов|кг|мг|мл|шт|штук|таб|табл")
_UNIT_FIRST = _first(_UNITS.split("|"))
_QUANTITY = re.compile(
    rf"\d(?<=(?<![\w.,])\d)(?:\d*(?:[.,]\d+)?|\d*/\d+)\s{{0,2}}(?={_UNIT_FIRST})"
    rf"(?:(?:{_UNITS})(?!\w)|x(?=\s?\d))", re.IGNORECASE)
# How far past its number's last digit a match of ``_QUANTITY`` may read: two spaces, the
# longest unit, and two characters that its look-aheads read after it.
_QUANTITY_READS = 2 + max(len(unit.rstrip("?")) for unit in _UNITS.split("|")) + 2


def has_quantity(text: str) -> bool:
    """Whether ``text`` lists an amount of goods ("5g", "10 pills", "3 гр")."""
    return has_quantity_all([text])[0]


def has_quantity_all(texts: Sequence[str]) -> list[bool]:
    """``has_quantity`` of each text, the texts searched as one string (``text.batch``:
    the separator is no digit, space or unit, nor a letter before a number).

    A quantity's number ends with a digit that a unit follows, so ``_QUANTITY`` is only
    searched for around the digits that ``_beside`` finds with a unit's first character
    after them: from the start of the figure that digit ends (digits, "." "," and "/":
    all that a number of ``_QUANTITY`` holds), and no further than a match whose number
    ends there reads (``_QUANTITY_READS``). A match that starts by that digit and reads
    nothing beyond that end is one that a search of the whole text finds too (a position
    that ``_beside`` gives may be no such digit: its search may stop at that end)."""
    joined, bases = batch.join(texts)
    found = [False] * len(texts)
    for at in _beside(joined, _UNIT_FIRST):
        row = bisect_right(bases, at) - 1
        if found[row]:
            continue
        start, reach = at, at + 1 + _QUANTITY_READS
        while joined[start - 1] in "./," or joined[start - 1].isdecimal():
            start -= 1
        match = _QUANTITY.search(joined, start, reach)
        found[row] = match is not None and match.start() <= at and match.end() + 2 <= reach
    return found
