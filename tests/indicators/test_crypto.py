"""Cryptocurrency address validators and patterns (``bazaarwatch.indicators.crypto``).

Valid inputs are published vectors (tests/indicators/vectors/crypto_addresses.json names
each source) or addresses built here from known payloads with the module's encoders and
cross-checked against a published one. Every valid, extractable vector is also changed
one character at a time (each change must be rejected) and embedded in text (the
pattern must find it with exactly its span).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from bazaarwatch.indicators import codecs
from bazaarwatch.indicators.base import Accepted, Pattern
from bazaarwatch.indicators.crypto import (
    PATTERNS,
    validate_bch,
    validate_btc_base58,
    validate_btc_segwit,
    validate_doge,
    validate_eth,
    validate_ltc_base58,
    validate_ltc_segwit,
    validate_trx,
    validate_xmr,
)
from bazaarwatch.indicators.engine import compile_pattern

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "examples" / "expected_indicators.json"
TYPES = {"btc", "eth", "xmr", "ltc", "trx", "doge", "bch"}


@cache
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (HERE / "vectors" / "crypto_addresses.json").read_text(encoding="utf-8")
    )
    return data


def section(name: str) -> dict[str, Any]:
    value: dict[str, Any] = vectors()[name]
    return value


# --------------------------------------------------------------------------- helpers


class Found(NamedTuple):
    type: str
    start: int
    end: int
    verdict: Accepted


@cache
def compiled() -> list[tuple[Pattern, re.Pattern[str]]]:
    return [(p, compile_pattern(p)) for p in PATTERNS]


def extract(text: str) -> list[Found]:
    """Every validated match of every crypto pattern, with Python's ``re``."""
    found: list[Found] = []
    for pattern, regex in compiled():
        for match in regex.finditer(text):
            verdict = pattern.validate(match.group())
            if verdict is not None:
                kind = verdict.type or pattern.type
                found.append(Found(kind, match.start(), match.end(), verdict))
    return sorted(found, key=lambda f: (f.start, f.end))


def validate_any(candidate: str) -> list[tuple[str, Accepted]]:
    """Every pattern whose validator accepts ``candidate`` (regexes not involved)."""
    out = []
    for pattern in PATTERNS:
        verdict = pattern.validate(candidate)
        if verdict is not None:
            out.append((pattern.type, verdict))
    return out


def hash160_of_script(script_hex: str) -> bytes:
    """The 20-byte hash in a P2PKH (76a914..88ac) or P2SH (a914..87) scriptPubKey."""
    script = bytes.fromhex(script_hex)
    if script[:3] == b"\x76\xa9\x14" and script[-2:] == b"\x88\xac":
        return script[3:23]
    assert script[:2] == b"\xa9\x14" and script[-1:] == b"\x87", script_hex
    return script[2:22]


def is_p2sh(script_hex: str) -> bool:
    return script_hex.startswith("a914")


class Valid(NamedTuple):
    """An extractable valid address: its text, type and normalized form."""

    text: str
    type: str
    normalized: str
    checked: bool = True


def xmr_address(network: int, spend: bytes, view: bytes, payment_id: bytes = b"") -> str:
    body = bytes([network]) + spend + view + payment_id
    return codecs.xmr_b58encode(body + codecs.keccak256(body)[:4])


# Fixed keys (not real curve points; the address format does not check them).
XMR_SPEND = bytes(range(32))
XMR_VIEW = bytes(range(32, 64))
XMR_PAYMENT_ID = bytes.fromhex("0123456789abcdef")


