"""Bank account and payment card numbers.

Types and rules:

* ``iban``: a country code, two check digits and the BBAN, written contiguously or in groups
  of four separated by single spaces (the paper format). The country must be in
  :data:`IBAN_LENGTHS` (the SWIFT IBAN registry's lengths for the countries in use) with
  exactly its length, and the ISO 13616 mod-97 check must give 1. Letters must be upper
  case, as banks print them; a lower-case word after an IBAN is then never taken for a
  group of it. When a candidate runs on into a following four-character group
  (``... 7034 EURO``), the first country-length characters are checked on their own, provided
  they end at a group boundary. Normalized without spaces, upper case.
* ``card``: 13 to 19 digits (Maestro's rare 12-digit numbers are left out: too many other
  12-digit numbers pass Luhn), contiguous or in groups separated by single spaces or
  dashes in the layouts cards are printed in (4-4-4-4, 4-4-4-4-3, 4-4-4-3, Amex 4-6-5,
  Diners 4-6-4). The Luhn check must pass and the number must fall in a known issuer range
  with a length that issuer uses (:data:`CARD_RANGES`: Visa, Mastercard, Amex, Discover,
  JCB, UnionPay, Maestro, Mir, Diners Club). Short numbers need more than Luhn, which one
  digit run in ten passes (tracking numbers, phone numbers): a 13-digit number is only an
  old Visa (``4…``) written contiguously, a 14-digit one only a Diners Club card
  (``300``-``305``, ``36``, ``38``-``39``) printed in Diners' 4-6-4 layout
  (``3056 930902 5904``); Maestro is taken at 16 to 19 digits only. A digit run right
  after a ``+`` is a phone number (``+4915142127807``), never a card: the pattern takes the
  ``+`` into its match and the validator rejects it. Numbers inside longer digit runs (a
  word boundary is required at both ends), dates and amounts fail these checks. Groups of
  digits inside an IBAN are not a card: the pattern takes a preceding ``XX99 `` IBAN head
  into its match and the validator rejects it; digits after a decimal point
  (``0.4111111111111111``) are taken with the digit and point before them and rejected
  the same way. A three-digit group after a 16-digit number
  (``4111 1111 1111 1111 123``) is a CVV when the 19 digits fail and the 16 pass.
  Normalized: the digits only.
"""

from __future__ import annotations

from bazaarwatch.indicators.base import Accepted, Pattern

# -- IBAN --------------------------------------------------------------------------------

#: IBAN length by country (SWIFT IBAN registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def iban_ok(iban: str) -> bool:
    """The ISO 13616 check of a compact upper-case IBAN: mod 97 of the rearranged number."""
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    total = 0
    for ch in rearranged:
        if "0" <= ch <= "9":
            total = (total * 10 + ord(ch) - 48) % 97
        elif "A" <= ch <= "Z":
            total = (total * 100 + ord(ch) - 55) % 97
        else:
            return False
    return total == 1


def validate_iban(candidate: str) -> Accepted | None:
    compact = candidate.replace(" ", "")
    length = IBAN_LENGTHS.get(compact[:2])
    if length is None or len(compact) < length:
        return None
    if len(compact) > length:
        # Run on into a following group: the IBAN must end where a group ends.
        kept = 0
        for i, ch in enumerate(candidate):
            if ch != " ":
                kept += 1
            if kept == length:
                if i + 1 >= len(candidate) or candidate[i + 1] != " ":
                    return None
                break
        compact = compact[:length]
    if not iban_ok(compact):
        return None
    return Accepted(normalized=compact)


# -- cards -------------------------------------------------------------------------------

#: (first digits from, to, inclusive, compared on their own length), lengths allowed.
CARD_RANGES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({13, 16, 19})),                         # Visa
    ("51", "55", frozenset({16})),                               # Mastercard
    ("2221", "2720", frozenset({16})),                           # Mastercard 2-series
    ("34", "34", frozenset({15})),                               # American Express
    ("37", "37", frozenset({15})),                               # American Express
    ("6011", "6011", frozenset(range(16, 20))),                  # Discover
    ("644", "649", frozenset(range(16, 20))),                    # Discover
    ("65", "65", frozenset(range(16, 20))),                      # Discover
    ("3528", "3589", frozenset(range(16, 20))),                  # JCB
    ("62", "62", frozenset(range(16, 20))),                      # UnionPay
    ("2200", "2204", frozenset(range(16, 20))),                  # Mir
    ("300", "305", frozenset({14, 16, 17, 18, 19})),             # Diners Club
    ("36", "36", frozenset({14, 16, 17, 18, 19})),               # Diners Club
    ("38", "39", frozenset({14, 16, 17, 18, 19})),               # Diners Club
    ("50", "50", frozenset(range(16, 20))),                      # Maestro
    ("56", "69", frozenset(range(16, 20))),                      # Maestro
)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i & 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand_ok(digits: str) -> bool:
    """True when the number's prefix and length match a known issuer range."""
    n = len(digits)
    for low, high, lengths in CARD_RANGES:
        if n in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def _layout_ok(written: str, digits: str) -> bool:
    """Short numbers only as cards print them: 13 digits contiguous (old Visa), 14 digits
    in Diners Club's 4-6-4 groups. The issuer ranges allow no other brand at these lengths."""
    if len(digits) == 13:
        return written == digits
    if len(digits) == 14:
        return len(written) == 16 and written[4] in " -" and written[11] in " -"
    return True


def _card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and card_brand_ok(digits) and luhn_ok(digits)


def validate_card(candidate: str) -> Accepted | None:
    if not "0" <= candidate[0] <= "9" or candidate[1] in ".,":
        # "+4915142127807": a phone number; "DE89 3704 0044 ...": an IBAN's groups;
        # "0.4111...": decimals
        return None
    digits = candidate.replace(" ", "").replace("-", "")
    if _card(digits) and _layout_ok(candidate, digits):
        return Accepted(normalized=digits)
    # "4111 1111 1111 1111 123": a CVV after the number looks like a fifth group.
    cut = max(candidate.rfind(" "), candidate.rfind("-"))
    if cut > 0 and len(digits) == 19:
        digits = candidate[:cut].replace(" ", "").replace("-", "")
        if _card(digits):
            return Accepted(normalized=digits)
    return None


# -- patterns ----------------------------------------------------------------------------

PATTERNS: list[Pattern] = [
    Pattern(
        type="iban",
        regex=r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b",
        validate=validate_iban,
    ),
    Pattern(
        type="card",
        regex=(
            r"(?:\b[A-Z]{2}[0-9]{2} |[0-9][.,]|\+)?"
            r"\b(?:[0-9]{13,19}"
            r"|[0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{1,4}(?:[ -][0-9]{3})?"
            r"|[0-9]{4}[ -][0-9]{6}[ -][0-9]{4,5})\b"
        ),
        validate=validate_card,
    ),
]
