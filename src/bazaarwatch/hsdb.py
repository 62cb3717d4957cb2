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

import hashlib
import os
import platform
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Bump when the file layout changes.
_LAYOUT = b"bazaarwatch-hsdb-1"
_DIGEST = 32

Expression = tuple[bytes, int]  # (expression, hyperscan flags); ids are the positions


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