@cache
def valid_vectors() -> list[Valid]:
    """Every extractable valid address of every type."""
    out: list[Valid] = []
    for address, _script in section("segwit_valid")["vectors"]:
        if address.lower().startswith("bc1"):
            out.append(Valid(address, "btc", address.lower()))
    for address, _payload in section("bitcoin_base58")["vectors"]:
        out.append(Valid(address, "btc", address))
    for legacy, cash in section("cashaddr")["translation"]:
        out.append(Valid(legacy, "btc", legacy))
        out.append(Valid(cash, "bch", cash))
        bare = cash.split(":")[1]
        out.append(Valid(bare, "bch", cash))
        out.append(Valid(cash.upper(), "bch", cash))
    for _size, _type, cash, _hash in section("cashaddr")["larger"]:
        if cash.startswith("bitcoincash:"):
            out.append(Valid(cash, "bch", cash))
    eip = section("eip55")
    for address in eip["normal"]:
        out.append(Valid(address, "eth", address))
    for address in eip["all_caps"] + eip["all_lower"]:
        out.append(Valid(address, "eth", address, checked=False))
    xmr = section("monero")
    for key in ("docs_standard", "docs_integrated", "donation_subaddress", "general_fund"):
        out.append(Valid(xmr[key], "xmr", xmr[key]))
    for network, pid in ((18, b""), (19, XMR_PAYMENT_ID), (42, b"")):
        built = xmr_address(network, XMR_SPEND, XMR_VIEW, pid)
        out.append(Valid(built, "xmr", built))
    for address, _payload in section("tron")["vectors"]:
        out.append(Valid(address, "trx", address))
    for address, _script in section("litecoin")["vectors"]:
        out.append(Valid(address, "ltc", address))
    for version, program in LTC_PROGRAMS:
        ltc = codecs.segwit_encode("ltc", version, program)
        assert ltc is not None
        out.append(Valid(ltc, "ltc", ltc))
        out.append(Valid(ltc.upper(), "ltc", ltc))
    for address, _script in section("dogecoin")["vectors"]:
        out.append(Valid(address, "doge", address))
    return out


