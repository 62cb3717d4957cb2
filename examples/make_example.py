#!/usr/bin/env python3
"""Write the bundled sample Telegram Desktop export and the ground truth that goes with it.

Why this exists: bazaarwatch needs an input that anyone may read, commit and run. Real
marketplace exports are evidence about real people and cannot be shipped, so this script
writes a *fictional* full-account export instead, in exactly the shape Telegram Desktop's
"Export Telegram data" (JSON) writes it (``export_output_json.cpp``): chats and left chats,
string-or-list ``text`` with ``text_entities``, service messages, forwards, replies,
``via_bot``, inline buttons, reactions, media that was or was not downloaded, edits,
homoglyph/zero-width obfuscation and defanged links. The README's first command and the
tests run against it.

It also writes ``expected_indicators.json``: every wallet, onion address and card number in
the export, where it is, and the look-alikes that must be rejected. Every value is computed
here with the standard library (base58check, BIP-173/BIP-350 bech32/bech32m, Keccak-256 with
the original padding for EIP-55, SHA3-256 for onion v3 checksums, Luhn) from payloads derived
from fixed labels, so nothing is copied from anywhere and every checksum is real.

The output is deterministic: all "randomness" is SHA-256 of fixed labels, so running
``python examples/make_example.py`` again rewrites the same bytes. After writing, the script
reloads its output and checks it (structure, text/entity agreement, ids, dates, checksums,
completeness of the indicator list); it exits non-zero if anything is off.

Dates are written as UTC wall-clock time (the export was "made on a UTC machine"), so
``date`` and ``date_unixtime`` agree.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
EXPORT_DIR = HERE / "telegram_export"
RESULT = EXPORT_DIR / "result.json"
EXPECTED = HERE / "expected_indicators.json"

SKIPPED = "(File not included. Change data exporting settings to download.)"
ABOUT_TELEGRAM = (
    "Here is the data you requested. Remember: Telegram is ad free, it doesn't use your data "
    "for ad targeting and doesn't sell it to others. Telegram only keeps the information it "
    "needs to function as a secure and feature-rich cloud service.\n\nCheck out Settings > "
    "Privacy & Security on Telegram's mobile apps for the relevant settings."
)
ABOUT_CHATS = "This page lists all chats from this export and where to look for their data."
ABOUT_LEFT = (
    "This page lists all supergroups and channels from this export that you've left and "
    "where to look for their data."
)
FIRST_DAY = datetime(2024, 1, 1, tzinfo=UTC)
LAST_DAY = datetime(2024, 7, 1, tzinfo=UTC)

JsonObj = dict[str, Any]


# -- deterministic numbers ------------------------------------------------------------------


def seed_bytes(label: str, n: int = 32) -> bytes:
    """``n`` (<= 32) bytes that depend only on ``label``."""
    return hashlib.sha256(b"bazaarwatch-example:" + label.encode()).digest()[:n]


class Rng:
    """A number stream from SHA-256; unlike ``random``, its output is fixed forever."""

    def __init__(self, seed: str) -> None:
        self._seed = seed.encode()
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        digest = hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
        return int.from_bytes(digest[:8], "big")

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * (self._next() / 2**64)

    def randint(self, lo: int, hi: int) -> int:
        return lo + self._next() % (hi - lo + 1)

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self._next() % len(items)]


# -- checksummed identifiers ----------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def b58check(version: bytes, payload: bytes) -> str:
    raw = version + payload
    return b58encode(raw + sha256d(raw)[:4])


def b58check_ok(text: str) -> bool:
    if any(c not in B58 for c in text):
        return False
    raw = b58decode(text)
    return len(raw) > 4 and sha256d(raw[:-4])[:4] == raw[-4:]


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3


def _polymod(values: Iterable[int]) -> int:
    generators = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    check = 1
    for value in values:
        top = check >> 25
        check = ((check & 0x1FFFFFF) << 5) ^ value
        for i, gen in enumerate(generators):
            if (top >> i) & 1:
                check ^= gen
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _regroup(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc, bits, out, mask = 0, 0, [], (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & mask)
    if bits:
        out.append((acc << (tobits - bits)) & mask)
    return out


def segwit_address(hrp: str, version: int, program: bytes) -> str:
    """BIP-173 (v0, bech32) / BIP-350 (v1+, bech32m) address."""
    data = [version, *_regroup(program, 8, 5)]
    const = BECH32_CONST if version == 0 else BECH32M_CONST
    mod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ const
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def segwit_decode(address: str) -> tuple[int, bytes] | None:
    """(version, program) of a valid segwit address, else None."""
    addr = address.lower()
    hrp, sep, rest = addr.rpartition("1")
    if not sep or not hrp or len(rest) < 7 or any(c not in BECH32 for c in rest):
        return None
    data = [BECH32.index(c) for c in rest]
    const = _polymod(_hrp_expand(hrp) + data)
    version = data[0]
    if const != (BECH32_CONST if version == 0 else BECH32M_CONST):
        return None
    values = data[1:-6]
    acc, bits, program = 0, 0, bytearray()
    for value in values:
        acc = (acc << 5) | value
        bits += 5
        if bits >= 8:
            bits -= 8
            program.append((acc >> bits) & 0xFF)
    if bits >= 5 or (acc & ((1 << bits) - 1)):
        return None
    return version, bytes(program)


def _keccak_tables() -> tuple[list[int], list[int]]:
    """Round constants (from the rc LFSR) and rho offsets, as in the Keccak reference."""
    rotations = [0] * 25
    x, y = 1, 0
    for t in range(24):
        rotations[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    lfsr = 1
    bits = []
    for _ in range(255):
        bits.append(lfsr & 1)
        lfsr <<= 1
        if lfsr & 0x100:
            lfsr ^= 0x171
    round_constants = []
    for rnd in range(24):
        constant = 0
        for j in range(7):
            if bits[(j + 7 * rnd) % 255]:
                constant |= 1 << ((1 << j) - 1)
        round_constants.append(constant)
    return round_constants, rotations


_ROUND_CONSTANTS, _ROTATIONS = _keccak_tables()
_MASK64 = (1 << 64) - 1


def _rol(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK64 if shift else value


def _keccak_f(lanes: list[int]) -> None:
    for constant in _ROUND_CONSTANTS:
        columns = [lanes[x] ^ lanes[x + 5] ^ lanes[x + 10] ^ lanes[x + 15] ^ lanes[x + 20]
                   for x in range(5)]
        for x in range(5):
            d = columns[(x - 1) % 5] ^ _rol(columns[(x + 1) % 5], 1)
            for y in range(0, 25, 5):
                lanes[x + y] ^= d
        moved = [0] * 25
        for x in range(5):
            for y in range(5):
                moved[y + 5 * ((2 * x + 3 * y) % 5)] = _rol(lanes[x + 5 * y],
                                                            _ROTATIONS[x + 5 * y])
        for y in range(0, 25, 5):
            row = moved[y:y + 5]
            for x in range(5):
                lanes[x + y] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5] & _MASK64)
        lanes[0] ^= constant


def keccak256(data: bytes, *, pad: int = 0x01) -> bytes:
    """Keccak-256 as Ethereum uses it (pad 0x01); pad 0x06 gives FIPS-202 SHA3-256."""
    rate = 136
    padded = bytearray(data) + bytes([pad]) + bytes(-(len(data) + 1) % rate)
    padded[-1] |= 0x80
    lanes = [0] * 25
    for start in range(0, len(padded), rate):
        block = padded[start:start + rate]
        for i in range(rate // 8):
            lanes[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        _keccak_f(lanes)
    return b"".join(lane.to_bytes(8, "little") for lane in lanes[:4])


def eip55(address20: bytes) -> str:
    hexaddr = address20.hex()
    digest = keccak256(hexaddr.encode()).hex()
    return "0x" + "".join(c.upper() if int(h, 16) >= 8 else c
                          for c, h in zip(hexaddr, digest[:40], strict=True))


def eip55_ok(address: str) -> bool:
    body = address[2:]
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", address):
        return False
    return eip55(bytes.fromhex(body)) == address


def onion_v3(pubkey: bytes) -> str:
    """rend-spec-v3: base32(pubkey || checksum[:2] || 0x03) + ".onion"."""
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x03").digest()[:2]
    return base64.b32encode(pubkey + checksum + b"\x03").decode().lower() + ".onion"


def onion_ok(address: str) -> bool:
    label = address.removesuffix(".onion")
    if not re.fullmatch(r"[a-z2-7]{56}", label):
        return False
    raw = base64.b32decode(label.upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34:]
    expected = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x03").digest()[:2]
    return version == b"\x03" and checksum == expected


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit that makes it valid."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def self_test() -> None:
    """Known-answer tests from the specs, so a bug here cannot pass silently."""
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    for sample in (b"", b"abc", bytes(range(200))):
        assert keccak256(sample, pad=0x06) == hashlib.sha3_256(sample).digest()
    for vector in ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                   "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"):
        assert eip55_ok(vector), vector
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert segwit_address("bc", 0, program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    taproot = bytes.fromhex(
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
    assert segwit_address("bc", 1, taproot) == (
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    assert segwit_decode("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0") == (
        1, taproot)
    assert b58check(b"\0", bytes(20)) == "1111111111111111111114oLvT2"
    assert luhn_complete("411111111111111") == "4111111111111111"
    assert luhn_complete("555555555555444") == "5555555555554444"


# -- the indicators planted in the export ---------------------------------------------------


@dataclass
class Indicator:
    """One planted value; ``value`` is the canonical form a validator would return."""

    label: str
    type: str
    subtype: str
    value: str
    note: str = ""


def _make(label: str, kind: str, arg: str = "") -> Indicator:
    if kind == "p2pkh":
        return Indicator(label, "bitcoin", kind, b58check(b"\x00", seed_bytes(label, 20)))
    if kind == "p2sh":
        return Indicator(label, "bitcoin", kind, b58check(b"\x05", seed_bytes(label, 20)))
    if kind == "p2wpkh":
        return Indicator(label, "bitcoin", kind, segwit_address("bc", 0, seed_bytes(label, 20)))
    if kind == "p2wsh":
        return Indicator(label, "bitcoin", kind, segwit_address("bc", 0, seed_bytes(label, 32)))
    if kind == "p2tr":
        return Indicator(label, "bitcoin", kind, segwit_address("bc", 1, seed_bytes(label, 32)))
    if kind == "eip55":
        return Indicator(label, "ethereum", kind, eip55(seed_bytes(label, 20)))
    if kind == "tron":
        return Indicator(label, "tron", "base58check", b58check(b"\x41", seed_bytes(label, 20)))
    if kind == "onion":
        return Indicator(label, "onion", "v3", onion_v3(seed_bytes(label, 32)))
    if kind == "card":
        return Indicator(label, "bank_card", "luhn", luhn_complete(arg), "well-known test number")
    raise ValueError(kind)


VALID_SPECS = [
    ("btc_cardhouse", "p2wpkh", ""),
    ("btc_cardhouse_new", "p2tr", ""),
    ("trx_cardhouse", "tron", ""),
    ("onion_cardhouse", "onion", ""),
    ("btc_nightmarket_order", "p2wpkh", ""),
    ("btc_nightmarket_topup", "p2pkh", ""),
    ("btc_nightmarket_legacy", "p2sh", ""),
    ("trx_nightmarket", "tron", ""),
    ("onion_nightmarket", "onion", ""),
    ("eth_stresslab", "eip55", ""),
    ("trx_logsking", "tron", ""),
    ("onion_logsking", "onion", ""),
    ("btc_frost", "p2pkh", ""),
    ("trx_support", "tron", ""),
    ("eth_support", "eip55", ""),
    ("btc_docs", "p2wsh", ""),
    ("eth_docs", "eip55", ""),
    ("btc_cheats", "p2tr", ""),
    ("eth_friend", "eip55", ""),
    ("card_visa", "card", "411111111111111"),
    ("card_visa_stripe", "card", "424242424242424"),
    ("card_mastercard", "card", "555555555555444"),
    ("card_amex", "card", "37828224631000"),
    ("card_discover", "card", "601111111111111"),
]


def _swap_char(text: str, index: int, alphabet: str) -> str:
    """``text`` with the character at ``index`` replaced by the next one in ``alphabet``."""
    old = text[index]
    new = alphabet[(alphabet.index(old) + 1) % len(alphabet)]
    return text[:index] + new + text[index + 1:]


def make_indicators() -> tuple[dict[str, Indicator], dict[str, Indicator]]:
    valid = {label: _make(label, kind, arg) for label, kind, arg in VALID_SPECS}

    frost = valid["btc_frost"].value
    btc_typo = _swap_char(frost, 17, B58)
    assert not b58check_ok(btc_typo)
    order = valid["btc_nightmarket_order"].value
    bech_typo = _swap_char(order, 20, BECH32)
    assert segwit_decode(bech_typo) is None
    logs = valid["trx_logsking"].value
    trx_typo = _swap_char(logs, 9, B58)
    assert not b58check_ok(trx_typo)
    stress = valid["eth_stresslab"].value
    flip = next(i for i, c in enumerate(stress) if i > 2 and c.isalpha())
    eth_case = stress[:flip] + stress[flip].swapcase() + stress[flip + 1:]
    assert not eip55_ok(eth_case)
    onion = valid["onion_logsking"].value
    onion_typo = _swap_char(onion, 11, "abcdefghijklmnopqrstuvwxyz234567")
    assert not onion_ok(onion_typo)
    card_bad = "4111111111111112"
    assert not luhn_ok(card_bad)
    invalid = {
        "btc_frost_typo": Indicator("btc_frost_typo", "bitcoin", "p2pkh", btc_typo,
                                    "one character changed; base58check checksum fails"),
        "btc_order_typo": Indicator("btc_order_typo", "bitcoin", "p2wpkh", bech_typo,
                                    "one character changed; bech32 checksum fails"),
        "trx_logsking_typo": Indicator("trx_logsking_typo", "tron", "base58check", trx_typo,
                                       "one character changed; base58check checksum fails"),
        "eth_fake_case": Indicator("eth_fake_case", "ethereum", "eip55", eth_case,
                                   "one letter's case flipped; EIP-55 checksum fails"),
        "onion_typo": Indicator("onion_typo", "onion", "v3", onion_typo,
                                "one character changed; onion v3 checksum fails"),
        "card_luhn_fail": Indicator("card_luhn_fail", "bank_card", "luhn", card_bad,
                                    "last digit changed; Luhn check fails"),
        "tx_hash": Indicator("tx_hash", "hex64", "transaction_id",
                             hashlib.sha256(b"bazaarwatch-example:txid").hexdigest(),
                             "a 64-hex transaction id, not an address"),
    }
    return valid, invalid


def defang(onion: str, style: str = "[.]") -> str:
    return onion.replace(".onion", f"{style}onion")


def grouped(card: str) -> str:
    """A card number written in groups, as people type it (Amex 4-6-5, others 4-4-4-4)."""
    if len(card) == 15:
        return f"{card[:4]} {card[4:10]} {card[10:]}"
    return " ".join(card[i:i + 4] for i in range(0, len(card), 4))


# -- obfuscation as vendors do it ------------------------------------------------------------

_CYR = "аеорсхуАВЕКМНОРСТХ"
_LAT = "aeopcxyABEKMHOPCTX"
_CYR_TO_LAT = str.maketrans(_CYR, _LAT)
_LAT_TO_CYR = str.maketrans(_LAT, _CYR)


def _mix(text: str, table: dict[int, int], every: int) -> str:
    out, seen = [], 0
    for char in text:
        swapped = char.translate(table)
        if swapped != char:
            seen += 1
            if seen % every == 0:
                char = swapped
        out.append(char)
    return "".join(out)


def latinize(text: str, every: int = 1) -> str:
    """Cyrillic text with look-alike Latin letters swapped in ("Пpoдaм")."""
    return _mix(text, _CYR_TO_LAT, every)


def cyrillize(text: str, every: int = 1) -> str:
    """Latin text with look-alike Cyrillic letters swapped in ("Frеsh")."""
    return _mix(text, _LAT_TO_CYR, every)


def zw(word: str, joiner: str = "\u200b") -> str:
    """A word with an invisible character between its letters."""
    return joiner.join(word)


def spaced(word: str) -> str:
    return " ".join(word)


# -- text and entities -----------------------------------------------------------------------
# Messages are written with a small markup: {b:bold} {i:..} {u:..} {s:..} {c:code}
# {sp:spoiler} {bq:quote} {pre:code=>language} {a:text=>href} {mn:Name=>user_id}.
# Links, @mentions, #hashtags, $CASHTAGS, /commands, emails, phones and Luhn-valid card
# numbers in the remaining plain text become entities the way Telegram's parser marks them.

_MARKUP = re.compile(r"\{(b|i|u|s|c|sp|bq|pre|a|mn):(.*?)\}", re.DOTALL)
_MARKUP_TYPES = {"b": "bold", "i": "italic", "u": "underline", "s": "strikethrough",
                 "c": "code", "sp": "spoiler", "bq": "blockquote", "pre": "pre",
                 "a": "text_link", "mn": "mention_name"}
_AUTO = re.compile(
    r"(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<link>https?://\S+|(?<![\w.])t\.me/[\w+/?=-]+)"
    r"|(?P<bank_card>(?<!\d)\d{4} \d{4} \d{4} \d{4}(?!\d))"
    r"|(?P<phone>\+\d[\d ]{8,15}\d)"
    r"|(?P<cashtag>(?<!\w)\$[A-Z]{3,8}(?!\w))"
    r"|(?P<hashtag>(?<![\w#])#\w*[^\W\d_]\w*)"
    r"|(?P<mention>(?<![\w@])@\w{4,32})"
    r"|(?P<bot_command>(?<![\w/])/[a-z]\w*(?:@\w+[Bb]ot)?(?![\w/]))"
)


@dataclass(frozen=True)
class Part:
    type: str
    text: str
    extra: str = ""


def _auto_parts(text: str, out: list[Part]) -> None:
    pos = 0
    for match in _AUTO.finditer(text):
        kind = match.lastgroup or "plain"
        start, end = match.span()
        if kind == "link":
            while text[end - 1] in ".,;:!?)»":
                end -= 1
        if kind == "bank_card" and not luhn_ok(match.group().replace(" ", "")):
            continue
        out.append(Part("plain", text[pos:start]))
        out.append(Part(kind, text[start:end]))
        pos = end
    out.append(Part("plain", text[pos:]))


def parse_text(source: str) -> list[Part]:
    raw: list[Part] = []
    pos = 0
    for match in _MARKUP.finditer(source):
        _auto_parts(source[pos:match.start()], raw)
        kind, body = _MARKUP_TYPES[match.group(1)], match.group(2)
        extra = ""
        if kind in ("text_link", "mention_name", "pre"):
            body, _, extra = body.partition("=>")
        raw.append(Part(kind, body, extra))
        pos = match.end()
    _auto_parts(source[pos:], raw)
    parts: list[Part] = []
    for part in raw:
        if not part.text:
            continue
        if parts and part.type == "plain" and parts[-1].type == "plain":
            parts[-1] = Part("plain", parts[-1].text + part.text)
        else:
            parts.append(part)
    return parts


def _entity(part: Part) -> JsonObj:
    obj: JsonObj = {"type": part.type, "text": part.text}
    if part.type == "mention_name":
        obj["user_id"] = int(part.extra)
    elif part.type == "text_link":
        obj["href"] = part.extra
    elif part.type == "pre":
        obj["language"] = part.extra
    return obj


def text_fields(source: str) -> tuple[str | list[str | JsonObj], list[JsonObj]]:
    """``text`` and ``text_entities`` exactly as tdesktop's SerializeText writes them."""
    parts = parse_text(source)
    entities = [_entity(p) for p in parts]
    if not parts:
        return "", []
    if len(parts) == 1 and parts[0].type == "plain":
        return parts[0].text, entities
    return [p.text if p.type == "plain" else _entity(p) for p in parts], entities


