"""Indicator extraction: validated wallets, onion sites, handles, phones, cards, and more.

Each family module (``crypto``, ``onion``, ``telegram``, ``contacts``, ``web``,
``finance``) lists its ``PATTERNS``; ``registry`` gathers them the way a plugin's would be
gathered, and ``engine.Extractor`` runs them all in one pass. ``redaction`` decides what
of a sensitive value (cards, phones) any output may show.
"""

from bazaarwatch.indicators.engine import Extractor
from bazaarwatch.indicators.registry import default_extractor, patterns, register, types

__all__ = ["Extractor", "default_extractor", "patterns", "register", "types"]
