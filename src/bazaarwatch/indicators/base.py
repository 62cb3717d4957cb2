"""What an indicator family provides: candidate patterns, each with its validator.

The engine compiles every family's patterns into one multi-pattern database, finds
candidates in one pass over the normalized text, and asks the pattern's validator about
each. A validator returns the normalized value, or None to reject the candidate; it never
accepts on shape alone where a checksum exists.

Pattern rules, so one regex works in hyperscan, google-re2 and Python's ``re``: no
look-behind or look-ahead, no back-references; anchor with ``\\b`` or character classes.
Patterns see the *matching* form of the text (see ``bazaarwatch.text``): NFKC, zero-width
and bidi characters removed, defanged dots and schemes restored. Letter case is kept
(checksums such as EIP-55 and bech32's case rules need it); patterns that should ignore
case say so with ``caseless``. ``\\b`` and ``\\w`` mean ASCII word characters (as in
hyperscan); write non-ASCII letters as explicit ranges. A pattern that needs context
around the value (a "fingerprint:" label) puts the value in a group named ``v``: the
validator still sees the whole match, but the indicator's span is the group's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Accepted:
    """A validator's answer for an accepted candidate.

    ``normalized`` is the canonical form analysts pivot on (e.g. lower-case onion, E.164
    phone). ``checked`` is False where the type has a checksum the value does not use
    (an all-lower-case Ethereum address): accepted, but marked unchecked.
    ``type`` overrides the pattern's type when validation tells more (a Telegram name
    ending in "bot" is a ``telegram_bot``). ``length`` is set when the value is only the
    first ``length`` characters of the candidate (a phone number that ran on into the
    digits after it).
    """

    normalized: str
    checked: bool = True
    type: str | None = None
    length: int | None = None


Validator = Callable[[str], Accepted | None]


@dataclass(frozen=True)
class Pattern:
    """One candidate pattern of one indicator type.

    ``prefilter``, when set, is what hyperscan scans for instead of ``regex``: a cheaper
    expression, compiled case-sensitively, that matches wherever ``regex`` (with
    ``caseless``) matches. Hyperscan's caseless mode over long character-class repeats can
    cost more than the rest of the database together; spelling both cases out does not.
    """

    type: str
    regex: str
    validate: Validator
    caseless: bool = False
    prefilter: str | None = None