# -- peers, media, buttons -------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    name: str | None
    id: int
    kind: str = "user"  # user | channel | chat: the prefix of from_id
    username: str = ""

    @property
    def ref(self) -> str:
        return f"{self.kind}{self.id}"


@dataclass(frozen=True)
class Photo:
    width: int
    height: int
    size: int
    skipped: bool = False
    spoiler: bool = False


@dataclass(frozen=True)
class Doc:
    media_type: str  # "" for a plain file, else tdesktop's media_type
    mime: str
    size: int
    file_name: str = ""
    duration: int = 0
    width: int = 0
    height: int = 0
    thumb: tuple[int, int, int] | None = None  # width, height, bytes
    sticker_emoji: str = ""
    performer: str = ""
    title: str = ""
    skipped: bool = False


@dataclass(frozen=True)
class Poll:
    question: str
    answers: tuple[tuple[str, int], ...]
    closed: bool = True


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Contact:
    first_name: str
    last_name: str
    phone_number: str


Media = Photo | Doc | Poll | Location | Contact


def cb(text: str, data: str) -> JsonObj:
    """A callback button: tdesktop writes its payload base64url-encoded in ``dataBase64``."""
    encoded = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
    return {"type": "callback", "text": text, "dataBase64": encoded, "data": ""}


def url(text: str, href: str) -> JsonObj:
    return {"type": "url", "text": text, "data": href}


def webapp(text: str, href: str) -> JsonObj:
    return {"type": "web_view", "text": text, "data": href}


# -- one chat --------------------------------------------------------------------------------


