"""JSON Lines input for the commands that read records (``extract``, ``classify``,
``train``, ``evaluate``): one typed record per non-blank line, and an error that names the
file, the line and the expected shape when a line is not that record.

Input may be a file, standard input ("-") or a FIFO: streaming is legitimate. A device
(/dev/zero) is refused, and a line is read at most ``MAX_LINE`` bytes at a time, so a
file without newlines cannot make a command hold gigabytes in memory.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO, TypeVar

import msgspec

from bazaarwatch.errors import InputError

T = TypeVar("T")

class Line(msgspec.Struct):
    """An input line of ``extract`` and ``classify``. ``id`` is kept as its raw JSON and
    written back byte for byte, so any id (2**80, 1.5, a string, an object, null) is
    echoed as given."""

    id: msgspec.Raw
    text: str = ""


#: How a good ``Line`` looks, for error messages.
LINE_SHAPE = '{"id": ..., "text": "..."}'

#: The longest line (bytes, without its newline) a record may take: far more than any
#: message, and still a bounded amount of memory.
MAX_LINE = 16 << 20


def read_lines(source: str, kind: type[T], *, shape: str) -> Iterator[tuple[int, T]]:
    """(line number, record) for each non-blank line of ``source`` ("-": standard input).

    ``shape`` is how a good line looks, for the error message. A line over ``MAX_LINE``
    raises an InputError naming it; the records before it have been yielded, so the
    commands answer every line before the bad one (one output line per input line).
    """
    name = "<stdin>" if source == "-" else source
    decoder = msgspec.json.Decoder(kind)
    try:
        if source != "-" and _is_device(source):
            raise InputError(name, "this is a device, not a file",
                             hint="Give a JSON Lines file, or - for standard input")
        stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    except OSError as e:
        raise InputError(name, f"cannot read: {e.strerror}") from e
    with stream:
        for number, line in bounded_lines(stream):
            if line is None:
                raise InputError(name, f"the line is over {MAX_LINE >> 20} MiB",
                                 where=f"line {number}",
                                 hint=f"Split it: each line must be {shape}, "
                                      f"at most {MAX_LINE >> 20} MiB")
            if not line.strip():
                continue
            try:
                yield number, decoder.decode(line)
            except msgspec.DecodeError as e:
                raise InputError(name, str(e).replace("`", "'"), where=f"line {number}",
                                 hint=f"Each line must be {shape}") from e
            except RecursionError as e:  # msgspec's own guard against deep nesting
                raise InputError(name, "the line nests too deeply to read",
                                 where=f"line {number}",
                                 hint=f"Each line must be {shape}") from e


def _is_device(path: str) -> bool:
    mode = os.stat(path).st_mode
    return stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def bounded_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line of ``stream``, holding at most ``MAX_LINE`` bytes:
    a longer line is read past in pieces and given as None, so one line without a newline
    (or /dev/zero behind a FIFO) cannot fill memory."""
    number = 0
    while line := stream.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line
