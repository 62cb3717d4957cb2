"""The indicator patterns, by family; built-in families register like a plugin would."""

from __future__ import annotations

import functools
import importlib

from bazaarwatch.indicators.base import Pattern
from bazaarwatch.indicators.engine import PRIORITY, Extractor

BUILTIN = ("crypto", "onion", "telegram", "contacts", "web", "finance")

_EXTRA: list[Pattern] = []


def register(*extra: Pattern) -> None:
    """Add patterns (a plugin's own indicator types) to every extractor built after this."""
    _EXTRA.extend(extra)
    default_extractor.cache_clear()


def patterns(*, region: str | None = None) -> list[Pattern]:
    """Every registered pattern. ``region`` (ISO 3166 alpha-2) also accepts phone numbers
    written without their +country code, as numbers of that region."""
    found: list[Pattern] = []
    for name in BUILTIN:
        module = importlib.import_module(f"bazaarwatch.indicators.{name}")
        found.extend(module.PATTERNS)
    if region is not None:
        from bazaarwatch.indicators.contacts import make_phone_pattern
        found = [p for p in found if p.type != "phone"] + [make_phone_pattern(region)]
    return found + _EXTRA


def types() -> list[str]:
    """Every indicator type id: the built-in ones (a contract), then plugins' own."""
    return list(dict.fromkeys([*PRIORITY, *(p.type for p in patterns())]))


@functools.cache
def default_extractor(region: str | None = None) -> Extractor:
    """The extractor with every registered pattern, compiled once per process."""
    return Extractor(patterns(region=region))
