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

Outputs find what to mask by value (``mask_sensitive``), in whatever string they show:
message text, chat, sender and bot names, forwarded sources, evidence. Offsets stored at
ingest cannot be trusted to line up with a string as shown (hostile text shifts them,
names have none), and a value that extraction missed must not show either.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Iterator

from bazaarwatch.indicators.contacts import make_phone_pattern
from bazaarwatch.indicators.engine import compile_pattern
from bazaarwatch.indicators.finance import IBAN_LENGTHS, iban_ok
from bazaarwatch.model import Indicator
from bazaarwatch.text import Folded, fold
from bazaarwatch.text.offsets import Rewriter

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
    """The indicator as outputs show it by default: a card, IBAN or phone masked; any
    other type with the sensitive values inside it masked (``https://t.me/+4477…``)."""
    if indicator.type in SENSITIVE:
        value = mask(indicator.type, indicator.value)
        normalized = mask(indicator.type, indicator.normalized)
    else:
        value = mask_sensitive(indicator.value)
        normalized = mask_sensitive(indicator.normalized)
        if value is indicator.value and normalized is indicator.normalized:
            return indicator
    return Indicator(type=indicator.type, value=value, normalized=normalized,
                     start=indicator.start, end=indicator.end, checked=indicator.checked)


def redact_text(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """A message's ``text`` as outputs show it: each ``(start, end, type)`` span of a
    sensitive indicator extracted from it masked in place (numbers found only with
    ``--region`` are among them), then every value still in it (``mask_sensitive``)."""
    chars = list(text)
    for start, end, kind in spans:
        if kind in SENSITIVE:
            chars[start:end] = mask(kind, text[start:end])
    return mask_sensitive("".join(chars))


# -- masking by value --------------------------------------------------------------------

# Fewer digits than the shortest number masked: nothing to do (most strings). Then, in
# the matching form: every card, IBAN and phone number has seven digits with at most
# three other characters between each two (an IBAN in its account number).
_SEVEN_DIGITS = re.compile(r"\d(?:\D*\d){6}")
_DENSE_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")
# C0 and C1 controls but newline and tab: outputs show them as escapes, so between two
# digits they must not hide a number from the patterns below.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]+")
# A run of digit groups, each separated by one space or dash: where cards are.
_DIGIT_RUN = re.compile(r"\d+(?:[ -]\d+)*")
_DIGIT_GROUP = re.compile(r"\d+")
# Each pattern first looks at the character it starts with: Python's ``re`` would
# otherwise try the look-behind at every position.
_IBAN_HEAD = re.compile(r"(?=[A-Za-z])(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}")
_PHONE = make_phone_pattern(None)
_INTERNATIONAL_PHONE = compile_pattern(_PHONE)
# National numbers only as clearly written phones: an area code in brackets
# ("(202) 555-0123", "8 (999) 123-45-67"), dash-separated groups ("202-555-0123"), or
# five pairs with dots ("06.12.34.56.78"). A bare run of digits (a chat id such as
# 1736488447, an order number) or space-separated groups (an amount) is not one.
_NATIONAL_PHONE = re.compile(
    r"(?=[\d(])(?:"
    r"(?<![\w+(])(?:\d{1,3}[ .-]?)?\(\d{2,5}\)[ .-]?\d{2,4}(?:[ .-]\d{2,4}){1,3}(?![\w(])"
    r"|(?<![\w.+-])\d{1,4}(?:-\d{2,4}){2,4}(?![\w-])"
    r"|(?<![\w.+-])\d\d(?:\.\d\d){4}(?![\w.]))")
_NATIONAL_DIGITS = range(9, 13)


def mask_sensitive(text: str) -> str:
    """``text`` with every card, IBAN and phone number in it masked (``mask``), found by
    value: the very string given back when there is none.

    Found in the matching form of the text (``text.fold``: NFKC, invisible characters
    removed) with control characters removed too, so that none of these hides a number:

    * cards: 13 to 19 digits that pass Luhn, contiguous or in groups separated by one
      space or dash, not glued to a longer alphanumeric run (any issuer: a number the
      extractor does not know is still someone's card);
    * IBANs: country, check digits and the country's length, contiguous or in groups,
      mod-97 checked, in either case;
    * phones: international numbers as the extractor finds them (``+`` or ``00``, every
      common layout), and national ones clearly written as phones (see
      ``_NATIONAL_PHONE``).

    Each value is masked with its type's rule; where two overlap, a character is hidden
    if either hides it. Time is linear in the length of the text, and a string with
    fewer than seven digits costs one regex scan.
    """
    spans = sensitive_spans(text)
    if not spans:
        return text
    hidden = bytearray(len(text))
    for start, end, kind in spans:
        for i, ch in enumerate(mask(kind, text[start:end]), start):
            if ch == "*" and text[i] != "*":
                hidden[i] = 1
    if not any(hidden):
        return text
    return "".join("*" if h else ch for ch, h in zip(text, hidden, strict=True))


def sensitive_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, type)`` of each card, IBAN and phone number in ``text``, found by
    value as ``mask_sensitive`` finds them; spans may overlap."""
    if _SEVEN_DIGITS.search(text) is None:
        return []
    folded = fold(text)
    if _CONTROLS.search(folded.text) is not None:
        folded = folded.then(_without_controls)
    if _DENSE_DIGITS.search(folded.text) is None:
        return []
    return [(*folded.original(start, end), kind)
            for start, end, kind in _sensitive_spans(folded.text)]


def _without_controls(text: str) -> Folded:
    """``text`` without its control characters, as a ``Folded.then`` step."""
    rewriter = Rewriter(text)
    for match in _CONTROLS.finditer(text):
        rewriter.replace(match.start(), match.end(), "")
    stripped, step = rewriter.finish()
    return Folded(stripped, () if step is None else (step,))


def _sensitive_spans(text: str) -> Iterator[tuple[int, int, str]]:
    for start, end in _card_spans(text):
        yield start, end, "card"
    for start, end in _iban_spans(text):
        yield start, end, "iban"
    for match in _INTERNATIONAL_PHONE.finditer(text):
        accepted = _PHONE.validate(match.group())
        if accepted is not None:
            length = accepted.length or len(match.group())
            yield match.start(), match.start() + length, "phone"
    for match in _NATIONAL_PHONE.finditer(text):
        if sum(c.isdigit() for c in match.group()) in _NATIONAL_DIGITS:
            yield match.start(), match.end(), "phone"


def _card_spans(text: str) -> Iterator[tuple[int, int]]:
    """Whole groups of a digit run, 13 to 19 digits in all, passing Luhn, the first and
    last not glued to a letter or digit. Overlapping spans may all be given."""
    for run in _DIGIT_RUN.finditer(text):
        if run.end() - run.start() < 13:
            continue
        groups = [(*g.span(), _luhn_sums(g.group()))
                  for g in _DIGIT_GROUP.finditer(text, run.start(), run.end())]
        glued_left = run.start() > 0 and text[run.start() - 1].isalnum()
        glued_right = run.end() < len(text) and text[run.end()].isalnum()
        for last in range(len(groups) - (1 if glued_right else 0)):
            # Luhn from the right: extend the candidate one group to the left at a time.
            total = count = 0
            for first in range(last, -1, -1):
                start, end, sums = groups[first]
                if count + end - start > 19:
                    break
                total += sums[count & 1]
                count += end - start
                if count >= 13 and total % 10 == 0 and not (first == 0 and glued_left):
                    yield start, groups[last][1]


def _luhn_sums(digits: str) -> tuple[int, int]:
    """The Luhn sum of ``digits`` when its last digit is at an even position from the
    right of the number (not doubled), and when at an odd one (doubled)."""
    sums = [0, 0]
    for i, ch in enumerate(reversed(digits)):
        digit = int(ch)
        doubled = digit * 2 - 9 if digit > 4 else digit * 2
        sums[i & 1] += digit
        sums[1 - (i & 1)] += doubled
    return sums[0], sums[1]


def _iban_spans(text: str) -> Iterator[tuple[int, int]]:
    for head in _IBAN_HEAD.finditer(text):
        length = IBAN_LENGTHS.get(head.group()[:2].upper())
        if length is None:
            continue
        compact: list[str] = []
        i = head.start()
        while i < len(text) and len(compact) < length:
            if _alnum(text, i):
                compact.append(text[i])
            elif not (text[i] in " -" and _alnum(text, i - 1) and _alnum(text, i + 1)):
                break
            i += 1
        if len(compact) == length and not _alnum(text, i) and iban_ok("".join(compact).upper()):
            yield head.start(), i


def _alnum(text: str, i: int) -> bool:
    """Whether ``text[i]`` is an ASCII letter or digit (False outside the text)."""
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def link_hash(key: bytes, kind: str, normalized: str) -> str:
    """A keyed hash that links equal values within a case and reveals nothing outside it."""
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()[:32]
