"""The redaction policy: what of a card, IBAN or phone any output may show."""

from __future__ import annotations

import pytest

from bazaarwatch.indicators.redaction import link_hash, mask, redact, redact_text
from bazaarwatch.model import Indicator


@pytest.mark.parametrize(("kind", "value", "masked"), [
    ("card", "4111111111111111", "411111******1111"),
    ("card", "4111 1111 1111 1111", "4111 11** **** 1111"),
    ("card", "3782-822463-10005", "3782-82****-*0005"),
    ("phone", "+79161234567", "+79*******67"),
    ("phone", "+1 (202) 555-0147", "+1 (2**) ***-**47"),
    ("iban", "DE89 3704 0044 0532 0130 00", "DE89 **** **** **** **30 00"),
    ("btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
])
def test_mask_keeps_the_agreed_digits_and_the_layout(kind: str, value: str,
                                                      masked: str) -> None:
    assert mask(kind, value) == masked


def test_redact_masks_value_and_normalized_of_sensitive_types_only() -> None:
    card = Indicator(type="card", value="4111 1111 1111 1111", normalized="4111111111111111",
                     start=5, end=24)
    shown = redact(card)
    assert (shown.value, shown.normalized) == ("4111 11** **** 1111", "411111******1111")
    assert (shown.start, shown.end) == (5, 24)
    onion = Indicator(type="onion", value="x.onion", normalized="x.onion", start=0, end=7)
    assert redact(onion) is onion


def test_redact_text_masks_sensitive_spans_in_place() -> None:
    text = "card 4111111111111111 call +79161234567 btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    found = [(5, 21, "card"), (27, 39, "phone"), (44, 78, "btc")]
    assert redact_text(text, found) == (
        "card 411111******1111 call +79*******67 btc 1BoatSLRHtKNngkdXEeobR76b53LETtpyT")


def test_link_hash_links_within_a_case_only() -> None:
    one, other = b"k" * 32, b"j" * 32
    assert link_hash(one, "card", "4111111111111111") == link_hash(one, "card",
                                                                   "4111111111111111")
    assert link_hash(one, "card", "4111111111111111") != link_hash(other, "card",
                                                                   "4111111111111111")
    assert link_hash(one, "card", "4111111111111111") != link_hash(one, "phone",
                                                                   "4111111111111111")
    assert "4111" not in link_hash(one, "card", "4111111111111111")
