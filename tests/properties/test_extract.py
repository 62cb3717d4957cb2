"""Extraction: spans inside the text and equal to the value, checksummed values that pass
their checksum (re-checked independently, see ``checksums``), and valid indicators found
wherever they are put, even with invisible characters inside them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bazaarwatch.indicators.registry import default_extractor, types
from bazaarwatch.model import Entity, Indicator
from properties.checksums import checksum_ok
from properties.strategies import clean_text, surrogate_text
from properties.support import scaled

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "indicators" / "vectors"
                      / "crypto_addresses.json").read_text(encoding="utf-8"))

#: (type, value): valid indicators from the test vectors and the example's ground truth.
KNOWN: list[tuple[str, str]] = [
    ("btc", "bc1q7wladcz94c8qmzh8q7khcf9g0du8yehkk32r0n"),
    ("btc", "bc1peew4ayclsqacvfgpzpst59ftx3826d8700my8c96q9cmp7r9thjs57jeh9"),
    ("btc", "1SqtNHLwhs1BLawzqi5tXSWXgLs8SmZqH"),
    ("btc", "33eQkrLimwQLCARc97RJa79Y85EYa4Qy57"),
    ("btc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
    *(("btc", v) for v, _ in VECTORS["bitcoin_base58"]["vectors"] if not v.startswith("111")),
    *(("eth", v) for v in VECTORS["eip55"]["normal"]),
    *(("trx", v) for v, _ in VECTORS["tron"]["vectors"]),
    *(("ltc", v) for v, _ in VECTORS["litecoin"]["vectors"]),
    *(("doge", v) for v, _ in VECTORS["dogecoin"]["vectors"]),
    ("xmr", VECTORS["monero"]["docs_standard"]),
    ("xmr", VECTORS["monero"]["general_fund"]),
    ("onion", "maomr3ckdc3f2vhmu54zjyteg6rw55q2fuvonroiehuzrxsvy4swlkid.onion"),
    ("onion", "xuxujhpsecbil4p4lzpmey7ilkbij5xmab5w752ingvomv4gy67n4hid.onion"),
    ("card", "4111111111111111"), ("card", "4111 1111 1111 1111"),
    ("card", "5555555555554444"), ("card", "378282246310005"), ("card", "6011111111111117"),
    ("iban", "GB82WEST12345698765432"), ("iban", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "DE89370400440532013000"), ("iban", "FR1420041010050500013M02606"),
    ("bch", "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"),
]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SEPARATORS = [" ", "\n", "\t", " \n ", "\u3000", "\u00a0"]


def _check(text: str, found: list[Indicator], entities: Sequence[Entity] = ()) -> None:
    known = set(types())
    links = {(e.offset, e.offset + e.length) for e in entities if e.type == "text_link"}
    for indicator in found:
        start, end = indicator.start, indicator.end
        assert 0 <= start < end <= len(text), (indicator, len(text))
        assert indicator.type in known, indicator
        if (start, end) not in links:
            assert text[start:end] == indicator.value, (indicator, text[start:end])
        ok = checksum_ok(indicator.type, indicator.normalized, indicator.checked)
        assert ok is not False, f"{indicator} fails its checksum"


@scaled(6)
@given(text=clean_text)
def test_extracted_indicators_of_arbitrary_text(text: str) -> None:
    _check(text, default_extractor().extract(text))


@scaled(2)
@given(text=surrogate_text)
def test_text_with_lone_surrogates(text: str) -> None:
    """A Python str may hold lone surrogates (JSON's "\\udfff"): extraction still works."""
    _check(text, default_extractor().extract(text))


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    """Noise with valid indicators planted in it, each between separators; and where
    each was put (type, start, end)."""
    text = draw(clean_text)
    spans: list[tuple[str, int, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        kind, value = draw(st.sampled_from(KNOWN))
        if draw(st.booleans()):  # invisible characters inside, never at an edge
            at = sorted(draw(st.lists(st.integers(1, len(value) - 1), max_size=3)), reverse=True)
            for i in at:
                value = value[:i] + draw(st.sampled_from(INVISIBLE)) + value[i:]
        text += draw(st.sampled_from(SEPARATORS))
        spans.append((kind, len(text), len(text) + len(value)))
        text += value + draw(st.sampled_from(SEPARATORS)) + draw(clean_text)
    return text, spans


@scaled(6)
@given(case=planted())
def test_planted_indicators_are_found(case: tuple[str, list[tuple[str, int, int]]]) -> None:
    text, spans = case
    found = default_extractor().extract(text)
    _check(text, found)
    got = {(i.type, i.start, i.end) for i in found}
    missing = [(kind, text[s:e]) for kind, s, e in spans if (kind, s, e) not in got]
    assert not missing, f"not found: {missing}; found: {found}"


@scaled(3)
@given(text=clean_text, href=st.one_of(clean_text, st.sampled_from(
    ["https://maomr3ckdc3f2vhmu54zjyteg6rw55q2fuvonroiehuzrxsvy4swlkid.onion/x",
     "https://t.me/shop_bot", "mailto:x@example.org"])), data=st.data())
def test_text_link_targets(text: str, href: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    entity = Entity(type="text_link", offset=start, length=end - start, text=text[start:end],
                    href=href)
    found = default_extractor().extract(text, [entity])
    for indicator in found:
        assert 0 <= indicator.start <= indicator.end <= len(text), indicator
        assert checksum_ok(indicator.type, indicator.normalized, indicator.checked) is not False
