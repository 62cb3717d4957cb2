"""Contact identifiers common in this trade: messengers, PGP keys, phone numbers.

Types and rules:

* ``session_id``: a Session messenger ID, ``05`` followed by a 32-byte X25519 key in hex
  (66 hex digits in all, as one word). It has no checksum; normalized lower-case. Compressed
  secp256k1 keys start ``02``/``03`` and transaction ids are 64 digits, so the shape is
  distinctive.
* ``tox``: a Tox ID, 76 hex digits: public key (32 bytes), nospam (4) and a 2-byte checksum
  that is the XOR of the first 36 bytes taken two at a time. The checksum is checked.
  Normalized upper-case, as Tox clients show it.
* ``xmpp``: a Jabber/XMPP address ``user@host``. An address of that shape is an e-mail as
  much as a JID, so it is reported as ``xmpp`` only when

  1. a label precedes it: ``xmpp:user@host`` (the URI scheme), ``jabber: user@host``,
     ``XMPP - user@host``, ``JID user@host`` (label, optional ``id``, then ``:``, ``=`` or
     white space, on the same line; see :data:`XMPP_LABEL`); or
  2. its host is an XMPP-only service: a host whose first label is ``jabber`` or ``xmpp``
     (``jabber.ru``, ``xmpp.jp``, ``jabber.ccc.de``, ...) or one of :data:`XMPP_HOSTS`, a
     short list of popular public servers that run no mail service.

  Such addresses are *not* e-mails: ``web.py`` rejects addresses on XMPP-only hosts
  (:func:`is_xmpp_domain`) and labelled ones (``jabber: x@gmail.com`` is a JID on a host
  that also does mail; the label says which one is meant). The indicator's span is the
  address alone, without its label. Normalized ``user@host`` in lower case.
* ``wickr``: ``wickr: name`` / ``Wickr Me - name`` / ``wickr id: name``: the keyword, then a
  ``:``, ``-`` or ``=`` separator (required: "add me on wickr" alone names nobody), then a
  3-32 character name. The span is the name alone. Normalized lower-case name.
* ``threema``: ``threema: ABCD2345``, ``Threema ID ABCD2345`` or ``threema.id/ABCD2345``: an
  8-character ID of upper-case letters and digits (gateway IDs start with ``*``). An ID
  without a digit needs an explicit separator (``:``, ``-``, ``=``, ``/``), so "Threema
  FEATURES" is not an ID. The span is the ID alone. Normalized upper-case.
* ``pgp``:

  - an ASCII-armored public key block (``-----BEGIN PGP PUBLIC KEY BLOCK-----`` ...
    ``-----END PGP PUBLIC KEY BLOCK-----``). The armor is decoded, its CRC-24 line checked
    when present (a wrong CRC rejects the block), and the first packet must be a public
    key (v4, v5 or v6). The normalized value is the key's fingerprint in upper-case hex
    (40 digits for v4, 64 for v5/v6), the value analysts pivot on; ``checked`` is False
    when the block has no CRC line (optional since RFC 9580).
  - a fingerprint written out: 40 hex digits, contiguous or in ten groups of four (GnuPG
    prints two spaces in the middle), **only right after a label on the same line**:
    ``fingerprint``, ``fpr``, ``key fingerprint``, ``PGP fingerprint``, ``GPG fpr``,
    ``PGP key`` (each with an optional ``:`` or ``=``), or ``PGP:``, ``GPG:``,
    ``OpenPGP:`` (the separator required), then white space, at most a ``(`` and ``0x``.
    Forty hex digits alone are just as often an Ethereum address body, a SHA-1 or a git
    commit, so a bare one, or one a few words after "PGP" (``PGP key in the pinned post.
    commit 3593…``, ``-----END PGP PUBLIC KEY BLOCK----- | build 3593…``), is never
    taken. The indicator's span is the hex digits alone. Mixed case is rejected
    (fingerprints are printed in one case). No checksum exists, so ``checked`` is False;
    normalized upper-case without spaces.
* ``phone``: see :func:`make_phone_pattern`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import replace

from bazaarwatch.indicators.base import Accepted, Pattern, Validator
from bazaarwatch.indicators.finance import luhn_ok

# -- Session, Tox ------------------------------------------------------------------------


def validate_session_id(candidate: str) -> Accepted | None:
    return Accepted(normalized=candidate.lower())


def tox_checksum_ok(raw: bytes) -> bool:
    """The Tox ID checksum: XOR of bytes 0..35 two at a time equals bytes 36..37."""
    c0 = c1 = 0
    for i in range(0, 36, 2):
        c0 ^= raw[i]
        c1 ^= raw[i + 1]
    return raw[36] == c0 and raw[37] == c1


def validate_tox(candidate: str) -> Accepted | None:
    raw = bytes.fromhex(candidate)
    if not tox_checksum_ok(raw):
        return None
    return Accepted(normalized=candidate.upper())


# -- XMPP --------------------------------------------------------------------------------

#: Public XMPP services without mail: an address there is a JID, not an e-mail. Kept short
#: on purpose (well-known servers seen in vendor contacts); hosts whose first label is
#: ``jabber`` or ``xmpp`` count as well.
XMPP_HOSTS = frozenset({
    "404.city", "blabber.im", "conversations.im", "creep.im", "exploit.im", "jabb.im",
    "jabbim.cz", "jabbim.com", "jabjab.de", "thesecure.biz", "xmpp.jp", "yax.im",
})

_LOCAL = r"[A-Za-z0-9._%+-]+"
_HOST = r"(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]"
_SEP = r"[ \t]*[:=-]?[ \t]*"
#: "jabber:", "XMPP - ", "jid=", "xmpp id: " before an address. The separator is a colon, an
#: equals sign or white space (optionally " - "), never a bare "-" or ".": "jid-x@y.com" and
#: "jabber.support@y.com" are plain addresses. ``web.py`` uses it too, to leave labelled
#: addresses to this module.
XMPP_LABEL = (
    r"\b(?:[Jj][Aa][Bb][Bb][Ee][Rr]|[Xx][Mm][Pp][Pp]|[Jj][Ii][Dd])(?:[ -]?[Ii][Dd])?"
    r"(?:[ \t]*[:=][ \t]*|[ \t]+(?:-[ \t]+)?)"
)
_XMPP_REGEX = r"(?:" + XMPP_LABEL + r")?\b(?P<v>" + _LOCAL + "@" + _HOST + r")\b"
_JID = re.compile(r"(" + XMPP_LABEL + r")?(" + _LOCAL + ")@(" + _HOST + ")")


def is_xmpp_domain(domain: str) -> bool:
    """True for hosts that serve XMPP only (first label jabber/xmpp, or XMPP_HOSTS)."""
    domain = domain.lower()
    first = domain.split(".", 1)[0]
    return first in ("jabber", "xmpp") or domain in XMPP_HOSTS


def _host_ok(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not labels[-1].isalpha():
        return False
    return all(0 < len(x) <= 63 and x[0] != "-" and x[-1] != "-" for x in labels)


def validate_xmpp(candidate: str) -> Accepted | None:
    m = _JID.fullmatch(candidate)
    if m is None:
        return None
    labelled, local, host = m.group(1) is not None, m.group(2), m.group(3)
    if (
        local[0] == "."
        or local[-1] == "."
        or ".." in local
        or len(local) > 64
        or not _host_ok(host)
    ):
        return None
    if not labelled and not is_xmpp_domain(host):
        return None
    return Accepted(normalized=f"{local}@{host}".lower())


# -- Wickr, Threema ----------------------------------------------------------------------

_WICKR_LABEL = r"\b[Ww][Ii][Cc][Kk][Rr](?:[ -]?(?:[Mm][Ee]|[Ii][Dd]))?[ \t]*[:=-][ \t]*@?"
_WICKR_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{1,30}[A-Za-z0-9]"
_WICKR_REGEX = _WICKR_LABEL + "(?P<v>" + _WICKR_NAME + r")\b"
_WICKR = re.compile(_WICKR_LABEL + "(" + _WICKR_NAME + ")")
# Words that follow "wickr:" in sentences rather than names.
_WICKR_NOT_NAMES = frozenset({
    "available", "contact", "down", "here", "only", "same", "soon", "username", "user",
    "name", "please", "message", "offline", "online",
})


def validate_wickr(candidate: str) -> Accepted | None:
    m = _WICKR.fullmatch(candidate)
    if m is None:
        return None
    name = m.group(1).lower()
    if name in _WICKR_NOT_NAMES:
        return None
    return Accepted(normalized=name)


_THREEMA_REGEX = (
    r"\b[Tt][Hh][Rr][Ee][Ee][Mm][Aa](?:\.[Ii][Dd]/|(?:[ -]?[Ii][Dd])?" + _SEP + r")"
    r"(?P<v>[*A-Z0-9][A-Z0-9]{7})\b"
)


def validate_threema(candidate: str) -> Accepted | None:
    ident = candidate[-8:]
    if not any(c.isdigit() for c in ident):
        sep = candidate[:-8]
        if not any(c in sep for c in ":-=/"):
            return None
    return Accepted(normalized=ident.upper())


# -- PGP ---------------------------------------------------------------------------------

_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
_END = "-----END PGP PUBLIC KEY BLOCK-----"
_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9-]*: ")
_WS = re.compile(r"\s+")


def crc24(data: bytes) -> int:
    """The OpenPGP armor checksum (RFC 4880 §6.1)."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _first_packet(data: bytes) -> tuple[int, bytes] | None:
    """(tag, body) of the first OpenPGP packet, or None when it is malformed."""
    if not data or not data[0] & 0x80:
        return None
    head = data[0]
    if head & 0x40:  # new format
        tag = head & 0x3F
        if len(data) < 2:
            return None
        o1 = data[1]
        if o1 < 192:
            length, start = o1, 2
        elif o1 < 224:
            if len(data) < 3:
                return None
            length, start = ((o1 - 192) << 8) + data[2] + 192, 3
        elif o1 == 255:
            length, start = int.from_bytes(data[2:6], "big"), 6
        else:
            return None  # partial lengths are not allowed for key packets
    else:  # old format
        tag = (head >> 2) & 0x0F
        size = (1, 2, 4, 0)[head & 0x03]
        if size == 0:
            return None
        length, start = int.from_bytes(data[1 : 1 + size], "big"), 1 + size
    body = data[start : start + length]
    if len(body) != length:
        return None
    return tag, body


