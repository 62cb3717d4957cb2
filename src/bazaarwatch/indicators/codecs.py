"""Address encodings the cryptocurrency validators need, written from their specifications.

* Base58 and Base58Check (Bitcoin's alphabet; Bitcoin, Litecoin, Dogecoin and Tron
  addresses): the string is one big base-58 number, each leading ``1`` one leading zero
  byte; Base58Check appends the first 4 bytes of SHA-256(SHA-256(payload)).
* Monero's Base58 variant: the bytes are cut into 8-byte blocks, each written as exactly
  11 characters (the last, shorter block with fewer); the checksum is Keccak-256.
* Bech32 (BIP-173) and Bech32m (BIP-350), and the segwit address rules on top of them.
* CashAddr (Bitcoin Cash's address format, spec "cashaddr.md", 2017): the Bech32 alphabet
  with a 40-bit BCH-code checksum over the prefix and the payload.

Decoders take a candidate string and return the decoded parts, or None for anything
invalid; they never raise on bad input. Encoders exist for tests and for building
addresses from known payloads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from enum import Enum

# --------------------------------------------------------------------------- hashes


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum and Monero use it (the original padding, *not* SHA3-256).
    pycryptodome is imported on the first call: most texts never hold such an address."""
    from Crypto.Hash import keccak

    return bytes(keccak.new(digest_bits=256, data=data).digest())


def sha256d(data: bytes) -> bytes:
    """SHA-256 applied twice: Base58Check's checksum hash."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


# --------------------------------------------------------------------------- base58

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INVALID = 255
# bytes.translate table: an ASCII byte to its base-58 digit value, or 255.
_B58_TABLE = bytes(
    B58_ALPHABET.index(chr(i)) if chr(i) in B58_ALPHABET else _INVALID for i in range(256)
)


def _b58_digits(text: str) -> bytes | None:
    """The digit values of ``text``, or None when it has a character outside the alphabet."""
    if not text.isascii():
        return None
    digits = text.encode("ascii").translate(_B58_TABLE)
    if _INVALID in digits:
        return None
    return digits


def b58decode(text: str) -> bytes | None:
    """Decode Bitcoin-style Base58: one big number, leading ``1``\\ s as zero bytes.

    The digits are folded into a Python int and written out with ``int.to_bytes``: no
    per-byte carry loop. Returns None for characters outside the alphabet.
    """
    digits = _b58_digits(text)
    if digits is None:
        return None
    number = 0
    for digit in digits:
        number = number * 58 + digit
    zeros = len(digits) - len(digits.lstrip(b"\x00"))
    return b"\x00" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def b58encode(data: bytes) -> str:
    """Encode bytes as Bitcoin-style Base58 (the inverse of :func:`b58decode`)."""
    number = int.from_bytes(data, "big")
    out: list[str] = []
    while number:
        number, rem = divmod(number, 58)
        out.append(B58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\x00"))
    return "1" * zeros + "".join(reversed(out))


def b58check_decode(text: str, size: int | None = None) -> bytes | None:
    """Decode Base58Check and verify its 4-byte double-SHA-256 checksum.

    Returns the payload (version byte included, checksum removed), or None when the
    text is not Base58, the checksum is wrong, or the payload is not ``size`` bytes.
    """
    raw = b58decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if size is not None and len(payload) != size:
        return None
    if sha256d(payload)[:4] != checksum:
        return None
    return payload


def b58check_encode(payload: bytes) -> str:
    """Encode a payload (version byte first) as Base58Check."""
    return b58encode(payload + sha256d(payload)[:4])


# --------------------------------------------------------------------------- monero base58

_XMR_BLOCK = 8
_XMR_BLOCK_CHARS = 11
# Characters used to write a block of 0..8 bytes (Monero src/common/base58.cpp's table).
_XMR_ENCODED_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_XMR_DECODED_SIZES = {chars: size for size, chars in enumerate(_XMR_ENCODED_SIZES)}


def xmr_b58decode(text: str) -> bytes | None:
    """Decode Monero's Base58: 11-character blocks to 8 bytes each, the last block shorter.

    A block whose number does not fit its byte count, or a last block of a length no
    byte count encodes to, makes the whole string invalid (None).
    """
    digits = _b58_digits(text)
    if digits is None:
        return None
    last = len(digits) % _XMR_BLOCK_CHARS
    if last not in _XMR_DECODED_SIZES:
        return None
    out = bytearray()
    for start in range(0, len(digits), _XMR_BLOCK_CHARS):
        block = digits[start : start + _XMR_BLOCK_CHARS]
        size = _XMR_DECODED_SIZES[len(block)]
        number = 0
        for digit in block:
            number = number * 58 + digit
        if number >> (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def xmr_b58encode(data: bytes) -> str:
    """Encode bytes with Monero's block Base58 (the inverse of :func:`xmr_b58decode`)."""
    out: list[str] = []
    for start in range(0, len(data), _XMR_BLOCK):
        block = data[start : start + _XMR_BLOCK]
        number = int.from_bytes(block, "big")
        chars: list[str] = []
        for _ in range(_XMR_ENCODED_SIZES[len(block)]):
            number, rem = divmod(number, 58)
            chars.append(B58_ALPHABET[rem])
        out.append("".join(reversed(chars)))
    return "".join(out)


