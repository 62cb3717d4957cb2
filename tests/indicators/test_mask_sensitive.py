"""mask_sensitive: card, IBAN and phone numbers masked by value in any string an output shows.

Outputs cannot rely on offsets stored at ingest (hostile text shifts them; names have
none), so the values are found again in the very string shown. These tests pin what is
found (every common layout, and the tricks that hide a number from a pattern but not from
a reader) and what must stay readable (chat ids, dates, amounts).
"""

from __future__ import annotations

import time

import pytest

from bazaarwatch.indicators.redaction import mask_sensitive, redact, redact_text
from bazaarwatch.model import Indicator


@pytest.mark.parametrize(("text", "shown"), [
    ("card 4111111111111111$ now", "card 411111******1111$ now"),
    ("4111 1111 1111 1111 123", "4111 11** **** 1111 123"),  # the CVV group stays
    ("5500-0000-0000-0004|12/27", "5500-00**-****-0004|12/27"),
    ("amex 3782 822463 10005", "amex 3782 82**** *0005"),
    ("6759649826438453", "675964******8453"),  # Luhn alone: issuer ranges do not matter
    ("IBAN GB82WEST12345698765432.", "IBAN GB82**************5432."),
    ("DE89 3704 0044 0532 0130 00 EUR", "DE89 **** **** **** **** 00 EUR"),  # + a card
    ("gb82west12345698765432", "gb82**************5432"),
    ("+447700900123", "+44********23"),
    ("+44 7700 900123", "+44 **** ****23"),
    ("+44-7700-900-123", "+44-****-***-*23"),
    ("(+44) 7700 900123", "(+44) **** ****23"),
    ("+7 (999) 123-45-67", "+7 (9**) ***-**-67"),
    ("0044 7700 900123", "00** **** ****23"),
    ("tel:+447700900123", "tel:+44********23"),
    ("(202) 555-0123", "(20*) ***-**23"),
    ("8 (999) 123-45-67", "8 (9**) ***-**-67"),
    ("202-555-0123", "20*-***-**23"),
    ("06.12.34.56.78", "06.**.**.**.78"),
])
def test_every_common_layout_is_masked(text: str, shown: str) -> None:
    assert mask_sensitive(text) == shown


@pytest.mark.parametrize("text", [
    "channel 1736488447",  # a Telegram chat id: a bare run of ten digits
    "chat -1001736488447 and user 5000000001",
    "4111111111111112",  # fails Luhn
    "x4111111111111111", "4111111111111111abc",  # inside a longer alphanumeric run
    "GB82WEST12345698765433",  # fails mod-97
    "2023-11-14 22:13:20", "12.05.2024", "Balance: 1 500 000 000 ₽", "v1.2.3.4",
    "ip 192.168.100.200", "order #48213, 30$", "+25 000 000 sold",
    "no digits at all",
])
def test_what_is_no_card_iban_or_phone_stays_readable(text: str) -> None:
    assert mask_sensitive(text) is text


@pytest.mark.parametrize(("text", "shown"), [
    ("4111\u200b1111\u200b1111\u200b1111", "4111\u200b11**\u200b****\u200b1111"),
    ("４１１１１１１１１１１１１１１１", "４１１１１１******１１１１"),
    ("4111\x0011111111\x021111", "4111\x0011******\x021111"),
    ("GB82\x03WEST12345698765432", "GB82\x03**************5432"),
    ("+44\u20607700900123", "+44\u2060********23"),
])
def test_invisible_control_and_fullwidth_characters_hide_nothing(text: str,
                                                                shown: str) -> None:
    """A reader sees the number through zero-width, control and fullwidth characters;
    so must the masking (they are kept, only digits become ``*``)."""
    assert mask_sensitive(text) == shown


def test_overlapping_values_hide_what_either_hides() -> None:
    """A German mobile number whose 13 digits pass Luhn: as a card it would keep ten
    digits; the phone rule hides more, and wins."""
    assert mask_sensitive("+4915142120000") == "+49*********00"


@pytest.mark.parametrize("hostile", [
    "1-" * 20_000, "1 " * 20_000, "+1" * 20_000, "(12) 34-" * 5_000, "GB82 " * 8_000,
    "4111111111111111 " * 2_000, "0" * 40_000, "+4 4" * 10_000,
])
def test_hostile_input_takes_linear_time(hostile: str) -> None:
    """40,000 characters built to make the patterns backtrack: well under a second each
    on a slow machine (a quadratic pattern takes minutes)."""
    started = time.perf_counter()
    assert len(mask_sensitive(hostile)) == len(hostile)
    assert time.perf_counter() - started < 5


def test_redact_masks_values_inside_other_indicators() -> None:
    url = Indicator(type="url", value="https://t.me/+447700900123",
                    normalized="https://t.me/+447700900123", start=0, end=26)
    shown = redact(url)
    assert (shown.value, shown.normalized) == ("https://t.me/+44********23",) * 2
    assert (shown.start, shown.end) == (0, 26)


def test_redact_text_masks_stored_spans_and_values() -> None:
    """A national number found at ingest with --region (its span is stored) is masked
    although it has no layout ``mask_sensitive`` recognises; the card by value."""
    text = "call 8 999 123 45 67 or pay 4111111111111111"
    assert redact_text(text, [(5, 20, "phone")]) == (
        "call 8 9** *** ** 67 or pay 411111******1111")
