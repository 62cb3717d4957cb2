"""The one exception tree of bazaarwatch.

Every error the library raises on purpose is a ``BazaarwatchError``, so the CLI can turn
it into one clear line and exit code 1 instead of a traceback::

    BazaarwatchError
     +-- InputError            bad input: names the file, the position or record, the fix
     |    +-- FormatError      the file is not in the format its reader expects
     +-- StoreError            the case database cannot be opened or is not a case
     +-- OutputError           a report or export cannot be written where asked
"""

from __future__ import annotations


class BazaarwatchError(Exception):
    """Base of all errors raised by bazaarwatch."""


class InputError(BazaarwatchError):
    """An input could not be read. ``path`` names it; ``where`` says where inside it."""

    def __init__(self, path: str, problem: str, *, where: str | None = None,
                 hint: str | None = None) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        self.hint = hint
        location = f"{path} ({where})" if where else path
        message = f"{location}: {problem}"
        if hint:
            message += f". {hint}"
        super().__init__(message)


class FormatError(InputError):
    """The file parses, but is not the shape its reader expects."""


class StoreError(BazaarwatchError):
    """The case database cannot be used."""


class OutputError(BazaarwatchError):
    """An output file cannot be written."""