def _parse_at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class ChatWriter:
    """Appends messages to one chat with realistic ids and timing.

    ``after`` is a gap like "4s", "7m", "3h" or "2d" (jittered by +-40%); a gap in minutes or
    more never lands in the chat's quiet hours (people sleep; bots answer at once).
    """

    name: str | None
    type: str
    id: int
    start: str
    first_id: int
    default_after: str = "1h"
    quiet: tuple[int, int] = (2, 8)
    id_gaps: bool = False
    messages: list[JsonObj] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = Rng(f"chat:{self.id}")
        self.now = _parse_at(self.start)
        self.next_id = self.first_id
        self.counters: dict[str, int] = {}
        self.fresh = True

    def _advance(self, after: str | None, at: str | None) -> datetime:
        if self.fresh:
            self.fresh = False
            if at is None and after is None:
                return self.now
        if at is not None:
            moment = _parse_at(at) + timedelta(seconds=self.rng.randint(0, 59))
            if moment <= self.now:
                raise ValueError(f"{self.name}: {at} is not after {_stamp(self.now)}")
            self.now = moment
            return moment
        spec = after or self.default_after
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}[spec[-1]]
        seconds = max(1, round(float(spec[:-1]) * unit * self.rng.uniform(0.6, 1.4)))
        self.now += timedelta(seconds=seconds)
        low, high = self.quiet
        if unit > 1 and low <= self.now.hour < high:
            self.now = self.now.replace(hour=high, minute=0, second=self.rng.randint(0, 59))
            self.now += timedelta(minutes=self.rng.randint(0, 150))
        return self.now

    def _new_id(self) -> int:
        msg_id = self.next_id
        step = 1
        if self.id_gaps and self.rng.randint(1, 100) > 85:
            step = self.rng.randint(2, 4)
        elif not self.id_gaps:
            step = self.rng.randint(1, 3)
        self.next_id += step
        return msg_id

    def _head(self, kind: str, after: str | None, at: str | None,
              edited: str | None) -> JsonObj:
        moment = self._advance(after, at)
        obj: JsonObj = {"id": self._new_id(), "type": kind, "date": _stamp(moment),
                        "date_unixtime": str(int(moment.timestamp()))}
        if edited:
            unit = {"m": 60, "h": 3600, "d": 86400}[edited[-1]]
            later = moment + timedelta(seconds=round(float(edited[:-1]) * unit
                                                     * self.rng.uniform(0.8, 1.2)))
            obj["edited"] = _stamp(later)
            obj["edited_unixtime"] = str(int(later.timestamp()))
        return obj

    def _count(self, folder: str) -> int:
        self.counters[folder] = self.counters.get(folder, 0) + 1
        return self.counters[folder]

    def _media(self, obj: JsonObj, media: Media) -> None:
        when = datetime.fromtimestamp(int(obj["date_unixtime"]), UTC).strftime(
            "%d-%m-%Y_%H-%M-%S")
        if isinstance(media, Photo):
            number = self._count("photos")
            obj["photo"] = SKIPPED if media.skipped else f"photos/photo_{number}@{when}.jpg"
            obj["photo_file_size"] = media.size
            obj["width"] = media.width
            obj["height"] = media.height
            if media.spoiler:
                obj["media_spoiler"] = True
        elif isinstance(media, Doc):
            self._document(obj, media, when)
        elif isinstance(media, Poll):
            obj["poll"] = {
                "question": media.question, "closed": media.closed,
                "total_voters": sum(v for _, v in media.answers),
                "answers": [{"text": t, "voters": v, "chosen": False}
                            for t, v in media.answers]}
        elif isinstance(media, Location):
            obj["location_information"] = {"latitude": media.latitude,
                                           "longitude": media.longitude}
        else:
            obj["contact_information"] = {"first_name": media.first_name,
                                          "last_name": media.last_name,
                                          "phone_number": media.phone_number}

    def _document(self, obj: JsonObj, doc: Doc, when: str) -> None:
        kind = doc.media_type
        if kind == "voice_message":
            path = f"voice_messages/audio_{self._count('voice')}@{when}.ogg"
        elif kind == "video_message":
            path = f"round_video_messages/file_{self._count('round')}@{when}.mp4"
        elif kind == "sticker":
            number = self._count("stickers")
            path = "stickers/sticker.webp" if number == 1 else f"stickers/sticker ({number}).webp"
        elif kind in ("video_file", "animation"):
            path = f"video_files/{doc.file_name}"
        else:
            path = f"files/{doc.file_name}"
        obj["file"] = SKIPPED if doc.skipped else path
        if doc.file_name:
            obj["file_name"] = doc.file_name
        obj["file_size"] = doc.size
        if doc.thumb:
            obj["thumbnail"] = f"{path}_thumb.jpg"
            obj["thumbnail_file_size"] = doc.thumb[2]
        if kind:
            obj["media_type"] = kind
        if doc.sticker_emoji:
            obj["sticker_emoji"] = doc.sticker_emoji
        if doc.performer:
            obj["performer"] = doc.performer
        if doc.title:
            obj["title"] = doc.title
        obj["mime_type"] = doc.mime
        if doc.duration:
            obj["duration_seconds"] = doc.duration
        if doc.width and doc.height:
            obj["width"] = doc.width
            obj["height"] = doc.height

    def _known(self, msg_id: int) -> None:
        if not any(m["id"] == msg_id for m in self.messages):
            raise ValueError(f"{self.name}: no message {msg_id} to refer to")

    def msg(self, sender: Peer, text: str = "", *, after: str | None = None,
            at: str | None = None, edited: str | None = None, author: str = "",
            fwd: str = "", saved_from: str = "", reply: int = 0, via: str = "",
            media: Media | None = None, buttons: list[list[JsonObj]] | None = None,
            reactions: Sequence[tuple[Any, ...]] = ()) -> int:
        obj = self._head("message", after, at, edited)
        obj["from"] = sender.name
        obj["from_id"] = sender.ref
        if author:
            obj["author"] = author
        if fwd:
            obj["forwarded_from"] = fwd
        if saved_from:
            obj["saved_from"] = saved_from
        if reply:
            self._known(reply)
            obj["reply_to_message_id"] = reply
        if via:
            obj["via_bot"] = via
        if media is not None:
            self._media(obj, media)
        obj["text"], obj["text_entities"] = text_fields(text)
        if buttons:
            obj["inline_bot_buttons"] = buttons
        if reactions:
            obj["reactions"] = [self._reaction(r, obj) for r in reactions]
        self.messages.append(obj)
        return int(obj["id"])

    def _reaction(self, spec: tuple[Any, ...], obj: JsonObj) -> JsonObj:
        emoji, count = spec[0], spec[1]
        if emoji == "paid":
            return {"type": "paid", "count": count}
        out: JsonObj = {"type": "emoji", "count": count, "emoji": emoji}
        if len(spec) > 2:
            base = int(obj["date_unixtime"])
            out["recent"] = [
                {"from": p.name, "from_id": p.ref,
                 "date": _stamp(datetime.fromtimestamp(base + 60 * (i + 1)
                                                       + self.rng.randint(0, 900), UTC))}
                for i, p in enumerate(spec[2])]
        return out

    def service(self, actor: Peer, action: str, *, after: str | None = None,
                at: str | None = None, **fields: Any) -> int:
        obj = self._head("service", after, at, None)
        obj["actor"] = actor.name
        obj["actor_id"] = actor.ref
        obj["action"] = action
        for key, value in fields.items():
            if key == "message_id":
                self._known(value)
            if key == "media":
                self._media(obj, value)
            elif key == "members":
                obj[key] = [p.name for p in value]
            elif key == "inviter":
                obj[key] = value.name
            else:
                obj[key] = value
        obj["text"], obj["text_entities"] = "", []
        self.messages.append(obj)
        return int(obj["id"])

    def as_json(self) -> JsonObj:
        out: JsonObj = {}
        if self.type != "saved_messages":
            out["name"] = self.name
        out["type"] = self.type
        out["id"] = self.id
        out["messages"] = self.messages
        return out


# -- the cast ----------------------------------------------------------------------------------
# Every name, handle, id and link below is invented. Clearnet links use reserved names
# (example.com/.org, *.example); phone numbers use ranges set aside for fiction.

ME = Peer("Alex Demo", 6702113845, username="alex_demo_sample")
CARDHOUSE = Peer("CardHouse ✦ CVV & Gift Cards", 2041873659, "channel", "cardhouse_cvv")
SUPPORT = Peer("CardHouse Support", 6219034477, username="cardhouse_support")
BOT = Peer("Night Market", 6843201957, username="NightMarketShopBot")
BARAHOLKA = Peer("Барахолка 24/7 ✦ Vendors & Buyers", 1876302954, "channel")
MOD = Peer("Moderator | Барахолка", 5930127846, username="baraholka_mod")
DOCMASTER = Peer("Doc Master 🪪", 6120458391, username="docmaster_pro")
STRESSLAB = Peer("StressLab", 6071239584, username="stresslab_ddos")
LOGSKING = Peer("LogsKing 👑", 5877410263, username="logsking_cloud")
FROST = Peer("Mr. Frost ❄️", 6301947752, username="frost_delivery")
GHOST = Peer("Ghost", 6488120934)
MAX = Peer("Max", 5721093366, username="max_ttt")
OLEG = Peer("Олег Б.", 5409912873)
KIRA = Peer("kira_22", 6598301145, username="kira_22x")
SOFTKEYS = Peer("SoftKeys", 6240019387, username="softkeys_store")
SMM = Peer("SMM Boost 🚀", 6377102254, username="smmboost_panel")
DELETED = Peer(None, 5012345678)
NEWS = Peer("Riverside Daily", 1632047719, "channel", "riverside_daily_news")
COUNCIL = "Riverside City Council"
FRIENDS_ID = 912384756
MASHA = Peer("Маша Петрова", 5544120987)
DIMA = Peer("Dima K", 5190876543, username="dimak")
LENA = Peer("Лена", 5387001234)
TOM = Peer("Tom Harris", 5622098871, username="tomh_ldn")
DOCS = Peer("Docs Factory 🪪 Документы", 1790413385, "channel")
CHEATS = Peer("GameCheats Hub | Читы", 1558203947, "channel", "gamecheats_hub")
AIMGOD = Peer("AimGod", 6150983320, username="aimgod_cheats")
SPOOFER = Peer("HWID Fix", 6033218876, username="hwidfix")
SNIPER = Peer("xXsniperXx", 6701123987)
ARTEM = Peer("Артём", 6702290015)

INVITE_BARAHOLKA = "https://t.me/+Qw7rZk2LpXaYb4Nq"


def B(s: str) -> str:
    return "{b:" + s + "}"


def I(s: str) -> str:  # noqa: E743
    return "{i:" + s + "}"


def C(s: str) -> str:
    return "{c:" + s + "}"


def U(s: str) -> str:
    return "{u:" + s + "}"


def S(s: str) -> str:
    return "{s:" + s + "}"


def SP(s: str) -> str:
    return "{sp:" + s + "}"


def BQ(s: str) -> str:
    return "{bq:" + s + "}"


def A(text: str, href: str) -> str:
    return "{a:" + text + "=>" + href + "}"


def MN(peer: Peer) -> str:
    return "{mn:" + (peer.name or "") + "=>" + str(peer.id) + "}"


def PRE(s: str, language: str = "") -> str:
    return "{pre:" + s + "=>" + language + "}"


def fill(template: str, values: dict[str, str]) -> str:
    """``template`` with each ``<name>`` replaced (braces are taken by the markup)."""
    return re.sub(r"<(\w+)>", lambda m: values[m.group(1)], template)


def gift_code(label: str) -> str:
    raw = base64.b32encode(seed_bytes(label, 10)).decode().replace("=", "")
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:15]}"


FLAGS = [("🇺🇸", "US"), ("🇬🇧", "UK"), ("🇩🇪", "DE"), ("🇫🇷", "FR"), ("🇨🇦", "CA"),
         ("🇦🇺", "AU"), ("🇮🇹", "IT"), ("🇪🇸", "ES")]


# -- 1. a carding / gift-card shop channel ---------------------------------------------------


