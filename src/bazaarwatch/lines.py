"""JSON Lines input for the commands that read records (``extract``, ``classify``,
``train``, ``evaluate``): one typed record per non-blank line, and an error that names the
file, the line and the expected shape when a line is not that record."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TypeVar

import msgspec

from bazaarwatch.errors import InputError

T = TypeVar("T")


def read_lines(source: str, kind: type[T], *, shape: str) -> Iterator[tuple[int, T]]:
    """(line number, record) for each non-blank line of ``source`` ("-": standard input).

    ``shape`` is how a good line looks, for the error message.
    """
    name = "<stdin>" if source == "-" else source
    decoder = msgspec.json.Decoder(kind)
    try:
        stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as e:
        raise InputError(name, f"cannot read: {e.strerror}") from e
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield number, decoder.decode(line)
            except msgspec.DecodeError as e:
                raise InputError(name, str(e).replace("`", "'"), where=f"line {number}",
                                 hint=f"Each line must be {shape}") from e
