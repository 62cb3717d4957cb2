"""Read leetspeak: "c4rd", "h4ck3r", "b1tc01n", "p@ypal", "ca$h".

Only what is clearly a word in disguise is changed, because digits in chat text are
mostly real (prices, "covid19", "mp3", "win10", "4k", wallet addresses):

- a token (a run of letters, digits, "@" and "$") is considered only when at least half
  of it is letters, it has no digit that leetspeak does not use (2, 6, 8, 9: "a1b2c3"),
  and it is at most 24 characters long (wallet addresses and hashes are longer);
- a run of leet characters (0 1 3 4 5 7 @ $) is read as letters when it has letters on
  both sides; a leading or trailing digit run only when the token also has such an
  inner run ("h4x0r" -> "haxor", "5h0p" -> "shop", "fr33" stays);
- "@" and "$" only inside a word, never at its edges (handles, prices), and "@" not in
  a token followed by ".something" (an e-mail address);
- 0->o, 1->i (a repeated "11" -> "ll": "he11o"), 3->e, 4->a, 5->s, 7->t, @->a, $->s,
  upper case when the token's letters are all upper case, and in the word's own script
  ("з@кладки" -> "закладки", not a Latin "a" among Cyrillic letters).

Every change is one character for one character, so offsets do not move.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bazaarwatch.text import batch
from bazaarwatch.text.homoglyphs import fold_homoglyphs
from bazaarwatch.text.offsets import Folded

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_TOKEN = re.compile(r"(?:[^\W_]|[@$])+")
_LEET_RUN = re.compile(r"[013457@$]+")
_OTHER_DIGIT = re.compile(r"[^\D013457]")
_MAX_TOKEN = 24
# A token changes only if it has an inner run (leet characters with a letter on both
# sides), so the search for one skips most messages, and most tokens of the rest,
# without a Python call per token ("@shop", "10k", "5g" have none). The pattern starts
# with the leet characters, which the regex engine skips to fast, and looks back for
# the letter (a letter first would be tested at every position). Also run on a batch
# joined by ``batch.SEPARATOR`` (neither a letter nor a leet character).
_INNER_RUN = re.compile(r"[013457@$](?<=[^\W\d_][013457@$])[013457@$]*(?=[^\W\d_])")


def unleet(text: str) -> Folded:
    """``text`` (a token or a whole message) with leetspeak read as letters."""
    if _INNER_RUN.search(text) is None:
        return Folded(text)
    pieces: list[str] = []
    pos = 0
    for run in _INNER_RUN.finditer(text):
        if run.start() < pos:
            continue  # in the token just read
        start = run.start()
        while start > pos and _is_token_char(text[start - 1]):
            start -= 1
        token = _TOKEN.match(text, start)
        assert token is not None  # the run itself is made of token characters
        pieces += (text[pos:start], _unleet_token(token.group(), text, token.end()))
        pos = token.end()
    pieces.append(text[pos:])
    return Folded("".join(pieces))


def leet_rows(texts: Sequence[str]) -> list[int]:
    """The indices of the texts that ``unleet`` may change (it gives the others back as
    they are), found with one scan of the whole batch."""
    return batch.rows_with(_INNER_RUN, texts)


def _is_token_char(ch: str) -> bool:
    return ch.isalnum() or ch in "@$"


def _unleet_token(token: str, text: str, end: int) -> str:
    letters = sum(1 for ch in token if ch.isalpha())
    if letters * 2 < len(token) or len(token) > _MAX_TOKEN or _OTHER_DIGIT.search(token):
        return token
    email_like = end + 1 < len(text) and text[end] == "." and text[end + 1].isalnum()
    upper = all(ch.isupper() for ch in token if ch.isalpha())
    runs = list(_LEET_RUN.finditer(token))
    inner = [r for r in runs if r.start() > 0 and r.end() < len(token)
             and token[r.start() - 1].isalpha() and token[r.end()].isalpha()]
    if not inner:
        return token
    chars = list(token)
    for run in runs:
        start, end_ = run.span()
        edge = run not in inner
        if edge and not run.group().isdigit():
            continue
        if edge and not ((start > 0 and token[start - 1].isalpha())
                         or (end_ < len(token) and token[end_].isalpha())):
            continue
        if "@" in run.group() and email_like:
            continue
        reading = _read(run.group())
        chars[start:end_] = reading.upper() if upper else reading
    # The readings are Latin letters: in a Cyrillic word ("з@клaдки") they are folded to
    # the word's own script, as fold() does for look-alikes.
    return fold_homoglyphs("".join(chars))


def _read(run: str) -> str:
    return "".join(_LEET[ch] for ch in run).replace("ii", "ll")
