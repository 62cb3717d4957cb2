"""Undo defanging: "xyz[.]onion", "hxxps[:]//", "user [at] mail dot com".

Security people and criminals alike break links and addresses so that chat apps do not
make them clickable and filters do not see them. The matching form restores them:

- "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}" (any case) become ".";
- " dot " (spaced, any case) becomes "." only after a word character and before a
  top-level domain vendors spell out this way (see ``_SPACED_TLDS``);
- "hxxp" / "hXXp" / "hxxps" become "http" / "https" (upper case stays upper case);
- "[:]//" and "[://]" become "://";
- "[@]", "(@)", "{@}" become "@"; so do "[at]", "(at)", "{at}" (any case) between a
  word and a domain ("user(at)mail.ru", "user [at] mail dot com"), but not in "meet
  (at) noon".

Spaces around a bracketed form between two word characters are part of it ("example [.]
com" is "example.com"). Each replacement is one offset-map edit, so a match on the
restored "." maps back to the whole "[.]".

Most messages contain none of this, and the check must not cost more than the rest of
extraction. Every form contains one of a few short literals ("dot", "xxp", an opening
bracket followed by ".", "@", ":" or "at"); a scan for those runs first, and only when
it finds one does the regular expression below run. The scan is plain substring search
(about 250 MB/s, and little fixed cost: right for chat messages, which are short), or for
long ASCII texts hyperscan when it is installed (gigabytes per second, but a microsecond
or so per call, and non-ASCII text would first have to be encoded).
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import threading
from collections.abc import Callable
from typing import Any

from bazaarwatch.text.offsets import OffsetMap, Rewriter

_DEFANG = re.compile(
    r"(?P<dot>[\[({](?:\.|(?i:dot))[\])}])"
    r"|(?P<at>[\[({](?:@|(?i:at))[\])}])"
    r"|(?P<sep>[\[({]:[\])}]//|[\[({]://[\])}])"
    r"|(?P<scheme>\b(?i:hxxps?)\b)"
    r"|(?P<spaced>[ \t](?i:dot)(?=[ \t]))"  # the spaces around are taken if it is a dot
)

# What follows "user (at)" in an e-mail address: a label, then a dot in any of its forms.
_DOMAIN_AHEAD = re.compile(
    r"[ \t]*[^\W_][\w-]*(?:\.|[\[({](?:\.|(?i:dot))[\])}]|[ \t]+(?i:dot)[ \t]+)[^\W_]"
)

_OPENERS = "[({"
_LITERALS = ("dot", "xxp", *(o + inner for o in _OPENERS for inner in (".", "@", ":", "at")))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _word_before(text: str, i: int) -> bool:
    return i > 0 and _is_word(text[i - 1])


def _word_after(text: str, i: int) -> bool:
    return i < len(text) and _is_word(text[i])


_BRACKET_LITERALS = re.compile(r"[\[({](?:[.@:]|at)")  # in lower case


def _maybe_defanged_plain(text: str) -> bool:
    """Pre-check without hyperscan: True when ``text`` may contain a defanged form.

    The literals are looked for in the ASCII characters of ``text``, lowered as bytes:
    no other character lowers to one of their letters (a test checks the Unicode
    database), ``str.lower`` on text that is not ASCII costs several times the encoding,
    and what is left of Russian text is short to scan (back to ``str``, because ``in``
    on bytes pays for the buffer protocol on every call). Dropping the other
    characters can join "d", "ot" into a "dot" that is not in ``text``; that only sends
    it to the exact pattern, which finds nothing.
    """
    low = text.encode("ascii", "ignore").lower().decode("ascii")
    if "dot" in low or "xxp" in low:
        return True
    if "[" in low or "(" in low or "{" in low:  # memchr: nearly free
        return _BRACKET_LITERALS.search(low) is not None
    return False


class _HyperscanGate:
    """The same pre-check as one hyperscan literal scan (one scratch per thread)."""

    def __init__(self, hs: Any) -> None:
        self._hs = hs
        self._db = hs.Database(mode=hs.HS_MODE_BLOCK)
        flags = hs.HS_FLAG_CASELESS | hs.HS_FLAG_SINGLEMATCH
        self._db.compile(
            expressions=[re.escape(lit).encode() for lit in _LITERALS],
            ids=list(range(len(_LITERALS))),
            elements=len(_LITERALS),
            flags=[flags] * len(_LITERALS),
        )
        self._local = threading.local()

    def __call__(self, text: str) -> bool:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._db)
        hits: list[int] = []
        self._db.scan(text.encode("utf-8", "surrogatepass"), match_event_handler=_on_match,
                      context=hits, scratch=scratch)
        return bool(hits)


def _on_match(pattern_id: int, start: int, end: int, flags: int, hits: list[int]) -> None:
    hits.append(pattern_id)


_LONG = 128  # characters; below this, hyperscan's per-call cost outweighs its speed


def _make_gate() -> Callable[[str], bool]:
    if importlib.util.find_spec("hyperscan") is None:
        return _maybe_defanged_plain
    long_gate = _HyperscanGate(importlib.import_module("hyperscan"))

    def gate(text: str) -> bool:
        if len(text) >= _LONG and text.isascii():
            return long_gate(text)
        return _maybe_defanged_plain(text)

    return gate


maybe_defanged: Callable[[str], bool] = _make_gate()
"""``maybe_defanged(text) -> bool``: False guarantees ``undefang`` would change nothing."""


# " dot " is also an English word: it is read as "." only before a top-level domain
# vendors write this way, and never before one that is also a common short word ("is",
# "it", "me", "to", "in", "at", "no", "so", "do", "go", "be", "us"), so "the dot is here"
# stays prose while "shop dot ru" becomes "shop.ru".
_SPACED_TLDS = frozenset({
    "com", "net", "org", "info", "biz", "ru", "su", "ua", "by", "kz", "uz", "onion", "io",
    "cc", "co", "uk", "de", "fr", "es", "nl", "pl", "cz", "eu", "xyz", "top", "shop",
    "store", "site", "online", "app", "dev", "pro", "club", "cn", "tk", "ws", "tv", "name",
    "link", "life", "live", "space", "tech", "world", "vip", "fun", "icu"})
_WORD = re.compile(r"[^\W_]+")


def _tld_after(text: str, i: int) -> bool:
    m = _WORD.match(text, i)
    return m is not None and m.group().lower() in _SPACED_TLDS


def undefang(text: str) -> tuple[str, OffsetMap | None]:
    """Restore defanged dots, schemes, separators and at-signs in ``text``."""
    if not maybe_defanged(text):
        return text, None
    out = Rewriter(text)
    for m in _DEFANG.finditer(text):
        start, end = m.span()
        if start < out.position:
            continue
        kind = m.lastgroup
        if kind == "scheme":
            token = m.group()
            new = "http" + ("s" if len(token) == 5 else "")
            out.replace(start, end, new.upper() if token.isupper() else new, positional=True)
        elif kind == "sep":
            out.replace(start, end, "://")
        elif kind == "spaced":
            # Spaces are gathered here, not by the pattern: "[ \t]+dot" would rescan a
            # long run of spaces from each of its positions.
            while start > out.position and text[start - 1] in " \t":
                start -= 1
            while end < len(text) and text[end] in " \t":
                end += 1
            if _word_before(text, start) and _tld_after(text, end):
                out.replace(start, end, ".")
        else:
            _bracketed(out, text, start, end, kind == "at")
    return out.finish()


def _bracketed(out: Rewriter, text: str, start: int, end: int, at: bool) -> None:
    left, right = start, end
    while left > out.position and text[left - 1] in " \t":
        left -= 1
    while right < len(text) and text[right] in " \t":
        right += 1
    between_words = _word_before(text, left) and _word_after(text, right)
    symbol = text[start + 1:end - 1] in (".", "@")
    if at and not symbol and not (between_words and _DOMAIN_AHEAD.match(text, end)):
        return
    if between_words:
        start, end = left, right
    out.replace(start, end, "@" if at else ".")
