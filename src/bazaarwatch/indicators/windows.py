"""Run a pattern's exact regex only on the parts of a text where it can match.

Hyperscan says which patterns occur in a text, not cheaply where; Python's ``re`` then
finds the exact leftmost spans. Run over a whole long post, a pattern such as ``domain``
tries a match at every letter and costs more than everything else together. Most
patterns, though, consume only some characters (``domain``: letters, digits and a few
punctuation marks, never white space) and need one literal character (``domain``: a dot).
A match therefore lies inside one *run* of characters the pattern can consume, and that
run holds the needed character. :class:`Window` finds those runs and searches only them.

Why the matches are the very ones a whole-text ``finditer`` gives: a search starting
anywhere inside a run consumes only that run's characters, and its assertions (``\\b``,
``\\B``) look one character to either side. Searching with ``pos`` at the run's start
(``re`` still sees the character before ``pos``) and ``endpos`` one past the run (the
character that stops it stays visible) gives the search exactly the view the whole text
gives it. No match starts outside such runs, and none crosses from one run into the next,
so the sequence of leftmost non-overlapping matches is the same.

Patterns this cannot prove it for (assertions other than ``\\b``/``\\B``, local flags,
back-references, a match that may be empty, no needed literal) get no window: they run
over the whole text as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

try:  # Python 3.11 keeps the parser private; 3.13 drops the old public aliases.
    import re._constants as _sre_c  # type: ignore[import-not-found, unused-ignore]
    import re._parser as _sre_p  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _sre_c  # type: ignore[no-redef, unused-ignore]
    import sre_parse as _sre_p  # type: ignore[no-redef, unused-ignore]

_CATEGORIES = {
    _sre_c.CATEGORY_DIGIT: r"\d", _sre_c.CATEGORY_NOT_DIGIT: r"\D",
    _sre_c.CATEGORY_SPACE: r"\s", _sre_c.CATEGORY_NOT_SPACE: r"\S",
    _sre_c.CATEGORY_WORD: r"\w", _sre_c.CATEGORY_NOT_WORD: r"\W",
}
_BOUNDARIES = (_sre_c.AT_BOUNDARY, _sre_c.AT_NON_BOUNDARY)
_REPEATS = (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT)
# A needed character frequent in prose narrows the runs least: taken only when no other is.
_COMMON = frozenset(". ,-")


class _Unsupported(Exception):
    """The pattern uses a construct the window proof does not cover."""


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _class_items(items: Any) -> tuple[bool, str]:
    """(negated, the class's inside) of an ``IN`` node."""
    negated, parts = False, []
    for op, av in items:
        if op is _sre_c.NEGATE:
            negated = True
        elif op is _sre_c.LITERAL:
            parts.append(_char(av))
        elif op is _sre_c.RANGE:
            parts.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is _sre_c.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            raise _Unsupported(op)
    return negated, "".join(parts)


def _atoms(items: Any, out: list[tuple[bool, str]]) -> None:
    """Every character test of the pattern, as (negated, class inside), into ``out``."""
    for op, av in items:
        if op is _sre_c.LITERAL:
            out.append((False, _char(av)))
        elif op is _sre_c.NOT_LITERAL:
            out.append((True, _char(av)))
        elif op is _sre_c.IN:
            out.append(_class_items(av))
        elif op is _sre_c.ANY:
            out.append((True, "\\n"))
        elif op is _sre_c.AT and av in _BOUNDARIES:
            continue
        elif op is _sre_c.BRANCH:
            for branch in av[1]:
                _atoms(branch, out)
        elif op is _sre_c.SUBPATTERN and not av[1] and not av[2]:
            _atoms(av[3], out)
        elif op in _REPEATS:
            _atoms(av[2], out)
        else:
            raise _Unsupported(op)


def _stop_class(atoms: list[tuple[bool, str]], flags: int) -> str:
    """A character class of exactly the characters no atom accepts.

    Without negated atoms it is the negation of all atoms' characters together. With one,
    the stop characters are among the few that atom refuses: each of those (in both cases)
    is kept when no atom accepts it.
    """
    negated = [inside for neg, inside in atoms if neg]
    if not negated:
        return "[^" + "".join(inside for _, inside in atoms) + "]"
    if not flags & re.ASCII:
        raise _Unsupported("case folding beyond ASCII")
    refused = re.compile("[" + negated[0] + "]", flags)
    union = re.compile("|".join(("[^" if neg else "[") + inside + "]"
                                for neg, inside in atoms), flags)
    found = {c for code in range(128) if refused.fullmatch(c := chr(code))}
    found |= {c for c in _literals(negated[0]) if refused.fullmatch(c)}
    found |= {v for c in found for v in (c.lower(), c.upper())}
    stops = sorted(c for c in found if union.fullmatch(c) is None)
    return "[" + "".join(_char(ord(c)) for c in stops) + "]" if stops else "[^\\s\\S]"


def _literals(inside: str) -> Iterator[str]:
    """The characters a class names one by one (non-ASCII ones; ASCII is tried whole)."""
    parsed = _sre_p.parse("[" + inside + "]")
    for op, av in parsed:
        for item_op, item in av if op is _sre_c.IN else ((op, av),):
            if item_op is _sre_c.LITERAL:
                yield chr(item)
            elif item_op is _sre_c.RANGE:
                if item[1] - item[0] > 4096:
                    raise _Unsupported("a wide negated range")
                yield from map(chr, range(item[0], item[1] + 1))


def _needed(items: Any) -> Iterator[tuple[int, str | None]]:
    """Literal characters every match holds (those outside branches and optional parts),
    each with the class of the character that must follow it (None when unknown)."""
    for k, (op, av) in enumerate(items):
        if op is _sre_c.LITERAL:
            yield av, _follow(items[k + 1:])
        elif op is _sre_c.SUBPATTERN:
            yield from _needed(av[3])
        elif op in _REPEATS and av[0] >= 1:
            yield from _needed(av[2])


def _follow(rest: Any) -> str | None:
    """The inside of a class holding every character ``rest`` can start with, or None when
    ``rest`` may match empty or starts with a construct this does not read."""
    try:
        inside, nullable = _first(rest)
    except _Unsupported:
        return None
    return None if nullable or not inside else inside


def _first(items: Any) -> tuple[str, bool]:
    """(the class inside of the characters ``items`` can start with, whether it may match
    empty)."""
    parts: list[str] = []
    for op, av in items:
        if op is _sre_c.LITERAL:
            return "".join(parts) + _char(av), False
        if op is _sre_c.IN:
            negated, inside = _class_items(av)
            if negated:
                raise _Unsupported(op)
            return "".join(parts) + inside, False
        if op is _sre_c.AT and av in _BOUNDARIES:
            continue
        if op is _sre_c.BRANCH:
            firsts = [_first(branch) for branch in av[1]]
            inside, nullable = "".join(f for f, _ in firsts), any(n for _, n in firsts)
        elif op is _sre_c.SUBPATTERN and not av[1] and not av[2]:
            inside, nullable = _first(av[3])
        elif op in _REPEATS:
            inside, nullable = _first(av[2])
            nullable = nullable or av[0] == 0
        else:
            raise _Unsupported(op)
        parts.append(inside)
        if not nullable:
            return "".join(parts), False
    return "".join(parts), True


def _anchor(items: Any, flags: int) -> tuple[str, str | None] | None:
    """The needed literal to look for, with the class of the character after it: not a
    letter under IGNORECASE (two spellings), and a rare one before a common one."""
    found = [(chr(c), follow) for c, follow in _needed(items)
             if not (flags & re.IGNORECASE and chr(c).isalpha())]
    if not found:
        return None
    found.sort(key=lambda item: item[0] in _COMMON)
    char = found[0][0]
    follows = [follow for c, follow in found if c == char and follow is not None]
    return char, follows[0] if follows else None


class Window:
    """Where one pattern can match: runs of its characters that hold its needed literal.

    Where the character after that literal is known to belong to a class (``domain``: a
    dot is followed by a letter or a digit), only a literal followed by one counts: a full
    stop that ends a sentence opens no window.
    """

    def __init__(self, regex: re.Pattern[str], anchor: str, stop: re.Pattern[str],
                 follow: str | None = None) -> None:
        self.regex = regex
        self.anchor = anchor
        self.stop = stop
        self.seek = None if follow is None else re.compile(
            re.escape(anchor) + "[" + follow + "]", stop.flags).search

    @classmethod
    def of(cls, regex: re.Pattern[str]) -> Window | None:
        """The window of ``regex``, or None when it must run over the whole text."""
        parsed = _sre_p.parse(regex.pattern, regex.flags)
        if parsed.getwidth()[0] == 0:
            return None
        anchor = _anchor(parsed, regex.flags)
        if anchor is None:
            return None
        atoms: list[tuple[bool, str]] = []
        flags = regex.flags & (re.ASCII | re.IGNORECASE)
        try:
            _atoms(parsed, atoms)
            stop = re.compile(_stop_class(atoms, flags), flags)
        except _Unsupported:
            return None
        return cls(regex, anchor[0], stop, anchor[1])

    def finditer(self, text: str, backwards: str) -> Iterator[re.Match[str]]:
        """The matches of ``finditer(text)``; ``backwards`` is ``text[::-1]``."""
        n = len(text)
        stop, regex = self.stop.search, self.regex.finditer
        at = self._next(text, 0)
        while at >= 0:
            before = stop(backwards, n - at)
            start = 0 if before is None else n - before.start()
            after = stop(text, at)
            end = n if after is None else after.start()
            yield from regex(text, start, end + 1)
            at = self._next(text, end + 1)

    def _next(self, text: str, pos: int) -> int:
        """Where the next anchor at or after ``pos`` is, or -1."""
        if self.seek is None:
            return text.find(self.anchor, pos)
        found = self.seek(text, pos)
        return -1 if found is None else found.start()
