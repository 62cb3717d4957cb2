"""What of a sensitive indicator any output may show.

Policy (also in the README): card numbers, IBANs and phone numbers found in messages are
personal data of victims as often as of criminals. By default every output (``extract``,
``indicators``, search snippets, the report, exports) shows them masked: cards keep their
first 6 and last 4 digits (the issuer and the usual receipt digits), IBANs their country,
check digits and last 4, phones their first 2 and last 2 digits. The case stores a keyed
hash (HMAC-SHA-256 with a random key kept in the case) so that the same card or phone can
be linked across messages and chats without storing it; the raw value is stored only when
the analyst asks at ingest (``--keep-sensitive``) and shown only when an output is asked
to (``--reveal``). Message text itself is kept as read: it is the evidence.
"""

from __future__ import annotations

import hashlib
import hmac

from bazaarwatch.model import Indicator

SENSITIVE = frozenset({"card", "iban", "phone"})
_KEEP = {"card": (6, 4), "iban": (4, 4), "phone": (2, 2)}  # leading, trailing characters


def mask(kind: str, value: str) -> str:
    """``value`` with the middle of its digits (letters, for IBANs) replaced by ``*``.

    Separators (spaces, dashes, brackets, the ``+``) stay, so the masked value still
    reads like what was written.
    """
    if kind not in _KEEP:
        return value
    lead, trail = _KEEP[kind]
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[lead:len(positions) - trail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def redact(indicator: Indicator) -> Indicator:
    """The indicator as outputs show it by default."""
    if indicator.type not in SENSITIVE:
        return indicator
    return Indicator(type=indicator.type, value=mask(indicator.type, indicator.value),
                     normalized=mask(indicator.type, indicator.normalized),
                     start=indicator.start, end=indicator.end, checked=indicator.checked)


def redact_text(text: str, indicators: list[Indicator]) -> str:
    """``text`` with the sensitive indicators found in it masked in place."""
    pieces = []
    last = 0
    for i in sorted(indicators, key=lambda i: i.start):
        if i.type in SENSITIVE and i.start >= last:
            pieces.append(text[last:i.start])
            pieces.append(mask(i.type, text[i.start:i.end]))
            last = i.end
    pieces.append(text[last:])
    return "".join(pieces)


def link_hash(key: bytes, kind: str, normalized: str) -> str:
    """A keyed hash that links equal values within a case and reveals nothing outside it."""
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()[:32]
