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
    return "0x" + "".join(c.upper() if int(h, 16) >= 8 else c for c, h in zip(hexaddr, digest,
                                                                             strict=True))


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
    assert segwit_address("bc", 0, program) == "bc1qw508d6qejxtdg4c5r3zarvary0c5xw7kv8f3t4"
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
            self.now = self.now.replace(hour=high, minute=self.rng.randint(0, 59),
                                        second=self.rng.randint(0, 59))
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