# Witness programs of BIP-350's vectors, re-encoded under Litecoin's "ltc" HRP.
LTC_PROGRAMS = [
    (0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")),
    (0, bytes.fromhex("1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262")),
    (1, bytes.fromhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")),
]


# --------------------------------------------------------------------------- hashes


def test_keccak256_is_keccak_not_sha3() -> None:
    # Keccak-256 of the empty string; SHA3-256's is a7ffc6f8bf1ed766...
    assert codecs.keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )


# --------------------------------------------------------------------------- bech32


@pytest.mark.parametrize("encoding", [codecs.Encoding.BECH32, codecs.Encoding.BECH32M])
def test_bip173_350_valid_checksums(encoding: codecs.Encoding) -> None:
    key = "valid_bech32" if encoding is codecs.Encoding.BECH32 else "valid_bech32m"
    for text in section("bip173_350_checksums")[key]:
        decoded = codecs.bech32_decode(text)
        assert decoded is not None, text
        assert decoded[2] is encoding, text
        # The BIPs' own mutation: flip the low bit of the first data character.
        pos = text.rfind("1")
        broken = text[: pos + 1] + chr(ord(text[pos + 1]) ^ 1) + text[pos + 2 :]
        assert codecs.bech32_decode(broken) is None, broken


@pytest.mark.parametrize("encoding", [codecs.Encoding.BECH32, codecs.Encoding.BECH32M])
def test_bip173_350_invalid_checksums(encoding: codecs.Encoding) -> None:
    key = "invalid_bech32" if encoding is codecs.Encoding.BECH32 else "invalid_bech32m"
    for text in section("bip173_350_checksums")[key]:
        decoded = codecs.bech32_decode(text)
        assert decoded is None or decoded[2] is not encoding, repr(text)


def test_segwit_valid_addresses_decode_to_their_script() -> None:
    for address, script_hex in section("segwit_valid")["vectors"]:
        hrp = "bc" if address.lower().startswith("bc1") else "tb"
        decoded = codecs.segwit_decode(hrp, address)
        assert decoded is not None, address
        version, program = decoded
        script = bytes([version + 0x50 if version else 0, len(program)]) + program
        assert script.hex() == script_hex
        assert codecs.segwit_encode(hrp, version, program) == address.lower()


def test_segwit_mainnet_accepted_and_testnet_not_extracted() -> None:
    for address, _script in section("segwit_valid")["vectors"]:
        verdict = validate_btc_segwit(address)
        if address.lower().startswith("bc1"):
            assert verdict == Accepted(normalized=address.lower()), address
        else:
            assert verdict is None, address
            assert validate_any(address) == [], address


def test_segwit_invalid_addresses() -> None:
    invalid = section("segwit_invalid")
    for address in invalid["bip173"] + invalid["bip350"]:
        assert codecs.segwit_decode("bc", address) is None, address
        assert codecs.segwit_decode("tb", address) is None, address
        assert validate_any(address) == [], address
        assert extract(f"send to {address} now") == [], address


def test_bip173_v1_addresses_with_bech32_checksum_are_invalid_since_bip350() -> None:
    for address in section("segwit_invalid")["bip173_v1plus_with_bech32"]:
        decoded = codecs.bech32_decode(address)
        assert decoded is not None and decoded[2] is codecs.Encoding.BECH32
        assert codecs.segwit_decode("bc", address) is None
        assert validate_btc_segwit(address) is None


def test_segwit_encode_rejects_invalid_input() -> None:
    for hrp, version, length in section("segwit_invalid")["encode_invalid"]:
        assert codecs.segwit_encode(hrp, version, bytes(length)) is None


def test_segwit_rules_one_by_one() -> None:
    program20 = bytes(range(20))
    v0 = codecs.segwit_encode("bc", 0, program20)
    assert v0 is not None and validate_btc_segwit(v0) is not None
    # Mixed case is rejected; all upper is accepted and normalized to lower.
    mixed = v0[:10] + v0[10:].upper()
    assert validate_btc_segwit(mixed) is None
    assert validate_btc_segwit(v0.upper()) == Accepted(normalized=v0)
    # v0 with a Bech32m checksum, v1 with a Bech32 one: both invalid.
    bits = codecs.convertbits(program20, 8, 5, True)
    assert bits is not None
    v0_m = codecs.bech32_encode("bc", [0, *bits], codecs.Encoding.BECH32M)
    v1_b = codecs.bech32_encode("bc", [1, *bits], codecs.Encoding.BECH32)
    assert validate_btc_segwit(v0_m) is None
    assert validate_btc_segwit(v1_b) is None
    # v0 only with 20 or 32 bytes; v1+ with 2..40.
    for length in (2, 19, 21, 31, 33, 40):
        assert codecs.segwit_encode("bc", 0, bytes(length)) is None
    for length in (2, 19, 33, 40):
        address = codecs.segwit_encode("bc", 1, bytes(length))
        assert address is not None and validate_btc_segwit(address) is not None
    for length in (1, 41):
        bits = codecs.convertbits(bytes(length), 8, 5, True)
        assert bits is not None
        raw = codecs.bech32_encode("bc", [1, *bits], codecs.Encoding.BECH32M)
        assert validate_btc_segwit(raw) is None
    # Witness version above 16.
    bits32 = codecs.convertbits(bytes(32), 8, 5, True)
    assert bits32 is not None
    raw17 = codecs.bech32_encode("bc", [17, *bits32], codecs.Encoding.BECH32M)
    assert validate_btc_segwit(raw17) is None


# --------------------------------------------------------------------------- base58check


def test_b58_round_trip_and_leading_zeros() -> None:
    for data in (b"", b"\x00", b"\x00\x00\x01", bytes(range(25)), b"\xff" * 25):
        assert codecs.b58decode(codecs.b58encode(data)) == data
    assert codecs.b58decode("0OIl") is None
    assert codecs.b58decode("1A1zé") is None


def test_bitcoin_base58_known_addresses() -> None:
    for address, payload in section("bitcoin_base58")["vectors"]:
        assert codecs.b58check_decode(address) == bytes.fromhex(payload)
        assert codecs.b58check_encode(bytes.fromhex(payload)) == address
        assert validate_btc_base58(address) == Accepted(normalized=address)


def test_litecoin_base58_built_from_published_scripts() -> None:
    for address, script in section("litecoin")["vectors"]:
        version = 0x32 if is_p2sh(script) else 0x30
        built = codecs.b58check_encode(bytes([version]) + hash160_of_script(script))
        assert built == address
        assert validate_ltc_base58(address) == Accepted(normalized=address)
        assert validate_btc_base58(address) is None


def test_litecoin_legacy_p2sh_3_is_reported_once_as_btc() -> None:
    # The same 0x05 payload is Bitcoin P2SH and Litecoin's deprecated P2SH.
    address = "3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC"
    assert validate_ltc_base58(address) is None
    assert [f.type for f in extract(f"ltc: {address}")] == ["btc"]


def test_litecoin_segwit_built_from_bip350_programs() -> None:
    for version, program in LTC_PROGRAMS:
        address = codecs.segwit_encode("ltc", version, program)
        assert address is not None and address.startswith("ltc1")
        assert codecs.segwit_decode("ltc", address) == (version, program)
        assert validate_ltc_segwit(address) == Accepted(normalized=address)
        # The same program is not a Bitcoin address, and the Bitcoin one is not Litecoin's.
        assert validate_btc_segwit(address) is None
        btc = codecs.segwit_encode("bc", version, program)
        assert btc is not None and validate_ltc_segwit(btc) is None
    # Litecoin testnet is not extracted.
    testnet = codecs.segwit_encode("tltc", *LTC_PROGRAMS[0])
    assert testnet is not None and validate_any(testnet) == []


def test_dogecoin_built_from_published_scripts() -> None:
    for address, script in section("dogecoin")["vectors"]:
        version = 0x16 if is_p2sh(script) else 0x1E
        built = codecs.b58check_encode(bytes([version]) + hash160_of_script(script))
        assert built == address
        assert validate_doge(address) == Accepted(normalized=address)


def test_tron_published_addresses_and_hex_form() -> None:
    for address, hex_form in section("tron")["vectors"]:
        assert codecs.b58check_decode(address) == bytes.fromhex(hex_form)
        assert codecs.b58check_encode(bytes.fromhex(hex_form)) == address
        assert validate_trx(address) == Accepted(normalized=address)
    built = codecs.b58check_encode(b"\x41" + bytes(range(20)))
    assert built.startswith("T") and len(built) == 34
    assert validate_trx(built) is not None
    # Tron's checksum over another version byte is not Tron.
    assert validate_trx(codecs.b58check_encode(b"\x42" + bytes(range(20)))) is None


def test_versions_belong_to_their_type_only() -> None:
    h = bytes(range(1, 21))
    expect = {0x00: "btc", 0x05: "btc", 0x30: "ltc", 0x32: "ltc", 0x41: "trx",
              0x1E: "doge", 0x16: "doge"}
    for version in range(256):
        address = codecs.b58check_encode(bytes([version]) + h)
        types = [t for t, _v in validate_any(address)]
        assert types == ([expect[version]] if version in expect else []), (version, address)


# --------------------------------------------------------------------------- ethereum


def test_eip55_examples() -> None:
    eip = section("eip55")
    for address in eip["normal"]:
        assert validate_eth(address) == Accepted(normalized=address)
        assert "0x" + codecs.eip55(address[2:]) == address
        # Written all-lower or all-upper, it is accepted unchecked and normalized back.
        assert validate_eth(address.lower()) == Accepted(normalized=address, checked=False)
        upper = "0x" + address[2:].upper()
        assert validate_eth(upper) == Accepted(normalized=address, checked=False)
    for address in eip["all_caps"] + eip["all_lower"]:
        assert validate_eth(address) == Accepted(normalized=address, checked=False)


def test_eip55_case_flip_is_rejected() -> None:
    for address in section("eip55")["normal"]:
        for i, char in enumerate(address):
            if i < 2 or not char.isalpha():
                continue
            flipped = address[:i] + char.swapcase() + address[i + 1 :]
            assert validate_eth(flipped) is None, flipped


def test_eth_shape() -> None:
    body = "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert validate_eth("0X" + body) is None
    assert validate_eth(body) is None
    assert validate_eth("0x" + body[:-1]) is None
    assert validate_eth("0x" + body + "a") is None
    assert validate_eth("0x" + body[:-1] + "g") is None
    # No letters at all: nothing to check.
    assert validate_eth("0x" + "1" * 40) == Accepted(normalized="0x" + "1" * 40, checked=False)


# --------------------------------------------------------------------------- monero


def test_monero_base58_blocks() -> None:
    for hex_data, text in section("monero")["encode_block"]:
        assert codecs.xmr_b58encode(bytes.fromhex(hex_data)) == text
        assert codecs.xmr_b58decode(text) == bytes.fromhex(hex_data)
    assert codecs.xmr_b58decode("zzzzzzzzzzz") is None  # 11 characters above 2**64
    assert codecs.xmr_b58decode("5R") is None  # above 0xff in a one-byte block
    assert codecs.xmr_b58decode("1111") is None  # no byte count encodes to 4 characters


def test_monero_docs_standard_and_integrated_share_keys() -> None:
    xmr = section("monero")
    standard = codecs.xmr_b58decode(xmr["docs_standard"])
    integrated = codecs.xmr_b58decode(xmr["docs_integrated"])
    assert standard is not None and integrated is not None
    assert (standard[0], len(standard)) == (18, 69)
    assert (integrated[0], len(integrated)) == (19, 77)
    assert standard[1:65] == integrated[1:65]
    spend, view = standard[1:33], standard[33:65]
    # Re-encoding from the keys gives the published strings back.
    assert xmr_address(18, spend, view) == xmr["docs_standard"]
    assert xmr_address(19, spend, view, integrated[65:73]) == xmr["docs_integrated"]
    # The subaddress tag (42) over the same bytes: a well-formed 8... address.
    sub = xmr_address(42, spend, view)
    assert sub.startswith("8") and validate_xmr(sub) == Accepted(normalized=sub)


def test_monero_published_and_built_addresses() -> None:
    xmr = section("monero")
    for key in ("docs_standard", "docs_integrated", "donation_subaddress", "general_fund"):
        assert validate_xmr(xmr[key]) == Accepted(normalized=xmr[key]), key
    donation = codecs.xmr_b58decode(xmr["donation_subaddress"])
    assert donation is not None and donation[0] == 42
    for network, pid, length, first in ((18, b"", 95, "4"), (19, XMR_PAYMENT_ID, 106, "4"),
                                        (42, b"", 95, "8")):
        address = xmr_address(network, XMR_SPEND, XMR_VIEW, pid)
        assert (len(address), address[0]) == (length, first)
        assert validate_xmr(address) == Accepted(normalized=address)
        raw = codecs.xmr_b58decode(address)
        assert raw is not None and raw[1:33] == XMR_SPEND and raw[33:65] == XMR_VIEW


def test_monero_wrong_network_or_length() -> None:
    # Testnet (53) and stagenet (24) tags, a payment id under the standard tag, and an
    # integrated tag without one: valid checksums, not mainnet addresses.
    wrong = ((53, b""), (24, b""), (18, XMR_PAYMENT_ID), (19, b""), (42, XMR_PAYMENT_ID))
    for network, pid in wrong:
        address = xmr_address(network, XMR_SPEND, XMR_VIEW, pid)
        assert validate_xmr(address) is None, (network, pid)
    # A SHA3-256 checksum instead of Keccak-256 is wrong.
    body = bytes([18]) + XMR_SPEND + XMR_VIEW
    sha3 = codecs.xmr_b58encode(body + hashlib.sha3_256(body).digest()[:4])
    assert validate_xmr(sha3) is None


# --------------------------------------------------------------------------- bitcoin cash


def test_cashaddr_checksum_vectors() -> None:
    for text in section("cashaddr")["checksums"]:
        decoded = codecs.cashaddr_decode(text, "unused")
        assert decoded is not None, text
        prefix, values = decoded
        assert codecs.cashaddr_encode(prefix, values) == text.lower()
        assert codecs.cashaddr_decode(text.upper(), "unused") is not None
        # Checksum vectors have no valid payload: never a bch indicator.
        assert validate_bch(text) is None, text


def test_cashaddr_translation_table() -> None:
    for legacy, cash in section("cashaddr")["translation"]:
        payload = codecs.b58check_decode(legacy, size=21)
        assert payload is not None
        type_byte = 0x00 if payload[0] == 0x00 else 0x08
        values = codecs.convertbits(bytes([type_byte]) + payload[1:], 8, 5, True)
        assert values is not None
        assert codecs.cashaddr_encode("bitcoincash", values) == cash
        assert validate_bch(cash) == Accepted(normalized=cash)
        assert validate_bch(cash.split(":")[1]) == Accepted(normalized=cash)
        assert validate_bch(cash.upper()) == Accepted(normalized=cash)


def test_cashaddr_larger_vectors() -> None:
    for size, type_bits, cash, hash_hex in section("cashaddr")["larger"]:
        prefix = cash.split(":")[0]
        decoded = codecs.cashaddr_decode(cash, "unused")
        assert decoded is not None
        data = codecs.convertbits(decoded[1], 5, 8, False)
        assert data is not None
        assert data[0] >> 3 == type_bits and bytes(data[1:]) == bytes.fromhex(hash_hex)
        assert len(data) - 1 == size
        if prefix == "bitcoincash":
            assert validate_bch(cash) == Accepted(normalized=cash)
        else:  # bchtest / bchreg: not extracted
            assert validate_bch(cash) is None
            assert validate_bch(cash.split(":")[1]) is None


def test_cashaddr_version_byte_rules() -> None:
    h20 = bytes(range(20))

    def build(version: int, body: bytes) -> str:
        values = codecs.convertbits(bytes([version]) + body, 8, 5, True)
        assert values is not None
        return codecs.cashaddr_encode("bitcoincash", values)

    # Token-aware P2PKH / P2SH (CashTokens, type bits 2 and 3) are Bitcoin Cash addresses.
    assert build(0x10, h20)[12] == "z" and validate_bch(build(0x10, h20)) is not None
    assert build(0x18, h20)[12] == "r" and validate_bch(build(0x18, h20)) is not None
    assert validate_bch(build(0x80, h20)) is None  # reserved bit set
    assert validate_bch(build(0x20, h20)) is None  # type 4: undefined
    assert validate_bch(build(0x01, h20)) is None  # size bits say 24 bytes
    assert validate_bch(build(0x03, bytes(32))) is not None  # P2PKH-32
    assert validate_bch(build(0x0B, bytes(32))) is not None  # P2SH-32


def test_cashaddr_case_and_prefix() -> None:
    cash = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    assert validate_bch(cash[:20] + cash[20:].upper()) is None  # mixed case
    assert validate_bch("bitcoincash:" + cash[12:].upper()) is None  # mixed across prefix
    assert validate_bch("bchtest:" + cash[12:]) is None
    assert validate_bch("bitcoincash:bitcoincash:" + cash[12:]) is None  # double prefix


# --------------------------------------------------------------------------- one character changed

B58 = codecs.B58_ALPHABET
BECH = codecs.BECH32_CHARSET
LETTERS = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"


def _next(alphabet: str, char: str, step: int) -> str:
    return alphabet[(alphabet.index(char) + step) % len(alphabet)]


def one_char_changes(valid: Valid) -> Iterator[str]:
    """Each position of the address, changed to two other characters of its own kind.

    Base58 characters stay Base58; Bech32/CashAddr data characters stay in the charset
    and the address's case; hex stays hex of the same case (so a checksummed Ethereum
    address stays mixed-case). HRPs, prefixes and separators change too.
    """
    text = valid.text
    bech = valid.type == "bch" or text.lower().startswith(("bc1", "ltc1"))
    sep = (text.rfind(":") if valid.type == "bch" else text.rfind("1")) if bech else -1
    data_alphabet = BECH.upper() if text.isupper() else BECH
    for i, char in enumerate(text):
        for step in (1, 3):
            if valid.type == "eth":
                if i < 2:
                    continue
                alphabet = DIGITS if char.isdigit() else "abcdef" if char.islower() else "ABCDEF"
            elif bech and i > sep:
                alphabet = data_alphabet
            elif bech:  # HRP / prefix and separator
                alphabet = LETTERS.upper() if char.isupper() else LETTERS
                if not char.isalpha():
                    yield text[:i] + "x" + text[i + 1 :]
                    break
            else:
                alphabet = B58
            yield text[:i] + _next(alphabet, char, step) + text[i + 1 :]


def test_every_valid_vector_is_accepted() -> None:
    for valid in valid_vectors():
        results = validate_any(valid.text)
        assert results == [
            (valid.type, Accepted(normalized=valid.normalized, checked=valid.checked))
        ], valid


def test_every_valid_vector_with_one_character_changed_is_rejected() -> None:
    count = 0
    for valid in valid_vectors():
        if valid.type == "eth" and not valid.checked:
            continue  # all-lower/all-upper Ethereum has no checksum to break
        for changed in one_char_changes(valid):
            count += 1
            assert validate_any(changed) == [], (valid.text, changed)
    assert count > 5000


def test_expected_example_typos_are_rejected() -> None:
    typos = {
        "17ZH7h2qt27TaDZhRxqHj4XJ4hsKobLdjr": "17ZH7h2qt27TaDZhRwqHj4XJ4hsKobLdjr",
        "bc1q3dy8v2cmmslcq0x894ctshar7yhw34tu7qqxlg": "bc1q3dy8v2cmmslcq0x8y4ctshar7yhw34tu7qqxlg",
        "TJy65GkgWJHDPfSXkjfhXCWdT9KLYLJbWE": "TJy65GkgWHHDPfSXkjfhXCWdT9KLYLJbWE",
    }
    for typo, good in typos.items():
        assert validate_any(typo) == []
        assert len(validate_any(good)) == 1


# --------------------------------------------------------------------------- look-alikes

TX_HASHES = [
    # Bitcoin genesis coinbase txid, and an Ethereum transaction hash.
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
    "5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    "3326742e9f5ce38d90ea4d37b43eeebc077dcbe5bb98e956bc74fd8f5fd3fcdd",
]
BLOCK_HASHES = [
    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",  # Bitcoin genesis
    "00000000839a8e6886ab5951d76f411475428afc90947ee320161bbf18eb6048",  # block 1
    "d4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",  # Ethereum genesis
]
PGP_FINGERPRINTS = [
    "A490D0F4D311A4153E2BB7CADBB802B258ACD84F",  # Tails signing key
    "A490 D0F4 D311 A415 3E2B  B7CA DBB8 02B2 58AC D84F",
    "ef6e286dda85ea2a4ba7de684e2c6e8793298290",  # Tor Browser signing key, lower case
    "0xDBB802B258ACD84F",  # a long key id
]


def test_transaction_and_block_hashes_are_not_addresses() -> None:
    for digest in TX_HASHES + BLOCK_HASHES:
        for text in (digest, "0x" + digest, digest.upper(), "0x" + digest.upper(),
                     f"txid: {digest}", f"https://etherscan.io/tx/0x{digest}"):
            assert extract(text) == [], text
            assert validate_any(text) == []
        # Its first 40 hex digits after 0x are not taken out of the longer run.
        assert extract(f"0x{digest[:41]}") == []


def test_pgp_fingerprints_are_not_addresses() -> None:
    for fingerprint in PGP_FINGERPRINTS:
        for text in (fingerprint, f"Fingerprint: {fingerprint}", f"gpg --recv-keys {fingerprint}"):
            assert extract(text) == [], text


def test_random_base58_of_the_right_length_is_rejected() -> None:
    rng = random.Random(20240611)
    shapes = [("1", 33), ("1", 32), ("3", 33), ("L", 33), ("M", 33), ("T", 33), ("D", 33),
              ("A", 33), ("9", 33), ("4", 94), ("8", 94), ("4", 105)]
    for first, rest in shapes:
        for _ in range(300):
            text = first + "".join(rng.choice(B58) for _ in range(rest))
            assert extract(f"pay {text} now") == [], text


def test_random_bech32_and_cashaddr_of_the_right_length_is_rejected() -> None:
    rng = random.Random(7)
    for _ in range(300):
        for prefix, rest in (("bc1q", 38), ("bc1q", 58), ("bc1p", 58), ("ltc1q", 38),
                             ("bitcoincash:q", 41), ("q", 41), ("p", 41)):
            text = prefix + "".join(rng.choice(BECH) for _ in range(rest))
            assert extract(f"pay {text} now") == [], text


def test_random_mixed_case_eth_is_rejected() -> None:
    rng = random.Random(55)
    rejected = 0
    for _ in range(500):
        body = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(40))
        if body.lower() == body or body.upper() == body:
            continue
        rejected += validate_eth("0x" + body) is None
    assert rejected >= 499  # a random case pattern passes EIP-55 with odds 2**-letters