# --------------------------------------------------------------------------- bech32


class Encoding(Enum):
    """Bech32 checksum variants by the constant the polymod must leave (BIP-173, BIP-350)."""

    BECH32 = 1
    BECH32M = 0x2BC830A3


BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {char: value for value, char in enumerate(BECH32_CHARSET)}
_BECH32_GENERATORS = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _generator_table(generators: Sequence[int]) -> tuple[int, ...]:
    """For each 5-bit value, the XOR of the generators its set bits select."""
    table = []
    for top in range(32):
        acc = 0
        for bit, gen in enumerate(generators):
            if top >> bit & 1:
                acc ^= gen
        table.append(acc)
    return tuple(table)


_BECH32_TABLE = _generator_table(_BECH32_GENERATORS)


def bech32_polymod(values: Iterable[int]) -> int:
    """BIP-173's checksum: the remainder of the values as a polynomial over GF(32).

    The code is the BCH code of BIP-173 ("Checksum" section): a 30-bit state, shifted
    5 bits per value, reduced by the generator polynomial; the generator XORs for the 5
    bits that fall off the top are looked up in a 32-entry table.
    """
    chk = 1
    for value in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ value ^ _BECH32_TABLE[top]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    """BIP-173: the high bits of each HRP character, a zero, then the low 5 bits of each."""
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _mixed_case(text: str) -> bool:
    return text.lower() != text and text.upper() != text


def bech32_decode(text: str) -> tuple[str, list[int], Encoding] | None:
    """Decode a Bech32 or Bech32m string (BIP-173, BIP-350) and verify its checksum.

    Returns ``(hrp, data, encoding)`` with the HRP lower-cased and the data's 5-bit values
    without the 6-value checksum; None for: a character outside 33..126, mixed case, no
    ``1`` separator or an empty HRP, fewer than 6 checksum values, more than 90
    characters, a data character outside the charset, or a checksum that is neither
    Bech32's nor Bech32m's.
    """
    if not text or len(text) > 90 or any(ord(c) < 33 or ord(c) > 126 for c in text):
        return None
    if _mixed_case(text):
        return None
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        return None
    hrp = text[:pos]
    data: list[int] = []
    for char in text[pos + 1 :]:
        value = _BECH32_VALUES.get(char)
        if value is None:
            return None
        data.append(value)
    const = bech32_polymod(_hrp_expand(hrp) + data)
    if const == Encoding.BECH32.value:
        encoding = Encoding.BECH32
    elif const == Encoding.BECH32M.value:
        encoding = Encoding.BECH32M
    else:
        return None
    return hrp, data[:-6], encoding


def bech32_encode(hrp: str, data: Sequence[int], encoding: Encoding) -> str:
    """Encode an HRP and 5-bit values with a Bech32 or Bech32m checksum."""
    values = _hrp_expand(hrp) + list(data)
    polymod = bech32_polymod([*values, 0, 0, 0, 0, 0, 0]) ^ encoding.value
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[v] for v in [*data, *checksum])