def build_cardhouse(v: dict[str, Indicator], bad: dict[str, Indicator]) -> ChatWriter:
    ch = CARDHOUSE
    w = ChatWriter(ch.name, "public_channel", ch.id, "2024-01-09 12:14", first_id=1,
                   default_after="2d", quiet=(1, 9), id_gaps=True)
    rng = Rng("cardhouse-posts")
    btc, trx = v["btc_cardhouse"].value, v["trx_cardhouse"].value
    onion = v["onion_cardhouse"].value

    w.service(ch, "create_channel", title="CardHouse")
    welcome = w.msg(
        ch, f"{B('👋 Welcome to CardHouse')} — premium {B('CVV')}, {B('fullz')} and "
        f"{B('gift cards')} since 2019.\n\n✅ Fresh bases every week\n✅ Valid rate 85%+\n"
        "✅ Replace within 30 min if dead\n\n📩 Support: @cardhouse_support\n"
        "⭐ Reviews: t.me/cardhouse_reviews\n🛒 Bot: @NightMarketShopBot\n\n"
        "#cvv #giftcards #fullz", after="25m", author="admin K",
        buttons=[[url("🛒 Open shop", "https://t.me/NightMarketShopBot?start=cardhouse")],
                 [url("⭐ Reviews", "https://t.me/cardhouse_reviews")]],
        reactions=[("🔥", 23), ("👍", 9)])
    w.service(ch, "pin_message", after="2m", message_id=welcome)
    w.msg(ch, latinize("Привет всем! Продаём свежие карты США и Европы, ", 2)
          + "гифт-карты Amazon и Steam " + latinize("со скидкой 50%. Пишите в поддержку: ")
          + "@cardhouse_support", after="3h", reactions=[("👍", 14)])
    price = w.msg(
        ch, f"{B('💳 PRICE LIST — January')}\n\n🇺🇸 US CVV (Visa/MC) — 12$\n"
        "🇺🇸 US CVV + DOB/SSN (fullz) — 35$\n🇬🇧 UK CVV — 18$\n🇪🇺 EU CVV (DE/FR/IT) — 20$\n"
        f"🇨🇦 CA CVV — 15$\n\n{B('🎁 Gift cards (50% off face value)')}\nAmazon 100$ — 50$\n"
        "Steam 50$ — 25$\nApple 100$ — 55$\n\nPayment: $BTC / $USDT (TRC20) only\n"
        f"BTC: {C(btc)}\nUSDT TRC20: {C(trx)}\n\nMin order 50$. No refunds after check.",
        after="1d", edited="3h", author="admin K", reactions=[("🔥", 41), ("👍", 17)])
    w.service(ch, "pin_message", after="1m", message_id=price)
    w.service(ch, "edit_group_title", after="5h", title=ch.name)
    w.msg(ch, "Got 10 US cards, 9 valid 🔥 replaced the dead one in 10 min. Legit shop 💯",
          after="1d", fwd="CardHouse Reviews ✅", media=Photo(591, 1280, 61440, skipped=True))
    w.msg(ch, f"{B('🆓 Free sample for new subscribers')} — check it yourself, no payment:\n"
          f"{grouped(v['card_visa'].value)} | 08/27 | {SP('331')}\n"
          "Name: J. Sample, Springfield\n\nMore like this in the bot 👉 @NightMarketShopBot",
          after="2d", reactions=[("❤", 31), ("🔥", 12)])
    w.msg(ch, f"🎁 {B(zw('Amazon'))} / {B(zw('Steam'))} / {B(zw('Apple'))} gift cards\n"
          "50% of face value, instant delivery, bulk from 10 pcs.\n"
          "DM @cardhouse_support #giftcards", after="2d")
    w.msg(ch, f"🧅 Our Tor mirror: {defang(onion)}\nIf Telegram bans the channel — "
          "find us there. Save it!", after="1d", edited="20m")
    w.msg(ch, "", after="2d", media=Poll("Which base do you want next?",
                                          (("🇺🇸 US fullz", 214), ("🇬🇧 UK", 98),
                                           ("🇪🇺 EU", 131), ("🇨🇦 CA", 40))))
    w.msg(ch, "📸 New price list in the picture. Questions → @cardhouse_support",
          after="2d", media=Photo(1280, 1706, 188920))
    w.msg(ch, "", after="3m", media=Doc("", "application/pdf", 184320,
                                       file_name="price_list_feb.pdf"))

    months = ["February", "March", "April", "May", "June"]
    month_starts = ["2024-02-01 11:05", "2024-03-01 12:20", "2024-04-01 10:40",
                    "2024-05-02 13:10", "2024-06-01 12:00"]
    for month, start in zip(months, month_starts, strict=True):
        btc_now = v["btc_cardhouse_new"].value if month in ("May", "June") else btc
        if month == "May":
            w.msg(ch, f"⚠️ {B('NEW BTC WALLET')} ⚠️\nThe old one is closed — don't send there!"
                  f"\n\nBTC: {C(btc_now)}\nUSDT TRC20 stays the same: {C(trx)}",
                  at="2024-04-29 18:30", author="admin K", edited="10m",
                  reactions=[("👍", 22), ("😱", 3)])
        us = rng.randint(10, 14)
        listing = w.msg(
            ch, f"{B('💳 PRICE LIST — ' + month)}\n\n🇺🇸 US CVV — {us}$\n"
            f"🇺🇸 US fullz (DOB/SSN/MMN) — {us + 23}$\n🇬🇧 UK CVV — {us + 6}$\n"
            f"🇪🇺 EU CVV — {us + 8}$ {S(str(us + 10) + '$')}\n\n{B('🎁 Gift cards')}\n"
            f"Amazon 100$ — {rng.randint(45, 52)}$\n"
            f"Steam 50$ — {rng.randint(21, 26)}$\n\nBTC: {C(btc_now)}\nUSDT TRC20: {C(trx)}"
            "\n#pricelist", at=start, author="admin K",
            reactions=[("🔥", rng.randint(20, 60)), ("👍", rng.randint(5, 25))])
        w.service(ch, "pin_message", after="1m", message_id=listing)
        for k in range(6 if month != "June" else 5):
            flag, cc = rng.choice(FLAGS)
            count = rng.randint(3, 40) * 50
            rate = rng.randint(78, 93)
            if k % 3 == 0:
                text = (f"🔥 {B('RESTOCK')} — {count} fresh {flag} {cc} CVV, valid rate {rate}%\n"
                        f"Prices from {rng.randint(9, 18)}$ • replacement 30 min\n"
                        "Buy in bot: @NightMarketShopBot\nSupport: @cardhouse_support\n"
                        "#restock #cvv")
            elif k % 3 == 1:
                text = (f"🔥 {B(latinize('Пополнение', 2))} — {count} "
                        + latinize("карт", 1) + f" {flag} {cc}, "
                        + latinize(f"валид {rate}%\nЦена от {rng.randint(9, 18)}$, замена 30 мин",
                                   3)
                        + "\nБот: @NightMarketShopBot • Саппорт: @cardhouse_support\n"
                        "#пополнение #cvv")
            else:
                pct = rng.choice([45, 50, 55, 60])
                text = (f"🎁 {B(zw('Amazon', chr(0x200C)))} / {B(zw('Steam'))} gift cards — "
                        f"{pct}% off today\n100$ card → {100 - pct}$\n"
                        f"Only {rng.randint(4, 30)} left ⏳ @cardhouse_support #giftcards")
            w.msg(ch, text, after="2d", reactions=[("🔥", rng.randint(3, 40))])
        if month == "February":
            w.msg(ch, f"{B(cyrillize('Fresh'))} {cyrillize('CVV', 1)} {B('USA')} — "
                  f"{spaced('CVV')} {spaced('FULLZ')} — DM @cardhouse_support", after="1d")
            w.msg(ch, "New method for 2024 is ready — only for VIP buyers (from 500$ spent). "
                  "Ask support.", after="2d", fwd="Dumps Daily 💳")
            w.msg(ch, "c4rd1ng m3th0ds + fr3sh b1ns l1st 2024 💳 DM for price",
                  after="1d")
        if month == "March":
            w.msg(ch, f"{B('Свежий залив')} 🔥 " + latinize("Базы США 03.2024, валид 90%. ")
                  + "Дампы с пином (101/201) — от 60$. " + latinize(
                      "Обнал не делаем, только продажа.", 2), after="2d", edited="1h",
                  reactions=[("🔥", 19), ("🤝", 4)])
            w.msg(ch, "🎥 How our bot works — 30 sec demo", after="1d",
                  media=Doc("video_file", "video/mp4", 7340032, file_name="promo.mp4",
                            duration=31, width=720, height=1280, thumb=(180, 320, 9120),
                            skipped=True))
            w.msg(ch, f"{B('Example of a dead card')} — we replace these:\n"
                  f"{C(grouped(v['card_amex'].value) + ' | 04/26 | 7721')}\n"
                  "(already used, don't even try 😄)", after="2d")
        if month == "April":
            w.msg(ch, f"{B('⭐ Reviews')}\n" + BQ("Bought 3 Steam cards, all worked. "
                                                  "Will come back") + "\n"
                  + BQ("Support answered in 5 min, replaced 1 card"), after="1d",
                  fwd="CardHouse Reviews ✅", reactions=[("❤", 11)])
            w.msg(ch, f"🧅 Tor mirror updated, same address: {defang(onion, '[dot]')}\n"
                  "Bookmark it.", after="2d")
            w.msg(ch, f"{B('🆓 Giveaway')}: 3 × Amazon 50$ for random subscribers. "
                  "Conditions: stay subscribed + react 🔥 to this post.", after="1d",
                  reactions=[("🔥", 188), ("paid", 4)])
        if month == "May":
            w.msg(ch, f"{B('We are NOT scam')}. 5 years on the market. "
                  "Fake channels copy our name — the only real one is @cardhouse_cvv. "
                  f"Our only support is @cardhouse_support, {U('nobody else')}.", after="1d",
                  reactions=[("👍", 33)])
            w.msg(ch, f"Card for tests: {grouped(v['card_discover'].value)} "
                  "(no balance, for checker demo only)", after="2d")
        if month == "June":
            w.msg(ch, f"{B('Summer sale')} ☀️ -30% on EU bases until Sunday. "
                  f"Use promo {C('SUMMER24')} in the bot.", after="1d",
                  buttons=[[url("🛒 Buy", "https://t.me/NightMarketShopBot?start=summer24")]])
    return w


# -- 2. the shop bot -------------------------------------------------------------------------


def build_bot(v: dict[str, Indicator], bad: dict[str, Indicator]) -> ChatWriter:
    w = ChatWriter(BOT.name, "bot_chat", BOT.id, "2024-02-02 21:14", first_id=48231,
                   default_after="3s", quiet=(2, 9))
    main_menu = [
        [cb("🛒 Catalog", "catalog"), cb("👤 Profile", "profile")],
        [cb("💰 Top up balance", "topup"), cb("🧾 My orders", "orders")],
        [url("💬 Support", "https://t.me/nm_support_desk"),
         url("⭐ Reviews", "https://t.me/nightmarket_reviews")],
        [webapp("🛍 Open web shop", "https://nightmarket.example/app")],
    ]
    categories = [
        [cb("💳 Cards / CVV", "cat:cards"), cb("🎁 Gift cards", "cat:gift")],
        [cb("🔑 Accounts", "cat:acc"), cb("📦 Logs", "cat:logs")],
        [cb("🌿 Stuff (by city)", "cat:stuff")],
        [cb("⬅️ Back", "main")],
    ]
    w.msg(ME, "/start")
    w.msg(BOT, f"{B('🌙 Welcome to Night Market!')}\n\nAutomatic shop 24/7. Instant delivery, "
          "replacement guarantee.\n\n💰 Balance: 0.00$\n🧾 Orders: 0\n\nChoose a section below 👇",
          buttons=main_menu)
    w.msg(BOT, f"{B('🛒 Catalog')}\nChoose a category:", after="9s", edited="1m",
          buttons=categories)
    w.msg(BOT, f"{B('🎁 Gift cards')} (in stock)\n\n• Amazon 50$ — 24$ (17 pcs)\n"
          "• Amazon 100$ — 47$ (9 pcs)\n• Steam 50$ — 23$ (31 pcs)\n• Steam 100$ — 44$ (12 pcs)\n"
          "• Apple 100$ — 52$ (4 pcs)\n• Google Play 25$ — 11$ (40 pcs)\n\n"
          "Prices in USD, paid in $BTC or $USDT", after="6s",
          buttons=[[cb("Amazon 50$", "item:1031"), cb("Amazon 100$", "item:1032")],
                   [cb("Steam 50$", "item:1041"), cb("Steam 100$", "item:1042")],
                   [cb("Apple 100$", "item:1051"), cb("Google Play 25$", "item:1061")],
                   [cb("⬅️ Back", "catalog")]])
    w.msg(BOT, f"{B('Steam Gift Card 100$ (US)')}\nPrice: {B('44$')} ≈ 0.00107 BTC\n"
          "In stock: 12\nDelivery: instant, the code arrives in this chat\n\n"
          "Choose payment method:", after="5s", media=Photo(800, 800, 53211),
          buttons=[[cb("₿ Bitcoin", "pay:btc:1042"), cb("💵 USDT TRC20", "pay:usdt:1042")],
                   [cb("⬅️ Back", "cat:gift")]])
    order = v["btc_nightmarket_order"].value
    w.msg(BOT, f"{B('🧾 Order #48213')}\n\nItem: Steam Gift Card 100$ (US) × 1\n"
          f"Amount: {B('0.00107 BTC')}\n\nSend {U('exactly')} this amount to:\n{C(order)}\n\n"
          "⏳ The invoice expires in 30 minutes.\nThe order is confirmed automatically after "
          "1 network confirmation.", after="4s",
          buttons=[[cb("✅ I have paid", "check:48213")], [cb("❌ Cancel", "cancel:48213")]])
    w.msg(ME, "paid", after="12m")
    w.msg(BOT, "⏳ Payment detected, waiting for 1 confirmation…\n"
          f"TXID: {C(bad['tx_hash'].value)}")
    w.msg(BOT, f"✅ {B('Order #48213 paid.')} Thank you!\n\nYour code:\n"
          f"{C(gift_code('steam-48213'))}\n\nPlease leave a review 👇", after="19m",
          edited="2m", buttons=[[cb("⭐1", "rate:1"), cb("⭐2", "rate:2"), cb("⭐3", "rate:3"),
                                 cb("⭐4", "rate:4"), cb("⭐5", "rate:5")]])
    w.msg(ME, "/orders", after="3m")
    w.msg(BOT, f"🧾 {B('Your orders')}\n#48213 — Steam Gift Card 100$ — ✅ delivered",
          buttons=[[cb("⬅️ Main menu", "main")]])
    w.msg(BOT, f"📢 {B('News')}\n\nNew category: {B('Netflix / Spotify / ChatGPT Plus')} "
          f"accounts, from 3$.\nOur Tor mirror is live: http://{v['onion_nightmarket'].value}/"
          "\n\nIf this bot is blocked, the backup is @NightMarket2Bot", at="2024-02-20 15:02",
          buttons=[[url("🧅 Tor mirror", f"http://{v['onion_nightmarket'].value}/")]])
    w.msg(ME, "/start", at="2024-03-05 20:41")
    w.msg(BOT, f"{B('🌙 Night Market')}\n\n💰 Balance: 0.00$\n🧾 Orders: 1\n\n"
          "Choose a section below 👇", edited="1m", buttons=main_menu)
    w.msg(BOT, f"{B('💰 Top up balance')}\n\nSend BTC to your personal address:\n"
          f"{C(v['btc_nightmarket_topup'].value)}\n\nMinimum 10$. The balance is credited "
          "after 1 confirmation.", after="7s", buttons=[[cb("⬅️ Back", "main")]])
    w.msg(BOT, f"💰 {B('Balance credited: +25.00$')}", after="2h")
    w.msg(BOT, f"{B('🔑 Accounts')}\n\n• Netflix Premium UHD (1 month) — 4.5$\n"
          "• Spotify Premium (lifetime*) — 3$\n• ChatGPT Plus (shared) — 6$\n"
          "• NordVPN (1 year) — 5$\n\n* until the owner notices", after="6m",
          buttons=[[cb("Netflix", "item:2001"), cb("Spotify", "item:2002")],
                   [cb("ChatGPT", "item:2003"), cb("NordVPN", "item:2004")],
                   [cb("⬅️ Back", "catalog")]])
    trx = v["trx_nightmarket"].value
    w.msg(BOT, f"{B('🧾 Order #51877')}\n\nItem: Netflix Premium UHD (1 month) × 2\n"
          f"Amount: {B('9.00 USDT')}\nNetwork: {U('TRC20 only')}\n\nSend to:\n{C(trx)}\n\n"
          "⏳ 30 minutes.", after="9s",
          buttons=[[cb("✅ I have paid", "check:51877")], [cb("❌ Cancel", "cancel:51877")]])
    w.msg(BOT, f"✅ {B('Order #51877 paid.')}\nYour accounts are in the file. Replacement "
          "within 24 h if a login fails.", after="14m",
          media=Doc("", "text/plain", 412, file_name="netflix_51877.txt"))
    w.msg(ME, "one of them doesn't work", after="25m")
    w.msg(BOT, "🤖 I am a bot and cannot read messages. Use the buttons or write to support: "
          "@nm_support_desk", buttons=main_menu)
    w.msg(BOT, f"{B('🌿 Stuff — choose your city')}", at="2024-04-02 22:10",
          buttons=[[cb("Berlin", "city:ber"), cb("Warszawa", "city:waw")],
                   [cb("Praha", "city:prg"), cb("Riga", "city:rix")],
                   [cb("⬅️ Back", "catalog")]])
    w.msg(BOT, f"{B('📍 Riga')}\n\n🍁 Kush (Amnesia) 1g — 18€ / 3g — 45€\n"
          "❄️ Colombian 1g — 90€\n💊 XTC «Tesla» 10 pcs — 60€\n🍫 Hash 5g — 55€\n\n"
          "Delivery: dead drop (klad), photo + coordinates after payment 📸", after="6s",
          buttons=[[cb("🍁 Kush", "item:3101"), cb("❄️ Colombian", "item:3102")],
                   [cb("💊 XTC", "item:3103"), cb("🍫 Hash", "item:3104")],
                   [cb("⬅️ Back", "cat:stuff")]])
    w.msg(BOT, f"{B('🧾 Order #55310')}\n\nAmount: {B('0.0021 BTC')}\n"
          f"Send to (legacy wallets supported):\n{C(v['btc_nightmarket_legacy'].value)}\n\n"
          "⏳ 30 minutes.", after="1m",
          buttons=[[cb("✅ I have paid", "check:55310")], [cb("❌ Cancel", "cancel:55310")]])
    w.msg(BOT, f"❌ {B('Order #55310 cancelled')}: the invoice expired.", after="31m")
    w.msg(BOT, f"{B('💳 Cards / CVV')}\n\n🇺🇸 US Visa/MC — 12$\n🇺🇸 US fullz — 35$\n"
          "🇬🇧 UK — 18$\n🇪🇺 EU — 20$\n\nValid rate 85%+, replacement 30 min.",
          at="2024-04-20 19:30",
          buttons=[[cb("🇺🇸 US", "item:4001"), cb("🇬🇧 UK", "item:4002"),
                    cb("🇪🇺 EU", "item:4003")], [cb("⬅️ Back", "catalog")]])
    card = v["card_visa_stripe"].value
    w.msg(BOT, f"✅ {B('Order #57002 paid')} (from balance).\n\n"
          f"{C(card + '|11/26|456|J. SAMPLE|742 Evergreen Terrace|Springfield|US')}\n\n"
          "Check within 30 min for a replacement.", after="8s")
    w.msg(BOT, f"⚠️ {B('Beware of fake bots!')}\nOur only bots are @NightMarketShopBot and "
          "@NightMarket2Bot. Admins never write first.", at="2024-05-11 12:00")
    w.msg(BOT, f"🔥 {B('-20% on all gift cards')} this weekend. Promo: {C('NM20')}",
          at="2024-05-24 17:45", buttons=[[cb("🎁 Gift cards", "cat:gift")]])
    w.msg(ME, "/help", at="2024-06-03 21:12")
    w.msg(BOT, f"{B('Help')}\n/start — main menu\n/orders — your orders\n/balance — balance\n"
          f"/support — contact support\n\nRules: {A('read here', 'https://nightmarket.example/rules')}")
    w.msg(ME, "/balance", after="40s")
    w.msg(BOT, "💰 Balance: 13.00$", buttons=[[cb("💰 Top up", "topup")]])
    w.msg(BOT, f"📢 {B('Mirror list')} (save it):\n• @NightMarketShopBot\n• @NightMarket2Bot\n"
          f"• Tor: http://{v['onion_nightmarket'].value}/", at="2024-06-18 14:00",
          reactions=[("👍", 1)])
    return w


