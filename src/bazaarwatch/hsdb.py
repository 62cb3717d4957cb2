"""Compiled hyperscan databases, kept on disk between processes.

Compiling every indicator family's patterns takes most of a second, longer than the rest
of an ``extract`` command's start-up; the serialised database (about 1 MB) loads in well
under a millisecond. ``fold``'s pre-scan (``text.prescan``) keeps its database the same
way. It is kept under ``$XDG_CACHE_HOME/bazaarwatch/`` (``~/.cache/bazaarwatch/``),
in a file named by a hash of everything the compiled form depends on: hyperscan's version,
the machine, and each expression with its flags. Another pattern set (a plugin's patterns,
a ``--region``'s phone pattern) or another hyperscan gets another file; nothing is ever
invalidated in place.

The cache is an optimisation only: a missing, unreadable, corrupt or incompatible file is
ignored and the database compiled (and the file written again, atomically, where the
directory can be written). The file starts with the SHA-256 of the serialised database, so
a damaged file is never handed to hyperscan.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import platform
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Bump when the file layout changes.
_LAYOUT = b"bazaarwatch-hsdb-1"
_DIGEST = 32

Expression = tuple[bytes, int]  # (expression, hyperscan flags); ids are the positions


@functools.cache
def hyperscan() -> Any:
    """The hyperscan module, or None on a platform without its wheel (every caller then
    runs its patterns with ``re``)."""
    try:
        return importlib.import_module("hyperscan")
    except ImportError:
        return None


def syntax(pattern: str) -> bytes:
    """A Python ``re`` pattern as hyperscan reads it: each character beyond ASCII written
    ``\\x{…}``."""
    return "".join(ch if ch.isascii() else f"\\x{{{ord(ch):x}}}" for ch in pattern).encode()


def collect(pattern_id: int, start: int, end: int, flags: int, hits: list[int]) -> None:
    """The match handler that lists the ids found (``context=`` the list)."""
    hits.append(pattern_id)


class Scanner:
    """Databases scanned in turn over the same bytes, each thread with scratches of its
    own: the ids that the first database to find anything finds (``[]``: none did).

    Several small databases, scanned until one finds something, can cost less than one
    holding every pattern (see ``text.prescan``)."""

    def __init__(self, module: Any, databases: Sequence[Sequence[Expression]]) -> None:
        self._hyperscan = module
        self._databases = [load_database(module, expressions) for expressions in databases]
        self._local = threading.local()

    def __call__(self, data: bytes) -> list[int]:
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = [self._hyperscan.Scratch(d)
                                                 for d in self._databases]
        hits: list[int] = []
        for database, scratch in zip(self._databases, scratches, strict=True):
            database.scan(data, match_event_handler=collect, context=hits, scratch=scratch)
            if hits:
                break
        return hits


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bazaarwatch"


def cache_key(hyperscan: Any, expressions: Sequence[Expression]) -> str:
    """What the compiled database depends on, hashed: a changed pattern changes the key."""
    digest = hashlib.sha256(_LAYOUT)
    for part in (str(hyperscan.__version__), platform.machine(), platform.system()):
        digest.update(part.encode() + b"\0")
    for expression, flags in expressions:
        digest.update(len(expression).to_bytes(4, "big") + expression)
        digest.update(flags.to_bytes(8, "big"))
    return digest.hexdigest()[:40]


def cache_path(hyperscan: Any, expressions: Sequence[Expression]) -> Path:
    return cache_dir() / f"hyperscan-{cache_key(hyperscan, expressions)}.db"


def load_database(hyperscan: Any, expressions: Sequence[Expression]) -> Any:
    """The block-mode database of ``expressions``: from the cache, else compiled (and
    cached)."""
    path = cache_path(hyperscan, expressions)
    database = _read(hyperscan, path)
    if database is None:
        database = _compile(hyperscan, expressions)
        _write(path, hyperscan.dumpb(database))
    return database


def _compile(hyperscan: Any, expressions: Sequence[Expression]) -> Any:
    database = hyperscan.Database()
    database.compile(expressions=[e for e, _ in expressions],
                     ids=list(range(len(expressions))), elements=len(expressions),
                     flags=[f for _, f in expressions])
    return database


def _read(hyperscan: Any, path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, body = data[:_DIGEST], data[_DIGEST:]
    if not body or hashlib.sha256(body).digest() != head:
        return None
    try:
        database = hyperscan.loadb(body, hyperscan.HS_MODE_BLOCK)
        database.scratch = hyperscan.Scratch(database)
    except hyperscan.error:  # another hyperscan build or CPU: compile instead
        return None
    return database


def _write(path: Path, body: bytes) -> None:
    """Write atomically (a reader never sees half a file); a cache that cannot be written
    is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".hsdb-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hashlib.sha256(body).digest() + body)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
