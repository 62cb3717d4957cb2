"""Cryptocurrency addresses: candidate patterns and checksum validators.

Types and how each is confirmed (never by shape alone):

* ``btc``: Base58Check P2PKH (version 0x00, ``1...``) and P2SH (0x05, ``3...``), 21-byte
  payload and double-SHA-256 checksum; segwit ``bc1...`` per BIP-173 and BIP-350
  (Bech32 for witness version 0 with a 20- or 32-byte program, Bech32m for versions
  1..16 such as taproot ``bc1p...``; programs of 2..40 bytes; mixed case rejected).
  Normalized: Base58 as written, Bech32 lower-cased.
* ``eth``: ``0x`` and 40 hex digits. Mixed case must be the EIP-55 checksum (Keccak-256
  of the lower-case hex); all-lower or all-upper carries no checksum and is accepted
  with ``checked=False``. Normalized: the EIP-55 form. A 40-digit prefix of a longer
  hex run (a 64-digit transaction hash) is never a candidate; ``0X`` is not taken.
* ``xmr``: Monero standard (network byte 18, 95 characters, ``4...``), integrated (19,
  106 characters, ``4...``) and subaddress (42, 95 characters, ``8...``): Monero's
  block Base58, exact decoded length, first 4 bytes of Keccak-256 as checksum.
* ``ltc``: Base58Check versions 0x30 (``L...``) and 0x32 (``M...``); segwit ``ltc1...``
  with the same BIP-173/350 rules as Bitcoin.
* ``trx``: Tron, Base58Check version 0x41, 34 characters, ``T...``.
* ``doge``: Base58Check versions 0x1e (``D...``, P2PKH) and 0x16 (``9...``/``A...``, P2SH).
* ``bch``: CashAddr, with or without the ``bitcoincash:`` prefix (the checksum covers
  it either way); single case; version byte with the reserved bit clear, type 0..3
  (P2PKH, P2SH and their CashTokens-aware forms) and the hash size its size bits
  declare. Normalized: lower case with the ``bitcoincash:`` prefix.

Decisions where one string could be two things:

* ``3...`` Base58Check version 0x05 is both Bitcoin P2SH and Litecoin's legacy P2SH; it
  is reported once, as ``btc`` (the ``ltc`` pattern only looks at ``L``/``M``).
* Legacy Bitcoin Cash addresses (``1...``/``3...``) are the same strings as Bitcoin's
  and are reported as ``btc``; only CashAddr is ``bch``.
* Every EVM chain (BSC, Polygon, ...) uses Ethereum's format; all are ``eth``.
* ``0x`` with 40 upper-case hex digits is indistinguishable from a PGP v4 fingerprint
  written with a ``0x`` prefix; it is accepted as an unchecked ``eth``.

Not extracted: testnet, signet and regtest addresses (``tb1``/``bcrt1``, ``m``/``n``/``2``,
``tltc1``, ``bchtest:``, Monero testnet and stagenet), Litecoin MWEB (``ltcmweb1``),
Ethereum addresses without ``0x``, and Tron's hex form (``41...``).

Patterns are plain regexes that hyperscan, google-re2 and Python's ``re`` all accept:
no look-around, no back-references, ``\\b`` at both ends so a match cannot be a slice
of a longer word. They may over-match; the validators decide.
"""

from __future__ import annotations

from bazaarwatch.indicators.base import Accepted, Pattern
from bazaarwatch.indicators.codecs import (
    b58check_decode,
    cashaddr_decode,
    convertbits,
    eip55,
    keccak256,
    segwit_decode,
    xmr_b58decode,
)

_B58 = "1-9A-HJ-NP-Za-km-z"
_BECH32 = "02-9ac-hj-np-z"  # the Bech32 charset; with caseless, its upper case too
_BECH32_UPPER = "AC-HJ-NP-Z"  # its letters in upper case, for case-sensitive expressions

# --------------------------------------------------------------------------- base58check


def _base58check(candidate: str, versions: frozenset[int]) -> Accepted | None:
    """A 34-or-fewer character Base58Check address with a 20-byte hash and one of
    ``versions`` as its version byte."""
    if len(candidate) > 34:
        return None
    payload = b58check_decode(candidate, size=21)
    if payload is None or payload[0] not in versions:
        return None
    return Accepted(normalized=candidate)


_BTC_VERSIONS = frozenset({0x00, 0x05})
_LTC_VERSIONS = frozenset({0x30, 0x32})
_TRX_VERSIONS = frozenset({0x41})
_DOGE_VERSIONS = frozenset({0x1E, 0x16})


def validate_btc_base58(candidate: str) -> Accepted | None:
    """Bitcoin P2PKH (0x00) or P2SH (0x05) Base58Check."""
    return _base58check(candidate, _BTC_VERSIONS)


def validate_ltc_base58(candidate: str) -> Accepted | None:
    """Litecoin P2PKH (0x30, ``L``) or P2SH (0x32, ``M``); 0x05 is left to ``btc``."""
    return _base58check(candidate, _LTC_VERSIONS)


def validate_trx(candidate: str) -> Accepted | None:
    """Tron: Base58Check of 0x41 and a 20-byte account hash, 34 characters."""
    if len(candidate) != 34:
        return None
    return _base58check(candidate, _TRX_VERSIONS)


def validate_doge(candidate: str) -> Accepted | None:
    """Dogecoin P2PKH (0x1e, ``D``) or P2SH (0x16, ``9``/``A``)."""
    return _base58check(candidate, _DOGE_VERSIONS)


# --------------------------------------------------------------------------- segwit