# -- 3. a vendors' supergroup ----------------------------------------------------------------


def build_baraholka(v: dict[str, Indicator], bad: dict[str, Indicator]) -> ChatWriter:
    g = BARAHOLKA
    w = ChatWriter(g.name, "private_supergroup", g.id, "2024-01-15 16:02", first_id=1,
                   default_after="2h", quiet=(5, 10), id_gaps=True)
    rng = Rng("baraholka")
    eth = v["eth_stresslab"].value
    trx_logs = v["trx_logsking"].value
    onion_logs = v["onion_logsking"].value
    frost = v["btc_frost"].value

    w.service(MOD, "migrate_from_group", title="Барахолка")
    rules = w.msg(MOD, f"{B('📜 ПРАВИЛА / RULES')}\n1. Реклама — только через админа (платно)\n"
                  "2. Гарант — @baraholka_mod, 5%\n3. Скам = бан навсегда\n"
                  "4. No ads without approval. Escrow: @baraholka_mod (5%)\n\n#правила #rules",
                  after="3m")
    w.service(MOD, "pin_message", after="1m", message_id=rules)
    w.service(MOD, "invite_members", after="20m", members=[DOCMASTER, STRESSLAB, FROST])
    w.service(LOGSKING, "join_group_by_link", after="1h", inviter=MOD)
    docs_ad = (f"🪪 {B('Документы под заказ')}: паспорт РФ, водительское, СНИЛС, дипломы.\n"
               "EU ID / UK driving licence (скан + селфи с документом) для верификаций.\n"
               "Срок 3–5 дней. Связь: @docmaster_pro • WhatsApp +44 7700 900481")
    w.msg(DOCMASTER, docs_ad, after="40m", media=Photo(1080, 720, 98304, skipped=True))
    ddos = w.msg(STRESSLAB, f"⚡️ {B('StressLab')} — L4/L7 stress testing 🚀 up to 300 Gbps\n"
                 "Bypass Cloudflare / DDoS-Guard, any game server or site.\n"
                 "1 day — 30$ • 1 week — 150$ • 1 month — 400$\n"
                 f"Pay ETH / USDT (ERC20): {C(eth)}\nDM @stresslab_ddos", after="2h",
                 reactions=[("🔥", 5)])
    w.msg(MAX, "can you take down a minecraft server for 2h? how much", after="25m",
          reply=ddos)
    w.msg(STRESSLAB, "DM me, 10$ for 2h", after="6m")
    logs_ad = (f"👑 {B('Fresh stealer logs 2024')} — 50k lines, cookies + passwords\n"
               "Netflix / Spotify / PayPal / bank logs 🏦\nCloud access 1 month — 100$\n"
               f"Market: {defang(onion_logs, '[dot]')}\n"
               f"USDT TRC20: {C(bad['trx_logsking_typo'].value)}")
    w.msg(LOGSKING, logs_ad, after="3h", reactions=[("👍", 3)])
    frost_text = ("❄️ Frost на связи. В наличии: ❄️ мука (VHQ), 💎 кристаллы, 🌿 шишки AK-47, "
                  "🍫 гашик.\n" + zw("Закладки", chr(0x2060)) + " по городу, мастер-клад от 10г."
                  "\nОплата BTC. Пиши @frost_delivery 🔌")
    w.msg(FROST, frost_text, at="2024-01-16 23:40")
    w.msg(OLEG, "Фрост, какой адрес для оплаты?", after="20m")
    w.msg(FROST, f"BTC: {bad['btc_frost_typo'].value}", after="5m")
    w.msg(FROST, f"❗️ опечатка, правильный: {C(frost)}", after="2m")
    w.msg(OLEG, "👍", after="1m", reactions=[("👍", 1)])
    w.msg(MOD, "Ребята, сделки только через гаранта. Кинули — сами виноваты.", after="1d")
    w.service(ME, "join_group_by_link", at="2024-02-01 19:12", inviter=MOD)
    w.msg(GHOST, f"{B('Steam Gift Card 100$ (US)')}\nPrice: 44$ ≈ 0.00107 BTC\nIn stock: 12",
          after="3h", via="@NightMarketShopBot",
          buttons=[[url("🛒 Buy", "https://t.me/NightMarketShopBot?start=item_1042")]])
    w.msg(KIRA, "нужен пробив по номеру, есть кто?", after="1h")
    probiv = w.msg(DOCMASTER, "Пробив по РФ: ФИО, паспорт, адрес, родственники — 15$. "
                   "По базам ГИБДД/ФНС — 25$. В ЛС.", after="30m")
    w.msg(KIRA, "ок пишу", after="4m", reply=probiv)
    w.msg(SOFTKEYS, f"💿 {B('Adobe CC 2024')} (cracked, lifetime) — 10$\n"
          "🔑 Windows 11 Pro keys — 3$ • Office 2021 — 5$\n"
          "📚 Курсы Skillbox/GeekBrains слив — от 2$\nDM @softkeys_store", after="2h")
    w.msg(SMM, "📈 Накрутка подписчиков, просмотров и реакций: Telegram, Instagram, TikTok.\n"
          "1000 подписчиков — от 1$. Живые боты, без списаний. Панель: smm-panel.example",
          after="5h", reactions=[("💩", 2)])
    w.msg(DELETED, "кто продаст акк инсты с 10к подписчиков?", after="40m")
    sticker = Doc("sticker", "image/webp", 24576, file_name="sticker.webp", width=512,
                  height=512, sticker_emoji="😂", skipped=True)
    w.msg(MAX, "", after="3m", media=sticker)
    scam = w.msg(BARAHOLKA, f"⚠️ {B('Внимание!')} Появились фейки StressLab — проверяйте юзернейм."
                 f"\nФейк просит оплату на {C(bad['eth_fake_case'].value)}\nНастоящий только "
                 "@stresslab_ddos", after="2d", reactions=[("🙏", 7)])
    w.service(MOD, "pin_message", after="1m", message_id=scam)
    w.service(MOD, "remove_members", after="30m", members=[Peer("Stress Lab Official", 6590033122)])
    w.msg(LOGSKING, "⚠️ сорри, в первом посте кошелёк с опечаткой — используйте только этот: "
          + C(trx_logs), after="1d")
    w.msg(OLEG, "Нужны дропы под обнал, карты физлиц, 10% ваши. Пишите в лс", after="6h")
    w.msg(GHOST, "💸 Invest 100$ → get 1000$ in 24h. Guaranteed, 500+ happy clients. "
          "DM for details", after="3h", reactions=[("🤡", 9)])
    w.msg(MOD, f"{MN(GHOST)}, ещё раз инвест-скам — бан.", after="20m")
    w.msg(FROST, "Реплики часов Rolex / AP 1:1 и AirPods Pro copy — тоже есть, спрашивайте",
          after="1d")
    w.msg(DOCMASTER, "Сертификат о вакцинации + QR-код в Госуслугах — 3000₽. Быстро.",
          after="1d")
    w.msg(KIRA, "травмат без лицензии кто продаст? мск", after="2d")
    w.msg(MOD, "Оружие тут не обсуждаем, удаляю в следующий раз.", after="15m")
    w.msg(KIRA, "кто проверит карту " + grouped(bad["card_luhn_fail"].value) + " живая?",
          after="1d")
    luhn_reply = w.msg(MAX, "это даже не валидный номер, Луна не проходит 😂", after="9m")
    w.msg(KIRA, "пф", after="2m", reply=luhn_reply)
    w.msg(ME, "hi, is LogsKing market still up?", after="4h")
    w.msg(LOGSKING, f"yes bro, mirror {defang(onion_logs)} — "
          "and the old one " + bad["onion_typo"].value.replace(".onion", "[.]onion")
          + " is dead, ignore it", after="11m")
    w.msg(STRESSLAB, "", after="1d", media=Doc("voice_message", "audio/ogg", 48213,
                                              duration=14))
    cards_support = w.msg(SUPPORT, "CardHouse is back 🔥 fresh US fullz + Amazon GC -50%.\n"
                          "Channel: t.me/cardhouse_cvv\nPay BTC: "
                          + C(v["btc_cardhouse"].value), after="1d",
                          reactions=[("🔥", 6), ("👍", 2)])
    w.msg(MAX, "legit? anyone bought?", after="30m", reply=cards_support)
    w.msg(OLEG, "брал гифты стим, норм", after="12m", reply=cards_support)
    w.service(MOD, "invite_members", after="1d", members=[SOFTKEYS, SMM])

    # the same vendors repost the same ads with small changes, as they do
    templates: list[tuple[Peer, str]] = [
        (STRESSLAB, "⚡️ StressLab <promo>: L7 bypass, <gbps> Gbps. 1 day — <price>$.\n"
                    "ETH: " + C(eth) + "\nDM @stresslab_ddos"),
        (LOGSKING, "👑 LogsKing: <n>k fresh logs today (<country>). Cloud — <price>$/month.\n"
                   "USDT TRC20: " + C(trx_logs)),
        (FROST, latinize("❄️ Фрост: свежая поставка, ", 2) + "<emoji> <item>. "
                + latinize("Клады в городе", 2) + " • BTC " + C(frost) + " • @frost_delivery 🔌"),
        (DOCMASTER, "🪪 Docs: <doc> — <price>$. " + latinize("Сроки", 1)
                    + " 3–5 дней. @docmaster_pro"),
        (SOFTKEYS, "🔑 <soft> — <price>$ • " + spaced("CRACKED") + " • DM @softkeys_store"),
    ]
    countries = ["US", "EU", "UK", "CA", "DE", "RU"]
    items = [("🌿", "шишки"), ("❄️", "мука"), ("💎", "кристалл"), ("💊", "экстази"),
             ("🍫", "гаш"), ("🍄", "грибы")]
    docs = ["паспорт РФ", "UK driving licence", "EU ID card", "диплом ВУЗа", "US utility bill",
            "справка 2-НДФЛ"]
    soft = ["Adobe CC", "Windows 11 Pro", "Office 2021", "JetBrains All Products", "Kaspersky"]
    for day in range(48):
        vendor, template = rng.choice(templates)
        emoji, item = rng.choice(items)
        fills = {"promo": rng.choice(["promo", "sale", "-20%", "24/7"]),
                 "gbps": str(rng.randint(100, 400)), "price": str(rng.randint(3, 60)),
                 "n": str(rng.randint(10, 90)), "country": rng.choice(countries),
                 "emoji": emoji, "item": item, "doc": rng.choice(docs), "soft": rng.choice(soft)}
        text = fill(template, fills)
        reactions = [("🔥", rng.randint(1, 9))] if day % 4 == 0 else []
        reply_to = 0
        if day % 5 == 2:
            w.msg(rng.choice([MAX, OLEG, KIRA, GHOST]),
                  rng.choice(["цена актуальна?", "price?", "в лс ответь плз", "есть в наличии?",
                              "still available?", "скинь прайс"]), after="1d")
            reply_to = w.messages[-1]["id"]
        after = "2d" if reply_to == 0 else "35m"
        w.msg(vendor, text, after=after, reactions=reactions, reply=reply_to)
        if day == 20:
            w.msg(MAX, "", after="2h", media=Photo(1280, 960, 143002))
            w.msg(FROST, "Фото товара выше ☝️ вес точный", after="5m")
        if day == 33:
            w.service(MOD, "pin_message", after="1h", message_id=rules)
    w.msg(LOGSKING, f"👑 {B('June pack')}: 120k logs, US/EU banks 🏦, crypto wallets, Discord "
          "tokens. Early access for old clients.\nUSDT TRC20: " + C(trx_logs),
          at="2024-06-04 21:15", reactions=[("🔥", 4)])
    june = w.msg(MAX, "кто-нибудь брал у Фроста в июне? не отвечает третий день", after="2d")
    w.msg(OLEG, "говорят приняли его 🤷", after="3h", reply=june)
    w.msg(FROST, "Я на месте, просто много заказов. Пишите @frost_delivery 🔌", after="1d")
    w.msg(MOD, "Чат переезжает в резерв, ссылка будет в закрепе. Не теряйтесь.",
          at="2024-06-26 20:00", reactions=[("👍", 12), ("😢", 3)])
    return w


