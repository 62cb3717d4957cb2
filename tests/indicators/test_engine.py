"""The extraction engine on the bundled example export and on crafted texts."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from bazaarwatch.indicators import Extractor, default_extractor, patterns
from bazaarwatch.indicators.engine import hyperscan
from bazaarwatch.model import Entity, Indicator, Message
from bazaarwatch.sources import get_reader

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = json.loads((ROOT / "examples" / "expected_indicators.json").read_text("utf-8"))
OUR_TYPE = {"bitcoin": "btc", "ethereum": "eth", "tron": "trx", "onion": "onion",
            "bank_card": "card"}
CHECKED_TYPES = {"btc", "eth", "trx", "onion", "card", "xmr", "ltc", "doge", "bch"}


@pytest.fixture(scope="module")
def example() -> list[Message]:
    return list(get_reader("telegram").read(ROOT / "examples" / "telegram_export"))


def _found(messages: list[Message], extractor: Extractor) -> set[tuple[str, str, int, str]]:
    """(chat id, type, message id, normalized) for every indicator of checksummed types."""
    return {(m.chat.id, i.type, int(m.id), i.normalized)
            for m in messages for i in extractor.extract(m.text, m.entities)
            if i.type in CHECKED_TYPES}


def _normalized(kind: str, value: str) -> str:
    if kind == "card":
        return "".join(ch for ch in value if ch.isdigit())
    if kind == "onion":
        return value.lower()
    return value.lower() if value.lower().startswith("bc1") else value


def test_every_example_wallet_onion_and_card_is_found_and_nothing_else(
        example: list[Message]) -> None:
    expected = {(str(o["chat_id"]), OUR_TYPE[e["type"]], o["message_id"],
                 _normalized(OUR_TYPE[e["type"]], e["value"]))
                for e in EXPECTED["indicators"] for o in e["occurrences"]}
    found = _found(example, default_extractor())
    assert expected - found == set(), "missed"
    assert found - expected == set(), "found but not in the ground truth"


def test_the_example_look_alikes_are_rejected(example: list[Message]) -> None:
    bad = {e["value"] for e in EXPECTED["invalid"]}
    found = [i for m in example for i in default_extractor().extract(m.text, m.entities)]
    assert bad & {i.value for i in found} == set()
    assert bad & {i.normalized for i in found} == set()


@pytest.mark.skipif(hyperscan is None, reason="hyperscan has no wheel for this platform")
def test_hyperscan_and_re_engines_agree(example: list[Message]) -> None:
    fast = default_extractor()
    assert fast.engine == "hyperscan"
    slow = Extractor(patterns(), use_hyperscan=False)
    assert slow.engine == "re"
    for m in example:
        assert fast.extract(m.text, m.entities) == slow.extract(m.text, m.entities), m.id


def make_onion(seed: bytes) -> str:
    """A valid v3 onion name (rend-spec-v3): base32(pubkey | checksum[:2] | version 3)."""
    key = hashlib.sha256(seed).digest()
    check = hashlib.sha3_256(b".onion checksum" + key + b"\x03").digest()[:2]
    return base64.b32encode(key + check + b"\x03").decode().lower()


def test_spans_point_at_the_original_obfuscated_text() -> None:
    onion = make_onion(b"engine test")
    text = f"mirror: {onion}[.]onion \u200b and support@example[.]com"
    found = {i.type: i for i in default_extractor().extract(text)}
    assert "onion" in found
    hit = found["onion"]
    assert text[hit.start:hit.end] == hit.value
    assert hit.value == f"{onion}[.]onion"
    assert hit.normalized == f"{onion}.onion"


def test_indicators_of_a_text_link_take_the_entity_span() -> None:
    text = "Join our channel here, prices inside"
    start = text.index("here")
    link = Entity(type="text_link", offset=start, length=4, text="here",
                  href="https://t.me/night_market_shop")
    found = default_extractor().extract(text, [link])
    handles = [i for i in found if i.type == "telegram"]
    assert handles, found
    assert (handles[0].start, handles[0].end) == (start, start + 4)
    assert handles[0].normalized == "@night_market_shop"


def test_a_card_number_is_not_also_a_phone() -> None:
    found = default_extractor("US").extract("card 4111 1111 1111 1111 exp 12/27")
    assert [i.type for i in found] == ["card"]


def test_resolution_keeps_containers_and_drops_the_weaker_overlap() -> None:
    extractor = default_extractor()
    resolved = extractor._resolve([
        Indicator(type="url", value="u", normalized="u", start=0, end=40),
        Indicator(type="onion", value="o", normalized="o", start=7, end=30),
        Indicator(type="domain", value="d", normalized="d", start=10, end=30),
        Indicator(type="onion", value="o", normalized="o", start=7, end=30),
    ])
    assert [(i.type, i.start) for i in resolved] == [("url", 0), ("onion", 7)]


# ---------------------------------------------------------------------------- cross-type cases

FPR = "3593026d5f0e2a8b9c1d4e7f6a5b4c3d2e1f0a9b"


def _extracted(text: str) -> list[tuple[str, str, str]]:
    """(type, value, normalized), checked against the text's spans and the ``re`` engine."""
    found = default_extractor().extract(text)
    assert all(text[i.start:i.end] == i.value for i in found)
    assert found == Extractor(patterns(), use_hyperscan=False).extract(text)
    return [(i.type, i.value, i.normalized) for i in found]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("call +4915142127807", "+4915142127807"),  # Luhn-valid, a Visa prefix
        ("WA +6282294846165, 24/7", "+6282294846165"),  # Luhn-valid
    ],
)
def test_a_plus_and_digits_are_a_phone_not_a_card(text: str, phone: str) -> None:
    assert _extracted(text) == [("phone", phone, phone)]


