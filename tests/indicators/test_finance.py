"""IBANs and payment card numbers (``bazaarwatch.indicators.finance``).

Valid IBANs are the SWIFT IBAN registry's examples; valid cards are the payment
processors' well-known test numbers, and numbers completed here with an independent Luhn
check digit. Every one-character change must be rejected (mod-97 and Luhn catch every
single substitution).
"""

from __future__ import annotations

import pytest
from indicator_support import Found, example, example_messages, matches

from bazaarwatch.indicators.finance import IBAN_LENGTHS, PATTERNS, validate_card, validate_iban


def find(text: str) -> list[Found]:
    return matches(PATTERNS, text)


def of_type(text: str, type_: str) -> list[str]:
    return [f.normalized for f in find(text) if f.type == type_]


# ---------------------------------------------------------------------------- IBAN

REGISTRY_IBANS = [
    "GB82 WEST 1234 5698 7654 32",
    "DE89 3704 0044 0532 0130 00",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91 ABNA 0417 1643 00",
    "BE68 5390 0754 7034",
    "CH93 0076 2011 6238 5295 7",
    "ES91 2100 0418 4502 0005 1332",
    "IT60 X054 2811 1010 0000 0123 456",
    "NO93 8601 1117 947",
    "PL61 1090 1014 0000 0712 1981 2874",
    "AT61 1904 3002 3457 3201",
    "UA21 3223 1300 0002 6007 2335 6600 1",
    "SE45 5000 0000 0583 9825 7466",
    "MT84 MALT 0110 0001 2345 MTLC AST0 01S",
    "LC55 HEMM 0001 0001 0012 0012 0002 3015",
]


@pytest.mark.parametrize("iban", REGISTRY_IBANS)
def test_registry_ibans_grouped_and_compact(iban: str) -> None:
    compact = iban.replace(" ", "")
    assert of_type(f"IBAN: {iban}", "iban") == [compact]
    assert of_type(f"IBAN:{compact}.", "iban") == [compact]


@pytest.mark.parametrize("iban", REGISTRY_IBANS)
def test_every_one_character_change_is_rejected(iban: str) -> None:
    compact = iban.replace(" ", "")
    for i in range(2, len(compact)):  # the country code is checked by the length table
        alphabet = "0123456789" if compact[i].isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for replacement in alphabet:
            if replacement != compact[i]:
                changed = compact[:i] + replacement + compact[i + 1 :]
                assert validate_iban(changed) is None, changed


@pytest.mark.parametrize(
    "text",
    [
        "(DE89 3704 0044 0532 0130 00)",
        "**DE89370400440532013000**",
        "DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
        "DE89 3704 0044 0532 0130 00 EUR",
        "DE89 3704 0044 0532 0130 00\nnext line",
    ],
)
def test_iban_boundaries(text: str) -> None:
    assert of_type(text, "iban") == ["DE89370400440532013000"]


def test_iban_running_on_into_a_word() -> None:
    # BE IBANs are 16 characters: four full groups, and "EURO" looks like a fifth.
    assert of_type("BE68 5390 0754 7034 EURO", "iban") == ["BE68539007547034"]
    assert of_type("BE685390075470341234", "iban") == []  # not at a group boundary


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 0",  # too short for DE
        "DE89 3704 0044 0532 0130 001",  # too long, not at a group boundary
        "DE88 3704 0044 0532 0130 00",  # check digits
        "XX89 3704 0044 0532 0130 00",  # unknown country
        "de89 3704 0044 0532 0130 00",  # lower case
        "DE89  3704 0044 0532 0130 00",  # two spaces: not the paper format
        "ADE89370400440532013000",  # inside a longer word
        "version 1.2.3",
        "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
    ],
)
def test_not_ibans(text: str) -> None:
    assert of_type(text, "iban") == []


def test_iban_lengths_are_sane() -> None:
    assert all(len(code) == 2 and code.isupper() for code in IBAN_LENGTHS)
    assert all(15 <= n <= 34 for n in IBAN_LENGTHS.values())


# ---------------------------------------------------------------------------- cards