def convertbits(data: Iterable[int], frombits: int, tobits: int, pad: bool) -> list[int] | None:
    """Regroup a sequence of ``frombits``-bit values into ``tobits``-bit values.

    With ``pad`` the last group is zero-filled; without it, leftover bits must be fewer
    than ``frombits`` and all zero (BIP-173's rule for decoding), else None.
    """
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    max_acc = (1 << (frombits + tobits - 1)) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = ((acc << frombits) | value) & max_acc
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """Decode a segwit address for ``hrp`` into ``(witness version, witness program)``.

    Rules (BIP-173 "Segwit address format", BIP-350): the HRP matches; a witness version
    0..16; a program of 2..40 bytes with at most 4 zero padding bits; version 0 only
    with a 20- or 32-byte program; version 0 with Bech32 and 1..16 with Bech32m.
    """
    decoded = bech32_decode(address)
    if decoded is None:
        return None
    got_hrp, data, encoding = decoded
    if got_hrp != hrp or not data:
        return None
    version = data[0]
    if version > 16:
        return None
    program = convertbits(data[1:], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if (encoding is Encoding.BECH32) != (version == 0):
        return None
    return version, bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str | None:
    """Encode a segwit address; None when the result would not decode (invalid input)."""
    encoding = Encoding.BECH32 if version == 0 else Encoding.BECH32M
    bits = convertbits(program, 8, 5, True)
    if bits is None:
        return None
    address = bech32_encode(hrp, [version, *bits], encoding)
    if segwit_decode(hrp, address) is None:
        return None
    return address


# --------------------------------------------------------------------------- cashaddr

_CASHADDR_GENERATORS = (0x98F2BC8E61, 0x79B76D99E2, 0xF33E5FB3C4, 0xAE2EABE2A8, 0x1E4F43E470)
_CASHADDR_TABLE = _generator_table(_CASHADDR_GENERATORS)


def cashaddr_polymod(values: Iterable[int]) -> int:
    """The CashAddr checksum (cashaddr.md, "Checksum"): a 40-bit BCH code over GF(32).

    Like Bech32's, with a 40-bit state: 5 bits shift in per value, the 5 that fall off
    the top (bits 35..39) select generators. A valid address leaves 0.
    """
    chk = 1
    for value in values:
        top = chk >> 35
        chk = ((chk & 0x07FFFFFFFF) << 5) ^ value ^ _CASHADDR_TABLE[top]
    return chk ^ 1


def _cashaddr_prefix_values(prefix: str) -> list[int]:
    """The lower 5 bits of each prefix character, then a zero for the separator."""
    return [ord(c) & 31 for c in prefix] + [0]


def cashaddr_decode(text: str, default_prefix: str) -> tuple[str, list[int]] | None:
    """Decode a CashAddr string and verify its checksum.

    ``text`` is ``prefix:payload`` or a bare payload (the prefix, part of the checksum,
    is then ``default_prefix``). Returns ``(prefix, values)``: the lower-cased prefix and
    the payload's 5-bit values without the 8-value checksum; None for mixed case, a
    character outside the charset, or a bad checksum.
    """
    if _mixed_case(text):
        return None
    text = text.lower()
    prefix, sep, payload = text.rpartition(":")
    if not sep:
        prefix = default_prefix
    if not prefix or len(payload) < 8:
        return None
    values: list[int] = []
    for char in payload:
        value = _BECH32_VALUES.get(char)
        if value is None:
            return None
        values.append(value)
    if cashaddr_polymod(_cashaddr_prefix_values(prefix) + values) != 0:
        return None
    return prefix, values[:-8]


def cashaddr_encode(prefix: str, values: Sequence[int]) -> str:
    """Encode 5-bit payload values under ``prefix`` with the CashAddr checksum."""
    polymod = cashaddr_polymod([*_cashaddr_prefix_values(prefix), *values, *[0] * 8])
    checksum = [(polymod >> 5 * (7 - i)) & 31 for i in range(8)]
    return prefix + ":" + "".join(BECH32_CHARSET[v] for v in [*values, *checksum])


# --------------------------------------------------------------------------- EIP-55


def eip55(hex40: str) -> str:
    """The EIP-55 mixed-case checksum form of 40 hex digits (without ``0x``).

    Each letter is upper-cased when the matching nibble of Keccak-256 of the lower-case
    hex text (as ASCII) is 8 or more.
    """
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "".join(
        c.upper() if c in "abcdef" and digest[i] in "89abcdef" else c for i, c in enumerate(lower)
    )