def _segwit(candidate: str, hrp: str) -> Accepted | None:
    if segwit_decode(hrp, candidate) is None:
        return None
    return Accepted(normalized=candidate.lower())


def validate_btc_segwit(candidate: str) -> Accepted | None:
    """Bitcoin mainnet segwit (``bc1``), BIP-173 Bech32 / BIP-350 Bech32m."""
    return _segwit(candidate, "bc")


def validate_ltc_segwit(candidate: str) -> Accepted | None:
    """Litecoin mainnet segwit (``ltc1``), same rules as Bitcoin's."""
    return _segwit(candidate, "ltc")


# --------------------------------------------------------------------------- ethereum

_HEX = frozenset("0123456789abcdefABCDEF")
_LOWER_HEX_LETTERS = frozenset("abcdef")
_UPPER_HEX_LETTERS = frozenset("ABCDEF")


def validate_eth(candidate: str) -> Accepted | None:
    """``0x`` + 40 hex: EIP-55 verified when mixed case, else accepted unchecked."""
    if len(candidate) != 42 or not candidate.startswith("0x"):
        return None
    body = candidate[2:]
    if not _HEX.issuperset(body):
        return None
    checksummed = "0x" + eip55(body)
    letters = set(body)
    if letters & _LOWER_HEX_LETTERS and letters & _UPPER_HEX_LETTERS:
        if candidate != checksummed:
            return None
        return Accepted(normalized=checksummed)
    return Accepted(normalized=checksummed, checked=False)


# --------------------------------------------------------------------------- monero

# Network byte -> decoded length (network byte, keys, [payment id], checksum).
_XMR_LENGTHS = {18: 1 + 64 + 4, 19: 1 + 64 + 8 + 4, 42: 1 + 64 + 4}
_XMR_CHARS = {18: 95, 19: 106, 42: 95}


def validate_xmr(candidate: str) -> Accepted | None:
    """Monero mainnet standard (18), integrated (19) and subaddress (42) addresses."""
    if len(candidate) not in (95, 106):
        return None
    raw = xmr_b58decode(candidate)
    if raw is None or not raw:
        return None
    network = raw[0]  # a varint; every mainnet tag is below 0x80, so one byte
    if _XMR_LENGTHS.get(network) != len(raw) or _XMR_CHARS[network] != len(candidate):
        return None
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return Accepted(normalized=candidate)


# --------------------------------------------------------------------------- bitcoin cash

_CASHADDR_PREFIX = "bitcoincash"
# CashAddr size bits -> hash length in bytes.
_CASHADDR_HASH_BYTES = (20, 24, 28, 32, 40, 48, 56, 64)
# Type bits: 0 P2PKH, 1 P2SH, 2 and 3 their CashTokens "token-aware" forms.
_CASHADDR_TYPES = frozenset({0, 1, 2, 3})
_CASHADDR_MAX_CHARS = 112  # a 512-bit hash: (1 + 64) bytes in 5-bit groups, 8 of checksum


def validate_bch(candidate: str) -> Accepted | None:
    """Bitcoin Cash CashAddr, prefixed ``bitcoincash:`` or bare."""
    if len(candidate) > len(_CASHADDR_PREFIX) + 1 + _CASHADDR_MAX_CHARS:
        return None
    decoded = cashaddr_decode(candidate, _CASHADDR_PREFIX)
    if decoded is None:
        return None
    prefix, values = decoded
    if prefix != _CASHADDR_PREFIX:
        return None
    data = convertbits(values, 5, 8, False)
    if not data:
        return None
    version = data[0]
    if version & 0x80 or (version >> 3) not in _CASHADDR_TYPES:
        return None
    if len(data) - 1 != _CASHADDR_HASH_BYTES[version & 0x07]:
        return None
    payload = candidate.lower().rpartition(":")[2]
    return Accepted(normalized=f"{_CASHADDR_PREFIX}:{payload}")


# --------------------------------------------------------------------------- patterns

PATTERNS: list[Pattern] = [
    # P2PKH can be as short as 26 characters (leading zero bytes); P2SH is always 34.
    Pattern("btc", rf"\b[13][{_B58}]{{25,33}}\b", validate_btc_base58),
    Pattern("btc", rf"\bbc1[{_BECH32}]{{6,87}}\b", validate_btc_segwit, caseless=True),
    Pattern("eth", r"\b0x[0-9a-fA-F]{40}\b", validate_eth),
    Pattern("xmr", rf"\b[48][{_B58}]{{94}}(?:[{_B58}]{{11}})?\b", validate_xmr),
    Pattern("ltc", rf"\b[LM][{_B58}]{{33}}\b", validate_ltc_base58),
    Pattern("ltc", rf"\bltc1[{_BECH32}]{{6,86}}\b", validate_ltc_segwit, caseless=True),
    Pattern("trx", rf"\bT[{_B58}]{{33}}\b", validate_trx),
    Pattern("doge", rf"\b[9AD][{_B58}]{{33}}\b", validate_doge),
    # 42 characters for a 160-bit hash up to 112 for 512 bits; the upper bound is left to
    # the validator (hyperscan finds {41,111} "too large" in UTF-8 caseless mode). Hyperscan
    # looks only for the first 42 characters, both cases spelt out: every match holds them
    # after a word boundary (the prefix ends in ":"), and the full pattern in caseless mode
    # cost more than all the other patterns together.
    Pattern(
        "bch",
        rf"\b(?:bitcoincash:)?[qpzr][{_BECH32}]{{41,}}\b",
        validate_bch,
        caseless=True,
        prefilter=rf"\b[qpzrQPZR][{_BECH32}{_BECH32_UPPER}]{{41}}",
    ),
]