# --------------------------------------------------------------------------- patterns in text

TEMPLATES = [
    "{}",
    "send to {} now",
    "({})",
    "{}.",
    "bitcoin:{}?amount=1",
    "**{}**",
    "{} is the wallet",
    "pay to {}",
    "`{}`",
    '"{}",',
    "кошелёк: {}\nспасибо",
    "<b>{}</b>",
    "wallet:{}|",
    "https://mempool.space/address/{}",
    "[{}](https://example.org/pay)",
]


def test_each_valid_vector_is_found_in_text_with_its_span() -> None:
    for valid in valid_vectors():
        for template in TEMPLATES:
            text = template.format(valid.text)
            start = text.index(valid.text)
            found = extract(text)
            expected = Found(valid.type, start, start + len(valid.text),
                             Accepted(normalized=valid.normalized, checked=valid.checked))
            assert found == [expected], (template, valid.text, found)


def test_addresses_glued_to_words_are_not_matched() -> None:
    for valid in valid_vectors():
        if valid.text.lower().startswith("bitcoincash:"):
            continue
        for text in (f"x{valid.text}", f"{valid.text}x", f"{valid.text}_"):
            assert extract(text) == [], text


def test_two_addresses_in_one_text() -> None:
    btc = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    eth = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    text = f"BTC {btc} or ETH {eth}"
    assert [(f.type, text[f.start : f.end]) for f in extract(text)] == [("btc", btc), ("eth", eth)]