# -- 4. benign: a local news channel and a group of friends ----------------------------------


def build_news() -> ChatWriter:
    n = NEWS
    w = ChatWriter(n.name, "public_channel", n.id, "2024-01-08 07:30", first_id=2311,
                   default_after="3d", quiet=(0, 7), id_gaps=True)
    rng = Rng("news")
    site = "https://riverside-daily.example"
    winter = ["❄️ light snow", "🌫 fog", "🌥 overcast", "🌤 partly cloudy", "🌧 sleet"]
    summer = ["☀️ sunny", "🌤 partly cloudy", "🌧 rain showers", "⛈ thunderstorms", "🌥 overcast"]
    stories: list[tuple[str, Media | None]] = [
        (f"🚧 {B('Road works')} on Mill Street from Monday to Friday, 9:00–17:00. "
         f"Buses 4 and 12 are diverted. Details: {site}/roads", None),
        (f"⚽️ {B('Riverside Rovers 2–1 Harbor Town')}! A late winner from Danny Cole in the "
         "89th minute keeps the Rovers top of the league. #sport #RiversideRovers",
         Photo(1280, 853, 166501)),
        (f"🚔 {B('Police arrest three suspected drug dealers')} after a raid on a flat in the "
         "Eastgate area. Officers seized about 2 kg of cocaine, cannabis and cash. "
         + I("\"Dealing drugs in our town will not be tolerated,\"")
         + f" said Inspector Mary Walsh. {site}/news/eastgate-raid #police",
         Photo(1280, 720, 120033)),
        (f"⚠️ {B('Gift card scam warning')}: police warn residents about callers pretending "
         "to be from the tax office and asking for payment in Steam or Amazon gift cards. "
         "No real agency asks to be paid in gift cards. Report such calls to 101. "
         "#scam #police", None),
        (f"📚 Library {B('book swap')} every first Sunday of the month, 11:00–14:00. "
         "Bring a book, take a book.", None),
        (f"🐕 {B('Found')}: a brown spaniel near the train station, now safe at the Westside "
         "vet clinic. Owner, please call the clinic!", Photo(960, 1280, 88411)),
        ("🏀 Riverside Hawks reach the regional basketball final! #sport", None),
        (f"🚔 {B('Court update')}: the Eastgate drug case goes to trial in June. Two of the "
         "three men are charged with supplying class A drugs. #police", None),
        (f"🥕 The {B('farmers market')} returns to Market Square every Saturday from April. "
         "Local cheese, honey and seedlings.", None),
        (f"🎭 {B('Spring Festival')} this Saturday in Central Park: food trucks, live music, "
         f"kids' corner. Free entry. Program: {A('here', site + '/spring-festival')}",
         Photo(1080, 1350, 150992)),
        (f"🌳 Volunteers planted {B('300 trees')} along the river bank this weekend. "
         "Thank you all! 💚", Photo(1280, 960, 201877)),
        (f"🚲 A new {B('cycle lane')} now links the station and the university campus.",
         None),
        (f"🏊 The {B('new swimming pool')} opens on May 15. Season tickets at a 20% discount "
         "until the end of the month.", None),
        (f"🏆 {B('Champions!')} Riverside Rovers win the league after a 0–0 draw in the last "
         "match. Parade on Sunday at noon. #sport #RiversideRovers", Photo(1280, 853, 178004)),
        ("🎣 Fishing competition at Willow Lake on Sunday, registration from 6:00. "
         "Contact the organisers: events@riverside-daily.example", None),
        (f"🚆 {B('Timetable change')}: from June 1 the last train to the city leaves at 23:40 "
         "instead of 23:10.", None),
        (f"🏃 {B('Riverside Half Marathon')} on Sunday: the embankment and Bridge Road are "
         "closed 7:00–13:00.", None),
        (f"🌡 {B('Heat warning')}: up to 31°C expected on Wednesday. Drink water, check on "
         "elderly neighbours. Cooling room open at the library.", None),
        (f"🎶 {B('Summer concerts')} in the park every Friday at 19:00 from June 14.", None),
        (f"🏕 {B('Holiday camps')} for children 7–14: registration is open at the Youth "
         "Centre, places are limited.", None),
    ]
    council = ["parking fees", "the new bridge", "school repairs"]
    story = 0
    for index in range(44):
        if index % 2 == 0:
            t = rng.randint(-6, 3) + index // 2
            cond = rng.choice(winter if index < 16 else summer)
            w.msg(n, f"{B('Weather')}: {t}°C, {cond}. Wind {rng.randint(2, 9)} m/s. "
                  "#weather", after="5d" if index else None,
                  reactions=[("👍", rng.randint(3, 30))] if index % 6 == 0 else ())
            continue
        fwd = ""
        if index in (13, 29):
            text = (f"{B('Council meeting')} on Thursday at 18:00 in the Town Hall. Agenda: "
                    f"{council[index % 3]}. Watch live: {site}/live")
            media: Media | None = None
            fwd = COUNCIL
        else:
            text, media = stories[story]
            story += 1
        w.msg(n, text, after="2d", media=media, fwd=fwd,
              edited="40m" if index == 5 else None,
              reactions=[("👍", rng.randint(10, 90)), ("❤", rng.randint(1, 30))])
        if index == 9:
            w.msg(n, "", after="2h", media=Poll("Should Mill Street become pedestrian-only?",
                                                 (("Yes", 412), ("No", 288),
                                                  ("Only on weekends", 305))))
    return w