def luhn_complete(prefix: str) -> str:
    """``prefix`` and the Luhn check digit that makes it valid."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


CARDS = [
    "4111111111111111",  # Visa
    "4012888888881881",  # Visa
    luhn_complete("411111111111111111"),  # Visa, 19 digits
    "5555555555554444",  # Mastercard
    "5105105105105100",  # Mastercard
    "2221000000000009",  # Mastercard 2-series
    "2720990000000007",  # Mastercard 2-series, upper end
    "378282246310005",  # American Express
    "371449635398431",  # American Express
    "6011111111111117",  # Discover
    "6011000990139424",  # Discover
    luhn_complete("644000000000000"),  # Discover 644
    luhn_complete("650000000000000"),  # Discover 65
    "3530111333300000",  # JCB
    "3566002020360505",  # JCB
    "6200000000000005",  # UnionPay
    luhn_complete("305693090259040"),  # Diners Club, 16 digits
    "6759649826438453",  # Maestro
    luhn_complete("501800000000000"),  # Maestro 50
    luhn_complete("220000000000000"),  # Mir
    luhn_complete("220400000000000000"),  # Mir, 19 digits
]


#: Short cards, valid only in the one layout they are printed in.
VISA_13 = "4222222222222"  # old Visa: contiguous only
DINERS_14 = "30569309025904"  # Diners Club: 4-6-4 only


def grouped(card: str, sep: str = " ") -> str:
    if len(card) in (14, 15):
        return sep.join((card[:4], card[4:10], card[10:]))
    return sep.join(card[i : i + 4] for i in range(0, 16, 4)) + (
        sep + card[16:] if len(card) > 16 else "")


@pytest.mark.parametrize("card", CARDS)
def test_cards_contiguous_and_grouped(card: str) -> None:
    assert of_type(f"card {card}", "card") == [card]
    assert of_type(f"card {grouped(card)} exp 08/27", "card") == [card]
    assert of_type(f"card {grouped(card, '-')}.", "card") == [card]


@pytest.mark.parametrize("card", [*CARDS, VISA_13, DINERS_14])
def test_every_one_digit_change_is_rejected(card: str) -> None:
    def written(digits: str) -> str:
        return grouped(digits) if len(digits) == 14 else digits

    assert validate_card(written(card)) is not None
    for i, original in enumerate(card):
        for replacement in "0123456789":
            if replacement != original:
                changed = card[:i] + replacement + card[i + 1 :]
                assert validate_card(written(changed)) is None, changed


def test_13_digit_visa_only_contiguous() -> None:
    assert of_type(f"card {VISA_13}", "card") == [VISA_13]
    assert of_type(f"card {grouped(VISA_13)}", "card") == []  # 4-4-4-1: not a Visa layout


def test_14_digit_cards_only_diners_club_in_its_4_6_4_layout() -> None:
    assert of_type(f"card {grouped(DINERS_14)}", "card") == [DINERS_14]
    assert of_type(f"card {grouped(DINERS_14, '-')}.", "card") == [DINERS_14]
    assert of_type(f"Diners {DINERS_14[:4]} {DINERS_14[4:10]} {DINERS_14[10:]}", "card") == [
        DINERS_14]
    assert of_type(f"card {DINERS_14}", "card") == []  # contiguous: a tracking number as much
    four_four = " ".join((DINERS_14[:4], DINERS_14[4:8], DINERS_14[8:12], DINERS_14[12:]))
    assert of_type(f"card {four_four}", "card") == []
    diners_38 = luhn_complete("3800000000000")
    assert of_type(grouped(diners_38), "card") == [diners_38]


@pytest.mark.parametrize(
    "text",
    [
        # Luhn-valid 14-digit tracking numbers in Maestro/Discover/Diners ranges
        "трек 69902651972023",
        "65358624538959",
        "36097832323038",
        "6535 862453 8959",  # Discover/Maestro prefix in the Diners layout: still not Diners
        luhn_complete("5600000000000"),  # 14-digit Maestro
        luhn_complete("560000000000"),  # 13-digit Maestro
        luhn_complete("56000000000000"),  # 15-digit Maestro
    ],
)
def test_short_numbers_outside_visa_and_diners_are_not_cards(text: str) -> None:
    assert of_type(text, "card") == []


@pytest.mark.parametrize(
    "text",
    [
        "+4915142127807",  # 13 digits, Luhn-valid, Visa range
        "+6282294846165",  # 13 digits, Luhn-valid
        "call +4915142127807 now",
        "+4111111111111111",
        "+4111 1111 1111 1111",
    ],
)
def test_digits_after_a_plus_are_a_phone_not_a_card(text: str) -> None:
    assert of_type(text, "card") == []


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1111",
        "4111111111111111|08|27|123",
        "4111 1111 1111 1111 | 08/27 | 331",
        "(4111 1111 1111 1111)",
        "**4111111111111111**",
        "card:4111111111111111,",
        "карта 4111 1111 1111 1111 живая?",
        "4111 1111 1111 1111 123",  # a CVV right after the number
        "4111 1111 1111 1111\n08/27",
    ],
)
def test_card_boundaries(text: str) -> None:
    assert of_type(text, "card") == ["4111111111111111"]


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # Luhn
        "4111111111111111111111",  # inside a longer digit run
        "94111111111111111",
        "x4111111111111111",
        "0.4111111111111111",  # decimals of an amount
        "1234 4111 1111 1111 1111",
        "411111111111",  # 12 digits
        luhn_complete("378282246310000"),  # Amex prefix, 16 digits: wrong length
        luhn_complete("1234567812345"),  # no issuer starts with 1
        luhn_complete("999999999999999"),
        "0000 0000 0000 0000",
        "4111 1111  1111 1111",  # two spaces
        "4111.1111.1111.1111",
        "2024-05-01 12:00",
        "20240501 1200",
        "+7 999 123 45 67",
        "+79991234567",
        "Order #48213 — 1 500 000 ₽",
        "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
        "DE89 3704 0044 0532 0130 00",
    ],
)
def test_not_cards(text: str) -> None:
    assert of_type(text, "card") == []


def test_card_inside_an_iban_is_not_a_card() -> None:
    # 5105 1051 0510 5100 is a valid Mastercard test number; after an IBAN head it is
    # groups of the IBAN (the IBAN itself fails here: only the card part matters).
    assert of_type("DE12 5105 1051 0510 5100", "card") == []


# ---------------------------------------------------------------------------- example export


def test_example_cards_are_found_as_written() -> None:
    cards = [i for i in example()["indicators"] if i["type"] == "bank_card"]
    assert cards
    for item in cards:
        for occurrence in item["occurrences"]:
            assert of_type(occurrence["as_written"], "card") == [item["value"]]


def test_example_luhn_failure_is_rejected() -> None:
    bad = [i for i in example()["invalid"] if i["type"] == "bank_card"]
    assert bad
    for item in bad:
        for occurrence in item["occurrences"]:
            assert of_type(occurrence["as_written"], "card") == []


def test_example_export_has_exactly_the_expected_cards_and_no_ibans() -> None:
    expected = {i["value"] for i in example()["indicators"] if i["type"] == "bank_card"}
    found = {(f.type, f.normalized) for text in example_messages().values()
             for f in find(text)}
    assert found == {("card", card) for card in expected}


# ---------------------------------------------------------------------------- engine compatibility
