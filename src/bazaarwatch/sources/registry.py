"""The registry of readers, by name.

Built-in readers register here exactly as a plugin would, so ``--format NAME`` and format
detection treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from bazaarwatch.errors import InputError
from bazaarwatch.model import Message

#: Called with the bytes of the input consumed so far and their total (for progress bars);
#: for a zip these are the unpacked bytes of the member being read.
OnBytes = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """Something a reader met and dealt with without stopping.

    ``refused``: a message that could not be read (a wrong type, an impossible value) was
    left out, and the reader went on with the next; ``where`` names it (chat and message
    id, or line). Otherwise a warning: a value was changed to fit a limit, or the file
    held a surprise (a duplicate key, a second ``result.json``). Ingest records both with
    the source, so an analyst can see what was not taken as written.
    """

    where: str
    what: str
    refused: bool = False


OnProblem = Callable[[Problem], None]


class Reader(Protocol):
    """What a reader provides. ``version`` is recorded with every ingested source."""

    name: str
    version: str
    description: str

    def detect(self, path: Path) -> bool:
        """Whether ``path`` looks like this reader's format (cheap: name and first bytes)."""
        ...

    def locate(self, path: Path) -> Path:
        """The file to hash and record for ``path`` (a folder resolves to its main file)."""
        ...

    def read(self, path: Path, *, on_bytes: OnBytes | None = None,
             on_problem: OnProblem | None = None) -> Iterator[Message]:
        """Stream the messages of ``path``, in file order, never loading it whole.

        A bad message is refused through ``on_problem`` and reading goes on; damage that
        ends the file (invalid JSON) raises ``InputError`` after the messages before it."""
        ...


_READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Add ``reader`` under its name; a later registration of the same name replaces it."""
    _READERS[reader.name] = reader
    return reader


def readers() -> dict[str, Reader]:
    _load_builtins()
    return dict(_READERS)


def get_reader(name: str) -> Reader:
    _load_builtins()
    try:
        return _READERS[name]
    except KeyError:
        known = ", ".join(sorted(_READERS))
        raise InputError(name, f"unknown input format {name!r}",
                         hint=f"Use one of: {known}") from None


def detect(path: Path) -> Reader:
    """The reader for ``path``, or an error saying why none fits."""
    _load_builtins()
    if not path.exists():
        raise InputError(str(path), "no such file or folder",
                         hint="Check the path; give the export folder, its result.json or a .zip")
    for reader in _READERS.values():
        if reader.detect(path):
            return reader
    known = ", ".join(sorted(_READERS))
    raise InputError(str(path), "cannot tell which format this is",
                     hint=f"Force one with --format ({known})")


def peek(stream: BinaryIO, size: int = 512) -> bytes:
    """The first non-blank bytes of a stream (without a UTF-8 BOM), for detection."""
    head = stream.read(size)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip()


def _load_builtins() -> None:
    # Imported here, not at module top, because the built-in modules import this one.
    from bazaarwatch.sources import jsonl, telegram  # noqa: F401