def build_friends(v: dict[str, Indicator]) -> ChatWriter:
    w = ChatWriter("Дача 🏡 & friends", "private_group", FRIENDS_ID, "2024-01-08 18:20",
                   first_id=47102, default_after="20m", quiet=(1, 8))
    w.service(MASHA, "create_group", title="Дача 2024", members=[MASHA, DIMA, LENA, ME])
    w.msg(MASHA, "Всем привет! Создала чат, чтобы планировать дачу летом 🌞")
    w.msg(DIMA, "👍", after="5m")
    w.msg(LENA, "Ура! Я за", after="10m")
    w.service(MASHA, "edit_group_title", after="1d", title="Дача 🏡 & friends")
    w.service(MASHA, "edit_group_photo", after="2m", media=Photo(640, 640, 40211))
    w.msg(ME, "Может позовём Тома? Он в мае приезжает из Лондона", after="3h")
    w.service(ME, "invite_members", after="2m", members=[TOM])
    w.msg(TOM, "Hi everyone! Thanks for adding me 🙂 My Russian is still bad, sorry",
          after="30m")
    hello = w.msg(MASHA, "Welcome Tom! We'll speak English when you're here 😄", after="4m",
                  reactions=[("❤", 2, [TOM, ME])])
    w.msg(TOM, "Deal!", after="2m", reply=hello)
    w.msg(LENA, "", at="2024-01-21 12:30", media=Photo(960, 1280, 120544))
    w.msg(LENA, "Смотрите какой снег на даче 😍", after="1m",
          reactions=[("😍", 3, [MASHA, DIMA, ME])])
    w.msg(DIMA, "Красота. Лопату не забудь)", after="15m")
    bday = w.msg(ME, "Спасибо всем за поздравления и за подарок!! Steam gift card — это "
                 "топ, уже купил Baldur's Gate 3 🎮", at="2024-02-11 20:15",
                 reactions=[("🎉", 4, [MASHA, DIMA, LENA, TOM])])
    w.msg(TOM, "Happy birthday mate! 🎂 Enjoy the game", after="10m", reply=bday)
    w.msg(DIMA, "Скинулись все поровну, Маша, переведи мне 1500 на карту "
          + grouped(v["card_mastercard"].value) + " 😉", after="25m", edited="3m")
    w.msg(MASHA, "Перевела ✅", after="1h")
    w.msg(LENA, "Новости видели? У нас в районе задержали закладчиков, нашли кучу "
          "наркотиков. Жуть", at="2024-03-02 10:40")
    w.msg(DIMA, "Да, видел, возле школы прямо. Хорошо, что поймали", after="18m")
    w.msg(MASHA, "Кошмар. Детей теперь одних не отпущу", after="9m")
    w.msg(TOM, "What happened?", after="1h")
    w.msg(LENA, "Police arrested drug dealers near the school in our area", after="7m")
    w.msg(TOM, "Wow, glad they caught them", after="5m")
    w.msg(MASHA, "Так, по даче: едем 24 мая? Кто берёт мангал?", at="2024-04-10 19:00")
    w.msg(DIMA, "Мангал мой. Угли и мясо — с Саши", after="12m")
    w.msg(ME, "Ок, беру шашлык и овощи 🍖🥒", after="20m")
    w.msg(LENA, "", after="5m", media=Doc("voice_message", "audio/ogg", 30211, duration=9))
    w.msg(LENA, "Я испеку пирог 🥧", after="1m")
    w.msg(TOM, "I can bring some English cider 🍏", after="2h",
          reactions=[("🔥", 3, [DIMA, ME, MASHA])])
    w.msg(MASHA, "Вот адрес дачи, кто не был", after="1d",
          media=Location(56.2118, 37.5372))
    w.msg(DIMA, "Кстати, кто хотел крипту попробовать — я вернул долг Тому в эфире, "
          "вот мой адрес если что: " + v["eth_friend"].value, at="2024-05-03 18:40")
    w.msg(TOM, "Got it, thanks Dima! 👍", after="30m")
    w.msg(ME, "Прогноз на выходные: +22 и солнце ☀️", at="2024-05-22 09:15")
    w.msg(LENA, "Ура!!", after="4m")
    w.msg(MASHA, "", at="2024-05-25 14:30", media=Photo(1280, 960, 210765))
    w.msg(MASHA, "", after="1m", media=Photo(1280, 960, 198230))
    w.msg(DIMA, "Шашлык удался 🔥", after="10m", reactions=[("🔥", 4, [MASHA, LENA, TOM, ME])])
    w.msg(TOM, "Best weekend in Russia so far! Thank you all ❤", at="2024-05-27 08:50",
          reactions=[("❤", 4, [MASHA, DIMA, LENA, ME])])
    w.msg(LENA, "", after="3m", media=Doc("sticker", "image/webp", 19456,
                                          file_name="sticker.webp", width=512, height=512,
                                          sticker_emoji="🥰"))
    w.msg(DIMA, "Фоточки закиньте в альбом плиз", after="2h")
    w.msg(MASHA, "Закинула: " + A("альбом", "https://photos.example.com/album/dacha2024"),
          after="30m")
    w.msg(ME, "Кто на следующих выходных? Можно на озеро", at="2024-06-12 20:10")
    w.msg(LENA, "Я не смогу, работа 😔", after="20m")
    w.msg(TOM, "I'm flying back on Friday, sadly", after="1h")
    w.msg(DIMA, "Я могу в субботу", after="40m")
    w.msg(MASHA, "Тогда давайте в июле все вместе!", after="15m",
          reactions=[("👍", 3, [DIMA, LENA, ME])])
    return w


# -- 5. a private chat with a vendor, and Saved Messages ------------------------------------


def build_support(v: dict[str, Indicator]) -> ChatWriter:
    w = ChatWriter(SUPPORT.name, "personal_chat", SUPPORT.id, "2024-02-14 18:03",
                   first_id=48105, default_after="5m", quiet=(2, 9))
    w.msg(ME, "hi, saw your channel. do you have amazon gift cards in bulk?")
    w.msg(SUPPORT, "Hello bro 👋 yes. 100$ cards — 47$ each, from 10 pcs 44$. "
          "All fresh, checked.", after="14m")
    w.msg(ME, "payment?", after="3m")
    w.msg(SUPPORT, f"USDT TRC20 or ERC20.\nTRC20: {C(v['trx_support'].value)}\n"
          f"ERC20: {C(v['eth_support'].value)}\nAfter payment send a screenshot + TXID",
          after="2m")
    w.msg(SUPPORT, f"and our tor mirror if tg bans us: http://{v['onion_cardhouse'].value}",
          after="1m")
    w.msg(ME, "ok, will think", after="20m")
    w.msg(SUPPORT, "bro? price is valid till tomorrow", after="1d")
    w.msg(SUPPORT, "", after="1m", media=Doc("voice_message", "audio/ogg", 21877, duration=7))
    w.msg(SUPPORT, "if you want escrow — here is our garant",
          after="2m", media=Contact("Garant", "Escrow", "+1 202 555 0188"))
    w.msg(SUPPORT, f"{B('💳 PRICE LIST — March')}\nAmazon 100$ — 46$\nSteam 50$ — 22$",
          at="2024-03-01 12:30", fwd=CARDHOUSE.name or "")
    w.msg(ME, "👍", after="3h")
    w.msg(SUPPORT, f"new wallet for BTC: {C(v['btc_cardhouse_new'].value)}",
          at="2024-04-29 19:02")
    w.msg(SUPPORT, "and email for reserve contact: cardhouse.reserve@example.org",
          after="1m")
    return w


def build_saved(v: dict[str, Indicator], bad: dict[str, Indicator]) -> ChatWriter:
    w = ChatWriter(None, "saved_messages", ME.id, "2024-01-24 22:05", first_id=47390,
                   default_after="1d", quiet=(2, 8))
    w.msg(ME, f"{B('💳 PRICE LIST — January')}\n🇺🇸 US CVV (Visa/MC) — 12$\n"
          f"BTC: {C(v['btc_cardhouse'].value)}", fwd=CARDHOUSE.name or "",
          saved_from=CARDHOUSE.name or "")
    w.msg(ME, "check this wallet later: " + v["btc_cardhouse"].value, after="2m")
    w.msg(ME, "Baraholka invite: " + INVITE_BARAHOLKA, at="2024-02-01 19:05")
    w.msg(ME, "⚡️ StressLab — L4/L7 stress testing 🚀 up to 300 Gbps", at="2024-02-03 10:20",
          fwd=STRESSLAB.name or "", saved_from=BARAHOLKA.name or "")
    w.msg(ME, "", at="2024-03-06 21:30", media=Photo(1170, 2532, 402113))
    w.msg(ME, "screenshot of the bot order above, order #51877", after="1m")
    w.msg(ME, "NM order 48213 paid to (copied by hand from a photo): "
          + bad["btc_order_typo"].value, after="3h")
    return w


# -- 6. left chats: a fake-documents channel and a game-cheats group ------------------------


def build_docs(v: dict[str, Indicator]) -> ChatWriter:
    d = DOCS
    w = ChatWriter(d.name, "private_channel", d.id, "2024-01-20 14:00", first_id=1,
                   default_after="4d", quiet=(1, 9), id_gaps=True)
    btc, eth = v["btc_docs"].value, v["eth_docs"].value
    w.service(d, "create_channel", title=d.name)
    w.msg(d, f"🪪 {B('Docs Factory')}\n" + latinize("Делаем документы любой сложности: ", 2)
          + "паспорта, ВУ, дипломы, справки.\nEU / UK / US — ID cards, driving licences, "
          "utility bills for KYC verification.\n\nСвязь: @docmaster_pro", after="10m",
          reactions=[("👍", 8)])
    prices = w.msg(d, f"{B('💰 Прайс / Prices')}\n🇷🇺 Паспорт РФ (скан) — 50$\n"
                   "🇷🇺 ВУ (пластик) — 350$\n🎓 Диплом ВУЗа с проводкой — 900$\n"
                   "🇪🇺 EU ID card scan (PSD template) — 25$\n"
                   "🇬🇧 UK driving licence scan + selfie — 60$\n🇺🇸 US utility bill (PDF) — 15$"
                   f"\n\nОплата: BTC {C(btc)}\nETH {C(eth)}", after="1d", edited="2d")
    w.service(d, "pin_message", after="1m", message_id=prices)
    w.msg(d, "Примеры работ 👇 (данные вымышленные)", after="2d",
          media=Photo(1280, 853, 140321, skipped=True, spoiler=True))
    w.msg(d, "", after="1m", media=Photo(1280, 853, 139877, skipped=True, spoiler=True))
    w.msg(d, "📦 PSD templates pack — 40 countries, 2024", after="3d",
          media=Doc("", "application/zip", 48234496, file_name="EU_ID_templates_2024.zip",
                    skipped=True))
    w.msg(d, latinize("Без предоплаты не работаем. ", 1) + "Гарант — только @baraholka_mod.",
          after="4d")
    w.msg(d, f"{B('Selfie with document')} for crypto exchange / bank KYC — 40$. "
          "Any face, any country. " + zw("verification", chr(0xFEFF)) + " guaranteed.",
          after="5d", reactions=[("🔥", 5)])
    w.msg(d, "🎓 Дипломы любых ВУЗов с внесением в реестр. Сроки от 14 дней.", after="6d")
    w.msg(d, "🚗 Права категории B без экзаменов, проводка через базу. 350$.", after="5d")
    w.msg(d, "Отзывы клиентов 👇", after="4d", fwd="Docs Factory Отзывы")
    w.msg(d, f"⚠️ {B('Новый ETH')} не нужен, старый работает: " + C(eth), after="6d")
    w.msg(d, "🇺🇸 US SSN card + DL combo — 120$. Fullz for matching — ask.", after="5d")
    w.msg(d, "Канал переезжает. Новая ссылка у @docmaster_pro", after="7d",
          reactions=[("😢", 2)])
    return w


def build_cheats(v: dict[str, Indicator]) -> ChatWriter:
    c = CHEATS
    w = ChatWriter(c.name, "public_supergroup", c.id, "2024-02-26 17:10", first_id=8801,
                   default_after="3h", quiet=(3, 10), id_gaps=True)
    btc = v["btc_cheats"].value
    w.msg(AIMGOD, f"🎯 {B('CS2 private cheat')}: aimbot + wallhack + skinchanger\n"
          "Undetected (VAC / FACEIT) since December\n15$ / week • 40$ / month\n"
          f"Pay BTC: {C(btc)} or USDT\nDM @aimgod_cheats", reactions=[("🔥", 14)])
    w.msg(SNIPER, "а бан не дадут?", after="40m")
    w.msg(AIMGOD, "0 банов за 3 месяца, есть видео", after="12m")
    w.msg(AIMGOD, "", after="2m", media=Doc("video_file", "video/mp4", 15728640,
                                           file_name="cs2_demo.mp4", duration=58, width=1920,
                                           height=1080, thumb=(320, 180, 11020), skipped=True))
    w.service(ME, "join_group_by_link", at="2024-03-01 21:00", inviter=AIMGOD)
    w.msg(SPOOFER, f"🛡 {B('HWID spoofer')} — unban after hardware ban. Valorant, Fortnite, "
          "Apex, Rust. 20$ lifetime. @hwidfix", after="2h")
    w.msg(ARTEM, "есть чит на pubg mobile без рута?", after="1d")
    w.msg(AIMGOD, "есть, 8$ неделя. ESP + aim", after="30m")
    w.msg(AIMGOD, "конфиг для легита:\n" + PRE("aim_fov=2.5\nsmooth=4.0\nbone=head\nrcs=true",
                                               "ini"), after="3m")
    w.msg(AIMGOD, f"🎮 {B('Valorant')} ESP/triggerbot — 25$ / week, spoofer included. "
          "Also ranked boosting: Iron → Gold in 3 days.", after="2d", reactions=[("👍", 6)])
    w.msg(SNIPER, "", after="1h", media=Doc("sticker", "image/webp", 18220,
                                           file_name="sticker.webp", width=512, height=512,
                                           sticker_emoji="🤑", skipped=True))
    w.msg(SPOOFER, "Fortnite accounts with rare skins (Renegade Raider, Black Knight) — "
          "from 70$. Full access, email included.", after="1d")
    w.msg(ARTEM, "а за робуксы продаёте?", after="3h")
    w.msg(AIMGOD, "Robux 1000 — 6$, через гифт. Пиши в лс", after="1h")
    w.msg(AIMGOD, f"-30% на всё до воскресенья 🔥 BTC {C(btc)}", after="4d")
    w.service(ME, "remove_members", at="2024-04-08 12:00", members=[ME])
    return w