def key_fingerprint(packet_body: bytes) -> str | None:
    """The fingerprint of a public-key packet body (v4: SHA-1; v5/v6: SHA-256)."""
    if not packet_body:
        return None
    version = packet_body[0]
    n = len(packet_body)
    if version == 4:
        return hashlib.sha1(b"\x99" + n.to_bytes(2, "big") + packet_body).hexdigest().upper()
    if version in (5, 6):
        prefix = b"\x9a" if version == 5 else b"\x9b"
        return hashlib.sha256(prefix + n.to_bytes(4, "big") + packet_body).hexdigest().upper()
    return None


def validate_pgp_block(candidate: str) -> Accepted | None:
    inner = candidate[len(_BEGIN) : -len(_END)]
    lines = inner.replace("\r", "").split("\n")
    # Armor headers ("Version: ...", "Comment: ...") come first, up to a blank line.
    kept = [ln for ln in lines if _HEADER_LINE.match(ln.strip()) is None]
    text = _WS.sub("", "".join(kept))
    crc: bytes | None = None
    if len(text) % 4 == 1 and len(text) >= 5 and text[-5] == "=":
        try:
            crc = base64.b64decode(text[-4:], validate=True)
        except (binascii.Error, ValueError):
            return None
        text = text[:-5]
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if crc is not None and crc24(data) != int.from_bytes(crc, "big"):
        return None
    packet = _first_packet(data)
    if packet is None or packet[0] != 6:
        return None
    fingerprint = key_fingerprint(packet[1])
    if fingerprint is None:
        return None
    return Accepted(normalized=fingerprint, checked=crc is not None)