def test_patterns_use_only_portable_syntax() -> None:
    for pattern in PATTERNS:
        for construct in ("(?=", "(?!", "(?<=", "(?<!", "\\1", "(?P"):
            assert construct not in pattern.regex, (pattern.type, construct)
        assert pattern.regex.startswith("\\b") and pattern.regex.endswith("\\b")
        assert pattern.type in TYPES


def test_patterns_compile_in_hyperscan() -> None:
    hyperscan = pytest.importorskip("hyperscan")
    database = hyperscan.Database()
    flags = [hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
             | (hyperscan.HS_FLAG_CASELESS if p.caseless else 0) for p in PATTERNS]
    database.compile(expressions=[p.regex.encode() for p in PATTERNS],
                     ids=list(range(len(PATTERNS))), elements=len(PATTERNS), flags=flags)

    def on_match(pid: int, start: int, end: int, flags: int, hits: set[int]) -> None:
        hits.add(pid)

    for valid in valid_vectors():
        text = f"send to {valid.text} now"
        hits: set[int] = set()
        database.scan(text.encode(), match_event_handler=on_match, context=hits)
        types = {PATTERNS[i].type for i in hits}
        assert valid.type in types, (valid.text, types)


# --------------------------------------------------------------------------- the example export

EXAMPLE_TYPES = {"bitcoin": "btc", "ethereum": "eth", "monero": "xmr", "litecoin": "ltc",
                 "tron": "trx", "dogecoin": "doge", "bitcoin_cash": "bch"}


def test_example_expected_indicators() -> None:
    expected = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    seen = 0
    for item in expected["indicators"]:
        kind = EXAMPLE_TYPES.get(item["type"])
        values = [item["value"]] + [o["as_written"] for o in item["occurrences"]]
        for value in values:
            found = extract(f"оплата: {value} ")
            if kind is None:  # onions and cards: nothing crypto in them
                assert found == [], value
                continue
            seen += 1
            assert [(f.type, f.verdict.normalized) for f in found] == [(kind, item["value"])]
    for item in expected["invalid"]:
        assert extract(f"оплата: {item['value']} ") == [], item
        assert validate_any(item["value"]) == [], item
    assert seen > 20