# -- assembling, writing, checking -----------------------------------------------------------


def build_export() -> tuple[JsonObj, list[tuple[str, ChatWriter]], dict[str, Indicator],
                            dict[str, Indicator]]:
    self_test()
    valid, invalid = make_indicators()
    chats = [
        build_baraholka(valid, invalid),
        build_friends(valid),
        build_bot(valid, invalid),
        build_cardhouse(valid, invalid),
        build_news(),
        build_support(valid),
        build_saved(valid, invalid),
    ]
    left = [build_cheats(valid), build_docs(valid)]
    # tdesktop lists dialogs most recent first; left chats come after them.
    chats.sort(key=lambda c: int(c.messages[-1]["date_unixtime"]), reverse=True)
    left.sort(key=lambda c: int(c.messages[-1]["date_unixtime"]), reverse=True)
    ordered = [("chats", c) for c in chats] + [("left_chats", c) for c in left]
    digits = len(str(len(ordered) - 1))
    for index, (_, writer) in enumerate(ordered, start=1):
        folder = f"chats/chat_{index:0{digits}d}/"
        for message in writer.messages:
            for key in ("photo", "file", "thumbnail"):
                if key in message and not message[key].startswith("("):
                    message[key] = folder + message[key]
    export: JsonObj = {
        "about": ABOUT_TELEGRAM,
        "personal_information": {
            "user_id": ME.id, "first_name": "Alex", "last_name": "Demo",
            "phone_number": "+1 202 555 0143", "username": "@" + ME.username,
            "bio": "Sample account. Everything in this export is fiction.",
        },
        "chats": {"about": ABOUT_CHATS, "list": [c.as_json() for c in chats]},
        "left_chats": {"about": ABOUT_LEFT, "list": [c.as_json() for c in left]},
    }
    return export, ordered, valid, invalid


def message_text(message: JsonObj) -> str:
    return "".join(e["text"] for e in message["text_entities"])


CANDIDATES = {
    "base58": re.compile(r"(?<![0-9A-Za-z])[13T][1-9A-HJ-NP-Za-km-z]{24,34}(?![0-9A-Za-z])"),
    "bech32": re.compile(r"(?<![0-9a-z])bc1[02-9ac-hj-np-z]{6,87}(?![0-9a-z])"),
    "eth": re.compile(r"0x[0-9a-fA-F]{40}(?![0-9a-fA-F])"),
    "onion": re.compile(r"(?<![a-z2-7])[a-z2-7]{56}(?![a-z2-7])"),
    "hex64": re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])"),
    "card": re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?!\w)"),
}


def _needle(ind: Indicator) -> re.Pattern[str]:
    if ind.type == "bank_card":
        return re.compile(r"(?<!\d)" + r"[ -]?".join(ind.value) + r"(?!\d)")
    if ind.type == "onion":
        label = re.escape(ind.value.removesuffix(".onion"))
        return re.compile(label + r"(?:\.|\[\.\]|\[dot\])onion")
    return re.compile(r"(?<![0-9A-Za-z])" + re.escape(ind.value) + r"(?![0-9A-Za-z])")


def locate(ordered: list[tuple[str, ChatWriter]],
           indicators: dict[str, Indicator]) -> list[JsonObj]:
    """Each indicator with every place it occurs in message text (the ground truth)."""
    out = []
    for label, ind in indicators.items():
        needle = _needle(ind)
        places = []
        for section, chat in ordered:
            for message in chat.messages:
                for match in needle.finditer(message_text(message)):
                    places.append({"list": section, "chat_id": chat.id, "chat_name": chat.name,
                                   "chat_type": chat.type, "message_id": message["id"],
                                   "as_written": match.group()})
        if not places:
            raise AssertionError(f"indicator {label} is not in any message")
        entry: JsonObj = {"label": label, "type": ind.type, "subtype": ind.subtype,
                          "value": ind.value}
        if ind.note:
            entry["note"] = ind.note
        entry["occurrences"] = places
        out.append(entry)
    return out


def entity_indicators(ordered: list[tuple[str, ChatWriter]]) -> list[JsonObj]:
    """Handles, links, emails and phones as Telegram marked them in ``text_entities``."""
    found: dict[tuple[str, str], JsonObj] = {}
    kinds = {"mention": "telegram_username", "email": "email", "phone": "phone",
             "link": "url", "text_link": "url"}
    for section, chat in ordered:
        for message in chat.messages:
            for entity in message["text_entities"]:
                kind = kinds.get(entity["type"])
                if kind is None:
                    continue
                value = entity.get("href", entity["text"])
                entry = found.setdefault((kind, value), {"type": kind, "value": value,
                                                         "occurrences": []})
                entry["occurrences"].append({"list": section, "chat_id": chat.id,
                                             "message_id": message["id"]})
    return sorted(found.values(), key=lambda e: (e["type"], e["value"]))


def dump_tdesktop(obj: JsonObj) -> str:
    """JSON laid out as tdesktop writes it: one-space indent, raw UTF-8, no final newline."""
    text = json.dumps(obj, ensure_ascii=False, indent=1)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# the order tdesktop pushes message keys in (SerializeMessage)
KEY_ORDER = [
    "id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "actor", "actor_id",
    "action", "title", "members", "inviter", "message_id", "from", "from_id", "author",
    "forwarded_from", "saved_from", "reply_to_message_id", "via_bot", "photo",
    "photo_file_size", "file", "file_name", "file_size", "thumbnail", "thumbnail_file_size",
    "media_type", "sticker_emoji", "performer", "mime_type", "duration_seconds", "width",
    "height", "media_spoiler", "contact_information", "location_information", "poll", "text",
    "text_entities", "inline_bot_buttons", "reactions",
]
CHAT_TYPES = {"personal_chat", "bot_chat", "private_group", "private_supergroup",
              "public_supergroup", "private_channel", "public_channel", "saved_messages"}


def check(path: Path, expected_path: Path) -> list[str]:
    """Problems found in the written files; empty when all is well."""
    problems: list[str] = []
    raw = path.read_bytes()
    if len(raw) > 1_000_000:
        problems.append(f"{path} is {len(raw)} bytes, over 1 MB")
    data = json.loads(raw)
    if list(data) != ["about", "personal_information", "chats", "left_chats"]:
        problems.append(f"top-level keys {list(data)}")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    valid_values = {e["value"] for e in expected["indicators"]}
    invalid_values = {e["value"] for e in expected["invalid"]}
    for section in ("chats", "left_chats"):
        for chat in data[section]["list"]:
            where = f"{section}/{chat.get('name', 'Saved Messages')}"
            problems += _check_chat(chat, where, valid_values | invalid_values)
    for entry in expected["indicators"]:
        ok = {"bitcoin": lambda s: (b58check_ok(s) if s[0] in "13" else
                                    segwit_decode(s) is not None),
              "ethereum": eip55_ok, "tron": lambda s: s[0] == "T" and b58check_ok(s),
              "onion": onion_ok, "bank_card": luhn_ok}[entry["type"]](entry["value"])
        if not ok:
            problems.append(f"valid indicator fails its checksum: {entry['value']}")
    for entry in expected["invalid"]:
        value = entry["value"]
        if (b58check_ok(value) or segwit_decode(value)
                or (value.isdigit() and len(value) < 20 and luhn_ok(value))):
            problems.append(f"invalid look-alike passes a checksum: {value}")
        if value.startswith("0x") and eip55_ok(value):
            problems.append(f"invalid look-alike passes EIP-55: {value}")
        if value.endswith(".onion") and onion_ok(value):
            problems.append(f"invalid look-alike passes the onion checksum: {value}")
    return problems


def _check_chat(chat: JsonObj, where: str, known: set[str]) -> list[str]:
    problems: list[str] = []
    keys = ["type", "id", "messages"] if chat["type"] == "saved_messages" else [
        "name", "type", "id", "messages"]
    if list(chat) != keys:
        problems.append(f"{where}: chat keys {list(chat)}")
    if chat["type"] not in CHAT_TYPES or not isinstance(chat["id"], int):
        problems.append(f"{where}: bad type or id")
    ids: set[int] = set()
    last_id, last_time = 0, 0
    for message in chat["messages"]:
        here = f"{where} #{message['id']}"
        order = [KEY_ORDER.index(k) if k in KEY_ORDER else -1 for k in message]
        if -1 in order or order != sorted(order):
            problems.append(f"{here}: keys out of tdesktop order: {list(message)}")
        if message["id"] in ids or message["id"] <= last_id:
            problems.append(f"{here}: id not unique and increasing")
        ids.add(message["id"])
        last_id = message["id"]
        stamp = message["date_unixtime"]
        if not isinstance(stamp, str) or int(stamp) <= last_time:
            problems.append(f"{here}: date_unixtime not a string or not increasing")
        last_time = int(stamp)
        moment = datetime.fromtimestamp(last_time, UTC)
        if _stamp(moment) != message["date"] or not FIRST_DAY <= moment < LAST_DAY:
            problems.append(f"{here}: date {message['date']} does not match or is out of range")
        if "edited_unixtime" in message and int(message["edited_unixtime"]) <= last_time:
            problems.append(f"{here}: edited before it was sent")
        problems += _check_text(message, here)
        for key in ("reply_to_message_id", "message_id"):
            if key in message and message[key] not in ids:
                problems.append(f"{here}: {key} {message[key]} is not an earlier message")
        if message["type"] == "service" and (message["text"] != "" or message["text_entities"]):
            problems.append(f"{here}: service message with text")
        text = "".join(e["text"] for e in message["text_entities"])
        for kind, pattern in CANDIDATES.items():
            for match in pattern.finditer(text):
                value = match.group()
                if kind == "card":
                    value = re.sub(r"[ -]", "", value)
                if value not in known and value + ".onion" not in known:
                    problems.append(f"{here}: {kind} look-alike {value!r} is not listed")
    return problems


def _check_text(message: JsonObj, here: str) -> list[str]:
    text, entities = message["text"], message["text_entities"]
    if not isinstance(entities, list) or any(set(e) - {"type", "text", "href", "user_id",
                                                       "language"} for e in entities):
        return [f"{here}: malformed text_entities"]
    joined = "".join(e["text"] for e in entities)
    if isinstance(text, str):
        simple = (text == "" and entities == []) or (
            len(entities) == 1 and entities[0] == {"type": "plain", "text": text})
        return [] if simple else [f"{here}: string text disagrees with text_entities"]
    pieces = [p if isinstance(p, str) else p["text"] for p in text]
    problems = []
    if "".join(pieces) != joined:
        problems.append(f"{here}: text list and text_entities spell different texts")
    as_entities = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in text]
    if as_entities != entities:
        problems.append(f"{here}: text list and text_entities differ part by part")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--check-only", action="store_true",
                        help="only check the files already written")
    args = parser.parse_args(argv)
    if not args.check_only:
        export, ordered, valid, invalid = build_export()
        EXPORT_DIR.mkdir(parents=True, exist_ok=True)
        RESULT.write_text(dump_tdesktop(export), encoding="utf-8")
        truth = {
            "about": "Ground truth for examples/telegram_export/result.json, written by "
                     "examples/make_example.py. 'indicators' lists every wallet address, "
                     "onion address and card number in message text (all checksums valid, "
                     "card numbers are well-known test numbers); 'invalid' lists look-alikes "
                     "that an extractor must reject; 'entity_indicators' lists usernames, "
                     "links, emails and phones as Telegram marked them in text_entities. "
                     "Everything is fiction.",
            "export": "telegram_export/result.json",
            "indicators": locate(ordered, valid),
            "invalid": locate(ordered, invalid),
            "entity_indicators": entity_indicators(ordered),
        }
        EXPECTED.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    problems = check(RESULT, EXPECTED)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    data = json.loads(RESULT.read_text(encoding="utf-8"))
    for section in ("chats", "left_chats"):
        for chat in data[section]["list"]:
            print(f"{section:10} {chat['type']:18} {chat['id']:>11} "
                  f"{len(chat['messages']):4}  {chat.get('name', '(Saved Messages)')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
