"""Price extraction: amounts and currencies as vendors write them."""

from __future__ import annotations

import random
import re

import pytest

from bazaarwatch.classify.prices import (
    _PRICE_DIGIT,
    _PRICE_FOLLOW,
    _QUANTITY,
    _WORDS,
    _beside,
    _ends,
    _line,
    _trie,
    find_prices,
    find_prices_all,
    has_quantity,
    has_quantity_all,
)
from bazaarwatch.indicators.redaction import sensitive_spans
from bazaarwatch.text import batch


@pytest.mark.parametrize(("text", "amount", "currency"), [
    ("fresh cvv only $12 each", 12.0, "USD"),
    ("dumps 120$ per piece", 120.0, "USD"),
    ("цена 1500 руб за грамм", 1500.0, "RUB"),
    ("всего 1 500₽", 1500.0, "RUB"),
    ("оплата 0.004 BTC", 0.004, "BTC"),
    ("оплата 0,004 btc", 0.004, "BTC"),
    ("25 USDT per account", 25.0, "USDT"),
    ("300 грн доставка", 300.0, "UAH"),
    ("от 2к грн", 2000.0, "UAH"),
    ("€1,250.50 total", 1250.5, "EUR"),
    ("1.250,50 евро", 1250.5, "EUR"),
    ("10.000 руб опт", 10000.0, "RUB"),
    ("R$ 50 no pix", 50.0, "BRL"),
    ("sadece 150 TL", 150.0, "TRY"),
    ("price 3k usd", 3000.0, "USD"),
])
def test_prices_are_found_with_amount_and_currency(text: str, amount: float,
                                                   currency: str) -> None:
    [price] = find_prices(text)
    assert price.amount == pytest.approx(amount)
    assert price.currency == currency
    assert text[price.start:price.end].strip()


@pytest.mark.parametrize("text", [
    "see you at 7 going to the gym",
    "version 1.2.3 released",
    "call +7 916 123 45 67",
    "in 2024 we moved",
    "the usual trump tweets",
    "он пришёл в 10 утра",
])
def test_no_price_in_ordinary_text(text: str) -> None:
    assert find_prices(text) == []


@pytest.mark.parametrize("text", [
    "Bungie wins $4.3 million judgment against a cheat developer",
    "DeFi protocol drained of $40m in a flash-loan attack",
    "суд обязал выплатить 1 млн рублей компенсации",
    "штраф составит 5 миллионов рублей",
    "ущерб оценили в 2 млрд руб",
    "fans lost over £1 million to fake ticket sellers",
    "3 billion euros of seized assets",
])
def test_a_sum_written_in_millions_is_no_price(text: str) -> None:
    assert find_prices(text) == []


def test_a_sum_in_millions_leaves_the_price_beside_it() -> None:
    [price] = find_prices("logs from a $2 million company, yours for $300")
    assert (price.amount, price.currency) == (300.0, "USD")
    assert find_prices("$500k balance")[0].amount == 500_000.0


@pytest.mark.parametrize("text", [
    "4111111111111111$", "dumps 4111 1111 1111 1111$ fresh", "5500-0000-0000-0004 usd",
    "$4111111111111111", "pay 6759649826438453 EUR", "call +447700900123$",
    "(202) 555-0123 $", "IBAN GB82 WEST 1234 5698 7654 32 EUR",
])
def test_no_card_iban_or_phone_number_is_a_price(text: str) -> None:
    """Its digits would be the amount and the evidence text of the verdict, which
    outputs show: a card written before a "$" is a card and a dollar sign."""
    assert find_prices(text) == []


def test_a_price_next_to_a_card_is_still_found() -> None:
    text = "card 4111111111111111 for 20$, call +44 7700 900123 or 1500 руб"
    assert [(p.amount, text[p.start:p.end]) for p in find_prices(text)] == [
        (20.0, "20$"), (1500.0, "1500 руб")]


def test_a_card_or_phone_on_a_line_of_a_long_post_is_no_price() -> None:
    text = ("новости дня\n" * 20 + "карта 4111 1111 1111 1111$\r\n"
            "тел +7 (999) 123-45-67 $\nцена 1500 руб\n" + "ещё строка\n" * 20)
    assert [text[p.start:p.end] for p in find_prices(text)] == ["1500 руб"]


