"""Text normalization: the matching form of hostile, deliberately obfuscated chat text.

``fold`` gives the form indicator patterns and lexicons run against (NFKC, invisible
characters removed, mixed-script homoglyphs folded, defanging undone); ``join_spaced``
and ``unleet`` undo two tricks aimed at classifiers. Each returns a ``Folded``: the new
text and a way back, ``Folded.original(start, end)``, to the span of the text given to
it. Steps compose with ``Folded.then``::

    folded = fold(message.text).then(join_spaced).then(unleet)
    start, end = folded.original(match.start(), match.end())  # span in message.text
"""

from __future__ import annotations

from bazaarwatch.text.leet import leet_rows, unleet
from bazaarwatch.text.offsets import Folded, OffsetMap
from bazaarwatch.text.pipeline import fold
from bazaarwatch.text.spacing import join_spaced, spaced_rows

__all__ = ["Folded", "OffsetMap", "fold", "join_spaced", "leet_rows", "spaced_rows", "unleet"]
