"""Tables for the terminal, fast at any length.

rich's ``Table`` measures and renders every cell through its whole object model (about
4 ms a row: 12 s for the 3,000 indicators of a real case). This renders the same table
rich draws for its defaults (heavy head box, a space of padding, left-justified cells,
words wrapped and a word too long for its column cut with "…", columns narrowed widest
first when the table is wider than the terminal) with plain string work, so that what
analysts and their scripts saw does not change, only the time it takes.

Every cell goes through ``terminal.safe``: hostile text (ANSI escapes, carriage
returns, bidi overrides) is shown as visible escapes, never interpreted, and nothing is
read as markup.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from rich.cells import cell_len, set_cell_size

from bazaarwatch.outputs.terminal import safe

#: rich's HEAVY_HEAD box, and the ASCII one it falls back on for a terminal that cannot
#: show it: top, head, head rule, row, bottom (left, fill, divider, right).
_BOX = {False: ("┏━┳┓", "┃ ┃┃", "┡━╇┩", "│ ││", "└─┴┘"),
        True: ("+--+", "| ||", "|-+|", "| ||", "+--+")}
_PADDING = 2  # a space either side of a cell
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def render(header: Sequence[str], rows: Iterable[Sequence[str]], *, width: int,
           ascii_only: bool = False) -> Iterator[str]:
    """The lines of a table ``width`` cells wide at most (each without its newline)."""
    head = [_cell(h) for h in header]
    body = [[_cell(c) for c in row] for row in rows]
    widths = _widths(head, body, width - len(head) - 1)
    top, head_edge, rule, edge, bottom = _BOX[ascii_only]
    yield _rule(top, widths)
    yield from _row(head, widths, head_edge, header=True)
    yield _rule(rule, widths)
    for cells in body:
        yield from _row(cells, widths, edge)
    yield _rule(bottom, widths)


def _cell(value: str) -> str:
    """A cell's text as rich showed the escaped markup the commands gave it: controls
    made visible first, then emoji codes (":fire:") drawn and a trailing backslash
    doubled, as rich does."""
    text = safe(value)
    if "[" in text:  # rare: let rich's own markup reader undo its escaping
        from rich.markup import escape
        from rich.markup import render as markup

        return markup(escape(text)).plain
    if text.endswith("\\") and not text.endswith("\\\\"):
        text += "\\"
    if ":" in text:
        from rich._emoji_replace import _emoji_replace

        text = _emoji_replace(text)
    return text


def _widths(head: list[str], body: list[list[str]], room: int) -> list[int]:
    """Each column's width, padding included: the widest cell, narrowed as rich narrows
    them when the table does not fit in ``room`` (the width less the borders)."""
    widths = [_measure(c) + _PADDING for c in head]
    for cells in body:
        for i, text in enumerate(cells):
            size = _measure(text) + _PADDING
            if size > widths[i]:
                widths[i] = size
    widths = [min(w, room) for w in widths]
    if sum(widths) <= room:
        return widths
    widths = _collapse(widths, room)
    if sum(widths) > room:  # the last resort: every column loses the same share
        widths = _reduce(sum(widths) - room, [1] * len(widths), widths, widths)
    return widths


def _measure(text: str) -> int:
    """The width of a cell's widest line (lines as rich measures them: any line break)."""
    if text.isascii() and "\n" not in text:
        return len(text)
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _collapse(widths: list[int], room: int) -> list[int]:
    """Narrow the widest columns to the next widest, in turn, until the table fits."""
    excess = sum(widths) - room
    while sum(widths) and excess > 0:
        widest = max(widths)
        second = max((w for w in widths if w != widest), default=0)
        ratios = [1 if w == widest else 0 for w in widths]
        if not widest - second:
            break
        widths = _reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        excess = sum(widths) - room
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take ``total`` from ``values`` in proportion to ``ratios``, at most ``maximums``."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _rule(box: str, widths: list[int]) -> str:
    left, fill, divider, right = box[0], box[1], box[2], box[3]
    return left + divider.join(fill * w for w in widths) + right


def _row(cells: Sequence[str], widths: list[int], box: str, *, header: bool = False
         ) -> Iterator[str]:
    """A row's lines; a cell with fewer lines than its row's tallest is blank below (a
    header cell: above)."""
    left, divider, right = box[0], box[2], box[3]
    columns = [_lines(text, w - _PADDING) for text, w in zip(cells, widths, strict=True)]
    height = max(len(c) for c in columns)
    if height > 1:
        columns = [_pad(lines, height, w - _PADDING, above=header)
                   for lines, w in zip(columns, widths, strict=True)]
    for n in range(height):
        parts = (f" {lines[n]} " for lines in columns)
        yield left + divider.join(parts) + right


def _pad(lines: list[str], height: int, width: int, *, above: bool) -> list[str]:
    blank = [" " * width] * (height - len(lines))
    return blank + lines if above else lines + blank


def _lines(text: str, width: int) -> list[str]:
    """A cell's lines, each exactly ``width`` cells: words wrapped, a word longer than
    the line on a line of its own and cut with "…"."""
    if width < 1:
        return [""]
    lines = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            lines.append(_fit(_strip_end(paragraph, width), width))
            continue
        starts = [0, *_breaks(paragraph, width), len(paragraph)]
        for start, end in itertools.pairwise(starts):
            lines.append(_fit(_strip_end(paragraph[start:end], width), width))
    return lines


def _breaks(text: str, width: int) -> list[int]:
    """Where a line longer than ``width`` breaks: before each word that does not fit."""
    breaks = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        size = cell_len(word.rstrip())
        if width - offset >= size:
            offset += cell_len(word)
        elif size > width:
            if start:
                breaks.append(start)
            offset = cell_len(word)
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    return breaks


def _strip_end(line: str, width: int) -> str:
    """The line without the spaces it has past ``width`` characters."""
    excess = len(line) - width
    if excess > 0 and (spaces := _TRAILING_SPACE.search(line)):
        return line[:len(line) - min(len(spaces.group()), excess)]
    return line


def _fit(line: str, width: int) -> str:
    size = cell_len(line)
    if size > width:
        return set_cell_size(line, width - 1) + "…"
    return line + " " * (width - size)