@pytest.mark.parametrize("text", [
    "a\n4111 1111 1111 1111\nb", "\n+7 (999) 123-45-67\n", "x 4111111111111111",
    "DE89 3704 0044 0532 0130 00\n\u200b4111111111111111", "Пpoдaм\n06.12.34.56.78 hxxp",
    "4111 1111\n1111 1111", "\x07\n+447700900123\n\u00ad202-555-0123", "00\n44 7911 123456",
])
def test_the_spans_of_a_line_are_the_whole_texts_spans_on_it(text: str) -> None:
    """Sensitive numbers are looked for line by line: each line gives the spans that
    the whole text gives on it."""
    whole = sensitive_spans(text)
    for at in range(len(text)):
        if text[at] != "\n":
            start, end = _line(text, at, at + 1)
            on_line = [(s + start, e + start, kind)
                       for s, e, kind in sensitive_spans(text[start:end])]
            assert sorted(on_line) == sorted(
                span for span in whole if span[0] < end and start < span[1])


def test_several_prices_in_order() -> None:
    text = "1g — 18€ / 3g — 45€, опт от 10000 руб"
    assert [(p.amount, p.currency) for p in find_prices(text)] == [
        (18.0, "EUR"), (45.0, "EUR"), (10000.0, "RUB")]


@pytest.mark.parametrize("text", [
    "5g", "250 mg MDMA", "1/4 lb", "1/8 Ounce Alien Kush", "3oz. Bubba", "10 pills",
    "2.5  gram", "Diazepam 50x10mg", "10 x 2mg", "1 QP", "20 Rounds", "3 гр", "100 шт",
    "5 грамм",
])
def test_quantities_as_vendors_list_them(text: str) -> None:
    assert has_quantity(text)


@pytest.mark.parametrize("text", [
    "version 2.1", "Season 1", "call me at 5", "room 12b", "see you at 10pm", "2024",
])
def test_numbers_that_are_no_quantity(text: str) -> None:
    assert not has_quantity(text)


# Ends that a number, a currency, a multiplier or a unit could go on from.
BATCH = ["price 5", "k usd", "100", "$ each", "€", "50 total", "1 500", " руб", "5", "g",
         "10 x", "2mg", "цена 1500 руб за грамм", "R$ 50 no pix", "", "1g — 18€ / 3g — 45€",
         "version 1.2.3", "3 гр", "всего 1 500₽", "a1", "5$"]


def test_a_batch_gives_what_each_text_gives() -> None:
    assert find_prices_all(BATCH) == [find_prices(t) for t in BATCH]
    assert has_quantity_all(BATCH) == [has_quantity(t) for t in BATCH]
    assert find_prices_all([]) == [] and has_quantity_all([]) == []
    assert find_prices("price 5") == [] and not has_quantity("2024")


@pytest.mark.parametrize(("text", "found"), [
    ("a1 500 руб", []),  # "1 500" is inside a word: "500" alone is not read
    ("1 5000 руб", []),  # "1 500" and then "0", glued to it
    ("12345 678 руб", [(678.0, "RUB", "678 руб")]),  # "12345" has no groups: "678" is read
    ("5 $ 10", [(5.0, "USD", "5 $"), (10.0, "USD", "$ 10")]),  # one sign, two prices
    ("$100 руб", [(100.0, "RUB", "100 руб")]),  # a currency after the number first
    ("цена 1 500 000,50 руб", [(1500000.5, "RUB", "1 500 000,50 руб")]),
    ("x 2 3 4 5 usd", [(5.0, "USD", "5 usd")]),
    ("٣٠٠ грн", [(300.0, "UAH", "٣٠٠ грн")]),  # any decimal digits
])
def test_numbers_are_read_as_from_the_start_of_the_text(
        text: str, found: list[tuple[float, str, str]]) -> None:
    """Only the numbers around a currency are read, but each is the number that reading
    every number from the start gives: a group of a longer figure is never read alone."""
    assert [(p.amount, p.currency, text[p.start:p.end]) for p in find_prices(text)] == found