_FPR_HEX = r"[0-9A-Fa-f]{4}(?:[ ]{0,2}[0-9A-Fa-f]{4}){9}"
# The Russian label, "отпечаток (ключа)", in both cases: re.ASCII folds only ASCII letters.
_FPR_RU = r"[Оо][Тт][Пп][Ее][Чч][Аа][Тт][Оо][Кк](?:[ \t]+[Кк][Лл][Юю][Чч][Аа])?[ \t]*[:=]?"
# Matched caseless. "fingerprint"/"fpr" (also "key fingerprint", "PGP fingerprint", ...),
# "отпечаток", "PGP key"/"GPG key" and a bare "PGP"/"GPG"/"OpenPGP" may be followed by
# white space alone, or by ":"/"=". Then at most a "(" or an opening quote and an "0x"
# before the hex: any
# other word or punctuation between label and hex ("see PGP. <hex>") is not a label.
_FPR_LABEL = (
    r"(?:\b(?:(?:(?:key|pgp|gpg|openpgp)[ \t-]?)?(?:fingerprint|fpr)[ \t]*[:=]?"
    r"|(?:pgp|gpg|openpgp)[ \t]key[ \t]*[:=]?"
    r"|(?:pgp|gpg|openpgp)[ \t]*[:=]"
    r"|(?:pgp|gpg|openpgp)[ \t]+(?:" + _FPR_RU + r")?)"
    r"|" + _FPR_RU + r")"
)
_FPR_OPEN = "[(\"'\u00ab\u201c]?"  # a bracket or an opening quote: ( " ' « “
_FPR_REGEX = _FPR_LABEL + r"[ \t]*" + _FPR_OPEN + r"(?:0x)?(?P<v>" + _FPR_HEX + r")\b"
_FPR_TAIL = re.compile(_FPR_HEX + r"\Z")
# A bare "PGP <hex>" (no ":", "key" or "fingerprint"): GnuPG prints fingerprints in upper
# case, so only upper-case hex counts there; "PGP 3593026d..." reads like a commit hash.
_BARE_PGP = re.compile(r"(?:pgp|gpg)[ \t]+" + _FPR_OPEN + r"(?:0x)?\Z", re.IGNORECASE)


