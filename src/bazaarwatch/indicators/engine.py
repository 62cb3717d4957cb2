"""Find and validate every indicator in a text in one pass.

The text is folded to its matching form (``bazaarwatch.text.fold``: NFKC, zero-width and
bidi characters removed, look-alike letters in mixed-script words folded, defanging
undone). One compiled hyperscan database holding every family's patterns says, in a
single scan, which patterns occur at all (``HS_FLAG_SINGLEMATCH``: one callback per
pattern, not one per match end). Only those patterns are then run with Python's ``re``
for exact leftmost spans, and only over the runs of characters where each can match
(``windows``: a ``domain`` never spans white space and always holds a dot), and each
candidate goes to its validator. Most chat messages hit no pattern, so they cost one scan.
Without hyperscan (a platform with no wheel), every pattern runs with ``re``: the same
results, slower. The compiled database is cached on disk (``hsdb``).

Overlaps: a URL (or a PGP key block) may contain other indicators, and all are kept (the
onion inside an onion URL is what an analyst pivots on). Any other two overlapping
indicators are resolved in favour of the type earlier in ``PRIORITY`` (a card number is
not also a phone number; a domain inside an email address is the email's).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bazaarwatch import hsdb
from bazaarwatch.indicators.base import Pattern
from bazaarwatch.indicators.windows import Window
from bazaarwatch.model import Entity, Indicator
from bazaarwatch.text import fold
from bazaarwatch.text.prescan import utf8

hyperscan: Any = hsdb.hyperscan()  # None without a wheel: every pattern runs with re

#: The built-in indicator types (their ids are a contract), in the order that resolves
#: overlaps: strongest first. Plugins' types rank after these.
PRIORITY = ("btc", "eth", "xmr", "ltc", "trx", "doge", "bch", "onion", "onion_v2", "card",
            "iban", "session_id", "tox", "pgp", "telegram_invite", "telegram_bot", "telegram",
            "email", "xmpp", "wickr", "threema", "url", "phone", "domain")
CONTAINERS = frozenset({"url", "pgp"})


@dataclass(frozen=True)
class _Compiled:
    pattern: Pattern
    regex: re.Pattern[str]
    window: Window | None
    value_group: str | int

    @classmethod
    def of(cls, pattern: Pattern, *, use_windows: bool) -> _Compiled:
        regex = compile_pattern(pattern)
        window = Window.of(regex) if use_windows else None
        return cls(pattern, regex, window, "v" if "v" in regex.groupindex else 0)


class Extractor:
    """Built once (the database comes from the cache or is compiled), then used for every
    message. ``use_windows=False`` runs each pattern over the whole text: the same results,
    kept to check the windows against.

    With hyperscan, a pattern's Python regex (and its window) is compiled the first time
    hyperscan finds the pattern: compiling all of them is half of the start-up of an
    ``extract`` that reads a few lines, most of which need two or three patterns."""

    def __init__(self, patterns: Sequence[Pattern], *, use_hyperscan: bool = True,
                 use_windows: bool = True) -> None:
        self.patterns = tuple(patterns)
        self.use_windows = use_windows
        self.rank = {t: i for i, t in enumerate(PRIORITY)}
        self.database: Any = None
        self.compiled: list[_Compiled | None] = [None] * len(self.patterns)
        self.everything: list[_Compiled] = []  # without hyperscan, every pattern runs
        if use_hyperscan and hyperscan is not None:
            self.database = hsdb.load_database(hyperscan, hyperscan_expressions(patterns))
        else:
            self.everything = [self._compile(i) for i in range(len(self.patterns))]

    @property
    def engine(self) -> str:
        return "hyperscan" if self.database is not None else "re"

    def extract(self, text: str, entities: Iterable[Entity] = ()) -> list[Indicator]:
        """Validated indicators of ``text`` (and of its text_link targets), by position."""
        found = self._scan(text)
        for entity in entities:
            if entity.type == "text_link" and entity.href:
                # The target is not in the text: its indicators take the entity's span.
                span = (entity.offset, entity.offset + entity.length)
                found.extend(Indicator(type=i.type, value=i.value, normalized=i.normalized,
                                       start=span[0], end=span[1], checked=i.checked)
                             for i in self._scan(entity.href))
        # Most messages hold no indicator or one: nothing to resolve.
        return found if len(found) < 2 else self._resolve(found)

    def _scan(self, text: str) -> list[Indicator]:
        if not text:
            return []
        folded = fold(text)
        matching = folded.text
        candidates = self._candidates(matching)
        if not candidates:
            return []
        found: list[Indicator] = []
        backwards = ""
        for compiled in candidates:
            if compiled.window is None:
                matches = compiled.regex.finditer(matching)
            else:
                backwards = backwards or matching[::-1]
                matches = compiled.window.finditer(matching, backwards)
            validate, group = compiled.pattern.validate, compiled.value_group
            for match in matches:
                verdict = validate(match.group())
                if verdict is None:
                    continue
                start, end = match.span(group)
                if verdict.length is not None:
                    end = min(end, start + verdict.length)
                start, end = folded.original(start, end)
                found.append(Indicator(type=verdict.type or compiled.pattern.type,
                                       value=text[start:end], normalized=verdict.normalized,
                                       start=start, end=end, checked=verdict.checked))
        return found

    def _candidates(self, matching: str) -> list[_Compiled]:
        if self.database is None:
            return self.everything
        hits: list[int] = []
        self.database.scan(utf8(matching), match_event_handler=hsdb.collect, context=hits)
        if len(hits) > 1:  # one callback per pattern found: nine messages in ten find none
            hits.sort()
        return [self.compiled[i] or self._compile(i) for i in hits]

    def _compile(self, index: int) -> _Compiled:
        compiled = _Compiled.of(self.patterns[index], use_windows=self.use_windows)
        self.compiled[index] = compiled
        return compiled

    def _resolve(self, found: list[Indicator]) -> list[Indicator]:
        """Drop duplicates and the weaker of two overlapping non-container indicators."""
        unique = {(i.type, i.start, i.end): i for i in found}
        ordered = sorted(unique.values(),
                         key=lambda i: (self.rank.get(i.type, len(self.rank)), i.start))
        kept: list[Indicator] = []
        for candidate in ordered:
            if candidate.type not in CONTAINERS and any(
                    k.type not in CONTAINERS and k.start < candidate.end
                    and candidate.start < k.end for k in kept):
                continue
            kept.append(candidate)
        return sorted(kept, key=lambda i: (i.start, i.end, i.type))


def hyperscan_expressions(patterns: Sequence[Pattern]) -> list[hsdb.Expression]:
    """Each pattern as hyperscan scans it (its ``prefilter`` where it has one), with flags."""
    out: list[hsdb.Expression] = []
    for p in patterns:
        flags = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8
        if p.prefilter is not None:
            out.append((p.prefilter.encode(), flags))
        else:
            out.append((p.regex.encode(), flags | (hyperscan.HS_FLAG_CASELESS if p.caseless
                                                   else 0)))
    return out


def compile_pattern(pattern: Pattern) -> re.Pattern[str]:
    """The pattern for Python's ``re``, with hyperscan's meaning of ``\\b`` and ``\\w``:
    ASCII word characters only, so "0x…для" still ends an address at the Cyrillic letter.
    Non-ASCII letters a pattern needs are written as explicit ranges."""
    return re.compile(pattern.regex, re.ASCII | (re.IGNORECASE if pattern.caseless else 0))