def test_a_batch_finds_what_each_text_finds_alone() -> None:
    texts = ["a1 500 руб", "5 $ 10", "call +7 916 123 45 67 or 1500 руб", "", "R$ 50 no pix",
             "в 2024 году 300 грн", "12345 678 руб"]
    assert find_prices_all(texts) == [find_prices(t) for t in texts]


@pytest.mark.parametrize("tail", ["", " ", "x", "s", "ей", "$", ".", "ь5"])
def test_a_trie_matches_what_the_alternation_sorted_by_length_matches(tail: str) -> None:
    words = [*_WORDS, "р", "ру"]
    by_length = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    for ending in ("", r"(?!\w)"):
        expected = re.compile(f"(?:{by_length}){ending}", re.IGNORECASE)
        trie = re.compile(f"{_trie(words)}{ending}", re.IGNORECASE)
        for word in words:
            for text in (word + tail, word.upper() + tail, word[:-1] + tail):
                got, want = trie.match(text), expected.match(text)
                assert (got and got.group()) == (want and want.group()), text


# Digits of every kind, spaces, currencies and look-alikes: "\u212a" (Kelvin) is a "k"
# ignoring case, "ᲀ" a "в", "𝟓" a digit beyond the Basic Multilingual Plane.
PIECES = ["5", "12", "٣", "𝟓", "５", " ", "\u2003", "\u3000", "\n", "\u00a0", "$", "usd",
          "USDT", "руб", "Р", "₽", "€", "k", "\u212a", "к", "тыс.", "млн", "m", "ᲀ", "🔥",
          "a", "ж", ".", ",", "грн", "R$", "元", "eur", "Eth"]


def test_beside_gives_every_digit_that_the_price_regex_matches() -> None:
    """``_beside`` is a pre-filter: a digit it leaves out is never read as a price."""
    rng = random.Random(5)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
             for _ in range(3000)]
    joined, _ = batch.join(texts)
    wanted = {m.start() for m in _PRICE_DIGIT.finditer(joined)}
    given = _beside(joined, _PRICE_FOLLOW, _ends())
    assert wanted and wanted <= set(given) and given == sorted(given)
    joined, _ = batch.join(["1 2, 3ж 4\n5 ₽ $7 ab 8 a"])
    assert _beside(joined, _PRICE_FOLLOW, _ends()) == [joined.index(d) for d in "578"]


@pytest.mark.parametrize(("text", "found"), [
    ("𝟏𝟓𝟎𝟎 руб", [(1500.0, "RUB")]),  # digits beyond the Basic Multilingual Plane
    ("５\u3000usd", [(5.0, "USD")]),  # fullwidth digit, ideographic space
    ("5\u212a usd", [(5000.0, "USD")]),  # a Kelvin sign is a "k" ignoring case
    ("🔥5 $ 🔥", [(5.0, "USD")]),
])
def test_prices_in_any_digits_and_spaces(text: str, found: list[tuple[float, str]]) -> None:
    assert [(p.amount, p.currency) for p in find_prices(text)] == found


UNIT_PIECES = ["5", "12", "𝟓", "１", "٣", " ", "\u2003", "\n", ".", ",", "/", "x", "g", "mg",
               "grammes", "capsules", "гр", "шт", "a", "ж", "🔥", "\u212a", "kg", "lb", "s"]


def test_a_quantity_is_what_a_search_of_the_whole_text_finds() -> None:
    """Searched for around some digits only, and not to the end of the text."""
    rng = random.Random(9)
    texts = ["".join(rng.choice(UNIT_PIECES) for _ in range(rng.randint(1, 10)))
             for _ in range(3000)]
    texts += ["𝟏𝟓１２３grammesgrammes", "𝟏𝟓𝟓𝟓𝟓𝟓𝟓𝟓𝟓grammesx", "𝟏𝟓１２３grammes", "1/4 lb",
              "a5 g", "5 capsulesx"]
    expected = [_QUANTITY.search(text) is not None for text in texts]
    assert has_quantity_all(texts) == expected and 0 < sum(expected) < len(texts)
