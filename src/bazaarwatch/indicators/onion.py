"""Tor onion service addresses: v3 (checksummed) and the obsolete v2.

One pattern finds both versions: a base32 label of 16 to 56 characters followed by
``.onion``. The validator tells them apart by length:

* 56 characters: v3 (rend-spec-v3 §6): ``base32(pubkey[32] || checksum[2] || version[1])``
  with ``version == 0x03`` and ``checksum == SHA3-256(".onion checksum" || pubkey ||
  version)[:2]``. Both are checked; a label that fails either is rejected.
* 16 characters: v2, ``base32(SHA1(pubkey)[:10])``. It has no checksum, so anything of the
  right shape decodes; it is reported as its own type ``onion_v2`` and marked
  ``checked=False`` (accepted on shape alone, unlike v3).
* any other length: rejected.

Subdomains (``www.<v3>.onion``) and URLs (``http://<v3>.onion/path``) yield the onion
itself: the ``\\b`` before the label starts the match after the dot or the slash. A label
that is part of a longer base32 run has no word boundary where 16 or 56 characters before
``.onion`` begin, so it is not matched.

The normalized value is the lower-case ``<label>.onion``.

Hyperscan note: ``caseless`` is not used because hyperscan's caseless mode with start-of-match
tracking rejects long repeats of a mixed letter/digit class ("Pattern is too large"); the
classes spell out both cases instead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from bazaarwatch.indicators.base import Accepted, Pattern

_SUFFIX_LEN = len(".onion")
_CHECKSUM_PREFIX = b".onion checksum"


def validate_onion(candidate: str) -> Accepted | None:
    """Validate ``<label>.onion``; v3 by checksum and version, v2 by shape (own type)."""
    label = candidate[:-_SUFFIX_LEN].lower()
    n = len(label)
    if n == 56:
        try:
            raw = base64.b32decode(label.upper())
        except (binascii.Error, ValueError):
            return None
        pubkey, checksum, version = raw[:32], raw[32:34], raw[34]
        if version != 3:
            return None
        expected = hashlib.sha3_256(_CHECKSUM_PREFIX + pubkey + b"\x03").digest()[:2]
        if checksum != expected:
            return None
        return Accepted(normalized=label + ".onion")
    if n == 16:
        # 16 base32 characters are exactly 10 bytes: every such label decodes.
        return Accepted(normalized=label + ".onion", checked=False, type="onion_v2")
    return None


PATTERNS: list[Pattern] = [
    Pattern(
        type="onion",
        regex=r"\b[A-Za-z2-7]{16,56}\.[Oo][Nn][Ii][Oo][Nn]\b",
        validate=validate_onion,
    ),
]