def validate_pgp_fingerprint(candidate: str) -> Accepted | None:
    m = _FPR_TAIL.search(candidate)
    if m is None:
        return None
    hex_ = m.group().replace(" ", "")
    if not (hex_.isupper() or hex_.islower() or hex_.isdigit()):
        return None  # mixed case: an EIP-55 address body, not a fingerprint
    if _BARE_PGP.search(candidate, 0, m.start()) and hex_.islower():
        return None
    return Accepted(normalized=hex_.upper(), checked=False)


# -- phone -------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[ ().-]+")
# A date, alone or followed by a time: "2024-05-01", "12.05.2024 14:30" ("06.12.34.56.78",
# a French number, is not one: its third group is followed by a dot).
_DATE = re.compile(
    r"(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2}))(?:[ T]|\Z)")
_THOUSANDS = re.compile(r"\d{1,2}(?:[ .,]\d{3}){2,}")


def _parse_valid(text: str, region: str | None) -> str | None:
    # phonenumbers takes a tenth of a second to import: only a phone candidate pays it.
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


_COUNTRY_CODE = re.compile(r"\+([1-9][0-9]{0,2})[ ().-]")
_CONTIGUOUS_DIGITS = 10  # "+447700900481": fewer digits after a "+" read as an amount


def _explicit_country_code(text: str) -> str | None:
    """E.164 for a number of a possible length written with an explicit country code:
    ``+CC<sep>REST`` where CC is a calling code, or ``+`` and at least
    ``_CONTIGUOUS_DIGITS`` digits with no separator (the code is then the one that
    libphonenumber reads)."""
    import phonenumbers

    m = _COUNTRY_CODE.match(text)
    contiguous = text[1:].isdigit() and len(text) - 1 >= _CONTIGUOUS_DIGITS
    if m is None and not contiguous:
        return None
    if m is not None and phonenumbers.region_code_for_country_code(int(m.group(1))) == "ZZ":
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if m is not None and number.country_code != int(m.group(1)):
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _variants(candidate: str) -> list[str]:
    """The candidate, then with trailing groups dropped (at most three, >= 7 digits left).

    A candidate may run on into a following number ("+44 7700 900481 2024").
    """
    out = [candidate]
    text = candidate
    for _ in range(3):
        cut = max(text.rfind(" "), text.rfind("-"), text.rfind("."))
        if cut <= 0:
            break
        text = text[:cut].rstrip(" (.-")
        if sum(c.isdigit() for c in text) < 7:
            break
        out.append(text)
    return out