@pytest.mark.parametrize("text", ["трек 69902651972023", "65358624538959", "36097832323038"])
def test_luhn_valid_14_digit_tracking_numbers_are_not_cards(text: str) -> None:
    assert _extracted(text) == []


def test_a_diners_card_in_its_layout_is_still_a_card() -> None:
    assert _extracted("card 3056 930902 5904 exp 12/27") == [
        ("card", "3056 930902 5904", "30569309025904")]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://t.me/+QZsrVrfYgbWtGrQ_", "https://t.me/+QZsrVrfYgbWtGrQ_"),
        ("shop: https://shop.cc/a_b_.", "https://shop.cc/a_b_"),
    ],
)
def test_a_url_keeps_its_trailing_underscore(text: str, url: str) -> None:
    assert ("url", url, url) in _extracted(text)


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("закладка.рф", "закладка.рф"),
        ("заходи на магазин-shop.рф!", "магазин-shop.рф"),
        ("сайт.рус", "сайт.рус"),
        ("пример.укр", "пример.укр"),
        ("example.рф", "example.рф"),
        ("Сайт: ЗАКЛАДКА.РФ.", "закладка.рф"),
    ],
)
def test_cyrillic_domains(text: str, domain: str) -> None:
    assert [(t, n) for t, _, n in _extracted(text)] == [("domain", domain)]


def test_cyrillic_email_is_an_email_not_a_domain() -> None:
    assert _extracted("пиши info@магазин.рф") == [
        ("email", "info@магазин.рф", "info@магазин.рф")]


@pytest.mark.parametrize("text", ["Привет.Как дела", "привет.как дела", "и т.д. по г.москва"])
def test_russian_prose_is_not_a_domain(text: str) -> None:
    assert _extracted(text) == []


@pytest.mark.parametrize(
    "text",
    [
        f"-----END PGP PUBLIC KEY BLOCK----- | build {FPR}",
        f"PGP key in the pinned post. commit {FPR}",
        f"see PGP. {FPR}",
    ],
)
def test_a_hash_after_a_pgp_mention_is_not_a_fingerprint(text: str) -> None:
    assert [t for t, _, _ in _extracted(text)] == []


def test_a_labelled_fingerprint_spans_the_hex_alone() -> None:
    assert _extracted(f"PGP fingerprint: {FPR}") == [("pgp", FPR, FPR.upper())]


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Jabber: south_deal@jabber.ru", "xmpp", "south_deal@jabber.ru"),
        ("jabber: vendor@gmail.com", "xmpp", "vendor@gmail.com"),
        ("Wickr Me - Drugs.King", "wickr", "Drugs.King"),
        ("Threema ID: ECHOECHO", "threema", "ECHOECHO"),
    ],
)
def test_messenger_ids_span_the_id_without_its_label(text: str, kind: str, value: str) -> None:
    assert [(t, v) for t, v, _ in _extracted(text)] == [(kind, value)]


def test_a_phone_that_runs_on_into_more_digits_keeps_only_its_own_span() -> None:
    text = "Тел: +6282294846165 24/7"
    [phone] = default_extractor().extract(text)
    assert phone.type == "phone"
    assert phone.value == "+6282294846165"
    assert text[phone.start:phone.end] == phone.value
