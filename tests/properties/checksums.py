"""Checksums written independently of ``bazaarwatch.indicators``, to re-validate what the
extractor reports (a validator that accepts a bad checksum would otherwise check itself).

Luhn (cards), ISO 13616 mod-97 (IBAN), Base58Check (SHA-256d), BIP-173/350 bech32 and
bech32m, and the onion v3 SHA3-256 checksum follow their specifications directly.
Ethereum's EIP-55 needs Keccak-256, which ``hashlib`` lacks: that one, Monero and
cashaddr are re-checked with the project's codecs.
"""

from __future__ import annotations

import base64
import hashlib

from bazaarwatch.indicators import codecs
from bazaarwatch.indicators.crypto import validate_bch, validate_xmr

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def luhn(digits: str) -> bool:
    if not digits.isascii() or not digits.isdigit() or len(digits) < 12:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_mod97(iban: str) -> bool:
    if not iban.isascii() or not iban.isalnum() or len(iban) < 5:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def base58check(address: str) -> bytes | None:
    """The payload (version byte first) of a valid Base58Check string, else None."""
    n = 0
    for ch in address:
        if ch not in _B58:
            return None
        n = n * 58 + _B58.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    raw = b"\0" * (len(address) - len(address.lstrip("1"))) + raw
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= generator[i] if (top >> i) & 1 else 0
    return chk


def bech32(address: str, hrp: str) -> bool:
    """BIP-173 (bech32) or BIP-350 (bech32m) checksum with human-readable part ``hrp``."""
    if address.lower() != address and address.upper() != address:
        return False
    address = address.lower()
    pos = address.rfind("1")
    if address[:pos] != hrp or len(address) - pos < 7:
        return False
    try:
        data = [_BECH32.index(c) for c in address[pos + 1:]]
    except ValueError:
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _polymod(expanded + data) in (1, 0x2BC830A3)


def onion_v3(address: str) -> bool:
    label = address.lower().removesuffix(".onion").rsplit(".", 1)[-1]
    if len(label) != 56:
        return False
    try:
        raw = base64.b32decode(label.upper())
    except ValueError:
        return False
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    digest = hashlib.sha3_256(b".onion checksum" + pubkey + version).digest()
    return version == b"\x03" and digest[:2] == checksum


def _base58_with(address: str, versions: set[int]) -> bool:
    payload = base58check(address)
    return payload is not None and len(payload) == 21 and payload[0] in versions


def checksum_ok(kind: str, normalized: str, checked: bool) -> bool | None:
    """Whether ``normalized`` passes its type's checksum; None for a type without one
    (or a value marked unchecked, which says it carries none)."""
    if kind == "card":
        return luhn(normalized)
    if kind == "iban":
        return iban_mod97(normalized)
    if kind == "btc":
        return _base58_with(normalized, {0x00, 0x05}) or bech32(normalized, "bc")
    if kind == "ltc":
        return _base58_with(normalized, {0x30, 0x32}) or bech32(normalized, "ltc")
    if kind == "doge":
        return _base58_with(normalized, {0x1E, 0x16})
    if kind == "trx":
        return _base58_with(normalized, {0x41})
    if kind == "onion":
        return onion_v3(normalized)
    if kind == "eth" and checked:
        body = normalized[2:]
        if body.lower() == body:
            return len(body) == 40  # no case checksum to carry: only the shape
        return codecs.eip55(body.lower()) == body
    if kind == "xmr":
        return validate_xmr(normalized) is not None
    if kind == "bch":
        return validate_bch(normalized) is not None
    return None