def _validate_phone(candidate: str, region: str | None) -> Accepted | None:
    if candidate.startswith("00"):
        # The international call prefix of most countries ("0044 7911 123456"). A bare
        # run of digits that starts with 00 is as often an order or account number.
        if _PHONE_SEPARATORS.search(candidate) is None:
            return None
        found = _validate_phone("+" + candidate[2:], region)
        if found is None:
            return None
        return replace(found, length=None if found.length is None else found.length + 1)
    international = candidate[0] == "+"
    if not international:
        if region is None:
            return None
        if _PHONE_SEPARATORS.search(candidate) is None:
            return None  # a bare digit run: an order number, an amount, a card
        if _DATE.match(candidate) or _THOUSANDS.fullmatch(candidate):
            return None
        digits = "".join(c for c in candidate if c.isdigit())
        if len(digits) >= 13 and luhn_ok(digits):
            return None  # a card number written in groups
    variants = _variants(candidate)
    for text in variants:
        e164 = _parse_valid(text, region)
        if e164 is not None:
            return Accepted(normalized=e164, length=len(text))
    if international:
        # Not in the numbering plan (e.g. ranges set aside for fiction), but written as a
        # phone number with an explicit, separated country code: kept, marked unchecked.
        for text in variants:
            e164 = _explicit_country_code(text)
            if e164 is not None:
                return Accepted(normalized=e164, checked=False, length=len(text))
    return None


_REMEMBERED_PHONES = 4096


def _remembering(validate: Validator) -> Validator:
    """``validate`` with its answers kept for the last few thousand candidates.

    Parsing with ``phonenumbers`` costs a few hundred microseconds, more than the rest of
    a long post's extraction, and a channel repeats its contact numbers in post after
    post. The answer depends on the candidate alone (and the pattern's fixed region), and
    ``Accepted`` is immutable, so a kept answer is the one a new parse would give.
    """
    kept: dict[str, Accepted | None] = {}

    def remembered(candidate: str) -> Accepted | None:
        if candidate in kept:
            return kept[candidate]
        if len(kept) >= _REMEMBERED_PHONES:
            kept.clear()
        found = kept[candidate] = validate(candidate)
        return found

    return remembered


_INTERNATIONAL = r"(?:\+|\b00)[1-9][0-9 ().-]{5,22}[0-9]"
_NATIONAL = r"(?:\+[1-9]|\([0-9]|\b[0-9])[0-9 ().-]{5,22}[0-9]"


def make_phone_pattern(default_region: str | None) -> Pattern:
    """The ``phone`` pattern for a default region (ISO 3166 code such as ``"RU"``).

    With ``default_region=None`` only international numbers are found: ``+`` (or the ``00``
    call prefix, in a number written with separators) and a country code, in any common
    layout (``+447911123456``, ``+44 7911 123456``, ``+44-7911-123-456``, ``(+44) 7911
    123456``, ``+7 (999) 123-45-67``, ``0044 7911 123456``, ``tel:+447911123456``). With a
    region, national numbers of that region are found too, but only when written
    with separators (``8 (999) 123-45-67``, ``07911 123456``): bare digit runs, dates (also
    followed by a time), thousands-grouped amounts and Luhn-valid card-length numbers are
    rejected. National mode is less precise than international: a region's numbering plan
    accepts many digit groupings (``123-456-789`` is a valid French number). A candidate
    must be a valid number for ``phonenumbers`` (its numbering-plan metadata); an
    international number that is not, but is written with an explicit country code and a
    possible length (``+44 7700 900481``, a range set aside for fiction; written without
    separators, ``+447700900481``, it needs at least 10 digits), is kept with
    ``checked=False``. Normalized E.164.
    """
    region: str | None = None
    if default_region is not None:
        import phonenumbers

        region = default_region.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region: {default_region!r}")

    validator: Validator = _remembering(lambda candidate: _validate_phone(candidate, region))
    return Pattern(
        type="phone",
        regex=_INTERNATIONAL if region is None else _NATIONAL,
        validate=validator,
    )


# -- patterns ----------------------------------------------------------------------------

PATTERNS: list[Pattern] = [
    Pattern(type="session_id", regex=r"\b05[0-9A-Fa-f]{64}\b", validate=validate_session_id),
    Pattern(type="tox", regex=r"\b[0-9A-Fa-f]{76}\b", validate=validate_tox),
    Pattern(type="xmpp", regex=_XMPP_REGEX, validate=validate_xmpp),
    Pattern(type="wickr", regex=_WICKR_REGEX, validate=validate_wickr),
    Pattern(type="threema", regex=_THREEMA_REGEX, validate=validate_threema),
    Pattern(
        type="pgp",
        regex=(
            r"-----BEGIN PGP PUBLIC KEY BLOCK-----(?:[^-]|-[^-])*"
            r"-----END PGP PUBLIC KEY BLOCK-----"
        ),
        validate=validate_pgp_block,
    ),
    Pattern(type="pgp", regex=_FPR_REGEX, validate=validate_pgp_fingerprint, caseless=True),
    make_phone_pattern(None),
]
